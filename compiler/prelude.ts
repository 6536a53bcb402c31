/**
 * The prelude: runtime helpers emitted into every generated module, so the module imports
 * nothing. This is trusted compiler text (no ruleset input), written as TypeScript that passes
 * `tsc --strict`. Every helper name starts with `$`, which ruleset names cannot, so generated
 * names never collide with it.
 *
 * Value representations follow compiler/contract.ts: dates are days since 1970-01-01, datetimes
 * milliseconds since the epoch, decimals bigint unscaled at the field's scale.
 *
 * @module
 */
import { ts, type Code } from "./code.js";

/** The contract types, declared in the module itself (structurally identical to compiler/contract.ts). */
export const PRELUDE_TYPES: Code = ts`
export type Severity = "blocking" | "signalling";
export type Role = "D" | "V";

/** The law behind a rule: one frozen object per rule, shared by all of its findings. */
export interface RuleLaw {
  readonly code: string;
  readonly title: string;
  readonly articles: readonly Readonly<ArticleTrace>[];
  readonly assumptions: readonly string[];
}

/** A check result: one rule that one record (or attribute, or file) does not meet. */
export interface Finding {
  rule: string;
  severity: Severity;
  entity: string;
  role: Role | undefined;
  attribute: string | undefined;
  key: string;
  values: Record<string, string | null>;
  message: string;
  /** The rule's title, articles and assumptions (\`laws[rule]\`). */
  law: RuleLaw;
  file?: string;
  line?: number;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ArticleTrace {
  source: string;
  sourceTitle: string;
  locator: string;
}

export interface RuleTrace {
  code: string;
  title: string;
  meaning: string | undefined;
  meaningFrom: ArticleTrace[];
  assumptions: string[];
  severity: Severity;
  roles: Role[];
  target: "record" | "attribute" | "file";
  entities: string[];
  attributes: string[];
  articles: ArticleTrace[];
  location: SourceLocation;
  origin: string;
  /** The rule as written in its .regel file (doc comments excluded), for reports. */
  source: string;
  categories: { category: string; role: Role | undefined; attributes: string[] }[];
}

export type AssumptionSubject =
  | "ruleset"
  | "codelist"
  | "entity"
  | "field"
  | "ikb"
  | "rule"
  | "category"
  | "payout"
  | "metric"
  | "norm"
  | "measure"
  | "calendar"
  | "holiday";

/** One assumption of the ruleset and the declaration it is on. */
export interface AssumptionTrace {
  on: AssumptionSubject;
  name: string;
  text: string;
  location: SourceLocation;
}

export interface CategoryTrace {
  name: string;
  title: string;
  payout: string | undefined;
  articles: ArticleTrace[];
  location: SourceLocation;
  results: { code: string; role: Role | undefined; attributes: string[] }[];
  markings: { entity: string; field: string; value: string; role: Role | undefined }[];
}

export interface PayoutTrace {
  name: string;
  number: number;
  title: string;
  articles: ArticleTrace[];
}

/** A norm over time (groeipad, audit deadlines): per period the requirements on named metrics. */
export interface NormTrace {
  name: string;
  title: string | undefined;
  articles: ArticleTrace[];
  location: SourceLocation;
  periods: {
    /** \`year 2021\` */
    year: number | undefined;
    /** \`from 2024-01-01 [until ...]\` (until exclusive) */
    from: string | undefined;
    until: string | undefined;
    /**
     * \`metric op value\`; \`value\` is the literal as written in the ruleset, e.g. \`95 %\`, \`3 workdays\`.
     * \`aim: true\` marks an aim (\`aim metric op value\`): reported beside the norm, never a requirement.
     */
    requirements: { metric: string; op: string; value: string; aim?: true }[];
  }[];
}

export interface FieldMeta {
  name: string;
  column: string;
  type: string;
  required: boolean;
  personal: boolean;
  description: string | undefined;
}

export interface EntityMeta {
  name: string;
  title: string | undefined;
  file: string | undefined;
  key: string[];
  roleBy: string | undefined;
  fields: FieldMeta[];
}

export interface RulesetMetadata {
  name: string;
  version: string;
  id: string;
  title: string | undefined;
  validFrom: string | undefined;
  validUntil: string | undefined;
  extends: string | undefined;
  sources: { alias: string; title: string; url: string | undefined }[];
  ikb: { key: string; depositors: string[]; depositorBy: string } | undefined;
  /** The .regel files of the extends / uses chain: path relative to the rulesets root, ruleset, sha256. */
  sourceFiles?: { path: string; ruleset: string; sha256: string }[];
}

export interface FileRule {
  code: string;
  severity: Severity;
  check: "present" | "header" | "unique-key" | "references";
  entities: string[];
}

export interface RuleContext {
  rrd: number;
  ikb: Readonly<Record<string, readonly unknown[]>>;
  ikbKey: string | undefined;
}

export type Decoder<R> = (cells: readonly string[], index: readonly number[], out: Finding[]) => R;

export interface Classification {
  categories: string[];
  payoutsBlocked: string[];
  meetsAutomatedControls: boolean;
}
`;

