/**
 * Runs the inline examples of checked rulesets through the **compiled validators**, the way the
 * runtime runs a delivery, and turns every example whose verdict differs into a diagnostic
 * (REG408). `regel check` and `regel compile` call it; the reference interpreter's run of the same
 * examples (interpreter/example-runner.ts) is only a cross-check in the tests.
 *
 * Each example is the one-group delivery interpreter/example-runner.ts describes:
 * - a record example goes through the runtime's record path: the compiled module's decoders and
 *   fused `checks`, with the {@link RuleContext} a delivery gives the subject (the records of its
 *   IKB and its IKB key, or no records when it is in no IKB); the example fails when its rule
 *   yields a finding for the subject;
 * - a file example is written as CSV files into a private temporary folder and validated by
 *   {@link validateDelivery}, since the file checks live in the runtime; the example fails when its
 *   rule yields a finding for the example's entity.
 * test/rulesets/examples-differential.test.ts proves that the record path gives the verdict a real
 * delivery of the same files gives.
 *
 * The module to run comes from `regel compile` (the JavaScript it is about to write) or is
 * compiled here in memory. `regel check` keeps what it compiled in a cache folder keyed by the
 * sha256 of the ruleset's sources (its `extends` / `uses` chain), of the CSV files of its tables
 * and of the compiler's own code, so that an unchanged ruleset is not compiled again:
 * `$REGEL_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/regel`, else `~/.cache/regel`; `REGEL_CACHE_DIR=off` turns the cache off. The
 * cache keeps the 32 most recently used modules.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import {
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  CompiledRuleset,
  Finding,
  RuleContext,
} from "../compiler/contract.js";
import {
  exampleDeliveries,
  exampleGroup,
  isDelivery,
  verdict,
  type ExampleDelivery,
  type ExampleResult,
} from "../interpreter/example-runner.js";
import type { RawRow } from "../interpreter/reference-interpreter.js";
import { ruleLaw } from "../compiler/rule-law.js";
import { CODES } from "../dsl/check-codes.js";
import type { Diagnostic } from "../dsl/diagnostics.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import { entityNamed, ruleCoded } from "../dsl/named.js";
import type { Project } from "../dsl/project.js";
import { dateToDays, validateDelivery } from "../runtime/delivery.js";
import { makeFolderSync } from "../runtime/make-folder.js";
import { deliveryFilePath } from "../runtime/delivery-file.js";
import { loadCompiled, type LoadedRuleset } from "../runtime/load-compiled.js";
import type { Report } from "../runtime/report-types.js";
import { csvCell } from "../runtime/synthetic/generate.js";
import {
  cellInDialect,
  commaToPoint,
  dateToIso,
  lineInDialect,
} from "../runtime/dialect.js";
import { isRealDate } from "../dsl/types.js";
import { DEFAULT_DIALECT, type FileDialect } from "../dsl/file-dialect.js";

/** What {@link checkExamplesCompiled} found. */
export interface ExampleCheck {
  /** REG408 / REG200 per example that does not hold, and the compiler's diagnostics. */
  diagnostics: Diagnostic[];
  /** How many examples the compiled validators ran (inherited rules' examples once per version). */
  examples: number;
}

/** How {@link checkExamplesCompiled} gets the compiled modules. */
export interface ExampleCheckOptions {
  /** The compiled JavaScript (`validators.js`) by ruleset id, e.g. what `regel compile` is about to write; the others are compiled here. */
  compiled?: ReadonlyMap<string, string>;
  /** The cache folder for modules compiled here; `null`: no cache. Default: {@link defaultCacheDir}. */
  cacheDir?: string | null;
}

/** The cache folder of `regel check` (see the module doc); undefined when turned off. */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const set = env.REGEL_CACHE_DIR;
  if (set !== undefined && set !== "") return set === "off" ? undefined : set;
  const base =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== ""
      ? env.XDG_CACHE_HOME
      : join(homedir(), ".cache");
  return join(base, "regel");
}

/** How many compiled modules the cache keeps (most recently used first). */
const CACHE_ENTRIES = 32;
/** Bumped when the layout of a cache entry changes. */
const CACHE_FORMAT = "regel-examples-1";

// ---- running one ruleset's examples ------------------------------------------------------

