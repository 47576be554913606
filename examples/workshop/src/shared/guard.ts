import type { RuntimeGuardOptions } from '@lambda-sentinel/runtime-guard';

/**
 * The runtime guard every function runs under (`sentinel({ guard: guardOptions() })`):
 * every policy blocks, and the only thing the app has to spell out is where
 * it connects to.
 *
 * - outbound: the regional service endpoints of `AWS_REGION`
 *   (`*.<region>.amazonaws.com:443`: DynamoDB, Cognito — CreateUserPoolClient,
 *   and the JWKS the authorizer fetches from its issuer — and Secrets
 *   Manager) and the RDS / RDS Proxy endpoints the database secret may name
 *   (`*.*.<region>.rds.amazonaws.com:3306`) — plus the hosts the environment
 *   points the clients at instead: `DYNAMODB_ENDPOINT`, `COGNITO_ENDPOINT`
 *   (the local stand-ins) and `DB_HOST:DB_PORT`. A database elsewhere named
 *   only in the secret must be added here: the secret is read at run time,
 *   the policy is fixed when the function loads. The Lambda Runtime API is
 *   always allowed; X-Ray segments go over UDP, which the guard does not
 *   watch.
 * - fileWrite: the default, `/tmp/**` only; the app writes no file at all.
 *   The demo's SQLite database is `node:sqlite`, a native binding that opens
 *   and writes its file without `node:fs`, so the guard would not see it
 *   (it is in memory anyway).
 * - fileRead: the default: not the function's own code (`LAMBDA_TASK_ROOT`)
 *   and not the process environment (`/proc/self/environ`). The app reads no
 *   file of its own at run time: the schema in src/init/queries.sql is loaded
 *   by whoever provisions the database (the local stack, or you in AWS).
 * - childProcess: the default, none.
 */
export function guardOptions(env: NodeJS.ProcessEnv = process.env): RuntimeGuardOptions {
  return { mode: 'block', outbound: { allowHosts: allowedHosts(env) } };
}

/** The region's AWS endpoints and the hosts the environment configures, as `host:port` patterns. */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const hosts = new Set<string>();
  const region = env.AWS_REGION;
  if (region && /^[a-z0-9-]+$/.test(region)) {
    // `*` stays inside one label: the services of the region, not hosts anyone can own under it.
    hosts.add(`*.${region}.amazonaws.com:443`);
    hosts.add(`*.*.${region}.rds.amazonaws.com:3306`);
  }
  // The user pool's own region, which may differ from the function's.
  const poolRegion = env.USER_POOL_ID?.split('_')[0];
  if (poolRegion && /^[a-z0-9-]+$/.test(poolRegion)) hosts.add(`cognito-idp.${poolRegion}.amazonaws.com:443`);
  for (const variable of ['DYNAMODB_ENDPOINT', 'COGNITO_ENDPOINT']) {
    const host = endpointHost(env[variable]);
    if (host) hosts.add(host);
  }
  if (env.DB_HOST) hosts.add(hostPort(env.DB_HOST, env.DB_PORT || '3306'));
  return [...hosts];
}

/** `host:port` of an endpoint URL (port from the scheme when absent); undefined when unset or malformed. */
function endpointHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { hostname, port, protocol } = new URL(url);
    return hostPort(hostname, port || (protocol === 'http:' ? '80' : '443'));
  } catch {
    return undefined;
  }
}

function hostPort(host: string, port: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare.includes(':') ? `[${bare}]:${port}` : `${bare}:${port}`;
}