/** Core helpers: decoding, rendering, absent-aware comparison and exact arithmetic, dates. */
export const PRELUDE_CORE: Code = ts`
const $DAY = 86400000;

/** Length in code points. */
function $cpLength(s: string): number {
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

function $isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function $daysInMonth(y: number, m: number): number {
  return m === 2 ? ($isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function $dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number, packed as y * 10000 + m * 100 + d (no allocation). */
function $ymd(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

function $yearOfDay(days: number | undefined): number | undefined {
  return days === undefined ? undefined : Math.floor($ymd(days) / 10000);
}

function $yearOfMs(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.floor($ymd(Math.floor(ms / $DAY)) / 10000);
}

/** Day of the week, 0 = Sunday (1970-01-01 was a Thursday). */
function $weekday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function $digitsAt(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** \`YYYY-MM-DD\`, a real calendar day, to a day number. */
function $parseDate(s: string): number | undefined {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const y = $digitsAt(s, 0, 4);
  const m = $digitsAt(s, 5, 2);
  const d = $digitsAt(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > $daysInMonth(y, m)) return undefined;
  return $dayNumber(y, m, d);
}

const $DATETIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,9}))?)?(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))$/;

/** ISO 8601 date-time with \`Z\` or an offset to milliseconds since the epoch (fractions below a millisecond are dropped). */
function $parseDateTime(s: string): number | undefined {
  const m = $DATETIME.exec(s);
  if (m === null) return undefined;
  const day = $parseDate(m[1]);
  const hh = Number(m[2]);
  const mi = Number(m[3]);
  const ss = m[4] === undefined ? 0 : Number(m[4]);
  const ms = m[5] === undefined ? 0 : Number((m[5] + "00").slice(0, 3));
  if (day === undefined || hh > 23 || mi > 59 || ss > 59) return undefined;
  let offset = 0;
  if (m[6] === undefined) {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[7] === "-" ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  return day * $DAY + ((hh * 60 + mi) * 60 + ss) * 1000 + ms - offset;
}

/** \`-?[0-9]+\` within the safe integer range. */
function $parseInteger(s: string): number | undefined {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  if (s.length === start) return undefined;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n + 0 : undefined;
}

/**
 * \`-?[0-9]+(\\.[0-9]+)?\` with at most \`scale\` decimals, as the unscaled value at \`scale\`;
 * undefined when the value needs more than \`precision\` digits.
 */
function $parseDecimal(s: string, precision: number, scale: number): bigint | undefined {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  let point = -1;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && point < 0 && i > start && i + 1 < s.length) point = i;
    else if (c < 48 || c > 57) return undefined;
  }
  if (s.length === start) return undefined;
  const whole = point < 0 ? s.slice(start) : s.slice(start, point);
  const fraction = point < 0 ? "" : s.slice(point + 1);
  if (fraction.length > scale) return undefined;
  const digits = (whole + fraction.padEnd(scale, "0")).replace(/^0+/, "");
  if (digits.length > precision) return undefined;
  const v = digits === "" ? 0n : BigInt(digits);
  return start === 1 ? -v : v;
}

function $parseBoolean(s: string): boolean | undefined {
  return s === "true" ? true : s === "false" ? false : undefined;
}

function $pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** A day number as \`YYYY-MM-DD\`. */
function $renderDate(days: number | undefined): string | null {
  if (days === undefined) return null;
  const p = $ymd(days);
  return $pad(Math.floor(p / 10000), 4) + "-" + $pad(Math.floor(p / 100) % 100, 2) + "-" + $pad(p % 100, 2);
}

/** Milliseconds as ISO 8601 in UTC. */
function $renderDateTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** An unscaled decimal as text with exactly \`scale\` decimals. */
function $renderDecimal(v: bigint | undefined, scale: number): string | null {
  if (v === undefined) return null;
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
  return negative ? "-" + text : text;
}

function $renderText(v: string | number | boolean | undefined): string | null {
  return v === undefined ? null : String(v);
}

/** Placeholder text in messages: the CSV text, or empty when absent. */
function $msg(v: string | null): string {
  return v === null ? "" : v;
}

type $Comparable = number | bigint | string | boolean;

function $isTrue(v: boolean | undefined): boolean {
  return v === true;
}
function $eq<T extends $Comparable>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a === b;
}
function $ne<T extends $Comparable>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}
function $lt<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a < b;
}
function $le<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a <= b;
}
function $gt<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a > b;
}
function $ge<T extends number | bigint | string>(a: T | undefined, b: T | undefined): boolean {
  return a !== undefined && b !== undefined && a >= b;
}

/** A safe integer as bigint (absent stays absent). */
function $big(a: number | undefined): bigint | undefined {
  return a === undefined ? undefined : BigInt(a);
}
/** Multiply by a power of ten: move an unscaled value to a larger scale. */
function $scale(a: bigint | undefined, factor: bigint): bigint | undefined {
  return a === undefined ? undefined : a * factor;
}
function $add(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
function $sub(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}
function $mul(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a * b;
}
function $neg(a: bigint | undefined): bigint | undefined {
  return a === undefined ? undefined : -a;
}
/**
 * \`(a * ma) / (b * mb)\` rounded half to even; absent when an operand is absent or b is zero.
 * The caller picks the powers of ten so the quotient lands on the result scale.
 */
function $div(a: bigint | undefined, b: bigint | undefined, ma: bigint, mb: bigint): bigint | undefined {
  if (a === undefined || b === undefined || b === 0n) return undefined;
  const n = a * ma;
  const d = b * mb;
  let q = n / d;
  const r = n % d;
  if (r !== 0n) {
    const twice = (r < 0n ? -r : r) * 2n;
    const abs = d < 0n ? -d : d;
    if (twice > abs || (twice === abs && q % 2n !== 0n)) q += (n < 0n) !== (d < 0n) ? -1n : 1n;
  }
  return q;
}

/** Add days or milliseconds (absent stays absent). */
function $plus(a: number | undefined, n: number): number | undefined {
  return a === undefined ? undefined : a + n;
}
/** A day number as milliseconds at midnight UTC. */
function $dayToMs(a: number | undefined): number | undefined {
  return a === undefined ? undefined : a * $DAY;
}
/** Calendar months: the 31st plus one month is the last day of the next month. */
function $addMonths(days: number | undefined, months: number): number | undefined {
  if (days === undefined) return undefined;
  const p = $ymd(days);
  const total = Math.floor(p / 10000) * 12 + (Math.floor(p / 100) % 100) - 1 + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return $dayNumber(y, m, Math.min(p % 100, $daysInMonth(y, m)));
}
function $addMonthsMs(ms: number | undefined, months: number): number | undefined {
  if (ms === undefined) return undefined;
  const day = Math.floor(ms / $DAY);
  return ($addMonths(day, months) as number) * $DAY + (ms - day * $DAY);
}

/** The text of cell \`i\` ("" when the column or the cell is missing). */
function $cell(cells: readonly string[], i: number): string {
  if (i < 0) return "";
  const c = cells[i];
  return c === undefined ? "" : c;
}

function $isValid(r: { $invalid?: Record<string, string> }, field: string): boolean {
  return r.$invalid === undefined || !Object.hasOwn(r.$invalid, field);
}
/** The CSV text of a field that did not decode, else the rendered value. */
function $text(r: { $invalid?: Record<string, string> }, field: string, rendered: string | null): string | null {
  return r.$invalid !== undefined && Object.hasOwn(r.$invalid, field) ? r.$invalid[field] : rendered;
}
/** Record the text of every cell that is not empty but did not decode (\`names\` in field order). */
function $markInvalid(r: { $invalid?: Record<string, string> }, cells: readonly string[], index: readonly number[], names: readonly string[]): void {
  const values = r as unknown as Record<string, unknown>;
  for (let i = 0; i < names.length; i++) {
    const c = $cell(cells, index[i]);
    if (c !== "" && values[names[i]] === undefined) (r.$invalid ??= {})[names[i]] = c;
  }
}
/** Append one finding (failure path only). */
function $push(
  out: Finding[],
  law: RuleLaw,
  severity: Severity,
  entity: string,
  role: Role | undefined,
  attribute: string | undefined,
  key: string,
  values: Record<string, string | null>,
  message: string,
): void {
  out.push({ rule: law.code, severity, entity, role, attribute, key, values, message, law });
}

/** A rule's law, frozen all the way down: one per rule, shared by all of its findings. */
function $law(code: string, title: string, articles: ArticleTrace[], assumptions: string[]): RuleLaw {
  for (const a of articles) Object.freeze(a);
  return Object.freeze({ code, title, articles: Object.freeze(articles), assumptions: Object.freeze(assumptions) });
}

/** The laws by rule code, in an object without a prototype (so no code can meet an inherited name). */
function $lawTable(laws: readonly RuleLaw[]): Readonly<Record<string, RuleLaw>> {
  const table: Record<string, RuleLaw> = Object.create(null);
  for (const law of laws) table[law.code] = law;
  return Object.freeze(table);
}
function $matches(re: RegExp, v: string | undefined): boolean {
  return v !== undefined && re.test(v);
}
function $in<T>(set: ReadonlySet<T>, v: T | undefined): boolean {
  return v !== undefined && set.has(v);
}
function $length(v: string | undefined): number | undefined {
  return v === undefined ? undefined : $cpLength(v);
}

const $NO_ROWS: readonly never[] = [];
/** The records of one entity in the IKB (no allocation when there are none). */
function $ikbRows<T>(ikb: Readonly<Record<string, readonly unknown[]>>, entity: string): readonly T[] {
  const rows = ikb[entity];
  return (rows === undefined ? $NO_ROWS : rows) as readonly T[];
}
`;