/** Decode one example row with the compiled decoder, cells in the entity's field order (its full header). */
function decodeRow(
  m: CompiledRuleset,
  entity: string,
  row: RawRow,
  out: Finding[],
): unknown {
  const meta = m.entities.find((e) => e.name === entity);
  const decode = m.decoders[entity];
  if (meta === undefined || decode === undefined)
    throw new Error(`the compiled module has no decoder for \`${entity}\``);
  return decode(
    meta.fields.map((f) => row[f.column] ?? ""),
    meta.fields.map((_, i) => i),
    out,
  );
}

/**
 * The findings of a record example's rule for its subject, from the compiled module run as the
 * runtime runs one IKB: every record of the subject's IKB decoded, then the subject checked with
 * those records and the IKB key as its context.
 */
export function recordExampleFindings(
  ruleset: ResolvedRuleset,
  m: CompiledRuleset,
  d: ExampleDelivery,
): Finding[] {
  if (d.subject === undefined) throw new Error("not a record example");
  const out: Finding[] = [];
  const ikb: Record<string, unknown[]> = Object.create(null);
  let subject: unknown;
  let found = false;
  for (const [entity, rows] of Object.entries(exampleGroup(ruleset, d)))
    ikb[entity] = rows.map((row) => {
      const isSubject = row === d.subject!.row;
      const record = decodeRow(m, entity, row, isSubject ? out : []);
      if (isSubject) {
        subject = record;
        found = true;
      }
      return record;
    });
  if (!found) subject = decodeRow(m, d.entity, d.subject.row, out);
  const ctx: RuleContext = {
    rrd: dateToDays(d.rrd),
    ikb,
    ikbKey: d.subject.ikbKey,
  };
  if (d.previous !== undefined) {
    // the IKB in the previous delivery (T−1): decoded as the runtime decodes it, findings dropped
    const previous: Record<string, unknown[]> = Object.create(null);
    for (const e of Object.keys(ikb)) previous[e] = [];
    for (const [entity, rows] of Object.entries(d.previous))
      previous[entity] = rows.map((row) => decodeRow(m, entity, row, []));
    ctx.previous = previous;
  }
  if (d.gone !== undefined) {
    // `for previous E`: the rule runs on each record of E in the IKB of T−1, as the runtime runs it
    const gone = m.gone?.[d.gone];
    for (const row of d.previous?.[d.gone] ?? [])
      gone?.(decodeRow(m, d.gone, row, []), ctx, out);
  } else m.checks[d.entity]?.(subject, ctx, out);
  return out.filter((f) => f.rule === d.rule);
}

/** An example that no delivery file can hold: a value its file's encoding cannot write. */
export class UnrepresentableExampleError extends Error {}

/**
 * `text` in a single-byte encoding with the codec the runtime decodes it with (iconv-lite, see
 * runtime/csv-reader.ts decodeSingleByte), so that the bytes read back are the text.
 *
 * @throws UnrepresentableExampleError for a character the encoding has no byte for
 */
async function encodeSingleByte(
  text: string,
  encoding: "iso-8859-1" | "windows-1252",
  file: string,
): Promise<Buffer> {
  const iconv = (await import("iconv-lite")).default;
  const bytes = iconv.encode(text, encoding);
  if (iconv.decode(bytes, encoding) === text) return bytes;
  for (const c of text)
    if (iconv.decode(iconv.encode(c, encoding), encoding) !== c)
      throw new UnrepresentableExampleError(
        `${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) cannot be written in ${encoding}, the encoding of ${file}: no delivery file holds this value`,
      );
  throw new UnrepresentableExampleError(
    `the example's values cannot be written in ${encoding}, the encoding of ${file}`,
  );
}

/**
 * An example's values must fit in a file of `quote none`: a cell there cannot hold the delimiter
 * or a line break, whichever path (record or file) runs the example.
 *
 * @throws UnrepresentableExampleError naming the first value that does not fit
 */
