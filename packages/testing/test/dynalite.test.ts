import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../src/index.ts';

describe('startDynalite', () => {
  let db: DynaliteServer;
  let client: DynamoDBClient;

  beforeAll(async () => {
    db = await startDynalite();
    client = new DynamoDBClient(db.clientConfig);
  });
  afterAll(async () => {
    client.destroy();
    await db.close();
  });

  it('listens on a loopback port with a ready client config', () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(db.clientConfig).toMatchObject({ endpoint: db.endpoint, region: 'us-east-1' });
    expect(db.clientConfig.credentials.accessKeyId).not.toBe('');
  });

  it('serves CreateTable, PutItem and GetItem to the real AWS SDK v3 client', async () => {
    const created = await client.send(
      new CreateTableCommand({
        TableName: 'unicorns',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(created.TableDescription?.TableName).toBe('unicorns');
    await client.send(
      new PutItemCommand({ TableName: 'unicorns', Item: { id: { S: 'u1' }, colour: { S: 'pink' } } }),
    );
    const got = await client.send(new GetItemCommand({ TableName: 'unicorns', Key: { id: { S: 'u1' } } }));
    expect(got.Item).toEqual({ id: { S: 'u1' }, colour: { S: 'pink' } });
  });

  it('answers errors the way DynamoDB does', async () => {
    await expect(
      client.send(new GetItemCommand({ TableName: 'missing', Key: { id: { S: 'x' } } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('runs independent servers side by side and closes cleanly', async () => {
    const other = await startDynalite({ region: 'eu-west-1' });
    expect(other.endpoint).not.toBe(db.endpoint);
    expect(other.clientConfig.region).toBe('eu-west-1');
    await other.close();
  });
});
