/**
 * The checker: from parsed files to resolved rulesets. It indexes ruleset versions across files,
 * resolves `extends` and `uses` (parents first, cycles reported), builds one
 * {@link ResolvedRuleset} per version, then checks names, types and examples on the resolved view.
 *
 * Never throws on partial ASTs from parser error recovery: names the parser could not read are
 * empty strings and are skipped silently (the parser reported them).
 *
 * @module
 */
import { checkParameters } from "./check-parameters.js";
import { checkAggregates } from "./check-aggregates.js";
import { checkTables, type DataReader } from "./check-tables.js";
import type { RegelFile, RulesetHeader, RulesetRef } from "./ast.js";
import { CODES } from "./check-codes.js";
import {
  missing,
  Reporter,
  RulesetIndex,
  suggest,
  where,
} from "./check-context.js";
import {
  checkCategories,
  checkEntities,
  checkRecordTypes,
  checkIkb,
  checkMeasures,
  checkNorms,
} from "./check-decls.js";
import { annotateLiteral } from "./check-expr.js";
import { checkPlausibilities } from "./check-plausibility.js";
import { checkRules } from "./check-rules.js";
import { type Diagnostic, sortDiagnostics } from "./diagnostics.js";
import type { ResolvedRuleset } from "./model.js";
import { resolveRuleset, rulesetId } from "./resolve-ruleset.js";
import { compareVersions, isRealDate } from "./types.js";

export { CODES, CODE_SUMMARIES } from "./check-codes.js";

/** The result of {@link check}. */
export interface CheckResult {
  /** One per ruleset version, sorted by name then version. */
  rulesets: ResolvedRuleset[];
  /** Sorted by file, position and code (`sortDiagnostics`). */
  diagnostics: Diagnostic[];
}

interface Entry {
  file: RegelFile;
  header: RulesetHeader;
  id: string;
}

/**
 * Check a set of parsed files together (a ruleset may extend or use one in another file).
 * Returns every resolved ruleset version (also those with errors, so tools can show what they
 * can) and the diagnostics, sorted.
 */
