// Templates come from pull requests: a hostile one must fail fast, never hang
// the CI job or exhaust its memory. Figures measured on this 2-core machine
// (shared): billion laughs refused in ~10 ms, 100 000-deep flow nesting
// refused in ~0.5 s, 60 000 resources parsed in ~1 s (the yaml library's own
// duplicate-key check made that 15 s: quadratic, so it is replaced by a linear
// one), growth linear in size (4x the input, about 4x the time).
import { describe, expect, it } from 'vitest';
import { auditTemplate, MAX_TEMPLATE_BYTES, parseTemplate, TemplateError } from '../src/index.ts';

function timed<T>(fn: () => T): { ms: number; value?: T; error?: unknown } {
  const start = performance.now();
  try {
    const value = fn();
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** Nine levels of nine aliases each: 9^9 (387 million) strings if expanded. */
function billionLaughs(wrap = (s: string) => s): string {
  const lines = ['Resources: {}', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const previous = String.fromCharCode(96 + i);
    lines.push(`${name}: &${name} ${wrap(`[${Array(9).fill(`*${previous}`).join(',')}]`)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The fastest of five runs: other work on the machine only ever adds time, so the fastest run is
 * the one closest to what the code itself costs (a median of three still let a loaded CI machine
 * turn a linear 4x into 12x).
 */
function fastest(fn: () => unknown): number {
  return Math.min(...[0, 1, 2, 3, 4].map(() => timed(fn).ms));
}

describe('hostile templates', () => {
  it('refuses a billion-laughs alias expansion at once (also inside an intrinsic tag)', () => {
    for (const text of [billionLaughs(), billionLaughs((s) => `!Join ["", ${s}]`)]) {
      const { ms, error } = timed(() => parseTemplate(text));
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as Error).message).toMatch(/resource exhaustion|alias/i);
      expect(ms).toBeLessThan(1000);
    }
  });

  it('allows the few aliases real templates use (the workshop merges one anchor four times)', () => {
    const text =
      'X: &props {Timeout: 3}\nResources:\n  A: {Type: T, Properties: {<<: *props}}\n  B: {Type: T, Properties: {<<: *props}}\n';
    expect(parseTemplate(text).template.Resources).toEqual({
      A: { Type: 'T', Properties: { Timeout: 3 } },
      B: { Type: 'T', Properties: { Timeout: 3 } },
    });
  });

  it('refuses nesting deeper than the stack, YAML and JSON, without crashing', () => {
    const yaml = timed(() =>
      parseTemplate(`Resources: {}\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
    );
    expect(yaml.error).toBeInstanceOf(TemplateError);
    expect(yaml.ms).toBeLessThan(5000);
    // JSON.parse has no recursion limit to hit; the audit then walks only known paths.
    const json = `{"Resources":{"F":{"Type":"AWS::Lambda::Function","Properties":{"Tags":${'['.repeat(200_000)}${']'.repeat(200_000)}}}}}`;
    return auditTemplate(json, { source: false }).then((report) => {
      expect(report.functions).toHaveLength(1);
    });
  });

  it('refuses a template over the size limit before parsing it', () => {
    const { ms, error } = timed(() =>
      parseTemplate(`Resources: {}\nx: "${'a'.repeat(MAX_TEMPLATE_BYTES)}"\n`),
    );
    expect((error as Error).message).toMatch(/larger than 2 MB/);
    expect(ms).toBeLessThan(500);
  });

  it('grows linearly with many resources, YAML and JSON (4x the resources, well under 16x the time)', () => {
    const yaml = (n: number) =>
      `Resources:\n${Array.from({ length: n }, (_, i) => `  R${i}: {Type: AWS::SNS::Topic, Properties: {TopicName: t${i}}}`).join('\n')}\n`;
    const json = (n: number) =>
      JSON.stringify({
        Resources: Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`R${i}`, { Type: 'AWS::SNS::Topic' }]),
        ),
      });
    for (const make of [yaml, json]) {
      const small = make(5_000);
      const large = make(20_000);
      parseTemplate(small); // warm up
      const ratio =
        fastest(() => parseTemplate(large)) /
        Math.max(
          1,
          fastest(() => parseTemplate(small)),
        );
      expect(ratio).toBeLessThan(9);
      expect(Object.keys(parseTemplate(large).lines)).toHaveLength(20_000);
    }
  });

  it('audits many functions in linear time too (the checks scan resources once per function: bounded by 500 in CloudFormation)', async () => {
    const template = (n: number) =>
      JSON.stringify({
        Resources: Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            `F${i}`,
            { Type: 'AWS::Serverless::Function', Properties: { Handler: 'x.y' } },
          ]),
        ),
      });
    const start = performance.now();
    const report = await auditTemplate(template(500), { source: false });
    expect(report.functions).toHaveLength(500);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('refuses duplicate keys in linear time (the yaml library’s own check is quadratic)', () => {
    const n = 40_000;
    const text = `Resources:\n${Array.from({ length: n }, (_, i) => `  R${i}: {Type: X}`).join('\n')}\n  R0: {Type: Y}\n`;
    const { ms, error } = timed(() => parseTemplate(text));
    expect((error as Error).message).toBe('not valid YAML: duplicate key "R0"');
    expect(ms).toBeLessThan(5000);
  });
});
