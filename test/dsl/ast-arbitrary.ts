/**
 * fast-check arbitraries for syntactically valid regel ASTs (names need not resolve: the printer
 * and the parser do not care). Spans are dummies; compare with {@link stripAst}.
 *
 * @module
 */
import fc from "fast-check";
import type {
  AggregateDecl,
  AggregateMeasure,
  CombinationItem,
  FileCheck,
  PlausibilityDecl,
  ReconcileDecl,
  ArticleRef,
  Assumption,
  AttributeRef,
  CalendarDecl,
  CategoryDecl,
  CodeListDecl,
  Declaration,
  EntityDecl,
  Example,
  Expr,
  ExtendCategoryDecl,
  ExtendCodeListDecl,
  ExtendEntityDecl,
  FieldDecl,
  HolidayDecl,
  Ident,
  IkbDecl,
  Literal,
  MeasureDecl,
  MetricDecl,
  ParameterDecl,
  NormDecl,
  NormPeriod,
  PayoutDecl,
  RecordLiteral,
  RegelFile,
  RemoveDecl,
  RuleDecl,
  StringLiteral,
  TableDecl,
  RulesetHeader,
  RulesetRef,
  RuleTarget,
  Span,
  TypeRef,
} from "../../dsl/ast.js";
import { KEYWORDS } from "../../dsl/lexer.js";

/** The span every generated node gets. */
export const SPAN: Span = {
  file: "generated.regel",
  start: { offset: 0, line: 1, column: 1 },
  end: { offset: 0, line: 1, column: 1 },
};

const RESERVED = new Set<string>(KEYWORDS);

// ---------------------------------------------------------------- small pieces

export const name: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
  // `header` / `references` / `unique` / `one` would read back as built-in file checks after `require`.
  .filter(
    (s) =>
      !RESERVED.has(s) &&
      s !== "header" &&
      s !== "references" &&
      s !== "unique" &&
      s !== "one",
  );

export const ident: fc.Arbitrary<Ident> = name.map((n) => ({
  kind: "Ident",
  span: SPAN,
  name: n,
}));

const identNamed = (n: string): Ident => ({
  kind: "Ident",
  span: SPAN,
  name: n,
});

/** Any text, with the characters that need escapes over-represented. */
export const text: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '"',
        "\\",
        "\n",
        "\t",
        "\r",
        "\u0000",
        "\u007f",
        "\u2028",
        "\u2029",
        // Invisible characters `regel fmt` must write as escapes ("trojan source").
        "\u202e",
        "\u2066",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\u00ad",
        "\u00a0",
        "\u3000",
        "\u0085",
        "é",
        "😀",
        "//",
        "{",
        " ",
      ),
    },
  ),
  maxLength: 12,
});

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

