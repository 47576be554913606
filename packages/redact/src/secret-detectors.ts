/**
 * Credential detectors. Structural ones here (PEM blocks, JWTs, passwords in
 * URLs, `Bearer`/`Basic` credentials in prose); provider tokens come from the
 * format table (token-formats.ts); `name=value` pairs from the pair parser.
 * Only the secret part of a string is masked, so the rest of a log message
 * stays readable.
 */
import { type Detector, isMarked, marker, regexDetector, START } from './detector.ts';
import type { KeyMatcher } from './key-rules.ts';
import { type PairOptions, pairDetector } from './pair-parser.ts';
import { TOKEN_FAMILIES, TOKEN_FORMATS, type TokenFamily, type TokenFormat } from './token-formats.ts';

/** Structural detector families, in the order they run. */
const STRUCTURAL_FAMILIES = [
  'private-key',
  'jwt',
  'url-password',
  'auth-credential',
  'secret-param',
] as const;

/** A secret detector family name (`'jwt'`, `'stripe'`, `'github-token'`...). */
export type SecretDetectorFamily = (typeof STRUCTURAL_FAMILIES)[number] | TokenFamily;
/** Every secret detector family: the names the `detectors` option takes. */
export const SECRET_DETECTOR_FAMILIES: readonly SecretDetectorFamily[] = [
  ...STRUCTURAL_FAMILIES,
  ...TOKEN_FAMILIES,
];

