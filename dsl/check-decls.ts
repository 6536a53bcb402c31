/**
 * Checks of the data model and the non-rule declarations of one resolved ruleset: entity keys,
 * roles and field types, the IKB grouping, categories (results, markings, payouts) and norms.
 * Runs on the resolved view, so a field removed by `extend entity` breaks what inherited still uses.
 *
 * @module
 */
import type {
  AttributeRef,
  CategoryMarking,
  FieldDecl,
  Ident,
  Literal,
  NormDecl,
  NormPeriod,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import {
  missing,
  Reporter,
  type RulesetIndex,
  suggest,
  where,
} from "./check-context.js";
import {
  annotateLiteral,
  checkExpr,
  fieldType,
  valuesNote,
} from "./check-expr.js";
import type { ResolvedEntity, ResolvedField } from "./model.js";
import {
  deliveryFileNameProblem,
  isDateFormat,
  readFileOptions,
} from "./file-dialect.js";
import { isRealDate, typeName } from "./types.js";
import { checkUnknownTexts } from "./check-unknown.js";

/** Report an unknown field of `entity` at `ident` (which stays unresolved). */
export function unknownField(
  index: RulesetIndex,
  reporter: Reporter,
  entity: ResolvedEntity,
  ident: Ident,
  what = "",
): void {
  index.links.unresolved(ident);
  reporter.report(
    CODES.unknownField,
    `unknown field \`${ident.name}\` on entity \`${entity.name}\`${what}`,
    ident.span,
    suggest(ident.name, index.fields(entity).keys()),
  );
}

/** Resolve an entity name and link it; reports REG202 when unknown. */
export function lookupEntity(
  index: RulesetIndex,
  reporter: Reporter,
  ident: Ident | undefined,
): ResolvedEntity | undefined {
  if (missing(ident)) return undefined;
  const e = index.entity(ident!.name);
  if (e !== undefined) index.links.link(ident!, { kind: "entity", entity: e });
  else {
    index.links.unresolved(ident!);
    reporter.report(
      CODES.unknownEntity,
      `unknown entity \`${ident!.name}\``,
      ident!.span,
      suggest(ident!.name, index.rs.entities.keys()),
    );
  }
  return e;
}

/** One attribute an attribute rule runs on. */
export interface TargetAttribute {
  entity: ResolvedEntity;
  field: ResolvedField;
}

/** Resolve a field name of `entity` and link it; undefined (nothing reported) when there is none. */
export function linkField(
  index: RulesetIndex,
  entity: ResolvedEntity,
  ident: Ident,
): ResolvedField | undefined {
  const field = index.field(entity, ident.name);
  if (field !== undefined)
    index.links.link(ident, { kind: "field", entity, field });
  return field;
}

/** Expand `E.f`, `E.*` and `*.f` into the attributes they denote (names linked, unknown ones reported). */
export function expandAttributes(
  index: RulesetIndex,
  reporter: Reporter,
  refs: AttributeRef[],
): TargetAttribute[] {
  const out: TargetAttribute[] = [];
  const seen = new Set<string>();
  const push = (entity: ResolvedEntity, field: ResolvedField) => {
    const key = `${entity.name}.${field.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ entity, field });
  };
  for (const ref of refs) {
    if (ref === undefined || missing(ref.entity) || missing(ref.field))
      continue;
    const fieldName = ref.field.name;
    if (ref.entity.name === "*") {
      let found = false;
      for (const entity of index.rs.entities.values()) {
        for (const f of entity.fields) {
          if (fieldName === "*" || f.name === fieldName) {
            push(entity, f);
            if (fieldName !== "*")
              index.links.link(ref.field, { kind: "field", entity, field: f });
            found = true;
          }
        }
      }
      if (!found && fieldName !== "*") {
        index.links.unresolved(ref.field);
        reporter.report(
          CODES.unknownField,
          `no entity has a field \`${fieldName}\``,
          ref.field.span,
        );
      }
      continue;
    }
    const entity = lookupEntity(index, reporter, ref.entity);
    if (entity === undefined) continue;
    if (fieldName === "*") {
      for (const f of entity.fields) push(entity, f);
      continue;
    }
    const f = linkField(index, entity, ref.field);
    if (f === undefined) unknownField(index, reporter, entity, ref.field);
    else push(entity, f);
  }
  return out;
}

