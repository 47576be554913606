/**
 * `pnpm demo`: the Customize Unicorns API on this machine, each function in
 * a process of its own as in Lambda, with what the X-Ray console, CloudWatch
 * Logs and CloudWatch Metrics would show for each request: one line per step
 * in the terminal (`--verbose` for the traces, logs and metrics), and all of
 * it in report.html. Every function runs under a strict runtime guard; a
 * late scenario shows it stopping a compromised dependency, the last one an
 * experiment past its expires date. The template is audited first
 * (sentinel-audit). See USAGE below.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditTemplate } from '@lambda-sentinel/audit';
import { renderSpans, type SpanView } from '@lambda-sentinel/testing';
import type { ApiResponse, Invocation } from '../local/api-gateway.ts';
import { createApiGateway } from '../local/api-gateway.ts';
import { reportHtml } from '../local/report/html.ts';
import {
  countEvents,
  LOG_CONTEXT_KEYS,
  type ReportInvocation,
  type ReportStep,
  reportInvocation,
} from '../local/report/model.ts';
import { ms } from '../local/report/svg.ts';
import { buildServiceMap, toMermaid } from '../local/service-map.ts';
import { startLocalStack } from '../local/stack.ts';
import { allowedHosts } from '../src/shared/guard.ts';

const USAGE = `Usage: pnpm demo [options]

The Customize Unicorns API on this machine (dynalite, SQLite, a local JWT issuer, a local X-Ray
daemon), each function in its own process under sentinel() with a strict runtime guard. Runs the
scripted requests — near the end a compromised dependency that the guard stops, then an experiment
past its expires date — printing one line each, and writes report.html: the service map, every trace with its waterfall and log lines, and
charts of the metrics.

Options:
  --verbose     under each step, every invocation's trace tree, annotations, log lines and metrics
  --emf         under each step, the raw EMF documents (what CloudWatch Metrics receives)
  --tracing B   xray (default: the X-Ray SDK) or otel (OpenTelemetry, OTLP to the daemon): same traces
  --mysql URL   use a MySQL/MariaDB server (mysql://root@127.0.0.1:3306) instead of SQLite
  --serve       then keep the API and a live report up on http://127.0.0.1:PORT/
  --port PORT   the port for --serve (default 3000)
  --out DIR     where report.html and service-map.mmd are written (default .demo-output/)
  -h, --help    this text`;

const { values: args } = parseArgs({
  // `npm run demo -- --tracing otel` strips the `--`; `pnpm demo -- --tracing otel` passes it on.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: {
    verbose: { type: 'boolean', short: 'v', default: false },
    emf: { type: 'boolean', default: false },
    mysql: { type: 'string' },
    tracing: { type: 'string', default: 'xray' },
    serve: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../.demo-output') },
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
const magenta = paint(35);
const WIDTH = 150;
const LOG_WIDTH = WIDTH - 18;
const clip = (line: string, width = WIDTH) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);

const startedAt = new Date();
const stack = await startLocalStack({
  tracing: args.tracing,
  isolate: true,
  ...(args.mysql ? { mysqlUrl: args.mysql } : {}),
});
const { api, cognito, traces } = stack;
const steps: ReportStep[] = [];
let version = 0;

// ── What one step shows ─────────────────────────────────────────────────────────────────────────

function answerOf(response: ApiResponse | Invocation, reports: ReportInvocation[]): ReportStep['answer'] {
  if ('statusCode' in response) return response.statusCode;
  const [only] = reports;
  if (only?.status !== undefined) return only.status;
  if (only?.refused) return 'refused';
  return only?.errorName ? 'error' : 'ok';
}

function paintAnswer(answer: ReportStep['answer']): string {
  const text = String(answer).padStart(7);
  if (answer === 'refused') return magenta(text);
  if (answer === 'error' || (typeof answer === 'number' && answer >= 500)) return red(text);
  if (typeof answer === 'number' && answer >= 400) return yellow(text);
  return green(text);
}

function redactions(inv: ReportInvocation): number {
  return inv.logs.reduce((sum, log) => {
    const n = (log.sentinel as { redactions?: unknown } | undefined)?.redactions;
    return sum + (typeof n === 'number' ? n : 0);
  }, 0);
}

/** ` 2. List the socks     200  authorizer 21.0 ms (cold), unicornParts 2.0 ms (cold)   source_rejected` */
function stepLine(step: ReportStep): string {
  const functions = step.invocations
    .map((inv) => `${inv.function} ${ms(inv.durationMs)} ms${inv.coldStart ? ' (cold)' : ''}`)
    .join(', ');
  const notes = [...countEvents(step.invocations)].map(([type, n]) => {
    const blocked = step.invocations
      .flatMap((i) => i.securityEvents)
      .filter((e) => e.type === type && e.blocked);
    return `${n > 1 ? `${n}× ` : ''}${type}${blocked.length === n ? ' (blocked)' : ''}`;
  });
  const redacted = step.invocations.reduce((sum, inv) => sum + redactions(inv), 0);
  if (redacted) notes.push(`${redacted} redacted`);
  const head = `${String(step.n).padStart(2)}. ${step.title.padEnd(54)} `;
  return `${head}${paintAnswer(step.answer)}  ${functions}${notes.length ? `  ${magenta(notes.join(', '))}` : ''}`;
}

