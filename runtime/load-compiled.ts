/**
 * Load a compiled ruleset (`<dir>/validators.js` + optional `trace.json`) emitted by `regel compile`.
 * Modules are loaded with dynamic `import()` of their file URL; nothing is evaluated from text.
 *
 * Importing a module runs its code, so only the one module a run uses is ever imported: choosing
 * among compiled rulesets reads the header line of each module, or its `trace.json` (data, see
 * {@link readCompiledMeta}), and the default root is the package's own (see
 * {@link defaultCompiledRoot}), never a folder that merely happens to sit under the working
 * directory.
 *
 * @module
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  deliveryFileNameProblem,
  sha256Hex,
  type CompiledRuleset,
  type NormTrace,
  type RuleLaw,
  type RuleTrace,
} from "../compiler/contract.js";
import {
  RULESETS_ENV,
  RulesetLoadError,
  RulesetsNotFoundError,
} from "./errors.js";
import {
  checkSources,
  rulesetsRootOf,
  type SourceCheck,
} from "./source-check.js";

/**
 * A compiled ruleset plus where it was loaded from. `M` is the module's type: `CompiledRuleset`
 * unless the caller names the module's own (`LoadedRuleset<typeof import("regel/rulesets/ikb.glo@1.3.0")>`).
 */
export interface LoadedRuleset<M extends CompiledRuleset = CompiledRuleset> {
  module: M;
  /** The folder holding `validators.js`. */
  dir: string;
  /**
   * The trace table: the module's own `trace` export, which is `trace.json`'s table (the module's
   * header records the sha256 of the trace.json compiled with it, checked at load); for a module
   * without a header (an older regel), `trace.json`'s table when present and not shorter.
   */
  trace: readonly RuleTrace[];
  /** sha256 of `validators.js` as loaded (absent when not loaded by {@link loadCompiled}). */
  compiledSha256?: string;
  /**
   * The module's recorded sources compared with those beside the compiled root (see
   * runtime/source-check.ts); a `stale` module is refused by `validateDelivery`.
   */
  sourceCheck?: SourceCheck;
}

const REQUIRED_EXPORTS = [
  "metadata",
  "entities",
  "trace",
  "decoders",
  "checks",
  "classify",
] as const;

/**
 * The laws of a module compiled before modules exported them, rebuilt from its trace table (its
 * findings carry none; the runtime looks laws up by code).
 */
function lawsFromTrace(
  trace: readonly RuleTrace[],
): Readonly<Record<string, RuleLaw>> {
  const table: Record<string, RuleLaw> = Object.create(null);
  for (const t of trace)
    table[t.code] = Object.freeze({
      code: t.code,
      title: t.title,
      articles: Object.freeze(t.articles.map((a) => Object.freeze({ ...a }))),
      assumptions: Object.freeze([...(t.assumptions ?? [])]),
    });
  return Object.freeze(table);
}

export { RulesetLoadError };

/** The `trace.json` files parsed in this process, by path, with the text each was parsed from. */
const traceCache = new Map<string, { text: string; data: unknown }>();

/** Whether a `trace.json` parsed once is taken as it was (see {@link holdTraceFiles}). */
let traceFilesHeld = false;

/**
 * For a process that runs one command and exits (the `regel` CLI): from now on
 * {@link readTraceJson} reads each `trace.json` once and gives the value it parsed then, without
 * reading the file again. One run asks for some of them more than once (the groeipad ruleset's
 * for its norm and for its plausibility declarations; every one for a module compiled without a
 * header). A long-lived process (a language server, a watch) leaves this off, so that a ruleset
 * compiled again is seen.
 */
export function holdTraceFiles(): void {
  traceFilesHeld = true;
}

/**
 * The `trace.json` at `file`: its text and the parsed value. One run reads the trace.json of
 * every compiled ruleset several times (choosing the version, loading it, the groeipad norm, the
 * plausibility declarations); the file is read each time (once after {@link holdTraceFiles}),
 * but parsed again only when its text changed. The value is shared between readers: read it,
 * never change it.
 *
 * @throws the file system's error, or {@link RulesetLoadError} naming the file when it is not JSON
 */
