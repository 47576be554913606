import type { CliIo } from '../src/index.ts';

/** Runs a CLI entry point in-process with its output captured: its exit code, stdout and stderr. */
export async function captured(run: (argv: string[], io: CliIo) => Promise<number>, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
