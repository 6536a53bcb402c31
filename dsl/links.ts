/**
 * Names resolved once: the link from every name in a ruleset version to the declaration it names.
 *
 * The checker is the linker (as in Langium's linker, or Catala's name resolution): where it
 * resolves a name — a field in a condition, the entity of a rule, the code of a category result,
 * the alias of an article, the target of `extends` — it records the result here, and every later
 * pass (the emitters in `compiler/`, the reference interpreter, the audit tools, a language
 * server) reads the link instead of looking the name up again. A name the checker could not
 * resolve (and reported) stays visibly unresolved: {@link Links.isUnresolved}.
 *
 * **One table per ruleset version** ({@link ResolvedRuleset.links}), not links on the AST nodes:
 * a version that `extends` another shares the inherited declarations' nodes with it, and the same
 * name can mean different things in the two (`extend entity` gives an entity new fields, `replace
 * field` a field a new type). Each version links every name of every declaration it consists of,
 * inherited ones included, in its own terms. Article references of inherited declarations keep
 * the source of the file that wrote them (sources are per file).
 *
 * **Reference nodes** are {@link Ident}s, plus {@link RulesetRef} (`extends`, `uses`) and the
 * `workdays` {@link DurationLiteral}s of conditions (linked to the calendar they count with). A
 * name can have several targets: an unqualified field of an attribute rule over several entities
 * names one field per entity, `*.f` every field `f`, the IKB key the key field of every entity.
 * {@link Links.field} picks the one of a given entity.
 *
 * **Finding references** (go to definition, find references, rename): {@link Links.targets} for a
 * name, {@link Links.references} for a declaration ({@link declarationOf} gives its node; the
 * reverse index is built once, on first use), {@link referencesIn} over several versions.
 *
 * A future declaration kind (the `parameter` of issue 12) adds a variant to {@link Target} (and,
 * named in a condition, to {@link PathLink}), one case to {@link declarationOf}, and a `link`
 * call where the checker resolves it.
 *
 * @module
 */