export function readTraceJson(file: string): { text: string; data: unknown } {
  const path = resolve(file);
  if (traceFilesHeld) {
    const held = traceCache.get(path);
    if (held !== undefined) return held;
  }
  const text = readFileSync(path, "utf8");
  const hit = traceCache.get(path);
  if (hit !== undefined && hit.text === text) return hit;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // any compiled ruleset's trace.json (the groeipad's, read for its norm, too): name the file
    throw new RulesetLoadError(
      `${file} is not valid JSON (${(e as Error).message}); run \`regel compile\` again`,
    );
  }
  const entry = { text, data };
  traceCache.set(path, entry);
  return entry;
}

/**
 * The first line of a `validators.js` compiled by this regel (compiler/emit-meta.ts,
 * `rulesetHeaderLine`): what choosing a ruleset needs to know of the module, as JSON in a comment.
 * Spelled here and there (the runtime imports only compiler/contract.ts of the compiler);
 * test/runtime/ruleset-header.test.ts reads what the compiler writes.
 */
const HEADER_PREFIX = "// regel-ruleset ";

/** The longest header line read; a longer first line is no header. */
const HEADER_MAX_BYTES = 16384;

/** What a module's header line says of it (format 1; see compiler/emit-meta.ts, `RulesetHeader`). */
interface RulesetHeader extends Omit<CompiledMeta, "readFrom"> {
  /** sha256 of the `trace.json` compiled with the module. */
  trace: string;
}

/**
 * The header of the module whose first bytes are `head`: undefined when the module has none
 * (compiled by an older regel, or written by hand).
 *
 * @throws RulesetLoadError when it has a header line that is not one (damaged, edited by hand)
 */
function headerOf(head: Buffer, file: string): RulesetHeader | undefined {
  const prefix = head.toString("latin1", 0, HEADER_PREFIX.length);
  if (prefix !== HEADER_PREFIX) return undefined;
  const end = head.indexOf(10);
  const damaged = (why: string) =>
    new RulesetLoadError(
      `the first line of ${file} is a damaged ruleset header (${why}); run \`regel compile\` again`,
    );
  if (end < 0) throw damaged("no end of line");
  let h: Partial<Record<string, unknown>>;
  try {
    h = JSON.parse(
      head.toString("latin1", HEADER_PREFIX.length, end),
    ) as Partial<Record<string, unknown>>;
  } catch (e) {
    throw damaged((e as Error).message);
  }
  const text = (v: unknown) => typeof v === "string";
  const texts = (v: unknown) => Array.isArray(v) && v.every(text);
  if (
    typeof h !== "object" ||
    h === null ||
    h.format !== 1 ||
    !text(h.id) ||
    !text(h.name) ||
    !text(h.version) ||
    !(h.validFrom === undefined || text(h.validFrom)) ||
    !(h.validUntil === undefined || text(h.validUntil)) ||
    !texts(h.files) ||
    !texts(h.normMetrics) ||
    typeof h.plausibility !== "number" ||
    !(typeof h.trace === "string" && /^[0-9a-f]{64}$/.test(h.trace))
  )
    throw damaged("not the fields of format 1");
  return {
    id: h.id as string,
    name: h.name as string,
    version: h.version as string,
    validFrom: h.validFrom as string | undefined,
    validUntil: h.validUntil as string | undefined,
    files: h.files as string[],
    normMetrics: h.normMetrics as string[],
    plausibility: h.plausibility,
    trace: h.trace,
  };
}