/** Working-day arithmetic over a calendar given as data (holidays are ruleset data, not code). */
export const PRELUDE_CALENDAR: Code = ts`
/** A holiday rule: fixed day (kind 0) or Easter offset (kind 1). */
interface $Holiday {
  readonly kind: 0 | 1;
  readonly month: number;
  readonly day: number;
  readonly offset: number;
  readonly ifSunday: number;
  readonly from: number;
  readonly until: number;
}
interface $Calendar {
  /** Weekend days, 0 = Sunday. */
  readonly weekend: readonly number[];
  readonly holidays: readonly $Holiday[];
}

/** Western (Gregorian) Easter Sunday as a day number (anonymous Gregorian algorithm). */
function $easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return $dayNumber(y, month, day);
}

/** The day of a holiday in year \`y\` (a fixed day the month lacks that year is none). */
function $holidayIn(h: $Holiday, y: number): number | undefined {
  if (y < h.from || y > h.until) return undefined;
  let d: number;
  if (h.kind === 1) {
    if (y < 1583) return undefined;
    d = $easter(y) + h.offset;
  } else {
    if (h.day > $daysInMonth(y, h.month)) return undefined;
    d = $dayNumber(y, h.month, h.day);
  }
  return h.ifSunday !== 0 && $weekday(d) === 0 ? d + h.ifSunday : d;
}

function $isWorkday(days: number, cal: $Calendar): boolean {
  if (cal.weekend.includes($weekday(days))) return false;
  const y = Math.floor($ymd(days) / 10000);
  for (const h of cal.holidays) {
    // A moved holiday can cross a year boundary: look at the neighbouring years too.
    for (let yy = y - 1; yy <= y + 1; yy++) if ($holidayIn(h, yy) === days) return false;
  }
  return true;
}

/** Move by whole working days (negative: backwards); 0 leaves the day unchanged. */
function $addWorkdays(days: number | undefined, n: number, cal: $Calendar): number | undefined {
  // A calendar without working days has no answer (and must not loop forever).
  if (days === undefined || (n !== 0 && cal.weekend.length >= 7)) return undefined;
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  let d = days;
  while (left > 0) {
    d += step;
    if ($isWorkday(d, cal)) left--;
  }
  return d;
}
function $addWorkdaysMs(ms: number | undefined, n: number, cal: $Calendar): number | undefined {
  if (ms === undefined) return undefined;
  const day = Math.floor(ms / $DAY);
  const moved = $addWorkdays(day, n, cal);
  return moved === undefined ? undefined : moved * $DAY + (ms - day * $DAY);
}
`;

