import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { encodeTraceRequest } from './otlp-encode.ts';
import { signPost } from './sigv4.ts';

/** AWS credentials as the AWS SDK v3 resolves them. */
export interface AwsCredentials {
  /** The access key id (`AWS_ACCESS_KEY_ID`). */
  accessKeyId: string;
  /** The secret access key (`AWS_SECRET_ACCESS_KEY`): used to sign, never sent or logged. */
  secretAccessKey: string;
  /** The session token of temporary credentials (`AWS_SESSION_TOKEN`), as Lambda's role gives. */
  sessionToken?: string;
}

/** Options of {@link OtlpHttpExporter}. */
export interface OtlpHttpExporterOptions {
  /** The OTLP/HTTP traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  /**
   * Sign each request with SigV4 for this region (the X-Ray OTLP endpoint,
   * service `xray`). Off when absent.
   */
  sigv4Region?: string;
  /** Credentials for signing. Default: the function's role, from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`. */
  credentials?: () => Promise<AwsCredentials>;
  /** Abandon an export after this long. Default 2000 ms. */
  timeoutMs?: number;
}

async function credentialsFromEnv(): Promise<AwsCredentials> {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('no AWS credentials in the environment to sign X-Ray OTLP requests');
  }
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}

/**
 * OTLP/HTTP protobuf: to a collector (the ADOT / OpenTelemetry Collector
 * Lambda layer listens on localhost:4318), or SigV4-signed to the X-Ray OTLP
 * endpoint (`https://xray.<region>.amazonaws.com/v1/traces`). One POST per
 * export, no retries: the invocation waits for it, and a trace is not worth
 * a slower response.
 */
export class OtlpHttpExporter implements SpanExporter {
  /** Where each export is POSTed. */
  readonly url: URL;
  readonly #timeoutMs: number;
  readonly #sigv4Region: string | undefined;
  readonly #credentials: () => Promise<AwsCredentials>;

  constructor(options: OtlpHttpExporterOptions) {
    this.url = new URL(options.url);
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#sigv4Region = options.sigv4Region || undefined;
    this.#credentials = options.credentials ?? credentialsFromEnv;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#post(spans).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  async #post(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return;
    const body = encodeTraceRequest(spans);
    if (!body) throw new Error('OTLP serialisation produced nothing');
    let headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
    if (this.#sigv4Region) {
      const credentials = await this.#credentials();
      headers = signPost(this.url, headers, body, {
        ...credentials,
        region: this.#sigv4Region,
        service: 'xray',
      });
    }
    const response = await fetch(this.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`OTLP export to ${this.url.host} failed: HTTP ${response.status}`);
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}