/** The first `bytes` bytes of `file` (fewer when it is shorter). */
function readHead(file: string, bytes: number): Buffer {
  const head = Buffer.allocUnsafe(bytes);
  const fd = openSync(file, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** The header of the module `file`, read from its first bytes only (see {@link headerOf}). */
function readHeader(file: string): RulesetHeader | undefined {
  let head = readHead(file, 4096);
  // a header longer than the first read (many files) is read again up to its bound
  if (head.length === 4096 && head.indexOf(10) < 0)
    head = readHead(file, HEADER_MAX_BYTES);
  return headerOf(head, file);
}

/**
 * Check the `trace.json` beside a module with a header against the sha256 the header records:
 * a damaged or foreign trace.json fails the load at once, without parsing it when it is intact.
 */
function checkTraceFile(traceFile: string, header: RulesetHeader): void {
  const bytes = readFileSync(traceFile);
  if (sha256Hex(bytes) === header.trace) return;
  try {
    JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new RulesetLoadError(
      `${traceFile} is not valid JSON (${(e as Error).message}); run \`regel compile\` again`,
    );
  }
  throw new RulesetLoadError(
    `${traceFile} is not the trace.json compiled with ${join(dirname(traceFile), "validators.js")} (its sha256 differs from the one the module records); run \`regel compile\` again`,
  );
}

/** Where the module's header and its exports disagree (a module edited by hand), or undefined. */
function headerDisagreement(
  header: RulesetHeader,
  module: CompiledRuleset,
): string | undefined {
  const m = module.metadata;
  const files = module.entities.flatMap((e) =>
    e.file === undefined ? [] : [e.file],
  );
  const pairs: [string, unknown, unknown][] = [
    ["id", header.id, m.id],
    ["name", header.name, m.name],
    ["version", header.version, m.version],
    ["validFrom", header.validFrom, m.validFrom ?? undefined],
    ["validUntil", header.validUntil, m.validUntil ?? undefined],
    ["files", header.files.join(", "), files.join(", ")],
  ];
  for (const [what, said, is] of pairs)
    if (said !== is)
      return `its header says ${what} ${JSON.stringify(said)}, its metadata ${JSON.stringify(is)}`;
  return undefined;
}

/**
 * Load the compiled ruleset in `dir` (the folder holding `validators.js`). Name the module's type
 * to get a typed ruleset: `loadCompiled<typeof import("regel/rulesets/ikb.glo@1.3.0")>(dir)`
 * (not checked: the folder must hold that ruleset).
 *
 * @throws RulesetLoadError when the folder has no compiled module, or one without the exports of
 *   the contract (compiler/contract.ts)
 */
export async function loadCompiled<M extends CompiledRuleset = CompiledRuleset>(
  dir: string,
): Promise<LoadedRuleset<M>> {
  const file = join(dir, "validators.js");
  if (!existsSync(file))
    throw new RulesetLoadError(`no compiled validators at ${file}`);
  const bytes = readFileSync(file);
  const compiledSha256 = sha256Hex(bytes);
  const header = headerOf(bytes.subarray(0, HEADER_MAX_BYTES), file);
  const traceFile = join(dir, "trace.json");
  const hasTraceFile = existsSync(traceFile);
  // before any code of the module runs: a damaged trace.json fails the load at once
  if (header !== undefined && hasTraceFile) checkTraceFile(traceFile, header);
  // The hash in the URL makes a module compiled again since an earlier load in this process a
  // new module, not the cached old one: what runs is what was hashed.
  const url = `${pathToFileURL(resolve(file)).href}?sha256=${compiledSha256}`;
  const mod = (await import(url)) as Record<string, unknown>;
  for (const name of REQUIRED_EXPORTS) {
    if (mod[name] === undefined)
      throw new RulesetLoadError(`${file} does not export \`${name}\``);
  }
  const module: CompiledRuleset = {
    metadata: mod.metadata as CompiledRuleset["metadata"],
    entities: mod.entities as CompiledRuleset["entities"],
    trace: mod.trace as CompiledRuleset["trace"],
    categories: (mod.categories as CompiledRuleset["categories"]) ?? [],
    payouts: (mod.payouts as CompiledRuleset["payouts"]) ?? [],
    fileRules: (mod.fileRules as CompiledRuleset["fileRules"]) ?? [],
    wholeFile: mod.wholeFile as CompiledRuleset["wholeFile"],
    fileTotals: mod.fileTotals as CompiledRuleset["fileTotals"],
    decoders: mod.decoders as CompiledRuleset["decoders"],
    checks: mod.checks as CompiledRuleset["checks"],
    gone: mod.gone as CompiledRuleset["gone"],
    needsIkb: (mod.needsIkb as CompiledRuleset["needsIkb"]) ?? [],
    classify: mod.classify as CompiledRuleset["classify"],
    laws:
      (mod.laws as CompiledRuleset["laws"] | undefined) ??
      lawsFromTrace(mod.trace as CompiledRuleset["trace"]),
    assumptions: mod.assumptions as CompiledRuleset["assumptions"],
    aggregates: mod.aggregates as CompiledRuleset["aggregates"],
    reconciliations: mod.reconciliations as CompiledRuleset["reconciliations"],
  };
  for (const e of module.entities) {
    // the read stage refuses such a file too; refused here, a run fails before it starts
    const problem =
      e.file === undefined ? undefined : deliveryFileNameProblem(e.file);
    if (problem !== undefined)
      throw new RulesetLoadError(
        `${file}: the file ${JSON.stringify(e.file)} of entity ${e.name} is not the name of a file in a delivery folder (${problem}); fix its \`file\` clause and run \`regel compile\` again`,
      );
  }
  if (header !== undefined) {
    const disagreement = headerDisagreement(header, module);
    if (disagreement !== undefined)
      throw new RulesetLoadError(
        `${file} does not agree with itself (${disagreement}); run \`regel compile\` again`,
      );
  }
  let trace: readonly RuleTrace[] = module.trace;
  // A module with a header was compiled with the trace.json checked above, whose table is the
  // module's own; an older one may have a richer table in trace.json.
  if (header === undefined && hasTraceFile) {
    const parsed = readTraceJson(traceFile).data;
    // trace.json may be the bare table or an object holding it under `rules` / `trace`.
    const table = Array.isArray(parsed)
      ? parsed
      : ((parsed as { rules?: unknown; trace?: unknown }).rules ??
        (parsed as { trace?: unknown }).trace);
    if (Array.isArray(table) && table.length >= module.trace.length)
      trace = table as RuleTrace[];
  }
  const sourceCheck = checkSources(
    module.metadata.sourceFiles,
    rulesetsRootOf(resolve(dir)),
  );
  return { module: module as M, dir, trace, compiledSha256, sourceCheck };
}

/** The folders `<name>@<version>` under a compiled-rulesets root, sorted. */
export function listCompiled(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => /^[A-Za-z0-9_.-]+@[0-9]+\.[0-9]+\.[0-9]+/.test(d))
    .filter(
      (d) =>
        existsSync(join(root, d, "validators.js")) &&
        statSync(join(root, d)).isDirectory(),
    )
    .sort();
}

/**
 * What selection needs to know of a compiled ruleset (no code runs): from the header line of its
 * `validators.js` (compiler/emit-meta.ts, `rulesetHeaderLine`), or, for a module without one
 * (compiled by an older regel), from its `trace.json`.
 */
export interface CompiledMeta {
  /** `name@version`, the folder name. */
  id: string;
  name: string;
  version: string;
  validFrom: string | undefined;
  validUntil: string | undefined;
  /** The files of its data model (`entity.file`), in entity order. */
  files: string[];
  /** The metrics that a norm of the ruleset sets a requirement on (aims not counted), sorted. */
  normMetrics: string[];
  /** How many `plausibility` declarations the ruleset has. */
  plausibility: number;
  /** The file this was read from: `validators.js` (its header) or `trace.json`. */
  readFrom: string;
}

/**
 * Read the metadata of the compiled ruleset in `dir`: from the first line of its `validators.js`
 * when that is a ruleset header (only the first bytes are read; the header's record of
 * `trace.json` is checked when the module is loaded), else from its `trace.json`. Undefined when
 * the folder has no `trace.json`.
 *
 * @throws RulesetLoadError when the header is damaged, or the trace.json read instead is not JSON
 *   or names no ruleset
 */
export function readCompiledMeta(dir: string): CompiledMeta | undefined {
  const file = join(dir, "trace.json");
  if (!existsSync(file)) return undefined;
  const fromHeader = compiledHeader(dir);
  if (fromHeader !== undefined) return fromHeader;
  const data = readTraceJson(file).data;
  const d = data as {
    metadata?: Partial<Record<string, unknown>>;
    entities?: { file?: unknown }[];
    norms?: NormTrace[];
    plausibility?: unknown[];
  };
  const m = d?.metadata;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  if (
    typeof m !== "object" ||
    m === null ||
    text(m.name) === undefined ||
    text(m.version) === undefined
  )
    throw new RulesetLoadError(
      `${file} has no ruleset metadata (name, version); run \`regel compile\` again`,
    );
  const metrics = new Set<string>();
  for (const n of Array.isArray(d.norms) ? d.norms : [])
    for (const p of n?.periods ?? [])
      for (const q of p?.requirements ?? [])
        if (q?.aim !== true && typeof q?.metric === "string")
          metrics.add(q.metric);
  return {
    id: `${m.name}@${m.version}`,
    name: m.name as string,
    version: m.version as string,
    validFrom: text(m.validFrom),
    validUntil: text(m.validUntil),
    files: (Array.isArray(d.entities) ? d.entities : [])
      .map((e) => text(e?.file))
      .filter((f): f is string => f !== undefined),
    normMetrics: [...metrics].sort(),
    plausibility: Array.isArray(d.plausibility) ? d.plausibility.length : 0,
    readFrom: file,
  };
}

/**
 * The header of the module in `dir` (see {@link readCompiledMeta}) when it has one: what the
 * groeipad norm and the plausibility declarations look at first, to skip the `trace.json` of a
 * ruleset that has neither. Undefined for a module without a header (then read its trace.json).
 */
export function compiledHeader(dir: string): CompiledMeta | undefined {
  const moduleFile = join(dir, "validators.js");
  if (!existsSync(moduleFile)) return undefined;
  const header = readHeader(moduleFile);
  if (header === undefined) return undefined;
  return {
    id: `${header.name}@${header.version}`,
    name: header.name,
    version: header.version,
    validFrom: header.validFrom,
    validUntil: header.validUntil,
    files: header.files,
    normMetrics: header.normMetrics,
    plausibility: header.plausibility,
    readFrom: moduleFile,
  };
}

/** The folder {@link RULESETS_ENV} names, resolved; undefined when it is not set. */
function namedRulesetsRoot(): string | undefined {
  const named = process.env[RULESETS_ENV];
  return named === undefined || named === "" ? undefined : resolve(named);
}

/**
 * The regel package's own rulesets folder (`<package>/rulesets`: sources and compiled), if it has
 * one: the folder {@link RULESETS_ENV} names, else the one beside this module. In an app bundled
 * with regel inside, this module is the app's bundle: the first `package.json` above it is then
 * the app's, not regel's, and its `rulesets` folder is not taken for regel's.
 */
export function packageRulesetsRoot(): string | undefined {
  const named = namedRulesetsRoot();
  if (named !== undefined) return existsSync(named) ? named : undefined;
  // dist/runtime/load-compiled.js or runtime/load-compiled.ts -> package root
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const manifest = join(here, "package.json");
    if (existsSync(manifest)) {
      if (!isRegelManifest(manifest)) return undefined;
      const candidate = join(here, "rulesets");
      return existsSync(candidate) ? candidate : undefined;
    }
    here = dirname(here);
  }
  return undefined;
}

