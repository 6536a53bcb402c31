/**
 * Masking of personal data (fields marked `personal`: BSN, names, dates of birth) in reports, and
 * of a BSN wherever else a sample would show one (a BSN used as IKB key or customer number).
 *
 * @module
 */
import { MASK, type EntityMeta } from "../compiler/contract.js";

/** What a masked value is shown as (no length or character hint). */
export { MASK };

/** Personal field names per entity (both the field name and its CSV column). */
export function personalFields(
  entities: readonly EntityMeta[],
): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const e of entities) {
    const s = new Set<string>();
    for (const f of e.fields)
      if (f.personal) {
        s.add(f.name);
        s.add(f.column);
      }
    m.set(e.name, s);
  }
  return m;
}

/** Mask the personal values of a finding's `values`. */
export function maskValues(
  values: Record<string, string | null>,
  personal: ReadonlySet<string> | undefined,
): Record<string, string | null> {
  if (!personal || personal.size === 0) return values;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(values))
    out[k] = v !== null && personal.has(k) ? MASK : v;
  return out;
}

/** Mask personal parts of a record key rendered as `field=value;field=value`. */
export function maskKey(
  key: string,
  personal: ReadonlySet<string> | undefined,
): string {
  if (!personal || personal.size === 0) return key;
  // a loop over the parts, not split / map / join: the array a map builds in optimized code has
  // another elements kind than one it builds unoptimized, and the caller (tally) was left at the
  // join of the other
  let out = "";
  for (let from = 0; ;) {
    const end = key.indexOf(";", from);
    const part = end < 0 ? key.slice(from) : key.slice(from, end);
    const eq = part.indexOf("=");
    out +=
      eq > 0 && personal.has(part.slice(0, eq))
        ? `${part.slice(0, eq)}=${MASK}`
        : part;
    if (end < 0) return out;
    out += ";";
    from = end + 1;
  }
}

/**
 * A finding's message with every personal value of its `values` and `key` replaced by the mask.
 * Compiled rules never put a personal value in a message (the checker refuses it, REG230, and the
 * compiler masks it anyway); this also covers messages the runtime writes itself (a duplicate
 * key, a dangling reference) and modules compiled by an older regel. Values of one character are
 * left alone: masking every "1" of a message would hide the message, not a person.
 */
export function maskMessage(
  message: string,
  values: Readonly<Record<string, string | null>>,
  key: string,
  personal: ReadonlySet<string> | undefined,
): string {
  if (!personal || personal.size === 0) return message;
  const secrets: string[] = [];
  for (const [k, v] of Object.entries(values))
    if (v !== null && v.length > 1 && personal.has(k)) secrets.push(v);
  for (const part of key.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && personal.has(part.slice(0, eq)) && part.length - eq > 2)
      secrets.push(part.slice(eq + 1));
  }
  if (secrets.length === 0) return message;
  // longest first, so a value that contains another is masked whole
  secrets.sort((a, b) => b.length - a.length);
  let out = message;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

/**
 * `text` with every BSN in it replaced by the mask: every run of exactly nine digits (no digit just
 * before or after it) that passes the 11-check, the rulesets' own BSN test. A bank that uses the
 * BSN as IKB key or customer number (what idn0002 flags) puts it in fields not marked `personal`
 * and in every record key of the IKB; only its form can tell it. A nine-digit number that is no
 * BSN passes the check by chance about once in eleven and is masked too: hiding a number is the
 * safe side. A digest of a BSN is not recognised.
 */
export function maskBsns(text: string): string {
  let out: string | undefined;
  let copied = 0;
  for (let i = 0; i < text.length;) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end - i === 9 && passesElevenCheck(text, i)) {
      out = (out ?? "") + text.slice(copied, i) + MASK;
      copied = end;
    }
    i = end;
  }
  return out === undefined ? text : out + text.slice(copied);
}

/**
 * Whether the nine digits of `text` from `at` pass the 11-check, as the rulesets' `valid_bsn`
 * (compiler/helpers/bsn.ts; written again here, since runtime/ imports only the contract).
 */
export function passesElevenCheck(text: string, at: number): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = text.charCodeAt(at + i) - 48;
    sum += i === 8 ? -c : (9 - i) * c;
  }
  return sum % 11 === 0;
}

/** An ASCII digit's code. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