function unquotableValue(ruleset: ResolvedRuleset, d: ExampleDelivery): void {
  for (const [name, file] of Object.entries(d.files)) {
    const entity = entityNamed(ruleset, name);
    const dialect = entity?.dialect;
    if (entity?.file === undefined || dialect === undefined) continue;
    if (dialect.quote !== null) continue;
    for (const row of file.rows)
      for (const [column, value] of Object.entries(row))
        if (value.includes(dialect.delimiter) || /[\r\n]/.test(value))
          throw new UnrepresentableExampleError(
            `${column} ${JSON.stringify(value)} holds ${value.includes(dialect.delimiter) ? `the delimiter ${JSON.stringify(dialect.delimiter)}` : "a line break"} of ${entity.file}, which is written \`quote none\`: no delivery file holds this value`,
          );
  }
}

/** A canonical decimal cell (`12.50`), as record examples and canonical files read it. */
const CANONICAL_DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * An example's string is the text of a canonical cell. A date or decimal string written in its
 * file's dialect instead (`"31-01-2020"` for a `DD-MM-YYYY` date, `"12,50"` in a `decimal ","`
 * file) is no value in a record example but a valid one in the file a file example writes: the
 * same text would mean two things, so it stands for no delivery.
 *
 * @throws UnrepresentableExampleError naming the first such value
 */
function dialectOnlyValue(ruleset: ResolvedRuleset, d: ExampleDelivery): void {
  for (const [name, file] of Object.entries(d.files)) {
    const entity = entityNamed(ruleset, name);
    if (entity?.file === undefined) continue;
    for (const field of entity.fields) {
      const type = field.decl.type?.name ?? "text";
      const dateFormat =
        field.decl.dateFormat?.value ??
        entity.dialect?.dateFormat ??
        DEFAULT_DIALECT.dateFormat;
      const decimalComma =
        (type === "money" || type === "decimal") &&
        entity.dialect?.decimalMark === ",";
      if (!(type === "date" && dateFormat !== "YYYY-MM-DD") && !decimalComma)
        continue;
      for (const row of file.rows) {
        const text = row[field.column];
        if (text === undefined || text === "") continue;
        const read =
          type === "date"
            ? isRealDate(text)
              ? undefined
              : dateToIso(text, dateFormat)
            : CANONICAL_DECIMAL.test(text)
              ? undefined
              : commaToPoint(text);
        if (read !== undefined)
          throw new UnrepresentableExampleError(
            `${field.column} ${JSON.stringify(text)} is written as ${entity.file} writes it (${type === "date" ? `dates "${dateFormat}"` : 'decimal ","'}), not canonically: a file example's file would read it as ${read}, a record example as no ${type}; write ${read} for the value, or a text no file reads as one for a malformed cell`,
          );
      }
    }
  }
}

/**
 * Write an example's delivery as CSV files into `dir` (which must exist): per entity with a
 * `file`, its header and rows. Returns the paths written.
 */
export async function writeExampleDelivery(
  ruleset: ResolvedRuleset,
  d: ExampleDelivery,
  dir: string,
): Promise<string[]> {
  const written: string[] = [];
  // the lines of each file: several entities may share one file (record types)
  const texts = new Map<
    string,
    { lines: string[]; encoding: FileDialect["encoding"]; file: string }
  >();
  for (const [name, file] of Object.entries(d.files)) {
    const entity = entityNamed(ruleset, name);
    if (entity?.file === undefined) continue;
    // a file of record types left out for one of its entities is left out for all
    const sharing = [...ruleset.entities.values()].filter(
      (e) => e.file === entity.file,
    );
    if (sharing.some((e) => !(e.name in d.files))) continue;
    const path = deliveryFilePath(dir, entity.file);
    const text = texts.get(path) ?? {
      lines: [],
      encoding: "utf-8",
      file: entity.file,
    };
    texts.set(path, text);
    // a date field's own `format` writes the file in a dialect even where the entity has none
    const formats = new Map(
      entity.fields.flatMap((f) =>
        f.decl.dateFormat === undefined
          ? []
          : [[f.column, f.decl.dateFormat.value] as const],
      ),
    );
    const dialect =
      entity.dialect ?? (formats.size > 0 ? DEFAULT_DIALECT : undefined);
    if (dialect === undefined) {
      text.lines.push(
        file.header.map((c) => csvCell(c)).join(","),
        ...file.rows.map((row) =>
          file.header.map((c) => csvCell(row[c] ?? "")).join(","),
        ),
      );
      continue;
    }
    // the file as its dialect writes it: example values are canonical text (docs/language.md)
    const types = new Map(
      entity.fields.map((f) => [f.column, f.decl.type?.name ?? "text"]),
    );
    text.encoding = dialect.encoding;
    text.lines.push(
      ...(dialect.header ? [lineInDialect(file.header, dialect)] : []),
      ...file.rows.map((row) =>
        lineInDialect(
          file.header.map((c, i) =>
            // a record type's first field is its code
            i === 0 && entity.record !== undefined
              ? entity.record
              : cellInDialect(
                  row[c] ?? "",
                  types.get(c) ?? "text",
                  dialect,
                  formats.get(c),
                ),
          ),
          dialect,
        ),
      ),
    );
  }
  for (const [path, text] of texts) {
    const body = `${text.lines.join("\n")}\n`;
    await writeFile(
      path,
      text.encoding === "utf-8"
        ? body
        : await encodeSingleByte(body, text.encoding, text.file),
    );
    written.push(path);
  }
  return written;
}