const PRIVATE_KEY_LABEL = /^[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?$/;

/**
 * PEM private keys: the BEGIN/END lines stay (they say what was there), the body is masked; a
 * block cut off before its END line is masked to the end. Found with indexOf, not a regex, so
 * a body of any length is one pass.
 */
const privateKey: Detector = {
  family: 'private-key',
  keywords: ['private key'],
  features: 0,
  mask(s, hit) {
    const out: string[] = [];
    let last = 0;
    let from = 0;
    for (;;) {
      const begin = s.indexOf('-----BEGIN ', from);
      if (begin < 0) break;
      const labelEnd = s.indexOf('-----', begin + 11);
      if (labelEnd < 0) break;
      from = begin + 11;
      if (labelEnd - from > 60 || !PRIVATE_KEY_LABEL.test(s.slice(from, labelEnd))) continue;
      const bodyStart = labelEnd + 5;
      const end = s.indexOf('-----END ', bodyStart);
      const bodyEnd = end < 0 ? s.length : end;
      out.push(s.slice(last, bodyStart), marker('private-key'));
      last = bodyEnd;
      from = Math.max(bodyEnd, from);
      hit();
    }
    if (last === 0) return s;
    out.push(s.slice(last));
    return out.join('');
  },
};

const jwt = regexDetector({
  family: 'jwt',
  keywords: ['eyj'],
  // header.payload[.signature[...JWE parts]]; the header is base64url of '{"' so it starts with eyJ.
  pattern: new RegExp(
    `${START('A-Za-z0-9_-')}eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{2,}(?:\\.[A-Za-z0-9_-]+){0,3}`,
    'g',
  ),
});

/** scheme://user:password@host — the password part runs to the LAST '@' before the host. */
const urlPassword: Detector = (() => {
  const pattern = new RegExp(
    `${START('A-Za-z0-9+.-')}([A-Za-z][A-Za-z0-9+.-]{0,31}://[^\\s:@/?#]{0,256}:)([^\\s/?#]{1,1024})@`,
    'g',
  );
  const masked = marker('url-password');
  return {
    family: 'url-password',
    keywords: ['://'],
    features: 0,
    short: ':',
    mask(s, hit) {
      pattern.lastIndex = 0;
      return s.replace(pattern, (match: string, prefix: string, password: string) => {
        if (isMarked(password)) return match;
        hit();
        return `${prefix}${masked}@`;
      });
    },
  };
})();

// An opaque bearer token has a digit or punctuation (or is long), unlike "Bearer Authentication".
const TOKEN_LIKE = /[0-9._~+/=-]/;

/** `Bearer <token>` and `Basic <base64 user:password>` in prose; names (`Authorization:`) are the pair parser's. */
const authCredential: Detector = (() => {
  // The look-ahead refuses `Bearer expiresIn=3600`: a name followed by `=` is a pair, not a credential.
  const pattern = /\b(bearer|basic)(\s+)([A-Za-z0-9._~+/-]+=*)(?![A-Za-z0-9._~+/=-])/gi;
  const masked = marker('auth-credential');
  const looksReal = (scheme: string, credential: string): boolean => {
    if (scheme.toLowerCase() === 'basic') {
      // Base64 of `user:password` (any encoding): decoded, it holds a colon. "Basic information" does not.
      return /^[A-Za-z0-9+/]{4,}={0,2}$/.test(credential) && Buffer.from(credential, 'base64').includes(0x3a);
    }
    return credential.length >= 8 && (TOKEN_LIKE.test(credential) || credential.length >= 20);
  };
  return {
    family: 'auth-credential',
    keywords: ['bearer', 'basic'],
    features: 0,
    mask(s, hit) {
      pattern.lastIndex = 0;
      return s.replace(pattern, (match: string, scheme: string, space: string, credential: string) => {
        if (!looksReal(scheme, credential)) return match;
        hit();
        return `${scheme}${space}${masked}`;
      });
    },
  };
})();

/**
 * A format with a fixed-length leading class and a literal (TokenFormat.anchor), found from the
 * literal: the same matches as the pattern's global pass (leftmost first, not overlapping, a
 * declined match skipped whole), since every match starts exactly `at` characters before an
 * occurrence of the literal. The global pass tests the look-behind at every position of the
 * string; this tries the pattern (look-behind included, sticky) once per occurrence. Linear: an
 * attempt that fails stops within the lead, the literal and a tail shorter than the pattern's
 * minimum (property test against the global pass: anchored.test.ts).
 */
export function anchoredDetector(format: TokenFormat, anchor: NonNullable<TokenFormat['anchor']>): Detector {
  const masked = marker(format.family);
  const { accept } = format;
  const { literal, at } = anchor;
  let sticky: RegExp | undefined; // compiled on first use, like the other formats
  return {
    family: format.family,
    keywords: format.keywords,
    // Stryker disable next-line LogicalOperator: no anchored format has text features; undefined selects no feature, as 0 does.
    features: format.features ?? 0,
    mask(s, hit) {
      sticky ??= new RegExp(`${format.alphabet ? START(format.alphabet) : ''}${format.pattern}`, 'y');
      let out = '';
      let last = 0; // end of the last masked match
      let next = 0; // where the next match may start (after the last match, masked or declined)
      for (let p = s.indexOf(literal, at); p !== -1; p = s.indexOf(literal, p + 1)) {
        const start = p - at;
        if (start < next) continue;
        sticky.lastIndex = start;
        const match = sticky.exec(s);
        if (match === null) continue;
        const end = start + match[0].length;
        next = end;
        if (accept !== undefined && !accept(match[0])) continue;
        hit();
        out += s.slice(last, start) + (typeof match[1] === 'string' ? `${match[1]}${masked}` : masked);
        last = end;
      }
      return last === 0 ? s : out + s.slice(last);
    },
  };
}

export function tokenDetector(format: TokenFormat, group?: Detector): Detector {
  if (format.anchor !== undefined) {
    const detector = anchoredDetector(format, format.anchor);
    return group ? { ...detector, group } : detector;
  }
  const start = format.alphabet ? START(format.alphabet) : '';
  const detector = regexDetector({
    family: format.family,
    keywords: format.keywords,
    ...(format.features ? { features: format.features } : {}),
    pattern: `${start}${format.pattern}`,
    keepFirstGroup: true,
    ...(format.accept ? { accept: format.accept } : {}),
  });
  return group ? { ...detector, group } : detector;
}

/**
 * The prefixed token formats as ONE pattern (an alternation, in table order), for strings where
 * many of their keywords occur at once: one pass instead of one per format, so a hostile string
 * holding every provider's prefix costs a few passes, not ninety. The alternatives start with their
 * literal prefix (the engine skips positions where none can start) and capture nothing (capture
 * groups make a large alternation several times slower); which format matched, and its kept part,
 * is found afterwards by trying each format at the match. The look-behind on the token's alphabet
 * is checked on the match too. Formats that start with a character class keep their own pass
 * (`leadingClass`): without their look-behind they would not stay linear.
 */
function combinedTokens(formats: readonly TokenFormat[]): Detector {
  // Compiled on first use: only hostile or unusual strings ever need it.
  let compiled: { finder: RegExp; exact: RegExp[]; glued: (RegExp | undefined)[] } | undefined;
  const compile = () => ({
    finder: new RegExp(
      formats.map((format) => `(?:${format.pattern.replace(/\((?!\?)/g, '(?:')})`).join('|'),
      'g',
    ),
    exact: formats.map((format) => new RegExp(format.pattern, 'y')),
    glued: formats.map((format) => (format.alphabet ? new RegExp(`[${format.alphabet}]`) : undefined)),
  });
  return {
    // Stryker disable next-line StringLiteral: the combined pass reports every hit with its format's own family, never its own.
    family: 'token',
    // Stryker disable next-line ArrayDeclaration: the combined detector is never in the prefilter's list (it runs instead of its members), so its keywords are never read.
    keywords: [],
    features: 0,
    mask(s, hit) {
      compiled ??= compile();
      const { finder, exact, glued } = compiled;
      let out = '';
      let last = 0; // end of the last masked match
      finder.lastIndex = 0;
      for (let m = finder.exec(s); m !== null; m = finder.exec(s)) {
        const match = m[0];
        const offset = m.index;
        for (let i = 0; i < formats.length; i++) {
          const pattern = exact[i]!;
          pattern.lastIndex = offset;
          const found = pattern.exec(s);
          if (found === null || found[0].length !== match.length) continue;
          const format = formats[i]!;
          // START(alphabet): not glued to a character of the token's alphabet, unless that is an escape (\n).
          const before = offset > 0 ? s[offset - 1]! : '';
          const alphabet = glued[i];
          if (before && alphabet?.test(before) && !(offset > 1 && s[offset - 2] === '\\')) {
            // Glued: the format's own pass would go on looking inside the match (a token may start
            // there, after a character outside the alphabet), so resume after the run of its alphabet.
            let next = offset + 1;
            while (next < s.length && alphabet.test(s[next - 1]!)) next++;
            finder.lastIndex = next;
            break;
          }
          if (format.accept !== undefined && !format.accept(match)) break;
          hit(format.family);
          out += s.slice(last, offset) + (found[1] ?? '') + marker(format.family);
          last = offset + match.length;
          break;
        }
      }
      return last === 0 ? s : out + s.slice(last);
    },
  };
}

export function secretDetectors(
  enabled: ReadonlySet<string>,
  keyKind: KeyMatcher,
  pairOptions: PairOptions,
): Detector[] {
  // Order matters: whole structures (PEM blocks, JWTs) and prefixed tokens first, bare formats
  // (features only) after them, then URLs and prose credentials, and the pair parser last: it
  // skips values the others have already masked.
  const formats = (TOKEN_FORMATS as readonly TokenFormat[]).filter((f) => enabled.has(f.family));
  const prefixed = formats.filter((f) => f.keywords.length > 0);
  const bare = formats.filter((f) => f.keywords.length === 0);
  const groupable = prefixed.filter((f) => !f.leadingClass);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the combined pass only runs the grouped formats faster, with the same output as their own passes (mut-rules-secrets.test.ts checks this); a group with no member is never used.
  const group = groupable.length > 0 ? combinedTokens(groupable) : undefined;
  const all: Detector[] = [
    privateKey,
    jwt,
    ...prefixed.map((format) => tokenDetector(format, format.leadingClass ? undefined : group)),
    ...bare.map((format) => tokenDetector(format)),
    urlPassword,
    authCredential,
    pairDetector(keyKind, pairOptions),
  ];
  return all.filter((d) => enabled.has(d.family));
}
