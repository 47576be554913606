/**
 * Replaces every literal in a SQL statement with `?` so the recorded query
 * shows its shape and never its data: quoted strings (with '' and backslash
 * escapes, N'' / X'' / B'' / _charset'' prefixes), numbers (integers,
 * decimals, exponents, 0x hex, 0b binary) and comments (dropped: they can
 * carry anything). Identifiers — bare or `backticked` — and existing
 * placeholders are kept. A single pass, no regex backtracking: untrusted SQL
 * text cannot make it slow.
 */
export function sanitizeSql(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    // Comments: -- (followed by whitespace or end), #, /* ... */
    if (c === '-' && next === '-' && (i + 2 >= n || /\s/.test(sql[i + 2] as string))) {
      i = skipLine(sql, i);
      continue;
    }
    if (c === '#') {
      i = skipLine(sql, i);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
      continue;
    }
    if (c === "'" || c === '"') {
      i = skipQuoted(sql, i, c);
      out += '?';
      continue;
    }
    if (c === '`') {
      const end = skipQuoted(sql, i, '`');
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (isDigit(c) || (c === '.' && next !== undefined && isDigit(next))) {
      i = skipNumber(sql, i);
      out += '?';
      continue;
    }
    if (isWordChar(c)) {
      let end = i;
      while (end < n && isWordChar(sql[end] as string)) end++;
      // Prefixed string literals: N'..', X'..', B'..', _utf8mb4'..'
      const word = sql.slice(i, end);
      if (sql[end] === "'" && /^(n|x|b|_[a-z0-9]+)$/i.test(word)) {
        i = skipQuoted(sql, end, "'");
        out += '?';
        continue;
      }
      out += word;
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out.replace(/[ \t]+\n/g, '\n').trim();
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isWordChar(c: string): boolean {
  return (
    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c === '_' || c === '$' || c > '\u007f'
  );
}

function skipLine(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end < 0 ? sql.length : end;
}

/** Index just past the closing quote; doubled quotes and backslash escapes stay inside. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function skipNumber(sql: string, start: number): number {
  let i = start;
  if (
    sql[i] === '0' &&
    (sql[i + 1] === 'x' || sql[i + 1] === 'X' || sql[i + 1] === 'b' || sql[i + 1] === 'B')
  ) {
    i += 2;
  }
  // Digits, hex digits, a decimal point and an exponent with its sign: the
  // whole run is one literal. Letters glued on (`1abc`) are an identifier in
  // MySQL, but replacing them is the safe side.
  while (i < sql.length) {
    const c = sql[i] as string;
    if ((c === '+' || c === '-') && (sql[i - 1] === 'e' || sql[i - 1] === 'E')) {
      i++;
      continue;
    }
    if (isWordChar(c) || c === '.') {
      i++;
      continue;
    }
    break;
  }
  return i;
}

/**
 * A database error message with every quoted literal replaced by `?`:
 * drivers echo the offending value (`Duplicate entry 'jane@example.com' for
 * key ...`, `... near 'password123' at line 1`). Same single pass as
 * `sanitizeSql`.
 */
export function maskQuotedLiterals(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const c = message[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      const end = skipQuoted(message, i, c);
      out += c === '`' ? message.slice(i, end) : '?';
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
