#!/usr/bin/env node
import { runAuditCli } from '../audit-cli.ts';

process.exitCode = await runAuditCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
