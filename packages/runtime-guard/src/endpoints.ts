/**
 * Which hosts the function's AWS SDK v3 clients call, so `outbound` can
 * allow exactly those instead of every name under `amazonaws.com` (where
 * anyone can own an EC2 host name, an S3 website or an `execute-api` host).
 *
 * Only the clients' public configuration is used (rule 7): the endpoint
 * resolver every v3 client carries (`config.endpointProvider`, synchronous),
 * and its region and custom-endpoint providers (asynchronous).
 */

interface EndpointParameters {
  Region: string;
  UseFIPS?: boolean;
  UseDualStack?: boolean;
  Bucket?: string;
  AccountId?: string;
  AccountIdEndpointMode?: string;
}

interface ClientConfig {
  endpointProvider: (parameters: EndpointParameters) => { url: URL };
  region?: unknown;
  endpoint?: unknown;
  isCustomEndpoint?: unknown;
}

/** Lambda's region names (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** The function's own region, as Lambda sets it. */
export function functionRegion(env: NodeJS.ProcessEnv): string | undefined {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region && REGION.test(region) ? region : undefined;
}

/**
 * The regional service endpoints of `region` (`*.eu-west-1.amazonaws.com:443`,
 * `*.eu-west-1.api.aws:443`): the outbound default when no clients are given.
 * One label under the region — a service name — and nothing deeper.
 */
export function regionalEndpoints(region: string | undefined): string[] {
  if (!region) return [];
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return [`*.${region}.${domain}:443`, `*.${region}.api.aws:443`];
}

/** Undefined when `client` is usable, else what is wrong with it. */
export function clientProblem(client: unknown): string | undefined {
  const config = (client as { config?: Partial<ClientConfig> } | null)?.config;
  return typeof config?.endpointProvider === 'function'
    ? undefined
    : 'must be an AWS SDK v3 client (an object whose config has an endpointProvider)';
}

function hostPattern(hostname: string, port: string | number | undefined, protocol: string): string {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const portText = port === undefined || port === '' ? (protocol === 'http:' ? '80' : '443') : String(port);
  return host.includes(':') ? `[${host}]:${portText}` : `${host}:${portText}`;
}

// Placeholders for the values some services put in the host name (an S3 bucket, an account id).
const BUCKET = 'sentinel-probe-bucket';
const ACCOUNT = '000000000000';

/**
 * The endpoints a client resolves to in `region`, with and without FIPS and
 * dual-stack (the client may turn either on). Where the service puts a
 * per-request label in the host (S3 buckets, DynamoDB account endpoints), that
 * label becomes `*`: the bucket or account is named by the request, not the client.
 */
export function clientEndpoints(client: unknown, region: string | undefined): string[] {
  if (!region) return [];
  const { endpointProvider } = (client as { config: ClientConfig }).config;
  const found = new Set<string>();
  const add = (parameters: EndpointParameters, placeholder?: string): void => {
    let url: URL;
    try {
      url = endpointProvider(parameters).url;
    } catch {
      return; // a combination the partition does not offer
    }
    let host = url.hostname;
    if (placeholder) {
      if (!host.startsWith(`${placeholder}.`)) return;
      host = `*${host.slice(placeholder.length)}`;
    }
    found.add(hostPattern(host, url.port, url.protocol));
  };
  for (const UseFIPS of [false, true]) {
    for (const UseDualStack of [false, true]) {
      const base = { Region: region, UseFIPS, UseDualStack };
      add(base);
      add({ ...base, Bucket: BUCKET }, BUCKET);
      add({ ...base, AccountId: ACCOUNT, AccountIdEndpointMode: 'required' }, ACCOUNT);
    }
  }
  return [...found];
}

/**
 * The endpoints from the client's own configuration: a custom `endpoint`
 * (a local stand-in, a VPC endpoint URL) as given, otherwise those of the
 * client's region. Empty when its providers fail.
 */
export async function configuredEndpoints(client: unknown): Promise<string[]> {
  const config = (client as { config: ClientConfig }).config;
  if (config.isCustomEndpoint === true && typeof config.endpoint === 'function') {
    const endpoint = (await config.endpoint()) as { hostname?: unknown; port?: unknown; protocol?: unknown };
    if (typeof endpoint?.hostname !== 'string') return [];
    const port =
      typeof endpoint.port === 'number' || typeof endpoint.port === 'string' ? endpoint.port : undefined;
    return [hostPattern(endpoint.hostname, port, String(endpoint.protocol))];
  }
  const region = typeof config.region === 'function' ? await config.region() : config.region;
  return typeof region === 'string' && REGION.test(region) ? clientEndpoints(client, region) : [];
}