/** `key=value` pairs wrapped to the terminal width, continuation lines aligned under the first. */
function wrapped(label: string, items: string[], indent: string): string[] {
  const lines: string[] = [];
  let line = `${indent}${label.padEnd(12)}`;
  for (const item of items) {
    if (line.trim().length > label.length && line.length + item.length + 1 > WIDTH) {
      lines.push(line.trimEnd());
      line = `${indent}${' '.repeat(12)}`;
    }
    line += `${item} `;
  }
  lines.push(line.trimEnd());
  return lines;
}

function details(step: ReportStep): string[] {
  const lines = [dim(`    ${step.request} · trace ${step.invocations[0]?.traceRoot ?? '(none)'}`)];
  for (const inv of step.invocations) {
    const answer = inv.errorName && !inv.refused ? `threw ${inv.errorName}` : (inv.status ?? 'returned');
    const what = inv.refused ? `refused${inv.status ? `, ${inv.status}` : ''}` : answer;
    lines.push(
      `    ${bold(inv.function)} ${dim(`${inv.coldStart ? 'cold start' : 'warm'}, ${ms(inv.durationMs)} ms, ${what}`)}`,
    );
    // The tree without its "trace <id>" line (printed above) and with annotations listed apart.
    const tree = renderSpans(inv.spans.map((span): SpanView => ({ ...span, annotations: {} })))
      .split('\n')
      .slice(1);
    lines.push(...(tree.length ? tree.map((l) => clip(`      ${l}`)) : [dim('      (no spans received)')]));
    const handler = inv.spans.find((span) => span.name.startsWith('## '));
    const annotations = Object.entries(handler?.annotations ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    if (annotations.length) lines.push(...wrapped('annotations', annotations, '      '));
    // Each line as written, folded to the terminal's width; the longest (the event) end after
    // four rows: report.html has them in full.
    const logs = inv.logs.flatMap((log) => {
      const rest = Object.fromEntries(Object.entries(log).filter(([k]) => !LOG_CONTEXT_KEYS.has(k)));
      const line = `${String(log.level).padEnd(5)} ${log.message ?? ''}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}`;
      const rows = clip(line, 4 * LOG_WIDTH).match(new RegExp(`.{1,${LOG_WIDTH}}`, 'gu')) ?? [];
      return rows.map((row) => (log.level === 'WARN' || log.level === 'ERROR' ? yellow(row) : row));
    });
    lines.push(...logs.map((l, i) => `      ${i === 0 ? 'logs'.padEnd(12) : ' '.repeat(12)}${l}`));
    const metrics = Object.entries(inv.metrics).map(
      ([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`,
    );
    const events = [...countEvents([inv])].map(([type, n]) => `SecurityEvents{event_type=${type}}=${n}`);
    lines.push(...wrapped('metrics', [...metrics, ...events], '      '));
  }
  return lines;
}

function rawEmf(step: ReportStep): string[] {
  return step.invocations.flatMap((inv) => inv.emf.map((doc) => JSON.stringify(doc)));
}

async function record(
  title: string,
  request: string,
  response: ApiResponse | Invocation,
): Promise<ReportStep> {
  const invocations = 'statusCode' in response ? response.invocations : [response];
  // UDP datagrams arrive a little after the invocation returns: wait for each invocation's own
  // ended handler span (its children are sent with or before it).
  for (const inv of invocations) {
    await traces.trace(inv.traceRoot, 1, `## ${inv.function}.handler`).catch(() => undefined);
  }
  const reports = invocations.map((inv) => reportInvocation(inv, traces.spans(inv.traceRoot)));
  const step: ReportStep = {
    n: steps.length + 1,
    title,
    request,
    answer: answerOf(response, reports),
    invocations: reports,
  };
  steps.push(step);
  version += 1;
  console.log(stepLine(step));
  if (args.verbose) console.log(details(step).join('\n'));
  if (args.emf) console.log(rawEmf(step).join('\n'));
  return step;
}

const request = (
  title: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) =>
  api
    .request(method, path, init)
    .then(async (response) => ({ response, step: await record(title, `${method} ${path}`, response) }));

const invokeDirectly = async (title: string, fn: string, event: unknown) =>
  record(title, `invoke ${fn}`, await api.invokeDirectly(fn, event));

// ── The run ─────────────────────────────────────────────────────────────────────────────────────

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const adminToken = cognito.accessToken('wildrydes-admin', ['WildRydes/ManagePartners']);

console.log(bold('Lambda Sentinel demo — the serverless security workshop\'s "Customize Unicorns" API'));
console.log(
  dim(
    `each function in its own process · ${stack.database} · dynalite · local Cognito · X-Ray daemon ${traces.address} (${stack.tracing === 'otel' ? 'OpenTelemetry' : 'X-Ray SDK'})`,
  ),
);
const guardFacts = [
  'every policy blocks ·',
  'writes: /tmp/** ·',
  "reads: not the function's code nor /proc/*/environ ·",
];
guardFacts.push('no child processes ·', 'outbound:', ...allowedHosts());
console.log(dim(wrapped('guard', guardFacts, '').join('\n')));
// Fleet hygiene before deploying: the template the stack imitates, as CI would audit it.
const templatePath = resolve(import.meta.dirname, '../template.yaml');
const audit = await auditTemplate(readFileSync(templatePath, 'utf8'), { path: templatePath });
const auditFindings = audit.functions.flatMap((fn) =>
  fn.findings.map((f) => `${fn.id}: ${f.rule} (${f.level})`),
);
const auditSummary = `sentinel-audit template.yaml: ${audit.functions.length} functions, ${audit.counts.error} errors, ${audit.counts.warning} warnings${auditFindings.length ? ` — ${auditFindings.join('; ')}` : ''}`;
console.log(dim(clip(auditSummary)));
console.log();

const { response: partner } = await request(
  'Register a partner company (ManagePartners scope)',
  'POST',
  '/partners',
  {
    headers: bearer(adminToken),
    body: JSON.stringify({ name: 'Unicorn Rides Inc' }),
  },
);
const { ClientID } = JSON.parse(partner.body) as { ClientID: string };
const token = cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicorn']);

await request('List the socks', 'GET', '/socks', { headers: bearer(token) });
const { response: created } = await request(
  'Create a customization (company from the authorizer)',
  'POST',
  '/customizations',
  {
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
  },
);
const id = JSON.parse(created.body).customUnicornId;
await request('Read it back', 'GET', `/customizations/${id}`, { headers: bearer(token) });
await request('SQL injection in a field: refused by validation', 'POST', '/customizations', {
  headers: bearer(token),
  body: JSON.stringify({
    name: 'x',
    imageUrl: 'https://example.com/x.png',
    sock: 1,
    horn: 1,
    glasses: 1,
    cape: "2); INSERT INTO Socks (NAME, PRICE) VALUES ('pwned', 0",
  }),
});
await request(
  'SQL injection in the path: refused',
  'GET',
  `/customizations/${encodeURIComponent('1; drop table Custom_Unicorns;')}`,
  {
    headers: bearer(token),
  },
);
await request('Password, card and e-mail in the body: logged redacted', 'POST', '/customizations', {
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
});
await request('Token without the CustomizeUnicorn scope: denied', 'GET', '/customizations', {
  headers: bearer(cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicornX'])),
});
await invokeDirectly('Forged direct invocation of customizeUnicorn', 'customizeUnicorn', {
  resource: '/customizations',
  httpMethod: 'GET',
  requestContext: { authorizer: { CompanyID: '1' } },
});
await invokeDirectly('Forged API Gateway event from another API', 'customizeUnicorn', {
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
});
await invokeDirectly('Scheduled analytics run (EventBridge rule)', 'customUnicornAnalytics', {
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: stack.accountId,
  time: new Date().toISOString(),
  region: stack.region,
  resources: [`arn:aws:events:${stack.region}:${stack.accountId}:rule/CustomUnicornAnalytics`],
  detail: {},
});
await stack.addFunction(
  'renderPreview',
  resolve(import.meta.dirname, '../local/demo-functions/render-preview.ts'),
);
await invokeDirectly('CPU-heavy request blocks the event loop for 300 ms', 'renderPreview', {
  preview: 'large',
});
const appSteps = steps.length;

// The runtime guard at work. No vulnerability is added to the app: the demo runs a copy of
// unicornParts with a "compromised dependency" in its request path, behind its own API emulation.
const compromised = await stack.addFunction(
  'compromisedUnicornParts',
  resolve(import.meta.dirname, '../local/demo-functions/compromised-parts.ts'),
);
const compromisedApi = createApiGateway({
  apiId: stack.apiId,
  stage: stack.stage,
  accountId: stack.accountId,
  region: stack.region,
  authorizer: stack.functions.authorizer!,
  functions: { unicornParts: compromised },
  xrayDaemonAddress: traces.address,
  routes: [{ method: 'GET', resource: '/socks', function: 'unicornParts' }],
});
await record(
  'Compromised dependency inside unicornParts',
  'GET /socks',
  await compromisedApi.request('GET', '/socks', { headers: bearer(token) }),
);

// Fleet hygiene at run time: an experiment past its expires date, still deployed.
await stack.addFunction(
  'pricingExperiment',
  resolve(import.meta.dirname, '../local/demo-functions/expired-experiment.ts'),
);
await invokeDirectly('An experiment left running past its expires date', 'pricingExperiment', {});

// ── The summary and the report ──────────────────────────────────────────────────────────────────

function guardSummary(): string {
  const violations = (from: readonly ReportStep[]) =>
    from.flatMap((step) =>
      step.invocations.flatMap((inv) =>
        inv.securityEvents.filter((e) => e.type === 'guard_violation').map((e) => ({ step: step.n, ...e })),
      ),
    );
  const app = violations(steps.slice(0, appSteps));
  const demo = violations(steps.slice(appSteps));
  const appInvocations = steps.slice(0, appSteps).reduce((sum, step) => sum + step.invocations.length, 0);
  const blocked = demo.filter((v) => v.blocked).length;
  const where = [...new Set(demo.map((v) => v.step))].join(', ');
  return `runtime guard: ${demo.length} violation${demo.length === 1 ? '' : 's'} in step ${where || '-'} (the compromised dependency), ${blocked} blocked; ${app.length} in the app's own ${appInvocations} invocations`;
}

const meta = () => ({
  title: 'Customize Unicorns — Lambda Sentinel demo',
  tracing: stack.tracing,
  database: stack.database,
  startedAt,
  version,
  notes: [guardSummary(), auditSummary],
});

async function writeReport(): Promise<string> {
  const file = resolve(args.out, 'report.html');
  mkdirSync(args.out, { recursive: true });
  writeFileSync(file, await reportHtml(steps, meta()));
  writeFileSync(resolve(args.out, 'service-map.mmd'), toMermaid(buildServiceMap(steps)));
  return file;
}

const events = [...countEvents(steps.flatMap((s) => s.invocations))].map(([type, n]) => `${n}× ${type}`);
console.log();
console.log(`security events: ${events.join(', ') || 'none'}`);
const summary = guardSummary();
console.log(/ 0 in the app/.test(summary) ? green(summary) : red(summary));
console.log(
  `${bold('report')}: ${await writeReport()} — service map, traces with waterfalls and logs, metric charts`,
);

if (!args.serve) {
  await stack.close();
} else {
  // The API for curl, and the report at /, rebuilt on each request (it reloads itself on new traces).
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      try {
        const path = req.url ?? '/';
        if (req.method === 'GET' && (path === '/' || path === '/report.html')) {
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(await reportHtml(steps, meta()));
          return;
        }
        if (req.method === 'GET' && path === '/report/version') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end(String(version));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const response = await api.request(req.method ?? 'GET', path, { headers, ...(body ? { body } : {}) });
        if (response.invocations.length) {
          await record(`curl ${req.method} ${path}`, `${req.method} ${path}`, response);
          await writeReport();
        }
        res.writeHead(response.statusCode, response.headers).end(response.body);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  server.listen(Number(args.port), '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    console.log(`\nServing the API and a live report on ${origin}/ — open it in a browser, then try:`);
    console.log(`  TOKEN='${token}'`);
    console.log(`  curl -H "Authorization: Bearer $TOKEN" ${origin}/socks`);
    console.log(`  curl -H "Authorization: Bearer $TOKEN" ${origin}/customizations`);
    console.log('Ctrl-C to stop.');
  });
  process.on('SIGINT', async () => {
    server.close();
    await stack.close();
    process.exit(0);
  });
}
