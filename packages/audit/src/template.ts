import {
  type CollectionTag,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type ScalarTag,
  visit,
  YAMLMap,
  type YAMLSeq,
} from 'yaml';

/**
 * Reading a SAM / CloudFormation template, JSON or YAML with the intrinsic
 * short forms (`!Ref X`, `!Sub ...`), safely: templates come from pull
 * requests, so a hostile one must fail fast rather than hang the CI job.
 */

/** CloudFormation refuses templates over 1 MB; a little room for SAM's pre-transform form. */
export const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;
/**
 * Aliases a template may use (`<<: *esbuild`): enough for any real one, far too few for a
 * "billion laughs" expansion. The `yaml` library counts each alias's expanded size against it.
 */
export const MAX_ALIASES = 200;

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ToJsonString',
  'Length',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  // `!GetAtt Resource.Attribute` is the scalar form of `['Resource', 'Attribute']`.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/**
 * A collection after a tag (`!Join [...]`, `!Sub [...]`) becomes `{ 'Fn::Join': <the same node> }`,
 * still a node: aliases inside it are then resolved — and counted against the alias limit — when
 * the document becomes JavaScript, like every other alias.
 */
function wrapNode(name: string, node: YAMLSeq.Parsed | YAMLMap.Parsed): YAMLMap {
  const map = new YAMLMap();
  map.set(name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`, node);
  return map;
}

const CFN_TAGS: Array<ScalarTag | CollectionTag> = ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) },
    {
      tag,
      collection: 'seq' as const,
      resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => wrapNode(name, seq),
    },
    {
      tag,
      collection: 'map' as const,
      resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => wrapNode(name, map),
    },
  ];
});

/** A parsed template and where each resource starts in the text (1-based lines), for reports. */
export interface ParsedTemplate {
  /** The template as CloudFormation reads it: short forms as their long JSON forms. */
  template: Record<string, unknown>;
  /** The line of each resource's logical id. */
  lines: Record<string, number>;
}

/** Thrown for a template that cannot be read: too big, not YAML/JSON, hostile, not an object. */
export class TemplateError extends Error {
  /** Always `TemplateError`. */
  override readonly name = 'TemplateError';
}

/** Parses a template's text (YAML or JSON). Throws {@link TemplateError} with the reason. */
export function parseTemplate(text: string): ParsedTemplate {
  if (typeof text !== 'string') throw new TemplateError('expected the template text');
  if (Buffer.byteLength(text) > MAX_TEMPLATE_BYTES) {
    throw new TemplateError(
      `the template is larger than ${MAX_TEMPLATE_BYTES / 1024 / 1024} MB (CloudFormation accepts 1 MB)`,
    );
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    // JSON.parse is linear and needs no alias limits; its nesting depth costs no stack.
    let template: unknown;
    try {
      template = JSON.parse(trimmed);
    } catch (error) {
      throw new TemplateError(`not valid JSON: ${(error as Error).message}`);
    }
    return { template: checkObject(template), lines: jsonLines(text, template) };
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let template: unknown;
  try {
    // `uniqueKeys: false`: the library compares each key with every earlier one (quadratic in a
    // map's size); duplicateKey() below does the same check with a Set.
    doc = parseDocument(text, {
      customTags: CFN_TAGS,
      merge: true,
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
    });
    if (doc.errors.length > 0) throw doc.errors[0];
    const duplicate = duplicateKey(doc);
    if (duplicate) throw new Error(`duplicate key ${JSON.stringify(duplicate.slice(0, 80))}`);
    template = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // The yaml library's own message (excessive aliases, duplicate keys, syntax), or a
    // RangeError from nesting deeper than the stack allows.
    const message = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
    throw new TemplateError(`not valid YAML: ${String(message).split('\n')[0]}`);
  }
  const lines: Record<string, number> = {};
  const resources = doc.get('Resources', true) as YAMLMap | undefined;
  for (const pair of resources?.items ?? []) {
    const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
    if (key?.range && typeof key.value === 'string')
      lines[key.value] = lineCounter.linePos(key.range[0]).line;
  }
  return { template: checkObject(template), lines };
}

/** The first key that appears twice in one mapping (CloudFormation refuses those), in linear time. */
function duplicateKey(doc: ReturnType<typeof parseDocument>): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (key === '<<') continue;
        if (seen.has(key)) {
          found = String(key);
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

function checkObject(template: unknown): Record<string, unknown> {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new TemplateError('a template is an object with a Resources section');
  }
  const resources = (template as { Resources?: unknown }).Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
    throw new TemplateError('the template has no Resources section');
  }
  return template as Record<string, unknown>;
}

/** JSON has no parser positions here: the line of each `"LogicalId":` after `"Resources"`. */
function jsonLines(text: string, template: unknown): Record<string, number> {
  const lines: Record<string, number> = {};
  const start = text.indexOf('"Resources"');
  if (start < 0) return lines;
  // Line starts once, then a binary search per resource: linear overall.
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  // Keys come in document order: search on from the last one found, so the whole pass reads
  // the text about once.
  let from = start;
  for (const id of Object.keys((template as { Resources: object }).Resources)) {
    const quoted = JSON.stringify(id);
    let at = text.indexOf(quoted, from);
    if (at < 0) at = text.indexOf(quoted, start);
    if (at < 0) continue;
    lines[id] = lineOf(at);
    from = at + quoted.length;
  }
  return lines;
}