/** The diagnostic code of each kind of `file` option problem. */
const FILE_OPTION_CODES = {
  unknown: CODES.unknownFileOption,
  value: CODES.badFileOptionValue,
  duplicate: CODES.duplicateFileOption,
  conflict: CODES.conflictingFileOptions,
} as const;

/** The plain file name a `file` path was meant to be, for REG151's suggestion: its last part. */
function exampleFileName(path: string): string {
  const last = path
    .split(/[/\\:]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, "");
  return last === "" || last === "." || last === ".." ? "entity.csv" : last;
}

export function checkEntities(index: RulesetIndex, reporter: Reporter): void {
  for (const entity of index.rs.entities.values()) {
    // Key and role fields are identifiers in the declaration: their spans are there.
    const decl = entity.decl;
    const fileNameProblem =
      decl.file === undefined ? undefined : deliveryFileNameProblem(decl.file);
    if (fileNameProblem !== undefined)
      reporter.report(
        CODES.deliveryFileName,
        `${JSON.stringify(decl.file)} is not the name of a file in a delivery folder: ${fileNameProblem}; name the file alone, e.g. \`file "${exampleFileName(decl.file!)}"\``,
        decl.fileSpan ?? decl.name?.span ?? entity.span,
      );
    for (const p of readFileOptions(decl.fileOptions).problems)
      reporter.report(
        FILE_OPTION_CODES[p.code],
        p.message,
        p.span,
        p.names === undefined ? {} : suggest(p.name, p.names),
      );
    const keyed = new Map<string, Ident>();
    for (const k of decl.key ?? []) {
      if (missing(k)) continue;
      const first = keyed.get(k.name);
      if (first !== undefined)
        reporter.report(
          CODES.duplicateName,
          `field \`${k.name}\` is listed twice in the key of entity \`${entity.name}\``,
          k.span,
          { notes: [`first listed at ${where(first.span)}`] },
        );
      else keyed.set(k.name, k);
      if (linkField(index, entity, k) === undefined)
        unknownField(index, reporter, entity, k, " (in `key`)");
    }
    if (
      decl.roleBy !== undefined &&
      !missing(decl.roleBy) &&
      linkField(index, entity, decl.roleBy) === undefined
    ) {
      unknownField(index, reporter, entity, decl.roleBy, " (in `role by`)");
    }
    checkFieldColumns(reporter, entity);
    for (const f of entity.fields) {
      if (f.decl.required && f.decl.optionalColumn !== undefined)
        reporter.report(
          CODES.requiredOptionalColumn,
          `field \`${f.name}\` is \`required\` and \`optional\`: a required value needs its column; drop one of the two`,
          f.decl.optionalColumn.span,
        );
      checkUnknownTexts(index, reporter, entity, f);
      const t = f.decl.type;
      checkDateFormat(f.decl, reporter);
      if (t === undefined) continue;
      if (t.name === "code" && !missing(t.codeList)) {
        const list = index.rs.codeLists.get(t.codeList!.name);
        if (list !== undefined)
          index.links.link(t.codeList!, { kind: "codelist", decl: list });
        else {
          index.links.unresolved(t.codeList!);
          reporter.report(
            CODES.unknownCodeList,
            `unknown code list \`${t.codeList!.name}\``,
            t.codeList!.span,
            suggest(t.codeList!.name, index.rs.codeLists.keys()),
          );
        }
      }
      if (t.name === "ref") {
        const target = lookupEntity(index, reporter, t.refEntity);
        if (
          target !== undefined &&
          !missing(t.refField) &&
          linkField(index, target, t.refField!) === undefined
        ) {
          unknownField(index, reporter, target, t.refField!);
        }
      }
    }
  }
}

/**
 * Record types: entities that read one file each take the rows of their `record` code, so they
 * must all declare one, different ones, and the same dialect; such a file has no header row.
 */
