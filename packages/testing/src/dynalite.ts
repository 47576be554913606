import type { Server } from 'node:http';
import { createRequire } from 'node:module';

export interface DynaliteServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  /** Spread into an AWS SDK v3 DynamoDB client: `new DynamoDBClient(db.clientConfig)`. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  close(): Promise<void>;
}

export interface DynaliteOptions {
  region?: string;
  /** How long tables stay CREATING / DELETING / UPDATING. 0 by default, so tests need not wait for ACTIVE. */
  tableStateMs?: number;
}

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** Starts an in-memory DynamoDB (dynalite) on a free loopback port. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<DynaliteServer> {
  const ms = options.tableStateMs ?? 0;
  const server = dynalite({ createTableMs: ms, deleteTableMs: ms, updateTableMs: ms });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite: no TCP address');
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: options.region ?? 'us-east-1',
      // dynalite accepts any credentials; the SDK just needs some to sign with.
      credentials: { accessKeyId: 'AKIDLOCALDYNALITE', secretAccessKey: 'local-dynalite-secret' },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