const dateText = fc
  .record({
    y: fc.integer({ min: 1900, max: 2100 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${pad(m, 2)}-${pad(d, 2)}`);

const dateTimeText = fc
  .record({
    date: dateText,
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
    zone: fc.constantFrom("Z", "+01:00", "-05:30"),
  })
  .map(
    ({ date, h, mi, s, zone }) =>
      `${date}T${pad(h, 2)}:${pad(mi, 2)}${s === undefined ? "" : `:${pad(s, 2)}`}${zone}`,
  );

const integerText = fc.oneof(
  fc.nat({ max: 100000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
);
const decimalText = fc
  .tuple(fc.nat({ max: 99999 }), fc.stringMatching(/^[0-9]{1,4}$/))
  .map(([i, f]) => `${i}.${f}`);

const versionText = fc
  .tuple(
    fc.nat({ max: 20 }),
    fc.nat({ max: 20 }),
    fc.nat({ max: 20 }),
    fc.option(fc.constantFrom("rc1", "beta.2"), { nil: undefined }),
  )
  .map(
    ([a, b, c, pre]) => `${a}.${b}.${c}${pre === undefined ? "" : `-${pre}`}`,
  );

const rulesetName = fc
  .array(fc.oneof(name, fc.constantFrom("ikb", "rule", "source")), {
    minLength: 1,
    maxLength: 3,
  })
  .map((parts) => parts.join("."));

export const rulesetRef: fc.Arbitrary<RulesetRef> = fc
  .record({ name: rulesetName, version: versionText })
  .map((r) => ({ kind: "RulesetRef", span: SPAN, ...r }));

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(a, { nil: undefined });
const list = <T>(a: fc.Arbitrary<T>, max = 3, min = 0): fc.Arbitrary<T[]> =>
  fc.array(a, { minLength: min, maxLength: max });

/** Doc comment lines as the lexer gives them back: no leading space, no trailing blanks. */
const docLine = fc.stringMatching(
  /^[A-Za-z0-9"'.,:;()\-]([A-Za-z0-9 "'.,:;()\-]{0,20}[A-Za-z0-9"'.,:;()\-])?$/,
);
const doc = list(docLine, 2);

const locatorText = fc.oneof(
  fc
    .array(
      fc.oneof(
        name,
        fc.constantFrom(
          "art",
          "2.2",
          "1:80",
          "26a",
          "3",
          "bijlage",
          "sub",
          "2.2e",
          "1.3A",
          "3.5a",
          "7:17a",
        ),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((w) => w.join(" ")),
  fc.constantFrom(
    "Tabel 1",
    "§ 2",
    "a, b",
    "",
    "1:80",
    "art 1:80 sub a",
    "1.2.3",
    "value 3",
  ),
);

const articleRef: fc.Arbitrary<ArticleRef> = fc
  .record({ source: ident, locator: locatorText })
  .map((r) => ({ kind: "ArticleRef", span: SPAN, ...r }));

/** `assumption "..."` clauses: none most of the time, sometimes one or two. */
const assumptions: fc.Arbitrary<Assumption[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Assumption[]>([]) },
  {
    weight: 1,
    arbitrary: fc.array(
      text.map((t) => ({ kind: "Assumption" as const, span: SPAN, text: t })),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

// ---------------------------------------------------------------- literals and expressions

const stringLit = text.map((value) => ({
  kind: "String" as const,
  span: SPAN,
  value,
}));
const durationUnit = fc.constantFrom(
  "s",
  "min",
  "h",
  "days",
  "workdays",
  "months",
  "years" as const,
);

/** Literals that may stand in a record field or an `in` list. */
export const valueLiteral: fc.Arbitrary<Literal> = fc.oneof(
  stringLit,
  integerText.map((t) => ({ kind: "Integer" as const, span: SPAN, text: t })),
  decimalText.map((t) => ({ kind: "Decimal" as const, span: SPAN, text: t })),
  dateText.map((t) => ({ kind: "Date" as const, span: SPAN, text: t })),
  dateTimeText.map((t) => ({ kind: "DateTime" as const, span: SPAN, text: t })),
  fc
    .boolean()
    .map((value) => ({ kind: "Boolean" as const, span: SPAN, value })),
);

/** Literals with an optional sign, as `in (...)` lists, norm values and example fields allow. */
const signedValueLiteral: fc.Arbitrary<Literal> = fc.oneof(
  valueLiteral,
  fc
    .tuple(
      fc.constantFrom("Integer", "Decimal", "Percent" as const),
      fc.oneof(integerText, decimalText),
    )
    .map(([kind, t]) => ({
      kind:
        kind === "Percent"
          ? kind
          : t.includes(".")
            ? ("Decimal" as const)
            : ("Integer" as const),
      span: SPAN,
      text: `-${t}`,
    })),
  fc
    .record({
      amount: fc.integer({ min: -1000, max: 1000 }),
      unit: durationUnit,
    })
    .map((r) => ({ kind: "Duration" as const, span: SPAN, ...r })),
);

const durationLit = fc
  .record({ amount: fc.nat({ max: 1000 }), unit: durationUnit })
  .map((r) => ({ kind: "Duration" as const, span: SPAN, ...r }));

const percentLit = fc
  .oneof(fc.nat({ max: 100 }).map(String), decimalText)
  .map((t) => ({ kind: "Percent" as const, span: SPAN, text: t }));

const path: fc.Arbitrary<Expr> = fc.oneof(
  fc
    .record({ entity: opt(ident), name: ident })
    .map((r) => ({ kind: "Path" as const, span: SPAN, ...r })),
  fc.constantFrom("value", "rrd").map((n) => ({
    kind: "Path" as const,
    span: SPAN,
    entity: undefined,
    name: identNamed(n),
  })),
  // `previous.f`: the field of the same record in the previous delivery
  ident.map((n) => ({
    kind: "Path" as const,
    span: SPAN,
    entity: identNamed("previous"),
    name: n,
  })),
);

/** `previous is [not] present|absent`: whether the previous delivery has the record. */
const previousIs: fc.Arbitrary<Expr> = fc
  .record({
    negated: fc.boolean(),
    test: fc.constantFrom("present", "absent" as const),
  })
  .map((r) => ({
    kind: "Is" as const,
    span: SPAN,
    operand: {
      kind: "Path" as const,
      span: SPAN,
      entity: undefined,
      name: identNamed("previous"),
    },
    ...r,
  }));

/** The normalisation functions (docs/language.md, Normalisation). */
const NORMALIZERS = [
  "normalized_text",
  "normalized_name",
  "normalized_code",
  "normalized_address",
];

const CALLEES = [
  "length",
  "valid_iban",
  "valid_bsn",
  "valid_country",
  "valid_postcode",
  "year",
  "min",
  "max",
  "round",
  ...NORMALIZERS,
];
const BINARY_OPS = [
  "=",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "and",
  "or",
  "+",
  "-",
  "*",
  "/",
] as const;

/** Expressions of bounded depth over every expression form. */
export const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => {
  const sub = tie("e");
  return {
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      path,
      previousIs,
      valueLiteral,
      durationLit,
      percentLit,
      fc
        .record({ op: fc.constantFrom("not", "-" as const), operand: sub })
        .map((r) => ({ kind: "Unary" as const, span: SPAN, ...r })),
      fc
        .record({ op: fc.constantFrom(...BINARY_OPS), left: sub, right: sub })
        .map((r) => ({ kind: "Binary" as const, span: SPAN, ...r })),
      fc
        .record({
          operand: sub,
          negated: fc.boolean(),
          test: fc.constantFrom(
            "present",
            "absent",
            "valid",
            "unknown",
            "known" as const,
          ),
        })
        .map((r) => ({ kind: "Is" as const, span: SPAN, ...r })),
      fc
        .record({
          operand: sub,
          negated: fc.boolean(),
          values: list(signedValueLiteral, 3, 1),
        })
        .map((r) => ({ kind: "In" as const, span: SPAN, ...r })),
      fc
        .record({ operand: sub, pattern: stringLit })
        .map((r) => ({ kind: "Matches" as const, span: SPAN, ...r })),
      fc
        .record({
          callee: fc.constantFrom(...CALLEES).map(identNamed),
          args: list(sub, 2, 1),
        })
        .map((r) => ({ kind: "Call" as const, span: SPAN, ...r })),
      fc
        .record({
          op: fc.constantFrom("exists", "count" as const),
          entity: ident,
          where: opt(sub),
        })
        .map((r) => ({
          kind: "Aggregate" as const,
          span: SPAN,
          field: undefined,
          ...r,
        })),
      fc.record({ entity: ident, field: ident, where: opt(sub) }).map((r) => ({
        kind: "Aggregate" as const,
        span: SPAN,
        op: "sum" as const,
        ...r,
      })),
      // `sum(E.a * E.b where ...)`: a computed value over the iterated entity.
      fc
        .record({
          entity: ident,
          a: ident,
          b: ident,
          op: fc.constantFrom("+", "-", "*", "/" as const),
          where: opt(sub),
        })
        .map((r) => ({
          kind: "Aggregate" as const,
          span: SPAN,
          op: "sum" as const,
          entity: r.entity,
          field: undefined,
          value: {
            kind: "Binary" as const,
            span: SPAN,
            op: r.op,
            left: {
              kind: "Path" as const,
              span: SPAN,
              entity: r.entity,
              name: r.a,
            },
            right: {
              kind: "Path" as const,
              span: SPAN,
              entity: r.entity,
              name: r.b,
            },
          },
          where: r.where,
        })),
      fc
        .record({ condition: sub, then: sub, otherwise: sub })
        .map((r) => ({ kind: "If" as const, span: SPAN, ...r })),
    ),
  };
}).e;

// ---------------------------------------------------------------- declarations

const header: fc.Arbitrary<RulesetHeader> = fc
  .record({
    ref: rulesetRef,
    title: opt(text),
    doc,
    extends: opt(rulesetRef),
    uses: list(rulesetRef, 2),
    valid: opt(fc.tuple(dateText, opt(dateText))),
    sources: list(
      fc
        .record({ alias: ident, title: text, url: opt(text) })
        .map((s) => ({ kind: "Source" as const, span: SPAN, ...s })),
      3,
    ),
    assumptions,
  })
  .map(({ valid, ...h }) => ({
    kind: "RulesetHeader" as const,
    span: SPAN,
    ...h,
    validFrom: valid
      ? { kind: "Date" as const, span: SPAN, text: valid[0] }
      : undefined,
    validUntil: valid?.[1]
      ? { kind: "Date" as const, span: SPAN, text: valid[1] }
      : undefined,
  }));

const typeRef: fc.Arbitrary<TypeRef> = fc
  .oneof(
    fc.record({
      name: fc.constant("text" as const),
      maxLength: opt(fc.integer({ min: 1, max: 500 })),
    }),
    fc.record({
      name: fc.constantFrom(
        "integer",
        "money",
        "date",
        "datetime",
        "boolean" as const,
      ),
    }),
    fc.record({
      name: fc.constant("decimal" as const),
      precision: fc.integer({ min: 1, max: 30 }),
      scale: opt(fc.integer({ min: 0, max: 10 })),
    }),
    fc.record({ name: fc.constant("code" as const), codeList: ident }),
    fc.record({
      name: fc.constant("ref" as const),
      refEntity: ident,
      refField: ident,
    }),
  )
  .map((t) => ({
    kind: "Type" as const,
    span: SPAN,
    maxLength: undefined,
    precision: undefined,
    scale: undefined,
    codeList: undefined,
    refEntity: undefined,
    refField: undefined,
    ...t,
  }));

/** A date format, mostly valid (`DD-MM-YYYY`), sometimes any text (the checker reports it). */
const dateFormat = fc.oneof(
  fc
    .tuple(
      fc.shuffledSubarray(["DD", "MM", "YYYY"], { minLength: 3 }),
      fc.constantFrom("", "-", "/", ".", " "),
    )
    .map(([parts, sep]) => parts.join(sep)),
  text,
);

const field = (replaceAllowed: boolean): fc.Arbitrary<FieldDecl> =>
  fc
    .record({
      doc,
      replace: replaceAllowed ? fc.boolean() : fc.constant(false),
      name: ident,
      type: typeRef,
      required: fc.boolean(),
      personal: fc.boolean(),
      column: opt(text),
      // `optional`: the column may be left out; `format "F"`: the date field's own format
      optional: fc.boolean(),
      dateFormat: opt(dateFormat),
      // `unknown "Unknown", "Non-applicable"`: the texts that stand for "not known"
      unknownValues: opt(list(stringLit, 3, 1)),
      description: opt(text),
      assumptions,
    })
    .map(({ optional, dateFormat, unknownValues, ...f }) => ({
      kind: "Field" as const,
      span: SPAN,
      ...f,
      ...(optional ? { optionalColumn: identNamed("optional") } : {}),
      ...(unknownValues === undefined ? {} : { unknownValues }),
      ...(dateFormat === undefined
        ? {}
        : {
            dateFormat: {
              kind: "String" as const,
              span: SPAN,
              value: dateFormat,
            },
          }),
    }));

/**
 * The options of a `file` clause (docs/language.md, File dialects): the real ones with values
 * they take (and some they do not), record types, `single`, `optional`, and unknown names.
 */
const fileOption = fc
  .oneof(
    fc.record({
      name: fc.constantFrom(
        "delimiter",
        "quote",
        "encoding",
        "dates",
        "decimal",
        "record",
      ),
      value: fc
        .oneof(
          fc.constantFrom(
            "|",
            ";",
            ",",
            "\t",
            "'",
            "C",
            "T",
            "utf-8",
            "windows-1252",
            "iso-8859-1",
          ),
          fc.constantFrom("DDMMYYYY", "DD-MM-YYYY", "YYYYMMDD"),
          text,
        )
        .map((value): FileOptionValue => ({
          kind: "String",
          span: SPAN,
          value,
        })),
    }),
    fc.record({
      name: fc.constantFrom("quote", "header"),
      value: fc.constant<FileOptionValue>("none"),
    }),
    fc.record({
      name: fc.constantFrom("optional", "single", "metadata"),
      value: fc.constant<FileOptionValue>(undefined),
    }),
    fc.record({
      name,
      value: opt(
        fc.oneof(
          stringLit,
          fc.constant("none" as const),
        ) as fc.Arbitrary<FileOptionValue>,
      ),
    }),
  )
  .map(({ name: n, value }) => ({
    kind: "FileOption" as const,
    span: SPAN,
    name: identNamed(n),
    value,
  }));
type FileOptionValue = StringLiteral | "none" | undefined;

const declBase = fc.record({ doc, replace: fc.boolean() });

const codeValue = fc
  .record({ code: text, description: opt(text) })
  .map((v) => ({ kind: "CodeValue" as const, span: SPAN, ...v }));

const codeList: fc.Arbitrary<CodeListDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    values: list(codeValue, 4, 1),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "CodeList" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const entity: fc.Arbitrary<EntityDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    file: opt(text),
    fileOptions: list(fileOption, 4),
    key: list(ident, 3),
    roleBy: opt(ident),
    implementsRefs: list(articleRef),
    fields: list(field(false), 4),
    assumptions,
  })
  .map(({ base, fileOptions, ...d }) => ({
    kind: "Entity" as const,
    span: SPAN,
    ...base,
    ...d,
    // options follow `file "name"`: none without a file, and an empty list is no list
    ...(d.file === undefined || fileOptions.length === 0
      ? {}
      : { fileOptions }),
  }));

const extendEntity: fc.Arbitrary<ExtendEntityDecl> = fc
  .record({
    doc,
    name: ident,
    fields: list(field(true), 3),
    removeFields: list(ident, 2),
  })
  .map((d) => ({
    kind: "ExtendEntity" as const,
    span: SPAN,
    replace: false,
    ...d,
  }));

const ikb: fc.Arbitrary<IkbDecl> = fc
  .record({
    base: declBase,
    title: opt(text),
    // `unit "SCV record"`: an empty unit is none
    unit: opt(text.filter((t) => t !== "")),
    key: ident,
    depositors: list(ident, 3, 1),
    depositorBy: ident,
    implementsRefs: list(articleRef),
    assumptions,
  })
  .map(({ base, unit, ...d }) => ({
    kind: "Ikb" as const,
    span: SPAN,
    ...base,
    ...d,
    ...(unit === undefined
      ? {}
      : { unit: { kind: "String" as const, span: SPAN, value: unit } }),
  }));

const attributeRef: fc.Arbitrary<AttributeRef> = fc
  .record({
    entity: fc.oneof(ident, fc.constant(identNamed("*"))),
    field: fc.oneof(ident, fc.constant(identNamed("*"))),
  })
  .map((a) => ({ kind: "AttributeRef" as const, span: SPAN, ...a }));

const target: fc.Arbitrary<RuleTarget> = fc.oneof(
  ident.map((entity) => ({
    kind: "RecordTarget" as const,
    span: SPAN,
    entity,
  })),
  // `for previous E`: the records of E in the previous delivery (accounts that disappear)
  ident.map((entity) => ({
    kind: "RecordTarget" as const,
    span: SPAN,
    entity,
    previous: true as const,
  })),
  list(attributeRef, 3, 1).map((attributes) => ({
    kind: "AttributeTarget" as const,
    span: SPAN,
    attributes,
  })),
  list(ident, 3, 1).map((entities) => ({
    kind: "FileTarget" as const,
    span: SPAN,
    entities,
  })),
  // `for file NP with SA by customer_id`: joined records
  fc
    .record({ entities: list(ident, 3, 1), entity: ident, by: ident })
    .map(({ entities, entity, by }) => ({
      kind: "FileTarget" as const,
      span: SPAN,
      entities,
      join: { kind: "FileJoin" as const, span: SPAN, entity, by },
    })),
);

const recordLiteral = (
  entityArb: fc.Arbitrary<Ident>,
): fc.Arbitrary<RecordLiteral> =>
  fc
    .record({
      entity: entityArb,
      fields: list(
        fc
          .record({ name: ident, value: signedValueLiteral })
          .map((f) => ({ kind: "FieldValue" as const, span: SPAN, ...f })),
        3,
      ),
    })
    .map((r) => ({ kind: "RecordLiteral" as const, span: SPAN, ...r }));

const example: fc.Arbitrary<Example> = fc.oneof(
  fc
    .record({
      expect: fc.constantFrom("pass", "fail" as const),
      rrd: opt(
        dateText.map((t) => ({ kind: "Date" as const, span: SPAN, text: t })),
      ),
      subject: recordLiteral(ident),
      context: list(recordLiteral(ident), 2),
      // `previous E { ... }, ...`: the IKB's records in the previous delivery
      previous: opt(list(recordLiteral(ident), 2, 1)),
    })
    .map(({ previous, ...e }) => ({
      kind: "RecordExample" as const,
      span: SPAN,
      ...e,
      ...(previous === undefined ? {} : { previous }),
    })),
  fc
    .record({
      expect: fc.constantFrom("pass", "fail" as const),
      entity: ident,
      form: fc.constantFrom("missing", "columns", "rows" as const),
      columns: list(text, 3, 1),
      rowCount: fc.integer({ min: 1, max: 2 }),
      context: list(recordLiteral(ident), 2),
    })
    .chain(({ rowCount, ...e }) =>
      list(recordLiteral(fc.constant(e.entity)), rowCount, rowCount).map(
        (rows) => ({
          kind: "FileExample" as const,
          span: SPAN,
          ...e,
          columns: e.form === "columns" ? e.columns : [],
          rows: e.form === "rows" ? rows : [],
        }),
      ),
    ),
);

/**
 * A whole-file combination that normalises at least one item:
 * `normalized_name(last_name), date_of_birth`.
 */
const combination: fc.Arbitrary<CombinationItem[]> = fc
  .tuple(
    list(
      fc
        .record({
          normalize: opt(fc.constantFrom(...NORMALIZERS).map(identNamed)),
          fields: list(ident, 2, 1),
        })
        .map(({ normalize, fields }) =>
          normalize === undefined
            ? {
                kind: "CombinationItem" as const,
                span: SPAN,
                fields: fields.slice(0, 1),
              }
            : {
                kind: "CombinationItem" as const,
                span: SPAN,
                normalize,
                fields,
              },
        ),
      2,
    ),
    fc.record({
      normalize: fc.constantFrom(...NORMALIZERS).map(identNamed),
      fields: list(ident, 2, 1),
    }),
    fc.nat(),
  )
  .map(([items, normalised, at]) => {
    const all: CombinationItem[] = [...items];
    all.splice(at % (items.length + 1), 0, {
      kind: "CombinationItem",
      span: SPAN,
      ...normalised,
    });
    return all;
  });

/**
 * A combination in which some fields are the joined records' (`SA.postal_code`): `of` names the
 * entity of each field written so (undefined for the record's own).
 */
const joinedCombination: fc.Arbitrary<CombinationItem[]> = fc
  .tuple(
    combination,
    ident,
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  )
  .map(([items, entity, picks]) => {
    let k = 0;
    return items.map((item) => {
      const of = item.fields.map(() => (picks[k++ % 8] ? entity : undefined));
      return of.some((o) => o !== undefined) ? { ...item, of } : item;
    });
  });

const fileCheck: fc.Arbitrary<FileCheck> = fc.oneof(
  fc
    .constantFrom("present", "header", "unique-key", "references" as const)
    .map((check) => ({ kind: "FileCheck" as const, span: SPAN, check })),
  // the whole-file checks: `unique a, b` and `one a per b, c`
  list(ident, 3, 1).map((fields) => ({
    kind: "FileCheck" as const,
    span: SPAN,
    check: "unique" as const,
    fields,
  })),
  fc
    .record({ fields: list(ident, 2, 1), per: list(ident, 3, 1) })
    .map(({ fields, per }) => ({
      kind: "FileCheck" as const,
      span: SPAN,
      check: "one-per" as const,
      fields,
      per,
    })),
  fc
    .record({ fields: list(ident, 2, 1), per: combination })
    .map(({ fields, per }) => ({
      kind: "FileCheck" as const,
      span: SPAN,
      check: "one-per" as const,
      fields,
      per: per.flatMap((i) => i.fields),
      combination: per,
    })),
  fc
    .record({ fields: list(ident, 2, 1), per: joinedCombination })
    .map(({ fields, per }) => ({
      kind: "FileCheck" as const,
      span: SPAN,
      check: "one-per" as const,
      fields,
      per: per.flatMap((i) => i.fields),
      combination: per,
    })),
  combination.map((items) => ({
    kind: "FileCheck" as const,
    span: SPAN,
    check: "unique" as const,
    fields: items.flatMap((i) => i.fields),
    combination: items,
  })),
  fc
    .record({ stated: ident, per: list(ident, 3, 1) })
    .map(({ stated, per }) => ({
      kind: "FileCheck" as const,
      span: SPAN,
      check: "count-per" as const,
      fields: [stated],
      per,
    })),
  // the file totals: `count op x` and `sum f op x` (x a number, a parameter or `E.f`)
  fc
    .record({
      sum: opt(ident),
      op: fc.constantFrom("=", "!=", "<", "<=", ">", ">=" as const),
      figure: fc.oneof(
        integerText.map((text) => ({
          literal: { kind: "Integer" as const, span: SPAN, text },
        })),
        decimalText.map((text) => ({
          literal: { kind: "Decimal" as const, span: SPAN, text },
        })),
        ident.map((name) => ({ name })),
        fc.record({ entity: ident, name: ident }),
        // `E.f where k = "KEY"`: a metadata file's row for one entity type
        fc.record({
          entity: ident,
          name: ident,
          keyField: ident,
          key: fc.oneof(stringLit, valueLiteral),
        }),
      ),
    })
    .map(({ sum, op, figure }) => ({
      kind: "FileCheck" as const,
      span: SPAN,
      check: "total" as const,
      measure: sum === undefined ? ("count" as const) : ("sum" as const),
      ...(sum === undefined ? {} : { fields: [sum] }),
      op,
      figure: { kind: "TotalFigure" as const, span: SPAN, ...figure },
    })),
);

const rule: fc.Arbitrary<RuleDecl> = fc
  .record({
    base: declBase,
    code: ident,
    title: text,
    meaning: opt(text),
    meaningFrom: list(articleRef, 2),
    assumptions,
    severity: opt(fc.constantFrom("blocking", "signalling" as const)),
    roles: fc.constantFrom<("D" | "V")[]>([], ["D"], ["V"], ["D", "V"]),
    implementsRefs: list(articleRef),
    target: opt(target),
    when: opt(expr),
    require: opt(
      fc.oneof(
        { weight: 4, arbitrary: expr },
        { weight: 1, arbitrary: fileCheck },
      ),
    ),
    message: opt(text),
    examples: list(example, 3),
  })
  .map(({ base, ...d }) => {
    // `from` belongs to the meaning: without a meaning there is none.
    if (d.meaning === undefined) d.meaningFrom = [];
    // `require header` / `require references` are file checks only in `for file` rules.
    const r = d.require;
    const require =
      r?.kind === "FileCheck" &&
      (r.check === "header" || r.check === "references") &&
      d.target?.kind !== "FileTarget"
        ? { ...r, check: "present" as const }
        : r;
    return { kind: "Rule" as const, span: SPAN, ...base, ...d, require };
  });

const role = opt(fc.constantFrom("D", "V" as const));

const categoryResult = fc
  .record({ code: ident, role, attributes: list(attributeRef, 2) })
  .map((r) => ({ kind: "CategoryResult" as const, span: SPAN, ...r }));

const categoryMarking = fc
  .record({ attribute: attributeRef, value: stringLit, role })
  .map((m) => ({ kind: "CategoryMarking" as const, span: SPAN, ...m }));

const category: fc.Arbitrary<CategoryDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: text,
    blocks: opt(ident),
    implementsRefs: list(articleRef),
    results: list(categoryResult),
    markings: list(categoryMarking, 2),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Category" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const payout: fc.Arbitrary<PayoutDecl> = fc
  .record({
    base: declBase,
    name: ident,
    number: fc.nat({ max: 20 }),
    title: text,
    implementsRefs: list(articleRef),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Payout" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const metric: fc.Arbitrary<MetricDecl> = fc
  .record({
    base: declBase,
    name: ident,
    type: fc.constantFrom(
      "percent",
      "duration",
      "date",
      "integer",
      "decimal",
      "text",
      "boolean" as const,
    ),
    description: opt(text),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Metric" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const parameter: fc.Arbitrary<ParameterDecl> = fc
  .record({
    base: declBase,
    name: ident,
    type: fc.constantFrom(
      "integer",
      "decimal",
      "money",
      "percent",
      "date",
      "text",
      "boolean",
      "duration" as const,
    ),
    title: opt(text),
    implementsRefs: list(articleRef),
    assumptions,
    values: list(
      fc
        .record({
          from: dateText,
          until: opt(dateText),
          value: fc.oneof(percentLit, durationLit, signedValueLiteral),
        })
        .map(({ from, until, value }) => ({
          kind: "ParameterValue" as const,
          span: SPAN,
          from: { kind: "Date" as const, span: SPAN, text: from },
          until:
            until === undefined
              ? undefined
              : { kind: "Date" as const, span: SPAN, text: until },
          value,
        })),
      3,
    ),
  })
  .map(({ base, ...d }) => ({
    kind: "Parameter" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

/** A reference-data `table`: typed columns (one `key`, or not), and `row` lines or a `file`. */
const table: fc.Arbitrary<TableDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    assumptions,
    file: opt(stringLit),
    columns: list(
      fc
        .record({
          name: ident,
          type: fc.constantFrom(
            "integer",
            "decimal",
            "money",
            "date",
            "text",
            "boolean" as const,
          ),
          key: fc.boolean(),
        })
        .map((c) => ({ kind: "TableColumn" as const, span: SPAN, ...c })),
      4,
    ),
    rows: list(
      list(signedValueLiteral, 4, 1).map((values) => ({
        kind: "TableRow" as const,
        span: SPAN,
        values,
      })),
      3,
    ),
  })
  .map(({ base, ...d }) => ({
    kind: "Table" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const normPeriod: fc.Arbitrary<NormPeriod> = fc
  .record({
    when: fc.oneof(
      fc
        .integer({ min: 2000, max: 2100 })
        .map((year) => ({ year, from: undefined, until: undefined })),
      fc.tuple(dateText, opt(dateText)).map(([f, u]) => ({
        year: undefined,
        from: { kind: "Date" as const, span: SPAN, text: f },
        until:
          u === undefined
            ? undefined
            : { kind: "Date" as const, span: SPAN, text: u },
      })),
    ),
    requirements: list(
      fc
        .record({
          aim: fc.boolean(),
          metric: ident,
          op: fc.constantFrom("=", "!=", "<", "<=", ">", ">=" as const),
          value: fc.oneof(percentLit, signedValueLiteral),
          parameter: opt(ident),
        })
        .map(({ parameter, ...r }) =>
          parameter === undefined
            ? { kind: "NormRequirement" as const, span: SPAN, ...r }
            : {
                kind: "NormRequirement" as const,
                span: SPAN,
                ...r,
                // A parameter is printed instead of the value: the value parses back empty.
                value: { kind: "String" as const, span: SPAN, value: "" },
                parameter,
              },
        ),
      3,
      1,
    ),
  })
  .map(({ when, requirements }) => ({
    kind: "NormPeriod" as const,
    span: SPAN,
    ...when,
    requirements,
  }));

const norm: fc.Arbitrary<NormDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    periods: list(normPeriod),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Norm" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const measure: fc.Arbitrary<MeasureDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: text,
    measureKind: opt(fc.constantFrom("informal", "formal" as const)),
    character: opt(fc.constantFrom("remedial", "punitive" as const)),
    implementsRefs: list(articleRef),
    basis: opt(
      fc
        .record({ none: fc.boolean(), articles: list(articleRef, 3, 1) })
        .map((b) => ({ kind: "MeasureBasis" as const, span: SPAN, ...b })),
    ),
    preconditions: list(text),
    fine: opt(
      fc
        .record({
          category: fc.integer({ min: 1, max: 6 }),
          base: decimalText,
          currency: fc.constantFrom("EUR"),
        })
        .map((f) => ({
          category: f.category,
          base: { kind: "Decimal" as const, span: SPAN, text: f.base },
          currency: f.currency,
          span: SPAN,
        })),
    ),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Measure" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const holiday: fc.Arbitrary<HolidayDecl> = fc
  .record({
    name: ident,
    title: text,
    rule: fc.oneof(
      fc.record({
        kind: fc.constant("fixed" as const),
        day: fc.integer({ min: 1, max: 28 }),
        month: fc.integer({ min: 1, max: 12 }),
      }),
      fc.record({
        kind: fc.constant("easter" as const),
        offset: fc.integer({ min: -60, max: 60 }),
      }),
      dateText.map((text) => ({
        kind: "date" as const,
        date: { kind: "Date" as const, span: SPAN, text },
      })),
    ),
    ifSunday: opt(fc.integer({ min: -3, max: 3 })),
    fromYear: opt(fc.integer({ min: 1900, max: 2100 })),
    untilYear: opt(fc.integer({ min: 1900, max: 2100 })),
    assumptions,
  })
  .map((h) => ({ kind: "Holiday" as const, span: SPAN, ...h }));

const calendar: fc.Arbitrary<CalendarDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    weekend: list(
      fc.constantFrom("saturday", "sunday", "friday").map(identNamed),
      2,
    ),
    holidays: list(holiday),
    assumptions,
  })
  .map(({ base, ...d }) => ({
    kind: "Calendar" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

const remove: fc.Arbitrary<RemoveDecl> = fc
  .record({
    doc,
    what: fc.constantFrom(
      "rule",
      "category",
      "entity",
      "codelist",
      "payout",
      "norm",
      "measure",
      "metric",
      "calendar",
      "parameter",
      "table",
      "aggregate",
      "reconcile",
      "plausibility" as const,
    ),
    name: ident,
  })
  .map((d) => ({ kind: "Remove" as const, span: SPAN, replace: false, ...d }));

const extendCategory: fc.Arbitrary<ExtendCategoryDecl> = fc
  .record({
    doc,
    name: ident,
    results: list(categoryResult, 2),
    markings: list(categoryMarking, 2),
    removeResults: list(categoryResult, 2),
    removeMarkings: list(categoryMarking, 2),
  })
  .map((d) => ({
    kind: "ExtendCategory" as const,
    span: SPAN,
    replace: false,
    ...d,
  }));

const extendCodeList: fc.Arbitrary<ExtendCodeListDecl> = fc
  .record({
    doc,
    name: ident,
    values: list(codeValue, 2),
    removeValues: list(stringLit, 2),
  })
  .map((d) => ({
    kind: "ExtendCodeList" as const,
    span: SPAN,
    replace: false,
    ...d,
  }));

/**
 * An `aggregate` with at most one measure of each clause (`count`, `sum`, `proportion`: each
 * clause is written once; two measures are REG280, still parsed) in the printer's order.
 */
const aggregate: fc.Arbitrary<AggregateDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    assumptions,
    count: opt(
      fc.oneof(
        fc.constant<AggregateMeasure>({ kind: "count-ikbs", span: SPAN }),
        ident.map((entity): AggregateMeasure => ({
          kind: "count-records",
          span: SPAN,
          entity,
        })),
        ident.map((rule): AggregateMeasure => ({
          kind: "count-findings",
          span: SPAN,
          rule,
        })),
      ),
    ),
    sum: opt(
      attributeRef.map((attribute): AggregateMeasure => ({
        kind: "sum",
        span: SPAN,
        attribute,
      })),
    ),
    share: fc.boolean(),
    category: opt(ident),
    marking: opt(
      fc.record({ attribute: attributeRef, value: stringLit }).map((m) => ({
        kind: "CategoryMarking" as const,
        span: SPAN,
        role: undefined,
        ...m,
      })),
    ),
  })
  .map(({ base, count, sum, share, ...d }) => ({
    kind: "Aggregate" as const,
    span: SPAN,
    ...base,
    ...d,
    measures: [
      ...(count === undefined ? [] : [count]),
      ...(sum === undefined ? [] : [sum]),
      ...(share ? [{ kind: "share-ikbs" as const, span: SPAN }] : []),
    ],
  }));

/** A `reconcile` with `figure NAME = AGGREGATE [tolerance N [%]]` lines. */
const reconcile: fc.Arbitrary<ReconcileDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    assumptions,
    figures: list(
      fc
        .record({
          name: ident,
          aggregate: ident,
          tolerance: opt(
            fc.oneof(
              integerText.map((t) => ({
                kind: "Integer" as const,
                span: SPAN,
                text: t,
              })),
              decimalText.map((t) => ({
                kind: "Decimal" as const,
                span: SPAN,
                text: t,
              })),
              percentLit,
            ),
          ),
        })
        .map((f) => ({ kind: "ReconcileFigure" as const, span: SPAN, ...f })),
      3,
    ),
  })
  .map(({ base, ...d }) => ({
    kind: "Reconcile" as const,
    span: SPAN,
    ...base,
    ...d,
  }));

/** A `plausibility`: the real words mostly, any names sometimes (the checker reports them). */
const plausibility: fc.Arbitrary<PlausibilityDecl> = fc
  .record({
    base: declBase,
    name: ident,
    title: opt(text),
    implementsRefs: list(articleRef),
    assumptions,
    compare: opt(
      fc.oneof(fc.constantFrom("history", "peers").map(identNamed), ident),
    ),
    window: opt(fc.nat({ max: 40 })),
    minimum: opt(fc.nat({ max: 40 })),
    method: opt(fc.oneof(fc.constant(identNamed("robust_z")), ident)),
    threshold: opt(fc.oneof(decimalText, fc.nat({ max: 10 }).map(String))),
    watch: list(
      fc
        .record({
          word: fc.oneof(
            fc
              .constantFrom(
                "ikbs",
                "percentage",
                "blocking_errors",
                "errors",
                "findings",
                "aggregates",
                "aggregate",
              )
              .map(identNamed),
            ident,
          ),
          name: opt(ident),
        })
        .map((w) => ({
          kind: "PlausibilitySeries" as const,
          span: SPAN,
          ...w,
        })),
      4,
    ),
  })
  .map(({ base, window, minimum, threshold, ...d }) => ({
    kind: "Plausibility" as const,
    span: SPAN,
    ...base,
    ...d,
    window: window === undefined ? undefined : { value: window, span: SPAN },
    minimum: minimum === undefined ? undefined : { value: minimum, span: SPAN },
    threshold:
      threshold === undefined ? undefined : { text: threshold, span: SPAN },
  }));

export const declaration: fc.Arbitrary<Declaration> = fc.oneof(
  codeList,
  entity,
  extendEntity,
  extendCategory,
  extendCodeList,
  ikb,
  rule,
  category,
  payout,
  metric,
  norm,
  measure,
  calendar,
  parameter,
  table,
  aggregate,
  reconcile,
  plausibility,
  remove,
);

/** A whole file: a header and a few declarations, no comments. */
export const regelFile: fc.Arbitrary<RegelFile> = fc
  .record({ header, declarations: list(declaration, 4) })
  .map((f) => ({
    kind: "File" as const,
    span: SPAN,
    path: "generated.regel",
    comments: [],
    ...f,
  }));

/**
 * A copy of an AST without what the round trip does not keep: spans (also a rule's `messageSpan`), comments, the path, and
 * properties whose value is `undefined`.
 */
export function stripAst(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripAst);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (
      k === "span" ||
      k === "messageSpan" ||
      k === "fileSpan" ||
      k === "columnSpans" ||
      k === "comments" ||
      k === "path"
    )
      continue;
    if (v === undefined) continue;
    out[k] = stripAst(v);
  }
  return out;
}
