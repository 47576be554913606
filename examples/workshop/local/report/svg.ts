/**
 * Helpers for SVG and HTML drawn without a browser: escaping, and text widths
 * estimated for the font the report uses (DejaVu Sans, or Verdana where that
 * is missing: the same metrics) so layouts leave room for every label. The
 * estimates lean wide; the report's browser test checks no label overflows.
 */
export const FONT = '"DejaVu Sans", Verdana, sans-serif';

export const esc = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

// Advance widths in em of DejaVu Sans; anything not listed is taken as a wide lower-case letter.
const NARROW: Record<string, number> = {
  ' ': 0.32,
  '.': 0.32,
  ',': 0.32,
  ':': 0.34,
  ';': 0.34,
  '·': 0.32,
  "'": 0.28,
  '|': 0.34,
  '!': 0.4,
  '(': 0.4,
  ')': 0.4,
  '[': 0.4,
  ']': 0.4,
  '/': 0.34,
  '-': 0.37,
  _: 0.5,
  i: 0.28,
  j: 0.28,
  l: 0.28,
  f: 0.36,
  t: 0.4,
  r: 0.42,
  I: 0.3,
  J: 0.3,
  m: 0.98,
  w: 0.82,
  M: 0.87,
  W: 1.0,
  '@': 1.0,
  '%': 0.96,
  '×': 0.84,
};

/** Estimated width in px of `text` at `fontSize` px (bold adds a tenth). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) em += NARROW[c] ?? (c >= 'A' && c <= 'Z' ? 0.76 : 0.64);
  return Math.ceil(em * fontSize * (bold ? 1.1 : 1) * 1.04);
}

/** `1.0`, `12.3`, `123`: milliseconds as the console prints them. */
export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
