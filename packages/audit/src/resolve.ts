/**
 * Just enough of CloudFormation's intrinsic functions to read the values the
 * rules look at (tags, SENTINEL_TAGS, tracing mode, log group names): `Ref`
 * to a parameter (its override, else its default), `Fn::Sub`, `Fn::Join`,
 * `Fn::If` (when both branches agree). Anything else is unknown, and a rule
 * that needs the value then gives the template the benefit of the doubt.
 */

/** A value as far as the template says it: `known` false when an intrinsic could not be resolved. */
export interface Resolved {
  /** The text; unresolved parts read `unresolved`. */
  text: string;
  /** True when every part was resolved. */
  known: boolean;
}

/** What resolution reads: parameter values (overrides applied over defaults). */
export interface ResolveContext {
  parameters: Record<string, string>;
}

const MAX_DEPTH = 32;
const UNKNOWN: Resolved = { text: 'unresolved', known: false };

/** Parameter values: `--parameter` overrides over each parameter's `Default`. */
export function parameterValues(
  template: Record<string, unknown>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  const parameters = template.Parameters;
  if (parameters && typeof parameters === 'object') {
    for (const [name, spec] of Object.entries(parameters)) {
      const value = (spec as { Default?: unknown } | null)?.Default;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        values[name] = String(value);
      } else if (Array.isArray(value)) {
        values[name] = value.join(',');
      }
    }
  }
  return Object.assign(values, overrides);
}

/** The text of `value` with `Ref`, `Fn::Sub`, `Fn::Join` and agreeing `Fn::If` resolved. */
export function resolveValue(value: unknown, context: ResolveContext, depth = 0): Resolved {
  if (typeof value === 'string') return { text: value, known: true };
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value), known: true };
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || Array.isArray(value))
    return UNKNOWN;
  const entries = Object.entries(value);
  if (entries.length !== 1) return UNKNOWN;
  const [fn, arg] = entries[0] as [string, unknown];
  if (fn === 'Ref') {
    if (typeof arg !== 'string') return UNKNOWN;
    const parameter = context.parameters[arg];
    return parameter === undefined ? UNKNOWN : { text: parameter, known: true };
  }
  if (fn === 'Fn::Sub') return resolveSub(arg, context, depth);
  if (fn === 'Fn::Join') {
    if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return UNKNOWN;
    const parts = (arg[1] as unknown[]).map((part) => resolveValue(part, context, depth + 1));
    return { text: parts.map((p) => p.text).join(arg[0]), known: parts.every((p) => p.known) };
  }
  if (fn === 'Fn::If' && Array.isArray(arg) && arg.length === 3) {
    const [yes, no] = [resolveValue(arg[1], context, depth + 1), resolveValue(arg[2], context, depth + 1)];
    return yes.known && no.known && yes.text === no.text ? yes : UNKNOWN;
  }
  return UNKNOWN;
}

function resolveSub(arg: unknown, context: ResolveContext, depth: number): Resolved {
  const [template, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
  if (typeof template !== 'string') return UNKNOWN;
  let known = true;
  // `${!Literal}` stays `${Literal}`; `${Name}` is a variable, a parameter or (unknown) a resource.
  const text = template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const variable = (variables as Record<string, unknown> | undefined)?.[name];
    const resolved =
      variable !== undefined
        ? resolveValue(variable, context, depth + 1)
        : context.parameters[name] !== undefined
          ? { text: context.parameters[name] as string, known: true }
          : UNKNOWN;
    known &&= resolved.known;
    return resolved.text;
  });
  return { text, known };
}

/**
 * The logical id a value points at: `{ Ref: Id }`, `{ 'Fn::GetAtt': [Id, ...] }`, or the
 * `${Id}` of a `Fn::Sub` whose whole text is `prefix${Id}` (as in `/aws/lambda/${Fn}`).
 */
export function referencedId(value: unknown, prefix = ''): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string' && prefix === '') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && prefix === '') return getAtt[0];
  const sub = Array.isArray(v['Fn::Sub']) ? (v['Fn::Sub'] as unknown[])[0] : v['Fn::Sub'];
  if (typeof sub === 'string' && sub.startsWith(prefix)) {
    const match = /^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}$/.exec(sub.slice(prefix.length));
    if (match) return match[1];
  }
  const join = v['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1]) && join[1].length === 2) {
    const [head, tail] = join[1] as unknown[];
    if (head === prefix) return referencedId(tail);
  }
  return undefined;
}