/**
 * The findings of an example's rule in the report of its delivery: for a record example, those on
 * the subject (the first row of its entity's file, line 2); for a file example, those on the
 * example's entity.
 */
/**
 * The line of a record example's subject in the files {@link writeExampleDelivery} writes: the
 * first row of its entity, after the header (when the file has one) and after the rows of the
 * entities written before it into the same file (record types).
 */
function subjectLine(ruleset: ResolvedRuleset, d: ExampleDelivery): number {
  const subject = entityNamed(ruleset, d.entity);
  let line = 1;
  for (const [name, file] of Object.entries(d.files)) {
    const entity = entityNamed(ruleset, name);
    if (entity?.file === undefined || entity.file !== subject?.file) continue;
    if (entity.dialect?.header !== false) line++;
    if (entity === subject) return line;
    line += file.rows.length;
  }
  return line;
}

export function reportExampleFindings(
  ruleset: ResolvedRuleset,
  report: Report,
  d: ExampleDelivery,
): Finding[] {
  const file = entityNamed(ruleset, d.entity)?.file;
  const out: Finding[] = [];
  const rule = ruleCoded(ruleset, d.rule);
  for (const r of [...report.rules, ...report.secondaryRules]) {
    if (r.code !== d.rule || rule === undefined) continue;
    for (const s of r.samples) {
      if (s.entity !== d.entity) continue;
      if (
        d.subject !== undefined &&
        (s.file !== file || s.line !== subjectLine(ruleset, d))
      )
        continue;
      out.push({
        rule: r.code,
        severity: r.severity,
        entity: s.entity,
        role: s.role ?? undefined,
        attribute: s.attribute ?? undefined,
        key: s.key,
        values: s.values,
        message: s.message,
        file: s.file ?? undefined,
        line: s.line ?? undefined,
        law: ruleLaw(rule),
      });
    }
  }
  return out;
}

