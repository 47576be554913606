/**
 * Base64 record data: Kinesis, Firehose, Kafka, and base64 SQS/SNS bodies are
 * decoded, redacted and re-encoded when something was found; binary and
 * benign data come out byte for byte.
 */
import { fixtures } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');
const secretJson = JSON.stringify({ user: 'bob', password: 'hunter2-Q7x' });
const secretText = 'login ok: password=hunter2-Q7x for bob';

describe('base64 record data', () => {
  it('Kinesis and Firehose `data`: decoded, redacted, re-encoded', () => {
    const kinesis = redact(fixtures.kinesis({ records: 2, body: () => secretJson })) as {
      Records: { kinesis: { data: string } }[];
    };
    const firehose = redact(fixtures.firehose({ records: 2, body: () => secretText })) as {
      records: { data: string }[];
    };
    for (const data of [
      ...kinesis.Records.map((r) => r.kinesis.data),
      ...firehose.records.map((r) => r.data),
    ]) {
      const decoded = unb64(data);
      expect(decoded).not.toContain('hunter2');
      expect(decoded).toContain('bob');
    }
  });

  it('Kafka `key` and `value`', () => {
    const event = fixtures.kafka({ records: 1, body: () => secretText });
    const out = JSON.stringify(redact(event));
    const values = [...out.matchAll(/"value":"([A-Za-z0-9+/=]+)"/g)].map((m) => unb64(m[1]!));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).not.toContain('hunter2');
  });

  it('SQS and SNS bodies sent base64-encoded by their producer', () => {
    const sqs = redact(fixtures.sqs({ records: 1, body: () => b64(secretJson) })) as {
      Records: { body: string }[];
    };
    expect(unb64(sqs.Records[0]!.body)).not.toContain('hunter2');
    const sns = redact({ Records: [{ Sns: { Message: b64(secretText), Subject: 'x' } }] }) as {
      Records: { Sns: { Message: string } }[];
    };
    expect(unb64(sns.Records[0]!.Sns.Message)).toBe('login ok: password=[REDACTED:secret-param] for bob');
  });

  it('leaves benign and binary data byte for byte', () => {
    const benign = fixtures.kinesis({ records: 3, body: (i) => JSON.stringify({ event: 'click', n: i }) });
    expect(redact(benign)).toEqual(benign);
    const binary = { data: Buffer.from([0, 1, 2, 255, 254, 253, 10, 13, 0, 7, 8, 9]).toString('base64') };
    expect(redact(binary)).toEqual(binary);
    // CloudWatch Logs subscription data is gzip: binary to the redactor, left as it is.
    const logs = fixtures.cloudwatchLogs();
    expect(redact(logs)).toEqual(logs);
  });

  it('does not take ordinary values for base64', () => {
    for (const value of ['PENDING', 'abcdEFGH1234', 'orders/2024/05/01', 'SGVsbG8']) {
      expect(redact({ value })).toEqual({ value });
    }
  });
});
