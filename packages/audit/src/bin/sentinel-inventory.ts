#!/usr/bin/env node
import { runInventoryCli } from '../inventory-cli.ts';

process.exitCode = await runInventoryCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