export function checkRecordTypes(
  index: RulesetIndex,
  reporter: Reporter,
): void {
  const byFile = new Map<string, ResolvedEntity[]>();
  for (const e of index.rs.entities.values()) {
    if (e.file === undefined) continue;
    const list = byFile.get(e.file) ?? [];
    list.push(e);
    byFile.set(e.file, list);
  }
  const at = (e: ResolvedEntity, option: string) =>
    e.decl.fileOptions?.find((o) => o.name.name === option)?.span ??
    e.decl.name?.span ??
    e.span;
  for (const [file, entities] of byFile) {
    for (const e of entities)
      if (e.record !== undefined && e.dialect?.header !== false)
        reporter.report(
          CODES.recordTypeWithHeader,
          `entity \`${e.name}\` reads record type ${JSON.stringify(e.record)} of ${JSON.stringify(file)}, which has a header row: a file of record types has none; add \`header none\``,
          at(e, "record"),
        );
    if (entities.length < 2) continue;
    const first = entities[0];
    const codes = new Map<string, ResolvedEntity>();
    for (const e of entities) {
      if (e.record === undefined) {
        reporter.report(
          CODES.sharedFileDiffers,
          `entities ${entities.map((x) => `\`${x.name}\``).join(", ")} read ${JSON.stringify(file)}, but \`${e.name}\` declares no \`record\` type: say which rows are its, e.g. \`record "C"\``,
          e.decl.name?.span ?? e.span,
        );
        continue;
      }
      const same = codes.get(e.record);
      if (same !== undefined)
        reporter.report(
          CODES.duplicateRecordType,
          `\`${e.name}\` and \`${same.name}\` both read record type ${JSON.stringify(e.record)} of ${JSON.stringify(file)}`,
          at(e, "record"),
        );
      else codes.set(e.record, e);
      if (
        e !== first &&
        JSON.stringify(e.dialect) !== JSON.stringify(first.dialect)
      )
        reporter.report(
          CODES.sharedFileDiffers,
          `\`${e.name}\` reads ${JSON.stringify(file)} in another dialect than \`${first.name}\`: one file is written one way; give both the same options`,
          e.decl.name?.span ?? e.span,
        );
    }
  }
}

export function checkIkb(index: RulesetIndex, reporter: Reporter): void {
  const ikb = index.rs.ikb;
  if (ikb === undefined) return;
  const key = missing(ikb.key) ? undefined : ikb.key.name;
  if (key !== undefined) {
    // The IKB key names the key field of every entity.
    for (const entity of index.rs.entities.values()) {
      // a one-row entity (a file's header or trailer record) is about the file, not an IKB;
      // a metadata file (row counts per entity type) is about the delivery
      if (entity.single || entity.metadata) continue;
      if (linkField(index, entity, ikb.key) === undefined) {
        reporter.report(
          CODES.missingIkbKey,
          `entity \`${entity.name}\` has no field \`${key}\`: every entity of an IKB data model carries the IKB key`,
          entity.decl.name?.span ?? entity.span,
          {
            notes: [
              `the IKB key is declared at ${ikb.key.span.file}:${ikb.key.span.start.line}:${ikb.key.span.start.column}`,
            ],
          },
        );
      }
    }
  }
  for (const d of ikb.depositors ?? []) {
    const e = lookupEntity(index, reporter, d);
    if (
      e !== undefined &&
      !missing(ikb.depositorBy) &&
      linkField(index, e, ikb.depositorBy) === undefined
    ) {
      unknownField(
        index,
        reporter,
        e,
        ikb.depositorBy,
        " (in `depositor ... by`)",
      );
    }
  }
}

