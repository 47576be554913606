/**
 * The TypeScript samples of the redaction and logger guides compile under the repository's strict
 * settings (the logger depends on the redactor, so both packages resolve from here).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const samples = ['docs/guide/redact.md', 'docs/guide/logger.md', 'packages/redact/README.md'].flatMap(
  (page) =>
    [...readFileSync(join(root, page), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
      name: `${page.replaceAll('/', '_')}_${i}.ts`,
      code: m[1]!,
    })),
);
// Inside the package, so its dependencies resolve as they would for a user.
const dir = mkdtempSync(join(root, 'packages/logger/test/.docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('compiles every sample with strict TypeScript', () => {
  // Samples that call the user's own code declare it (the first logger example does).
  const declarations =
    'declare function createPartnerClient(): Promise<{ ClientId: string; ClientSecret: string }>;\n';
  for (const { name, code } of samples)
    writeFileSync(join(dir, name), `${declarations}${code}\nexport {};\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true },
      include: ['*.ts'],
    }),
  );
  expect(samples.length).toBeGreaterThanOrEqual(4);
  const tsc = join(root, 'node_modules/.bin/tsc');
  try {
    execFileSync(tsc, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new Error(`samples do not compile:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
});
