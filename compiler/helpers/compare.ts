/**
 * Absent-aware comparison: a comparison with an absent operand is false.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

export type $Comparable = number | bigint | string | boolean;

export function $isTrue(v: boolean | undefined): boolean {
  return v === true;
}
export function $eq<T extends $Comparable>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a === b;
}
export function $ne<T extends $Comparable>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}
export function $lt<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a < b;
}
export function $le<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a <= b;
}
export function $gt<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a > b;
}
export function $ge<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a >= b;
}
export function $in<T>(set: ReadonlySet<T>, v: T | undefined): boolean {
  return v !== undefined && set.has(v);
}
