/**
 * Text: length in code points and whole-text patterns.
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