export function checkCategories(index: RulesetIndex, reporter: Reporter): void {
  for (const cat of index.rs.categories) {
    const decl = cat.decl;
    const payout = missing(decl.blocks)
      ? undefined
      : index.payouts.get(decl.blocks!.name);
    if (payout !== undefined)
      index.links.link(decl.blocks!, { kind: "payout", decl: payout });
    else if (!missing(decl.blocks)) {
      index.links.unresolved(decl.blocks!);
      reporter.report(
        CODES.unknownPayout,
        `unknown payout condition \`${decl.blocks!.name}\``,
        decl.blocks!.span,
        suggest(decl.blocks!.name, index.payouts.keys()),
      );
    }
    for (const r of decl.results ?? []) {
      if (r === undefined || missing(r.code)) continue;
      const linked = index.rules.get(r.code.name);
      if (linked !== undefined)
        index.links.link(r.code, { kind: "rule", rule: linked });
      else {
        index.links.unresolved(r.code);
        reporter.report(
          CODES.unknownRule,
          `unknown rule \`${r.code.name}\`: a category result names the code of a rule`,
          r.code.span,
          suggest(r.code.name, index.rules.keys()),
        );
      }
      const rule = index.rules.get(r.code.name);
      const target = rule?.decl.target;
      // What the rule really checks, so that an `on` it can never produce is caught (names reported elsewhere).
      const checked =
        target?.kind === "AttributeTarget"
          ? new Set(
              expandAttributes(
                index,
                new Reporter(),
                target.attributes ?? [],
              ).map((t) => `${t.entity.name}.${t.field.name}`),
            )
          : undefined;
      for (const a of r.attributes ?? []) {
        const e = lookupEntity(index, reporter, a.entity);
        if (e === undefined || missing(a.field) || a.field.name === "*")
          continue;
        if (linkField(index, e, a.field) === undefined) {
          unknownField(index, reporter, e, a.field);
          continue;
        }
        if (rule === undefined || target === undefined || target === null)
          continue;
        const name = `${e.name}.${a.field.name}`;
        if (checked === undefined) {
          reporter.report(
            CODES.resultAttributeNotChecked,
            `rule \`${r.code.name}\` checks whole records, so its findings have no attribute and \`on ${name}\` never matches`,
            a.span,
          );
        } else if (!checked.has(name)) {
          reporter.report(
            CODES.resultAttributeNotChecked,
            `rule \`${r.code.name}\` does not check \`${name}\`, so \`on ${name}\` never matches`,
            a.span,
            suggest(name, checked),
          );
        }
      }
    }
    for (const m of decl.markings ?? [])
      if (m !== undefined) checkMarking(index, reporter, m, "a marking");
  }
}

/**
 * `E.f = "VALUE"` of a category's `marking` or an aggregate's `with` (`clause` names it in the
 * message): the field exists, and the value is one of its code list's values or the field is text.
 */
export function checkMarking(
  index: RulesetIndex,
  reporter: Reporter,
  m: CategoryMarking,
  clause: string,
): void {
  if (m.attribute === undefined) return;
  const e = lookupEntity(index, reporter, m.attribute.entity);
  if (e === undefined || missing(m.attribute.field)) return;
  const f = linkField(index, e, m.attribute.field);
  if (f === undefined) {
    unknownField(index, reporter, e, m.attribute.field);
    return;
  }
  const t = fieldType(index, f);
  if (m.value === undefined) return;
  annotateLiteral(m.value);
  if (t.kind === "code") {
    const values = (index.rs.codeLists.get(t.list)?.values ?? []).map(
      (v) => v.code,
    );
    if (!values.includes(m.value.value))
      reporter.report(
        CODES.unknownCodeValue,
        `"${m.value.value}" is not a value of code list \`${t.list}\` (field \`${e.name}.${f.name}\`)`,
        m.value.span,
        { ...suggest(m.value.value, values), notes: [valuesNote(values)] },
      );
  } else if (t.kind !== "text" && t.kind !== "error") {
    reporter.report(
      CODES.incomparable,
      `${clause} compares a field with text, but \`${e.name}.${f.name}\` is ${typeName(t)}`,
      m.attribute.span,
    );
  }
}

/** The literal kinds a norm may give for a metric of each type. */
const METRIC_LITERAL: Record<string, readonly string[]> = {
  percent: ["Percent"],
  duration: ["Duration"],
  date: ["Date"],
  integer: ["Integer"],
  decimal: ["Decimal", "Integer"],
  text: ["String"],
  boolean: ["Boolean"],
};