export function check(
  files: RegelFile[],
  readData: DataReader = () => undefined,
): CheckResult {
  const reporter = new Reporter();
  reporter.rulesetFiles = new Set(files.map((f) => f.path));
  const entries = indexFiles(files, reporter);
  const inCycle = findExtendsCycles(entries, reporter);

  const done = new Map<string, ResolvedRuleset | undefined>();
  const visiting = new Set<string>();
  /**
   * Versions whose `extends` or `uses` names nothing loaded (or a version in error), with the
   * diagnostic that says so: what they inherit is unknown, so their other problems are
   * consequences and are held back (see {@link holdBackConsequences}).
   */
  const waiting = new Map<string, Diagnostic | undefined>();

  const resolve = (entry: Entry): ResolvedRuleset | undefined => {
    if (done.has(entry.id)) return done.get(entry.id);
    visiting.add(entry.id);
    const { header } = entry;
    let parent: ResolvedRuleset | undefined;
    if (header.extends !== undefined && !inCycle.has(entry.id)) {
      const target = lookupRef(
        entries,
        header.extends,
        CODES.unknownExtends,
        "extends",
        reporter,
        header.ref,
      );
      if (target !== undefined) parent = resolve(target);
      if (target === undefined)
        waiting.set(entry.id, reporter.diagnostics.at(-1));
      else if (waiting.has(target.id)) waiting.set(entry.id, undefined);
    } else if (header.extends !== undefined) waiting.set(entry.id, undefined);
    const used: { ref: RulesetRef; ruleset: ResolvedRuleset }[] = [];
    for (const u of header.uses ?? []) {
      if (u === undefined) continue;
      const target = lookupRef(entries, u, CODES.unknownUses, "uses", reporter);
      if (target === undefined) {
        if (!waiting.has(entry.id))
          waiting.set(entry.id, reporter.diagnostics.at(-1));
        continue;
      }
      if (waiting.has(target.id) && !waiting.has(entry.id))
        waiting.set(entry.id, undefined);
      if (visiting.has(target.id)) {
        reporter.report(
          CODES.cycle,
          `\`uses ${target.id}\` leads back to ${entry.id}: rulesets cannot use each other in a cycle`,
          u.span,
        );
        continue;
      }
      const r = resolve(target);
      if (r !== undefined) used.push({ ref: u, ruleset: r });
    }
    let result: ResolvedRuleset | undefined;
    reporter.context = { id: entry.id, file: entry.file.path };
    try {
      const { ruleset } = resolveRuleset(
        entry.file,
        header,
        parent,
        used,
        reporter,
      );
      validate(ruleset, reporter, readData);
      result = ruleset;
    } catch (e) {
      // A checker bug must not become a stack trace for the analyst; report it where it happened.
      reporter.report(
        CODES.internalError,
        `internal error while checking ${entry.id}: ${(e as Error).message}`,
        header.ref.span,
        {
          notes: [
            "this is a bug in regel, not in the ruleset; please report it",
          ],
        },
      );
    }
    reporter.context = undefined;
    visiting.delete(entry.id);
    done.set(entry.id, result);
    return result;
  };

  for (const entry of entries.values()) resolve(entry);
  const rulesets = [...done.values()].filter(
    (r): r is ResolvedRuleset => r !== undefined,
  );
  rulesets.sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : compareVersions(a.version, b.version),
  );
  checkOverlaps(rulesets, entries, reporter);
  const diagnostics = holdBackConsequences(
    reporter.diagnostics,
    entries,
    waiting,
  );
  return { rulesets, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * A version whose `extends` (or `uses`) cannot be resolved is checked without what it inherits, so
 * nearly every name in it looks unknown: 75 follow-on errors for one typo in a version number.
 * Report only the problems of its header (the unresolved reference among them) and say how many
 * were held back; they are checked once the reference resolves.
 */
function holdBackConsequences(
  diagnostics: Diagnostic[],
  entries: Map<string, Entry>,
  waiting: Map<string, Diagnostic | undefined>,
): Diagnostic[] {
  if (waiting.size === 0) return diagnostics;
  const headers = new Map<
    string,
    { header: RulesetHeader; root?: Diagnostic }
  >();
  for (const [id, root] of waiting) {
    const entry = entries.get(id);
    if (entry !== undefined)
      headers.set(entry.file.path, { header: entry.header, root });
  }
  const held = new Map<string, number>();
  const kept = diagnostics.filter((d) => {
    const w = headers.get(d.span.file);
    if (w === undefined || d.code === CODES.internalError) return true;
    const { start, end } = w.header.span;
    if (d.span.start.offset >= start.offset && d.span.start.offset < end.offset)
      return true;
    held.set(d.span.file, (held.get(d.span.file) ?? 0) + 1);
    return false;
  });
  for (const [file, count] of held) {
    const root = headers.get(file)?.root;
    if (root === undefined) continue;
    root.notes = [
      ...(root.notes ?? []),
      `${count} more ${count === 1 ? "problem" : "problems"} in ${file} ${count === 1 ? "is" : "are"} not shown: they may follow from this one, and are checked once it is fixed`,
    ];
  }
  return kept;
}

/** Header checks and the id index: one entry per `name@version`, the first file wins. */
function indexFiles(
  files: RegelFile[],
  reporter: Reporter,
): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const file of files) {
    if (file === undefined || file === null) continue;
    const header = file.header;
    if (header === undefined || header === null) {
      const at = file.span ?? {
        file: file.path,
        start: { offset: 0, line: 1, column: 1 },
        end: { offset: 0, line: 1, column: 1 },
      };
      const start = { offset: 0, line: 1, column: 1 };
      reporter.report(
        CODES.missingHeader,
        `${file.path} has no ruleset header; start the file with \`ruleset NAME@VERSION\``,
        { file: at.file ?? file.path, start, end: start },
      );
      continue;
    }
    if (header.ref === undefined || !header.ref.name || !header.ref.version)
      continue;
    const id = rulesetId(header);
    const first = entries.get(id);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateRuleset,
        `ruleset ${id} is declared in two files; give this version a new number`,
        header.ref.span,
        {
          notes: [`first declared at ${where(first.header.ref.span)}`],
        },
      );
      continue;
    }
    entries.set(id, { file, header, id });
    for (const d of [header.validFrom, header.validUntil]) {
      annotateLiteral(d);
      if (d !== undefined && !isRealDate(d.text))
        reporter.report(
          CODES.badDateLiteral,
          `${d.text} is not a real calendar day`,
          d.span,
        );
    }
    if (
      header.validFrom !== undefined &&
      header.validUntil !== undefined &&
      header.validFrom.text >= header.validUntil.text
    ) {
      reporter.report(
        CODES.emptyValidity,
        `${id} is valid from ${header.validFrom.text} until ${header.validUntil.text}: \`until\` is exclusive, so it must come after \`from\``,
        header.validUntil.span,
      );
    }
  }
  return entries;
}

function lookupRef(
  entries: Map<string, Entry>,
  ref: RulesetRef,
  code: string,
  keyword: string,
  reporter: Reporter,
  self?: RulesetRef,
): Entry | undefined {
  if (!ref.name || !ref.version) return undefined;
  const id = `${ref.name}@${ref.version}`;
  const entry = entries.get(id);
  if (entry !== undefined) return entry;
  const versions = [...entries.values()]
    .filter((e) => e.header.ref.name === ref.name)
    .map((e) => e.header.ref.version);
  versions.sort(compareVersions);
  if (!/^\d+\.\d+\.\d+/.test(ref.version)) {
    // `x@1.3`: the highest loaded version that starts so is what was meant.
    // A version extends an earlier one, never itself or a later one.
    const meant = versions
      .filter(
        (v) =>
          v.startsWith(`${ref.version}.`) &&
          (self?.name !== ref.name || compareVersions(v, self.version) < 0),
      )
      .at(-1);
    reporter.report(
      code,
      `\`${keyword} ${id}\`: a version has three numbers, MAJOR.MINOR.PATCH`,
      ref.span,
      {
        ...(meant !== undefined
          ? { suggestion: `${ref.name}@${meant}` }
          : suggest(id, entries.keys())),
        notes:
          versions.length > 0
            ? [`loaded versions of ${ref.name}: ${versions.join(", ")}`]
            : [`no version of ${ref.name} is loaded`],
      },
    );
    return undefined;
  }
  reporter.report(
    code,
    `\`${keyword} ${id}\`: no such ruleset version is loaded`,
    ref.span,
    {
      ...suggest(id, entries.keys()),
      notes:
        versions.length > 0
          ? [`loaded versions of ${ref.name}: ${versions.join(", ")}`]
          : [`pass the file that declares ${id} to the command as well`],
    },
  );
  return undefined;
}