/** Validate an example's delivery with {@link validateDelivery} in a fresh folder under `work`. */
export async function deliveryExampleFindings(
  ruleset: ResolvedRuleset,
  loaded: LoadedRuleset,
  d: ExampleDelivery,
  work: string,
): Promise<Finding[]> {
  const dir = await mkdtemp(join(work, "delivery-"));
  try {
    await writeExampleDelivery(ruleset, d, dir);
    const report = await validateDelivery(dir, loaded, {
      rrd: d.rrd,
      showPersonalData: true,
      tempDir: work,
    });
    return reportExampleFindings(ruleset, report, d);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Run every example of `ruleset` through its compiled module (record examples through the record
 * path, file examples as deliveries in a private folder under `work`).
 */
export async function runCompiledExamples(
  ruleset: ResolvedRuleset,
  loaded: LoadedRuleset,
  work: string,
): Promise<ExampleResult[]> {
  const run = async (d: ExampleDelivery): Promise<ExampleResult> => {
    try {
      unquotableValue(ruleset, d);
      dialectOnlyValue(ruleset, d);
      const findings =
        d.subject !== undefined
          ? recordExampleFindings(ruleset, loaded.module, d)
          : await deliveryExampleFindings(ruleset, loaded, d, work);
      return verdict(d, findings);
    } catch (e) {
      return {
        ...verdict(d, []),
        actual: "error",
        error: e instanceof Error ? e.message : String(e),
        ...(e instanceof UnrepresentableExampleError
          ? { unrepresentable: true }
          : {}),
      };
    }
  };
  // File examples wait mostly for the file system: they run side by side, each in its own folder.
  return Promise.all(
    exampleDeliveries(ruleset).map((d) =>
      isDelivery(d) ? run(d) : Promise.resolve(d),
    ),
  );
}

// ---- diagnostics ---------------------------------------------------------------------------

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What the example's delivery holds, for a note. */
function describeDelivery(
  ruleset: ResolvedRuleset,
  d: ExampleDelivery,
): string {
  const parts = Object.entries(d.files)
    .filter(([, f]) => f.rows.length > 0)
    .map(
      ([name, f]) =>
        `${entityNamed(ruleset, name)?.file ?? name} ${plural(f.rows.length, "row")}`,
    );
  const where =
    d.subject === undefined
      ? "a delivery"
      : d.subject.ikbKey === undefined
        ? "a delivery in which the subject is in no IKB (it sees no other records)"
        : `a delivery of one IKB (\`${d.subject.ikbKey}\`)`;
  const previous =
    d.previous === undefined
      ? ""
      : `; previous delivery (T−1): ${
          Object.entries(d.previous)
            .filter(([, rows]) => rows.length > 0)
            .map(
              ([name, rows]) =>
                `${entityNamed(ruleset, name)?.file ?? name} ${plural(rows.length, "row")}`,
            )
            .join(", ") || "the IKB is not in it"
        }`;
  return `the example ran as ${where}: ${parts.length > 0 ? parts.join(", ") : "no rows"}; RRD ${d.rrd}${previous}`;
}

function findingText(f: Finding): string {
  const on = f.attribute === undefined ? "" : ` on \`${f.attribute}\``;
  return `finding${on}: ${f.message}`;
}

/** The REG408 (or, when the run failed, REG200) diagnostic of an example result; undefined when it holds. */
export function exampleDiagnostic(
  ruleset: ResolvedRuleset,
  result: ExampleResult,
): Diagnostic | undefined {
  if (result.actual === result.expected) return undefined;
  const d = result.delivery;
  const notes: string[] = [];
  if (result.span.file !== ruleset.file)
    notes.push(
      `found while checking ${ruleset.id} (${ruleset.file}), which inherits this rule`,
    );
  if (result.actual === "error" && "unrepresentable" in result)
    return {
      code: CODES.exampleUnrepresentable,
      severity: "error",
      message: `example ${result.example} of \`${result.rule}\` cannot be written as a delivery file: ${result.error}`,
      span: result.span,
      notes: [
        ...notes,
        "an example stands for a delivery; write values its file can hold",
      ],
    };
  if (result.actual === "error")
    return {
      code: CODES.internalError,
      severity: "error",
      message: `example ${result.example} of \`${result.rule}\` could not be run by the compiled validators of ${ruleset.id}: ${result.error ?? "unknown error"}`,
      span: result.span,
      notes,
    };
  const subject =
    d?.subject !== undefined
      ? `the \`${d.entity}\` record`
      : `the file of \`${d?.entity ?? "?"}\``;
  const message =
    result.expected === "fail"
      ? `example ${result.example} of \`${result.rule}\` does not hold: it expects a finding, but the compiled validators of ${ruleset.id} pass ${subject}`
      : `example ${result.example} of \`${result.rule}\` does not hold: it expects no finding, but the compiled validators of ${ruleset.id} report ${subject}`;
  for (const f of result.findings.slice(0, 3)) notes.push(findingText(f));
  if (result.findings.length > 3)
    notes.push(`and ${plural(result.findings.length - 3, "more finding")}`);
  if (d !== undefined) notes.push(describeDelivery(ruleset, d));
  notes.push(
    "fix the example or the rule; docs/language.md, section Examples, says how an example is run",
  );
  return {
    code: CODES.exampleVerdictDiffers,
    severity: "error",
    message,
    span: result.span,
    notes,
  };
}

// ---- compiled modules: given, cached or compiled here ---------------------------------------

let compilerFingerprint: string | undefined;

/** sha256 of the compiler's and the front end's own code (`../compiler`, `../dsl` of this module). */
function fingerprint(): string | undefined {
  if (compilerFingerprint !== undefined)
    return compilerFingerprint === "" ? undefined : compilerFingerprint;
  const h = createHash("sha256").update(CACHE_FORMAT);
  const here = dirname(fileURLToPath(import.meta.url));
  try {
    for (const sub of ["compiler", "dsl"]) {
      const dir = join(here, "..", sub);
      for (const name of readdirSync(dir).sort()) {
        if (!/\.(js|ts)$/.test(name) || name.endsWith(".d.ts")) continue;
        h.update(`\0${sub}/${name}\0`).update(readFileSync(join(dir, name)));
      }
    }
    compilerFingerprint = h.digest("hex");
  } catch {
    // Without the compiler's own code to hash, a cached module could be stale: no cache.
    compilerFingerprint = "";
  }
  return compilerFingerprint === "" ? undefined : compilerFingerprint;
}

/** A ruleset version and the versions of its `extends` / `uses` chain. */
function chainRulesets(
  project: Pick<Project, "rulesets">,
  ruleset: ResolvedRuleset,
): ResolvedRuleset[] {
  const byId = new Map(project.rulesets.map((r) => [r.id, r]));
  const chain: ResolvedRuleset[] = [];
  const todo = [ruleset];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const r = todo.pop()!;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    chain.push(r);
    for (const id of [
      ...(r.extends === undefined ? [] : [r.extends]),
      ...r.uses,
    ]) {
      const next = byId.get(id);
      if (next !== undefined) todo.push(next);
    }
  }
  return chain;
}

/** The source files a ruleset version is built from: its own and those of its `extends` / `uses` chain. */
export function chainFiles(
  project: Pick<Project, "rulesets">,
  ruleset: ResolvedRuleset,
): string[] {
  return [
    ...new Set(chainRulesets(project, ruleset).map((r) => r.file)),
  ].sort();
}

/**
 * The reference-data files (`table ... file "rates.csv"`) the compile of a ruleset version reads,
 * over its chain: each one's path and the sha256 of its bytes as the checker read them.
 */
function chainTableFiles(
  project: Pick<Project, "rulesets">,
  ruleset: ResolvedRuleset,
): string[] {
  const files = new Set<string>();
  for (const r of chainRulesets(project, ruleset))
    for (const t of r.tables)
      if (t.file !== undefined)
        files.add(`${t.path ?? t.file.value}\0${t.sha256 ?? "unread"}`);
  return [...files].sort();
}

/** The cache key of a ruleset version: its id, its chain's paths and texts, the paths and sha256 of its tables' CSV files, and the compiler; undefined when the compiler cannot be fingerprinted. */
function cacheKey(
  project: Project,
  ruleset: ResolvedRuleset,
): string | undefined {
  const compiler = fingerprint();
  if (compiler === undefined) return undefined;
  const h = createHash("sha256").update(compiler).update(`\0${ruleset.id}`);
  for (const file of chainFiles(project, ruleset))
    h.update(`\0${file}\0`).update(project.texts.get(file) ?? "");
  // a table's rows are compiled into the module: a changed CSV is another module
  for (const table of chainTableFiles(project, ruleset))
    h.update(`\0table\0${table}`);
  return h.digest("hex");
}

/** Write a module folder: `validators.js` plus a `package.json` that makes it ESM wherever it is. */
async function writeModule(dir: string, js: string): Promise<void> {
  makeFolderSync(dir, 0o700);
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await writeFile(join(dir, "validators.js"), js);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Keep the most recently used entries of the cache. */
async function pruneCache(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  const dated: { path: string; time: number }[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !/^[0-9a-f]{64}$/.test(e.name)) continue;
    const path = join(root, e.name);
    dated.push({ path, time: (await stat(path)).mtimeMs });
  }
  dated.sort((a, b) => b.time - a.time);
  for (const old of dated.slice(CACHE_ENTRIES))
    await rm(old.path, { recursive: true, force: true });
}

/** Import `compiler/compile.js` only when something must be compiled: it loads ts-morph and prettier. */
async function compileInMemory(
  project: Project,
  ruleset: ResolvedRuleset,
): Promise<{ js: string; diagnostics: Diagnostic[] }> {
  const { compileRuleset } = await import("../compiler/compile.js");
  const out = await compileRuleset(ruleset, { texts: project.texts });
  return { js: out.js, diagnostics: out.diagnostics };
}

/**
 * The compiled module of `ruleset`, loaded: given, from the cache, or compiled here (and then
 * cached). Undefined when compiling gave errors (they are pushed to `diagnostics`). A cache entry
 * that does not load (damaged, or removed by another run meanwhile) is dropped and rebuilt.
 */
async function loadModule(
  project: Project,
  ruleset: ResolvedRuleset,
  options: ExampleCheckOptions,
  work: string,
  diagnostics: Diagnostic[],
): Promise<LoadedRuleset | undefined> {
  const fresh = join(work, `module-${randomBytes(6).toString("hex")}`);
  const given = options.compiled?.get(ruleset.id);
  if (given !== undefined) {
    await writeModule(fresh, given);
    return loadCompiled(fresh);
  }
  const cacheRoot =
    options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const key = cacheRoot == null ? undefined : cacheKey(project, ruleset);
  const root =
    cacheRoot == null || key === undefined
      ? undefined
      : join(cacheRoot, "examples");
  if (root !== undefined && key !== undefined) {
    const entry = join(root, key);
    if (await exists(join(entry, "validators.js"))) {
      try {
        const loaded = await loadCompiled(entry);
        const now = new Date();
        await utimes(entry, now, now).catch(() => undefined);
        return loaded;
      } catch {
        await rm(entry, { recursive: true, force: true }).catch(
          () => undefined,
        );
      }
    }
  }
  const compiled = await compileInMemory(project, ruleset);
  diagnostics.push(...compiled.diagnostics);
  if (compiled.diagnostics.some((d) => d.severity === "error"))
    return undefined;
  if (
    root !== undefined &&
    key !== undefined &&
    compiled.diagnostics.length === 0
  ) {
    // Written aside, then renamed into place: a concurrent run never sees half an entry.
    const entry = join(root, key);
    const aside = join(root, `.${key}-${randomBytes(6).toString("hex")}`);
    try {
      await writeModule(aside, compiled.js);
      await rename(aside, entry).catch(async (e: NodeJS.ErrnoException) => {
        // Another run put the same entry in place first: same content, keep theirs.
        await rm(aside, { recursive: true, force: true });
        if (!(await exists(join(entry, "validators.js")))) throw e;
      });
      await pruneCache(root);
    } catch {
      // An unwritable cache folder only costs speed.
      await rm(aside, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  // Load from the private folder: the cache entry may be pruned by a concurrent run.
  await writeModule(fresh, compiled.js);
  return loadCompiled(fresh);
}

/** Whether a diagnostic is an error in one of `files`. */
function errorIn(diagnostics: readonly Diagnostic[], files: string[]): boolean {
  const set = new Set(files);
  return diagnostics.some(
    (d) => d.severity === "error" && set.has(d.span.file),
  );
}

/**
 * Run the examples of every ruleset of `project` through the compiled validators and return how
 * many ran and the diagnostics: REG408 for every example whose verdict differs, REG200 for one that could not be
 * run, and the compiler's own diagnostics for a ruleset compiled here. Rulesets with errors in
 * their sources (or their `extends` / `uses` chain) are skipped: their errors say enough.
 */
export async function checkExamplesCompiled(
  project: Project,
  options: ExampleCheckOptions = {},
): Promise<ExampleCheck> {
  const diagnostics: Diagnostic[] = [];
  let examples = 0;
  const targets = project.rulesets.filter(
    (r) =>
      r.rules.some((rule) => rule.decl.examples.length > 0) &&
      !errorIn(project.diagnostics, chainFiles(project, r)),
  );
  if (targets.length === 0) return { diagnostics, examples };
  const work = await mkdtemp(join(tmpdir(), "regel-examples-"));
  try {
    for (const ruleset of targets) {
      const loaded = await loadModule(
        project,
        ruleset,
        options,
        work,
        diagnostics,
      );
      if (loaded === undefined) continue;
      for (const result of await runCompiledExamples(ruleset, loaded, work)) {
        examples++;
        const diagnostic = exampleDiagnostic(ruleset, result);
        if (diagnostic !== undefined) diagnostics.push(diagnostic);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { diagnostics, examples };
}
