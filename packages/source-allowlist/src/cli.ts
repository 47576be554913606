#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { readObservedSources } from './read-observed.ts';
import { suggestAllowlist } from './suggest.ts';

const USAGE = `Usage: sentinel-allowlist suggest < observed.jsonl

Reads source-allowlist observe-mode log lines (JSON lines) on stdin and prints
the smallest allow rules covering them, as JSON, on stdout.`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'suggest' || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const lines = (await text(process.stdin)).split(/\r?\n/);
  const sources = readObservedSources(lines);
  const rules = suggestAllowlist(sources);
  process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  console.error(`sentinel-allowlist: ${sources.length} observed source line(s) → ${rules.length} rule(s)`);
  if (rules.some((rule) => [rule.kind].flat().includes('unknown'))) {
    console.error(
      'sentinel-allowlist: a rule allows kind "unknown" (direct invocations); keep it only if you mean it',
    );
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