/** Rulesets whose `extends` chain leads back to themselves; each gets REG213 at its `extends`. */
function findExtendsCycles(
  entries: Map<string, Entry>,
  reporter: Reporter,
): Set<string> {
  const inCycle = new Set<string>();
  for (const entry of entries.values()) {
    const path: string[] = [entry.id];
    const seen = new Set(path);
    let cur: Entry | undefined = entry;
    while (cur?.header.extends !== undefined) {
      const next = entries.get(
        `${cur.header.extends.name}@${cur.header.extends.version}`,
      );
      if (next === undefined) break;
      if (next.id === entry.id) {
        inCycle.add(entry.id);
        reporter.report(
          CODES.cycle,
          `${entry.id} extends itself through ${[...path.slice(1), entry.id].join(" → ")}`,
          entry.header.extends!.span,
        );
        break;
      }
      if (seen.has(next.id)) break; // a cycle further down: reported for its own members
      seen.add(next.id);
      path.push(next.id);
      cur = next;
    }
  }
  return inCycle;
}

function validate(
  ruleset: ResolvedRuleset,
  reporter: Reporter,
  readData: DataReader,
): void {
  const index = new RulesetIndex(ruleset);
  // Tables first: a `file` table's rows (and so its column types) come from its CSV.
  checkTables(index, reporter, readData, (t) => t.span.file === ruleset.file);
  checkEntities(index, reporter);
  checkRecordTypes(index, reporter);
  checkIkb(index, reporter);
  // Rules before categories: a rule of this version may become a typed copy (see checkRules),
  // and a category result links to the rule as this version has it.
  checkRules(index, reporter, (r) => r.origin === ruleset.id);
  checkCategories(index, reporter);
  checkNorms(index, reporter, (n) => n.span.file === ruleset.file);
  checkMeasures(index);
  checkParameters(
    index,
    reporter,
    (p) => p.span.file === ruleset.file,
    ruleset.header.extends?.span,
  );
  checkAggregates(index, reporter);
  checkPlausibilities(
    ruleset.plausibilities.filter((p) => p.span.file === ruleset.file),
    reporter,
  );
}

/** Two versions of one ruleset may not be in force on the same day (`until` exclusive, open ends infinite). */
function checkOverlaps(
  rulesets: ResolvedRuleset[],
  entries: Map<string, Entry>,
  reporter: Reporter,
): void {
  const byName = new Map<string, ResolvedRuleset[]>();
  for (const r of rulesets) {
    const list = byName.get(r.name);
    if (list === undefined) byName.set(r.name, [r]);
    else list.push(r);
  }
  for (const list of byName.values()) {
    // Versions of one name are few; pairwise is fine and reports every clash.
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        if (!overlap(a, b)) continue;
        const hb = entries.get(b.id)!.header;
        const ha = entries.get(a.id)!.header;
        reporter.report(
          CODES.overlappingValidity,
          `${b.id} (${period(b)}) overlaps ${a.id} (${period(a)}): two versions of one ruleset cannot both be in force`,
          (hb.validFrom ?? hb.ref).span,
          {
            notes: [
              `${a.id} is declared at ${where(ha.ref.span)}; give the older version an \`until\` or move \`valid from\``,
            ],
          },
        );
      }
    }
  }
}

function overlap(a: ResolvedRuleset, b: ResolvedRuleset): boolean {
  // [from, until) intervals; undefined from = -infinity, undefined until = +infinity. ISO dates compare as strings.
  const aStartsBeforeBEnds =
    a.validFrom === undefined ||
    b.validUntil === undefined ||
    a.validFrom < b.validUntil;
  const bStartsBeforeAEnds =
    b.validFrom === undefined ||
    a.validUntil === undefined ||
    b.validFrom < a.validUntil;
  return aStartsBeforeBEnds && bStartsBeforeAEnds;
}

function period(r: ResolvedRuleset): string {
  return `valid ${r.validFrom === undefined ? "since always" : `from ${r.validFrom}`}${r.validUntil === undefined ? ", open-ended" : ` until ${r.validUntil}`}`;
}

/** Re-exported for tools that want to know whether a name was unreadable. */
export { missing };
