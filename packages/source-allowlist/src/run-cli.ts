import { text } from 'node:stream/consumers';
import { readObservedSources } from './read-observed.ts';
import { suggestAllowlist } from './suggest.ts';

export const USAGE = `Usage: sentinel-allowlist suggest < observed.jsonl

Reads source-allowlist observe-mode log lines (JSON lines) on stdin and prints
the smallest allow rules covering them, as JSON, on stdout.`;

interface Output {
  write(text: string): unknown;
}

/**
 * `sentinel-allowlist` with its streams passed in (the `bin` passes the
 * process's own): returns the exit code.
 */
export async function runCli(
  args: readonly string[],
  stdin: NodeJS.ReadableStream,
  stdout: Output,
  stderr: Output,
): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h') {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'suggest' || rest.length > 0) {
    stderr.write(`${USAGE}\n`);
    return 2;
  }
  const lines = (await text(stdin)).split(/\r?\n/);
  const sources = readObservedSources(lines);
  const rules = suggestAllowlist(sources);
  stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  stderr.write(`sentinel-allowlist: ${sources.length} observed source line(s) → ${rules.length} rule(s)\n`);
  if (rules.some((rule) => [rule.kind].flat().includes('unknown'))) {
    stderr.write(
      'sentinel-allowlist: a rule allows kind "unknown" (direct invocations); keep it only if you mean it\n',
    );
  }
  return 0;
}
