/**
 * Rendering values as their canonical CSV text, for finding values, keys and messages.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */
import { $ymd } from "./days.js";

export function $pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** A day number as `YYYY-MM-DD`. */
export function $renderDate(days: number | undefined): string | null {
  if (days === undefined) return null;
  const p = $ymd(days);
  return $pad(Math.floor(p / 10000), 4) + "-" + $pad(Math.floor(p / 100) % 100, 2) + "-" + $pad(p % 100, 2);
}

/** Milliseconds as ISO 8601 in UTC. */
export function $renderDateTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** An unscaled decimal as text with exactly `scale` decimals. */
export function $renderDecimal(v: bigint | undefined, scale: number): string | null {
  if (v === undefined) return null;
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, "0");
  const text =
    scale === 0 ? digits : digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
  return negative ? "-" + text : text;
}

export function $renderText(v: string | number | boolean | undefined): string | null {
  return v === undefined ? null : String(v);
}

/** Placeholder text in messages: the CSV text, or empty when absent. */
export function $msg(v: string | null): string {
  return v === null ? "" : v;
}