/** IBAN validation: format per country (table embedded by the compiler) and the ISO 7064 check digits. */
export const PRELUDE_IBAN: Code = ts`
function $validIban(s: string | undefined): boolean {
  if (s === undefined || s.length < 5) return false;
  const spec = $IBAN_SPECS.get(s.slice(0, 2));
  if (spec === undefined || spec[0] !== s.length) return false;
  const c0 = s.charCodeAt(2) - 48;
  const c1 = s.charCodeAt(3) - 48;
  if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9) return false;
  const bban = s.slice(4);
  if (!spec[1].test(bban)) return false;
  const rearranged = bban + s.slice(0, 2) + "00";
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 65) {
      const v = code - 55;
      rest = (rest * 100 + v) % 97;
    } else {
      rest = (rest * 10 + (code - 48)) % 97;
    }
  }
  return 98 - rest === c0 * 10 + c1;
}
`;

/** BSN (burgerservicenummer): nine digits passing the 11-check. */
export const PRELUDE_BSN: Code = ts`
function $validBsn(s: string | undefined): boolean {
  if (s === undefined || s.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    sum += i === 8 ? -c : (9 - i) * c;
  }
  return sum % 11 === 0;
}
`;

/** Dutch postcode: four digits (no leading zero), a space, two capital letters. */
export const PRELUDE_POSTCODE: Code = ts`
const $POSTCODE = /^[1-9][0-9]{3} [A-Z]{2}$/;
function $validPostcode(s: string | undefined): boolean {
  return s !== undefined && $POSTCODE.test(s);
}
`;

export const PRELUDE_COUNTRY: Code = ts`
function $validCountry(s: string | undefined): boolean {
  return s !== undefined && $COUNTRIES.has(s);
}
`;
