import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Advisory, fetchAdvisories } from './advisories.ts';
import type { CliIo } from './audit-cli.ts';
import { compareInventory, type Drift, inSync, readInventories, readLockfile } from './drift.ts';
import {
  type DependencyInventory,
  embedInventory,
  INVENTORY_FILE,
  inventoryFromMetafile,
  inventoryInBundle,
  type MetafileLike,
  scanNodeModules,
} from './inventory.ts';

const USAGE = `Usage: sentinel-inventory <command> [options]

Commands:
  diff --lockfile FILE [--expected FILE] [--advisories] [--registry URL] [--format table|json] INPUT...
      How each deployed function's dependencies differ from the repository's lockfile
      (pnpm-lock.yaml, package-lock.json): older, newer, removed (no longer in the repository),
      and added (with --expected, the inventory or bundle of a fresh build). INPUT: a Logs Insights
      export (CSV or JSON, console or get-query-results) of dependency_inventory lines, log lines,
      an inventory file or a built bundle. --advisories asks the npm registry for known
      vulnerabilities of the deployed versions (network).
      Exit code: 0 in sync; 4 drift; 2 (added) known advisories; 1 a usage or read error.
  embed --metafile META.json [--working-dir DIR] BUNDLE
      Writes the inventory of BUNDLE (from esbuild's metafile, e.g. CDK's bundling.metafile)
      into BUNDLE, for builds that cannot load the esbuild plugin (CDK's afterBundling hook).
  scan [--output FILE] DIR
      For an unbundled deployment: reads DIR/node_modules/**/package.json and writes
      DIR/${INVENTORY_FILE}, where the logger finds it at LAMBDA_TASK_ROOT.
`;

function fail(io: CliIo, message: string): number {
  io.stderr(`sentinel-inventory: ${message}\n`);
  return 1;
}

/** `sentinel-inventory` itself, with its arguments and output streams given: returns the exit code. */
export async function runInventoryCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        lockfile: { type: 'string' },
        expected: { type: 'string' },
        advisories: { type: 'boolean', default: false },
        registry: { type: 'string' },
        format: { type: 'string', default: 'table' },
        metafile: { type: 'string' },
        'working-dir': { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${USAGE}`);
  }
  if (command === undefined || command === '--help' || command === '-h' || values.help) {
    io.stdout(USAGE);
    return command === undefined ? 1 : 0;
  }
  try {
    if (command === 'scan') {
      if (positionals.length !== 1) return fail(io, `scan: expected one deployment folder\n\n${USAGE}`);
      const dir = positionals[0] as string;
      const inventory = scanNodeModules(dir);
      const output = (values.output as string | undefined) ?? join(dir, INVENTORY_FILE);
      writeFileSync(output, `${JSON.stringify(inventory)}\n`);
      io.stdout(`${inventory.packages.length} packages → ${output}\n`);
      return 0;
    }
    if (command === 'embed') {
      if (positionals.length !== 1 || typeof values.metafile !== 'string') {
        return fail(io, `embed: expected --metafile META.json and one bundle\n\n${USAGE}`);
      }
      const bundle = resolve(positionals[0] as string);
      const metafile = JSON.parse(readFileSync(values.metafile, 'utf8')) as MetafileLike;
      const workingDir = resolve((values['working-dir'] as string | undefined) ?? process.cwd());
      const output =
        Object.keys(metafile.outputs).find((out) => resolve(workingDir, out) === bundle) ??
        Object.keys(metafile.outputs).find((out) => basename(out) === basename(bundle));
      if (!output) return fail(io, `embed: ${bundle} is not an output of that metafile`);
      const inventory = inventoryFromMetafile(metafile, output, workingDir);
      embedInventory(bundle, inventory);
      io.stdout(`${inventory.packages.length} packages → ${bundle}\n`);
      return 0;
    }
    if (command === 'diff') return await diff(values, positionals, io);
    return fail(io, `unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  } catch (error) {
    return fail(io, `${command}: ${(error as Error).message}`);
  }
}

async function diff(
  values: Record<string, string | boolean | undefined>,
  inputs: string[],
  io: CliIo,
): Promise<number> {
  const lockfile = values.lockfile;
  if (typeof lockfile !== 'string' || inputs.length === 0) {
    return fail(io, `diff: expected --lockfile FILE and at least one inventory input\n\n${USAGE}`);
  }
  if (values.format !== 'table' && values.format !== 'json')
    return fail(io, `diff: --format: expected table or json`);
  const locked = readLockfile(readFileSync(lockfile, 'utf8'), lockfile);
  let expected: DependencyInventory | undefined;
  if (typeof values.expected === 'string') {
    const text = readFileSync(values.expected, 'utf8');
    expected = inventoryInBundle(text) ?? (JSON.parse(text) as DependencyInventory);
  }
  const deployed = inputs.flatMap((input) => readInventories(readFileSync(input, 'utf8'), input));
  if (deployed.length === 0) return fail(io, 'diff: no dependency_inventory found in the inputs');
  const drifts = deployed.map((inventory) => compareInventory(inventory, locked, expected));
  let advisories: Advisory[] = [];
  if (values.advisories) {
    advisories = await fetchAdvisories(
      deployed.flatMap((d) => d.packages),
      {
        ...(typeof values.registry === 'string' ? { registry: values.registry } : {}),
      },
    );
  }
  io.stdout(
    values.format === 'json'
      ? `${JSON.stringify({ drifts, advisories }, null, 2)}\n`
      : driftTable(drifts, advisories, deployed),
  );
  return (drifts.every(inSync) ? 0 : 4) | (advisories.length > 0 ? 2 : 0);
}

function driftTable(
  drifts: Drift[],
  advisories: Advisory[],
  deployed: { function: string; packages: { name: string; version: string }[] }[],
): string {
  const out: string[] = [];
  for (const [i, drift] of drifts.entries()) {
    const label = `${drift.function}${drift.hash ? ` (${drift.hash})` : ''}`;
    out.push(
      inSync(drift)
        ? `${label}: in sync (${drift.unchanged} packages)`
        : `${label}: ${drift.older.length} older, ${drift.newer.length} newer, ${drift.removed.length} removed, ${drift.added.length} added`,
    );
    for (const c of drift.older) out.push(`  older    ${c.name}@${c.deployed} (repository: ${c.repository})`);
    for (const c of drift.newer) out.push(`  newer    ${c.name}@${c.deployed} (repository: ${c.repository})`);
    for (const p of drift.removed)
      out.push(`  removed  ${p.name}@${p.version} (not in the repository any more)`);
    for (const p of drift.added) out.push(`  added    ${p.name}@${p.version} (not deployed yet)`);
    const runs = new Set((deployed[i]?.packages ?? []).map((p) => `${p.name}@${p.version}`));
    for (const a of advisories.filter((a) => runs.has(`${a.name}@${a.version}`))) {
      out.push(`  advisory ${a.name}@${a.version} ${a.severity}: ${a.title} ${a.url}`);
    }
  }
  return `${out.join('\n')}\n`;
}
