import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../src/index.ts';

describe('parseTemplate', () => {
  it('parses the short forms, scalar and sequence, into the long forms', () => {
    const { template } = parseTemplate(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's !Sub placeholders
      'Resources: {}\na: !Ref X\nb: !GetAtt Res.Attr.Nested\nc: !Sub [\'${A}-${B}\', { B: !Ref Y }]\nd: !If [Cond, !Join [",", [x, !Ref Z]], !Ref AWS::NoValue]\ne: !GetAtt [Res, Arn]\n',
    );
    expect(template).toEqual({
      Resources: {},
      a: { Ref: 'X' },
      b: { 'Fn::GetAtt': ['Res', 'Attr.Nested'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's !Sub placeholders
      c: { 'Fn::Sub': ['${A}-${B}', { B: { Ref: 'Y' } }] },
      d: { 'Fn::If': ['Cond', { 'Fn::Join': [',', ['x', { Ref: 'Z' }]] }, { Ref: 'AWS::NoValue' }] },
      e: { 'Fn::GetAtt': ['Res', 'Arn'] },
    });
  });

  it('resolves aliases inside intrinsic functions, and merge keys', () => {
    const { template } = parseTemplate(
      'Resources: {}\nlist: &l [x, y]\nj: !Join ["-", *l]\nbase: &b {Timeout: 3}\nfn: {<<: *b, Memory: 128}\n',
    );
    expect(template.j).toEqual({ 'Fn::Join': ['-', ['x', 'y']] });
    expect(template.fn).toEqual({ Timeout: 3, Memory: 128 });
  });

  it('reads JSON as JSON, with the line of each resource', () => {
    const text = '{\n  "Resources": {\n    "A": { "Type": "X" },\n\n    "B": { "Type": "Y" }\n  }\n}\n';
    expect(parseTemplate(text)).toEqual({
      template: { Resources: { A: { Type: 'X' }, B: { Type: 'Y' } } },
      lines: { A: 3, B: 5 },
    });
  });
});