export function checkNorms(
  index: RulesetIndex,
  reporter: Reporter,
  annotate: (n: NormDecl) => boolean,
): void {
  for (const norm of index.rs.norms) {
    const scope = {
      index,
      reporter,
      current: undefined,
      attribute: undefined,
      iterated: [],
      inNorm: true,
      annotate: annotate(norm),
      label: "",
    };
    for (const p of norm.periods ?? []) {
      if (p === undefined) continue;
      for (const d of [p.from, p.until]) {
        annotateLiteral(d);
        if (d !== undefined && !isRealDate(d.text))
          reporter.report(
            CODES.badDateLiteral,
            `${d.text} is not a real calendar day`,
            d.span,
          );
      }
      if (
        p.from !== undefined &&
        p.until !== undefined &&
        p.from.text >= p.until.text
      ) {
        reporter.report(
          CODES.emptyValidity,
          `the period from ${p.from.text} until ${p.until.text} is empty (\`until\` is exclusive)`,
          p.until.span,
        );
      }
      for (const r of p.requirements ?? []) {
        if (r === undefined || missing(r.metric)) continue;
        const metric = index.metrics.get(r.metric.name);
        const metricType = metric?.type;
        if (metric !== undefined)
          index.links.link(r.metric, { kind: "metric", decl: metric });
        else {
          index.links.unresolved(r.metric);
          reporter.report(
            CODES.unknownMetric,
            `unknown metric \`${r.metric.name}\``,
            r.metric.span,
            suggest(r.metric.name, index.metrics.keys()),
          );
        }
        if (r.parameter !== undefined && !missing(r.parameter)) {
          const value = normParameterValue(r.parameter, p, index, reporter);
          if (value === undefined) continue;
          if (scope.annotate) r.value = value;
        }
        if (r.value === undefined) continue;
        const t = checkExpr(r.value, scope);
        if (
          metricType !== undefined &&
          t.kind !== "error" &&
          !METRIC_LITERAL[metricType].includes(r.value.kind)
        ) {
          reporter.report(
            CODES.normValueType,
            `metric \`${r.metric.name}\` is a ${metricType}, but the norm gives ${typeName(t)}`,
            r.value.span,
          );
        }
      }
    }
    checkNormOverlaps(norm, reporter);
  }
}

/**
 * The value a parameter named in a norm has for the whole norm period (it is read at the period's
 * first day, and must not change before its end: REG247); links the name.
 */
function normParameterValue(
  name: Ident,
  period: NormPeriod,
  index: RulesetIndex,
  reporter: Reporter,
): Literal | undefined {
  const parameter = index.rs.parameters.find(
    (x) => !missing(x.name) && x.name.name === name.name,
  );
  if (parameter === undefined) {
    index.links.unresolved(name);
    reporter.report(
      CODES.unknownParameter,
      `unknown parameter \`${name.name}\``,
      name.span,
      suggest(
        name.name,
        index.rs.parameters.map((x) => x.name.name),
      ),
    );
    return undefined;
  }
  index.links.link(name, { kind: "parameter", decl: parameter });
  const [from, until] = periodBounds(period);
  const holding = (parameter.values ?? []).find(
    (v) =>
      v !== undefined &&
      v.from.text <= from &&
      (v.until === undefined || from < v.until.text),
  );
  if (holding === undefined || (holding.until?.text ?? "~") < until) {
    reporter.report(
      CODES.parameterChangesInNorm,
      holding === undefined
        ? `parameter \`${name.name}\` has no value on ${from}, the first day of ${periodLabel(period)}`
        : `parameter \`${name.name}\` changes its value on ${holding.until!.text}, within ${periodLabel(period)}: split the norm period there`,
      name.span,
    );
    return undefined;
  }
  return holding.value;
}

/** `[from, until)` of a norm period as ISO dates; open ends are "" and "~" (before and after every date). */
function periodBounds(p: NormPeriod): [string, string] {
  if (p.year !== undefined)
    return [
      `${String(p.year).padStart(4, "0")}-01-01`,
      `${String(p.year + 1).padStart(4, "0")}-01-01`,
    ];
  return [p.from?.text ?? "", p.until?.text ?? "~"];
}

function periodLabel(p: NormPeriod): string {
  if (p.year !== undefined) return `year ${p.year}`;
  return `from ${p.from?.text ?? "..."}${p.until === undefined ? "" : ` until ${p.until.text}`}`;
}

/**
 * Two periods of one norm that share days may not both set the same metric: which would apply?
 * An aim and a norm on the same metric may meet (the aim is no requirement); two aims may not.
 */