function isRegelManifest(file: string): boolean {
  try {
    return (
      (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name ===
      "regel"
    );
  } catch {
    return false;
  }
}

/** The regel package's own compiled rulesets (`<package>/rulesets/compiled`), if it has them. */
export function packageCompiledRoot(): string | undefined {
  const root = packageRulesetsRoot();
  const candidate = root === undefined ? undefined : join(root, "compiled");
  return candidate !== undefined && existsSync(candidate)
    ? candidate
    : undefined;
}

/**
 * Where compiled rulesets are taken from when no folder is named (`--compiled`, `compiledRoot`):
 * the regel package's own `rulesets/compiled`, or `compiled` in the folder {@link RULESETS_ENV}
 * names. A `rulesets/compiled` folder under the working directory is not used by default: a
 * delivery folder (or any folder one happens to run in) could carry one, and importing it would
 * run its code. Name it with `--compiled` to use it. (A regel without rulesets of its own, e.g.
 * a checkout before `regel compile`, still falls back to it when it exists.)
 *
 * @throws RulesetsNotFoundError when {@link RULESETS_ENV} names a folder without `compiled/`, or
 * neither regel's own folder nor that fallback exists (an app bundled with regel inside): the
 * message says which option or variable to set
 */
export function defaultCompiledRoot(): string {
  const named = namedRulesetsRoot();
  if (named !== undefined) {
    const compiled = join(named, "compiled");
    if (existsSync(compiled)) return compiled;
    throw new RulesetsNotFoundError(
      `${RULESETS_ENV} is ${named}, which holds no compiled/ folder of rulesets`,
      [compiled],
    );
  }
  const own = packageCompiledRoot();
  if (own !== undefined) return own;
  const local = resolve("rulesets", "compiled");
  if (existsSync(local)) return local;
  const here = dirname(fileURLToPath(import.meta.url));
  throw new RulesetsNotFoundError(
    `the rulesets shipped with regel are not found: no regel package with rulesets/compiled above ${here} (where regel's code runs from), and no ${local}`,
    [here, local],
  );
}

/**
 * `rulesets/compiled` under the working directory when it exists and is not the default root:
 * the CLI says that it is not used (and how to use it), so that nobody validates against the
 * package's rulesets while believing their own were used.
 */
export function ignoredLocalCompiledRoot(): string | undefined {
  const local = resolve("rulesets", "compiled");
  if (!existsSync(local)) return undefined;
  const own = packageCompiledRoot();
  if (own !== undefined && resolve(own) === local) return undefined;
  return local;
}
