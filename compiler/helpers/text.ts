/**
 * Text: length in code points, whole-text patterns, and whether a text is ASCII (the fast paths
 * of the helpers that compare texts).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/** Length in code points. */
export function $cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
export function $length(v: string | undefined): number | undefined {
  return v === undefined ? undefined : $cpLength(v);
}
export function $matches(re: RegExp, v: string | undefined): boolean {
  return v !== undefined && re.test(v);
}

/** Whether every code unit of `s` is ASCII. */
export function $isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
