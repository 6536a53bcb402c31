/**
 * Shared plumbing of the checker: a diagnostic sink that removes duplicates (an inherited
 * declaration is re-checked in every version that inherits it) and explains where a problem in
 * another file comes from, plus fast name lookups over a resolved ruleset.
 *
 * @module
 */
import type { Ident, MetricDecl, PayoutDecl, Span } from "./ast.js";
import { closestName, type Diagnostic } from "./diagnostics.js";
import type { Links } from "./links.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "./model.js";

/** Collects diagnostics; identical ones (code, place, message) are kept once. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  /** The ruleset being checked, so that problems found in inherited text can say so. */
  context: { id: string; file: string } | undefined;
  /**
   * The ruleset files being checked: only a problem in another of these is in inherited text. A
   * problem in a table's CSV file is not (the file belongs to the table that names it).
   */
  rulesetFiles: ReadonlySet<string> | undefined;

  report(
    code: string,
    message: string,
    span: Span,
    extra: { suggestion?: string; notes?: string[]; warning?: boolean } = {},
  ): void {
    const key = `${code}\u0000${span.file}\u0000${span.start.offset}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const notes = [...(extra.notes ?? [])];
    if (
      this.context !== undefined &&
      span.file !== this.context.file &&
      (this.rulesetFiles === undefined || this.rulesetFiles.has(span.file))
    ) {
      notes.push(
        `found while checking ${this.context.id} (${this.context.file}), which inherits this declaration`,
      );
    }
    const d: Diagnostic = {
      code,
      severity: extra.warning === true ? "warning" : "error",
      message,
      span,
    };
    if (extra.suggestion !== undefined) d.suggestion = extra.suggestion;
    if (notes.length > 0) d.notes = notes;
    this.diagnostics.push(d);
  }
}

/** `file:line:column` of a span, for notes ("first declared at ..."). */
export function where(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** True for names the parser could not read (error recovery): those are skipped silently. */
export function missing(ident: Ident | undefined): boolean {
  return ident === undefined || ident.name === "" || ident.name === undefined;
}

/** The suggestion object for a misspelt name, or nothing. */
export function suggest(
  name: string,
  candidates: Iterable<string>,
): { suggestion?: string } {
  const s = closestName(name, candidates);
  return s === undefined || s === name ? {} : { suggestion: s };
}

/**
 * The scope of one resolved ruleset: name lookups for the checker, the linker, which records what
 * it finds in {@link links}. Entities and code lists are maps in the model already; fields, rules
 * and the other arrays get maps here so that no check is quadratic.
 */
export class RulesetIndex {
  readonly rules = new Map<string, ResolvedRule>();
  readonly payouts = new Map<string, PayoutDecl>();
  readonly metrics = new Map<string, MetricDecl>();
  /**
   * Where the checks record the names they resolve: the ruleset's links, or a scratch table while
   * an inherited rule is re-checked (see checkRules).
   */
  links: Links;
  private readonly fieldMaps = new Map<
    ResolvedEntity,
    Map<string, ResolvedField>
  >();

  constructor(readonly rs: ResolvedRuleset) {
    this.links = rs.links;
    for (const r of rs.rules) this.rules.set(r.code, r);
    for (const p of rs.payouts) this.payouts.set(p.name.name, p);
    for (const m of rs.metrics) this.metrics.set(m.name.name, m);
  }

  entity(name: string): ResolvedEntity | undefined {
    return this.rs.entities.get(name);
  }

  fields(entity: ResolvedEntity): Map<string, ResolvedField> {
    let m = this.fieldMaps.get(entity);
    if (m === undefined) {
      m = new Map();
      for (const f of entity.fields) if (!m.has(f.name)) m.set(f.name, f);
      this.fieldMaps.set(entity, m);
    }
    return m;
  }

  field(entity: ResolvedEntity, name: string): ResolvedField | undefined {
    return this.fields(entity).get(name);
  }

  /** Whether `workdays` can be computed: a calendar is declared, inherited or used. */
  get hasCalendar(): boolean {
    return this.rs.calendars.length > 0;
  }
}