function checkNormOverlaps(norm: NormDecl, reporter: Reporter): void {
  const periods = (norm.periods ?? []).filter((p) => p !== undefined);
  const metricsOf = periods.map(
    (p) =>
      new Set(
        (p.requirements ?? [])
          .filter((r) => r !== undefined && !missing(r.metric))
          .map((r) => `${r.aim ? "aim " : ""}${r.metric.name}`),
      ),
  );
  for (let j = 1; j < periods.length; j++) {
    const [fj, uj] = periodBounds(periods[j]);
    for (let i = 0; i < j; i++) {
      const [fi, ui] = periodBounds(periods[i]);
      if (!(fi < uj && fj < ui)) continue;
      const shared = [...metricsOf[j]].filter((m) => metricsOf[i].has(m));
      if (shared.length === 0) continue;
      reporter.report(
        CODES.overlappingNormPeriods,
        `norm \`${norm.name.name}\`: ${periodLabel(periods[j])} overlaps ${periodLabel(periods[i])} and both set ${shared.map((m) => `\`${m}\``).join(", ")}`,
        periods[j].span,
        {
          notes: [
            `the other period is at ${periods[i].span.file}:${periods[i].span.start.line}:${periods[i].span.start.column}`,
          ],
        },
      );
      break;
    }
  }
}

/** Measures hold no names to resolve; their fine amount is a literal that gets its type. */
export function checkMeasures(index: RulesetIndex): void {
  for (const m of index.rs.measures) annotateLiteral(m.fine?.base);
}

/**
 * A field's own `format "DD-MM-YYYY"` (docs/language.md, File dialects): only a `date` has one
 * (REG134), and it is a date format as a file's `dates` option takes (REG149).
 */
function checkDateFormat(f: FieldDecl, reporter: Reporter): void {
  const format = f.dateFormat;
  if (format === undefined || f.type === undefined) return;
  if (f.type.name !== "date")
    reporter.report(
      CODES.formatNotOnDate,
      `\`format\` says how a date is written, but field \`${f.name.name}\` is ${f.type.name === "datetime" ? "a datetime (always ISO 8601)" : `\`${f.type.name}\``}: drop the \`format\``,
      format.span,
    );
  else if (!isDateFormat(format.value))
    reporter.report(
      CODES.badFieldDateFormat,
      `"${format.value}" is not a date format: write \`DD\`, \`MM\` and \`YYYY\` once each, with one separator (\`-\`, \`/\`, \`.\`, space) or none, e.g. "DD-MM-YYYY"`,
      format.span,
    );
}

/**
 * REG294: each column of an entity is read by one field, and no field is named after another
 * field's column. A row given by name (validateRecords, `with` records of the record API) takes a
 * key as either a field's name or its column: `field rel column "customer_id"` beside a field
 * named `customer_id` would fill both from one cell.
 */
function checkFieldColumns(reporter: Reporter, entity: ResolvedEntity): void {
  const byColumn = new Map<string, ResolvedField>();
  for (const f of entity.fields) {
    const first = byColumn.get(f.column);
    if (first !== undefined)
      reporter.report(
        CODES.fieldColumnClash,
        `fields \`${first.name}\` and \`${f.name}\` of entity \`${entity.name}\` both read column ${JSON.stringify(f.column)}`,
        f.decl.name.span,
        {
          notes: [
            `give one of them its own column (\`column "..."\`); \`${first.name}\` is declared at ${first.decl.span.file}:${first.decl.span.start.line}`,
          ],
        },
      );
    else byColumn.set(f.column, f);
  }
  for (const f of entity.fields) {
    const other = byColumn.get(f.name);
    // (a field that also reads that column is reported above)
    if (other !== undefined && other !== f && other.column !== f.column)
      reporter.report(
        CODES.fieldColumnClash,
        `field \`${f.name}\` of entity \`${entity.name}\` is named after the column of field \`${other.name}\` (column ${JSON.stringify(other.column)}): a row given by name could mean either`,
        f.decl.name.span,
        {
          notes: [
            `rename one of them, or read \`${other.name}\` from a column of another name`,
          ],
        },
      );
  }
}
