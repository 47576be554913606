import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import { scheduleRule } from '../shared/allow.ts';
import { dynamodb } from '../shared/clients.ts';
import { dbUtils } from '../shared/database.ts';
import { guardOptions } from '../shared/guard.ts';
import { instrumentation } from '../shared/observability.ts';
import { BODY_PARTS, type BodyPart } from './dbUtils.ts';

const { logger, metrics } = instrumentation('custom-unicorn-analytics');

/** Scheduled: counts each part's options and records them in the demand forecast table. */
export async function customUnicornAnalytics(): Promise<Record<string, number | string>> {
  const counts = await Promise.all(
    (Object.keys(BODY_PARTS) as BodyPart[]).map((p) => dbUtils.countBodyPartOptions(p)),
  );
  const byPart = Object.fromEntries(counts);
  const record = {
    HornCount: byPart.horns ?? 0,
    SockCount: byPart.socks ?? 0,
    GlassCount: byPart.glasses ?? 0,
    CapeCount: byPart.capes ?? 0,
    RecordTimeStamp: new Date().toISOString(),
  };
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.DEMAND_FORECAST_DDB_TABLE,
      Item: {
        RecordTimeStamp: { S: record.RecordTimeStamp },
        HornCount: { N: String(record.HornCount) },
        SockCount: { N: String(record.SockCount) },
        GlassCount: { N: String(record.GlassCount) },
        CapeCount: { N: String(record.CapeCount) },
      },
    }),
  );
  metrics.addMetric('PartOptionsCounted', 'Count', counts.length);
  return record;
}

export const handler = middy(customUnicornAnalytics).use(
  sentinel({
    serviceName: 'custom-unicorn-analytics',
    allow: [scheduleRule()],
    logger,
    metrics,
    guard: guardOptions(),
  }),
);