import type {
  AggregateDecl,
  ReconcileDecl,
  AggregateExpr,
  CalendarDecl,
  CodeListDecl,
  DurationLiteral,
  Ident,
  MeasureDecl,
  MetricDecl,
  NormDecl,
  PlausibilityDecl,
  ParameterDecl,
  TableDecl,
  PathExpr,
  PayoutDecl,
  RuleDecl,
  RulesetHeader,
  RulesetRef,
  SourceDecl,
} from "./ast.js";
import type {
  ResolvedCategory,
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "./model.js";

/** A declaration a name can refer to, as the ruleset version has it. */
export type Target =
  | { kind: "entity"; entity: ResolvedEntity }
  | { kind: "field"; entity: ResolvedEntity; field: ResolvedField }
  | { kind: "codelist"; decl: CodeListDecl }
  | { kind: "rule"; rule: ResolvedRule }
  | { kind: "category"; category: ResolvedCategory }
  | { kind: "source"; decl: SourceDecl }
  | { kind: "payout"; decl: PayoutDecl }
  | { kind: "metric"; decl: MetricDecl }
  | { kind: "norm"; decl: NormDecl }
  | { kind: "measure"; decl: MeasureDecl }
  | { kind: "calendar"; decl: CalendarDecl }
  | { kind: "parameter"; decl: ParameterDecl }
  | { kind: "table"; decl: TableDecl }
  | { kind: "aggregate"; decl: AggregateDecl }
  | { kind: "reconcile"; decl: ReconcileDecl }
  | { kind: "plausibility"; decl: PlausibilityDecl }
  | { kind: "ruleset"; ruleset: ResolvedRuleset };

/** A node that names a declaration. */
export type Reference = Ident | RulesetRef | DurationLiteral;

/** The syntax node that declares a target: where "go to definition" goes. */
export type DeclarationNode =
  | ResolvedEntity["decl"]
  | ResolvedField["decl"]
  | CodeListDecl
  | RuleDecl
  | ResolvedCategory["decl"]
  | SourceDecl
  | PayoutDecl
  | MetricDecl
  | NormDecl
  | MeasureDecl
  | CalendarDecl
  | ParameterDecl
  | TableDecl
  | AggregateDecl
  | ReconcileDecl
  | PlausibilityDecl
  | RulesetHeader;

/** The node that declares `target` (for an inherited declaration: the node in the file that wrote it). */
export function declarationOf(target: Target): DeclarationNode {
  switch (target.kind) {
    case "entity":
      return target.entity.decl;
    case "field":
      return target.field.decl;
    case "rule":
      return target.rule.decl;
    case "category":
      return target.category.decl;
    case "ruleset":
      return target.ruleset.header;
    default:
      return target.decl;
  }
}

/**
 * What a name in a condition reads: the reporting reference date, the attribute under test
 * (`value`), or a field of a record — the record under test, or the one an enclosing
 * `exists` / `count` / `sum` iterates. The field itself is the target of the path's `name`
 * ({@link Links.field}).
 */
export type PathLink =
  | { kind: "rrd" }
  | { kind: "value" }
  | { kind: "field"; record: "current" | "previous" | AggregateExpr }
  | { kind: "parameter"; decl: ParameterDecl }
  /** `previous` alone (`previous is present`): the record with the same key in T−1. */
  | { kind: "previous" };

/** The links of one ruleset version. Written by the checker; read by every later pass. */
export class Links {
  private readonly targetsOf = new Map<Reference, Target[]>();
  private readonly paths = new Map<PathExpr, PathLink>();
  private readonly messages = new Map<
    RuleDecl,
    Map<ResolvedEntity, Map<string, ResolvedField>>
  >();
  private readonly unresolvedRefs = new Set<Reference>();
  private reverse: Map<DeclarationNode, Reference[]> | undefined;

  // ---------------------------------------------------------------- written by the checker

  /** Record that `ref` names `target` (a second target of another entity adds to the first). */
  link(ref: Reference, target: Target): void {
    const list = this.targetsOf.get(ref);
    if (list === undefined) this.targetsOf.set(ref, [target]);
    else if (!list.some((t) => sameTarget(t, target))) list.push(target);
    this.unresolvedRefs.delete(ref);
    this.reverse = undefined;
  }

  /** Record that the checker could not resolve `ref` (it reported why). */
  unresolved(ref: Reference): void {
    if (!this.targetsOf.has(ref)) this.unresolvedRefs.add(ref);
  }

  /** Record what the name of a condition reads (its field, if any, is linked on `path.name`). */
  linkPath(path: PathExpr, link: PathLink): void {
    this.paths.set(path, link);
  }

  /** Record that `{name}` in the message of `rule` shows `field` on records of `entity`. */
  linkPlaceholder(
    rule: RuleDecl,
    entity: ResolvedEntity,
    name: string,
    field: ResolvedField,
  ): void {
    let byEntity = this.messages.get(rule);
    if (byEntity === undefined) this.messages.set(rule, (byEntity = new Map()));
    let fields = byEntity.get(entity);
    if (fields === undefined) byEntity.set(entity, (fields = new Map()));
    fields.set(name, field);
  }

  /** Copy the links of `refs` from another version's table (inherited or used declarations). */
  copy(from: Links, refs: Iterable<Reference>): void {
    for (const ref of refs) {
      for (const t of from.targets(ref)) this.link(ref, t);
      if (from.isUnresolved(ref)) this.unresolved(ref);
    }
  }

  /** Move the links of `from` to `to` (a name of an inherited rule to its typed copy). */
  move(from: Reference, to: Reference): void {
    for (const t of this.targets(from)) this.link(to, t);
    if (this.unresolvedRefs.delete(from)) this.unresolved(to);
    this.targetsOf.delete(from);
    this.reverse = undefined;
  }

  /** Take over everything `other` recorded (a scratch table of the checker). */
  absorb(other: Links): void {
    for (const [ref, targets] of other.targetsOf)
      for (const t of targets) this.link(ref, t);
    for (const ref of other.unresolvedRefs) this.unresolved(ref);
    for (const [p, l] of other.paths) this.paths.set(p, l);
    for (const [rule, byEntity] of other.messages)
      for (const [entity, fields] of byEntity)
        for (const [name, field] of fields)
          this.linkPlaceholder(rule, entity, name, field);
  }

  // ---------------------------------------------------------------- read by later passes

  /** Everything `ref` names (empty when unresolved, or when it is no name of this version). */
  targets(ref: Reference | undefined): readonly Target[] {
    return (ref === undefined ? undefined : this.targetsOf.get(ref)) ?? [];
  }

  /** The one declaration `ref` names; undefined when unresolved (or when it names several). */
  target(ref: Reference | undefined): Target | undefined {
    const list = this.targets(ref);
    return list.length === 1 ? list[0] : undefined;
  }

  /** The declaration of kind `kind` that `ref` names (`links.declared(ident, "codelist")?.decl`). */
  declared<K extends Target["kind"]>(
    ref: Reference | undefined,
    kind: K,
  ): Extract<Target, { kind: K }> | undefined {
    const t = this.target(ref);
    return t?.kind === kind ? (t as Extract<Target, { kind: K }>) : undefined;
  }

  /** The entity `ref` names. */
  entity(ref: Ident | undefined): ResolvedEntity | undefined {
    const t = this.target(ref);
    return t?.kind === "entity" ? t.entity : undefined;
  }

  /**
   * The field `ref` names on `entity` (a name can name a field on several entities: see the
   * module header); without `entity`, the one field it names.
   */
  field(
    ref: Ident | undefined,
    entity?: ResolvedEntity,
  ): ResolvedField | undefined {
    for (const t of this.targets(ref))
      if (t.kind === "field" && (entity === undefined || t.entity === entity))
        return t.field;
    return undefined;
  }

  /** What the name of a condition reads; undefined when the checker could not resolve it. */
  path(expr: PathExpr): PathLink | undefined {
    return this.paths.get(expr);
  }

  /** The fields that `{name}` placeholders in the message of `rule` show on records of `entity`. */
  placeholders(
    rule: RuleDecl,
    entity: ResolvedEntity,
  ): ReadonlyMap<string, ResolvedField> {
    return this.messages.get(rule)?.get(entity) ?? new Map();
  }

  /** Whether the checker could not resolve `ref`. */
  isUnresolved(ref: Reference): boolean {
    return this.unresolvedRefs.has(ref);
  }

  /** Every name the checker could not resolve, in the order it met them. */
  unresolvedNames(): readonly Reference[] {
    return [...this.unresolvedRefs];
  }

  /** Every linked name with its targets, in the order the checker linked them. */
  entries(): IterableIterator<[Reference, readonly Target[]]> {
    return this.targetsOf.entries();
  }

  /**
   * Every name in this version that refers to `decl` (a node from {@link declarationOf}), in the
   * order the checker linked them. The first call builds a reverse index of the whole table.
   */
  references(decl: DeclarationNode): readonly Reference[] {
    if (this.reverse === undefined) {
      this.reverse = new Map();
      for (const [ref, targets] of this.targetsOf) {
        for (const t of targets) {
          const d = declarationOf(t);
          const list = this.reverse.get(d);
          if (list === undefined) this.reverse.set(d, [ref]);
          else if (list[list.length - 1] !== ref) list.push(ref);
        }
      }
    }
    return this.reverse.get(decl) ?? [];
  }
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "field" && b.kind === "field")
    return a.entity === b.entity && a.field === b.field;
  return declarationOf(a) === declarationOf(b);
}

/**
 * Every name referring to `decl` in any of `rulesets`, each node once (an inherited declaration
 * is checked, and so linked, in every version that inherits it).
 */
export function referencesIn(
  rulesets: readonly ResolvedRuleset[],
  decl: DeclarationNode,
): Reference[] {
  const seen = new Set<Reference>();
  for (const r of rulesets)
    for (const ref of r.links.references(decl)) seen.add(ref);
  return [...seen];
}
