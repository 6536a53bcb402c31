/**
 * The printer (formatter) of the regel language: turns a {@link RegelFile} back into canonical
 * text. `regel fmt` and the prettier plugin both use it, so they give the same bytes.
 *
 * @module
 */
import type {
  ArticleRef,
  Assumption,
  AttributeRef,
  BinaryOp,
  CombinationItem,
  Comment,
  Declaration,
  Example,
  CategoryMarking,
  CategoryResult,
  CodeValue,
  Expr,
  FieldDecl,
  FileCheck,
  TotalFigure,
  HolidayDecl,
  Ident,
  Literal,
  NormPeriod,
  RecordLiteral,
  RegelFile,
  RemoveDecl,
  RulesetHeader,
  RulesetRef,
  RuleTarget,
  Span,
  TypeRef,
} from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { isInvisibleInText } from "./bidi.js";
import { KW, KEYWORDS, tokenize } from "./lexer.js";
import { parse } from "./parser.js";
import {
  CLAUSE_TABLES,
  type ClauseKind,
  type ClauseName,
  type ClauseNode,
} from "./parser-grammar.js";

/** Lines longer than this wrap after a comma of a list (see {@link print}). */
export const MAX_WIDTH = 100;
const INDENT = "  ";
const CONTINUATION = "    ";

// ---------------------------------------------------------------- text pieces

/** Text of one clause being built, with the places where a line may break. */
class Chunk {
  text = "";
  /** False for clauses whose commas never break (conditions, examples). */
  breakable = true;
  /**
   * Offsets in `text` just after a space where a line may break: after the `, ` of a list, or
   * before a top-level `or` / `and` of a condition. The space itself is dropped at a break.
   */
  readonly breaks: number[] = [];
  add(s: string): this {
    this.text += s;
    return this;
  }
  /** A `, ` list separator: the line may break after the comma. */
  comma(): this {
    this.text += ", ";
    if (this.breakable) this.breaks.push(this.text.length);
    return this;
  }
  /** Items joined by breakable `, `. */
  list<T>(items: readonly T[], each: (item: T) => void): this {
    items.forEach((item, i) => {
      if (i > 0) this.comma();
      each(item);
    });
    return this;
  }
}

const RESERVED = new Set<string>(KEYWORDS);

/** Width in code points (what an editor column shows for the text we print). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Break a clause into lines: one line when it fits in {@link MAX_WIDTH} columns; otherwise greedy:
 * each line takes as many items as fit, continuation lines are indented four more spaces.
 * Only the printed text decides, so the result is idempotent.
 */
function wrap(indent: string, chunk: Chunk): string[] {
  const text = chunk.text;
  if (width(indent + text) <= MAX_WIDTH || chunk.breaks.length === 0)
    return [indent + text];
  const lines: string[] = [];
  let start = 0;
  let prefix = indent;
  while (width(prefix + text.slice(start)) > MAX_WIDTH) {
    const candidates = chunk.breaks.filter((b) => b > start);
    if (candidates.length === 0) break;
    let chosen: number | undefined;
    for (const b of candidates) {
      if (width(prefix + text.slice(start, b - 1)) <= MAX_WIDTH) chosen = b;
      else break;
    }
    chosen ??= candidates[0];
    lines.push(prefix + text.slice(start, chosen - 1));
    start = chosen;
    prefix = indent + CONTINUATION;
  }
  lines.push(prefix + text.slice(start));
  return lines;
}

/**
 * A string literal with minimal escapes: `\"`, `\\`, `\n`, `\t`, and `\u{...}` for every other
 * character an editor would not show ({@link isInvisibleInText}: controls, bidirectional controls,
 * zero-width and other format characters, separators, white space other than the space, lone
 * surrogates). Everything else, such as `é`, `€` or `中`, is printed as itself.
 */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (isInvisibleInText(cp))
      out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * One token a bare locator may hold: a name, an integer, a decimal, a version, an article number
 * (`26a`) or an article locator (`2.2e`, `1.3A`). The parser joins locator tokens with single
 * spaces and glues `:` to both neighbours (`art 1:80`).
 */
const LOCATOR_TOKEN =
  /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+|\d+\.\d+|\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?|\d+[A-Za-z][A-Za-z0-9_]*|\d+[A-Za-z0-9]*(?:\.\d+[A-Za-z0-9]*)*\.\d+[A-Za-z][A-Za-z0-9]*)$/;

/**
 * A locator printed bare when the parser would read back the same text, quoted otherwise. The
 * parser glues `:` to its neighbours, so a space beside a colon (`"1 : 80"`) needs the quotes.
 */
function locator(text: string): string {
  if (text === "") return "";
  const bare =
    !/ :|: /.test(text) &&
    text
      .split(" ")
      .every(
        (word) =>
          word !== "" &&
          word
            .split(":")
            .every(
              (t) => t === "" || (LOCATOR_TOKEN.test(t) && !RESERVED.has(t)),
            ),
      );
  return bare ? text : quote(text);
}

function rulesetRef(ref: RulesetRef): string {
  return `${ref.name}@${ref.version}`;
}

function articleRefs(c: Chunk, refs: readonly ArticleRef[]): Chunk {
  return c.list(refs, (r) => {
    const l = locator(r.locator);
    c.add(l === "" ? r.source.name : `${r.source.name} ${l}`);
  });
}

function attribute(a: AttributeRef): string {
  return `${a.entity.name}.${a.field.name}`;
}

function signed(n: number): string {
  return n < 0 ? `${n}` : `+${n}`;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

// ---------------------------------------------------------------- expressions

/** Binding strength: or < and < not < comparison/is/in/matches < + - < * / < unary minus < primary. */
const enum Prec {
  /** `if ... else x` takes everything after `else`: parenthesised wherever it is an operand. */
  If = 0,
  Or = 1,
  And = 2,
  Not = 3,
  Compare = 4,
  Add = 5,
  Mul = 6,
  Neg = 7,
  Primary = 8,
}

function precedence(e: Expr): Prec {
  switch (e.kind) {
    case "Binary":
      switch (e.op) {
        case "or":
          return Prec.Or;
        case "and":
          return Prec.And;
        case "+":
        case "-":
          return Prec.Add;
        case "*":
        case "/":
          return Prec.Mul;
        default:
          return Prec.Compare;
      }
    case "Unary":
      return e.op === "not" ? Prec.Not : Prec.Neg;
    case "If":
      return Prec.If;
    case "Is":
    case "In":
    case "Matches":
      return Prec.Compare;
    default:
      return Prec.Primary;
  }
}

function literal(c: Chunk, l: Literal): void {
  switch (l.kind) {
    case "String":
      c.add(quote(l.value));
      return;
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
      c.add(l.text);
      return;
    case "Boolean":
      c.add(l.value ? "true" : "false");
      return;
    case "Duration":
      c.add(`${l.amount} ${l.unit}`);
      return;
    case "Percent":
      c.add(`${l.text} %`);
      return;
  }
}

/**
 * Print `e`, in parentheses when its binding is weaker than `min` needs, or when `clarify` asks
 * for them although the tree does not.
 */
function operand(
  c: Chunk,
  e: Expr,
  min: Prec,
  clarify = false,
  chain?: BinaryOp,
): void {
  if (clarify || precedence(e) < min) {
    c.add("(");
    expr(c, e);
    c.add(")");
  } else {
    expr(c, e, chain);
  }
}

/** An `and` directly under an `or` keeps its parentheses: `(a and b) or c` is how people read it. */
function clarifies(parent: BinaryOp, child: Expr): boolean {
  return parent === "or" && child.kind === "Binary" && child.op === "and";
}

/**
 * Print an expression with the fewest parentheses that keep its tree, plus two for the reader:
 * an `and` inside an `or`, and the operand of `not` when it is a comparison (`not (a = b)`).
 * With `chain`, a line may break before each operator of the top-level chain of that operator.
 */
function expr(c: Chunk, e: Expr, chain?: BinaryOp): void {
  switch (e.kind) {
    case "Path":
      c.add(e.entity ? `${e.entity.name}.${e.name.name}` : e.name.name);
      return;
    case "Unary":
      if (e.op === "not") {
        c.add("not ");
        operand(c, e.operand, Prec.Not, precedence(e.operand) === Prec.Compare);
      } else {
        c.add("-");
        // `- -x` keeps a space so the two minus signs stay apart.
        if (e.operand.kind === "Unary" && e.operand.op === "-") c.add(" ");
        operand(c, e.operand, Prec.Neg);
      }
      return;
    case "Binary": {
      const p = precedence(e);
      const inChain = chain === e.op ? chain : undefined;
      // Left-associative; comparisons do not chain, so a comparison operand is parenthesised too.
      operand(
        c,
        e.left,
        p === Prec.Compare ? Prec.Add : p,
        clarifies(e.op, e.left),
        inChain,
      );
      c.add(" ");
      if (inChain) c.breaks.push(c.text.length);
      c.add(`${e.op} `);
      operand(
        c,
        e.right,
        p === Prec.Compare ? Prec.Add : ((p + 1) as Prec),
        clarifies(e.op, e.right),
      );
      return;
    }
    case "Is":
      operand(c, e.operand, Prec.Add);
      c.add(e.negated ? ` is not ${e.test}` : ` is ${e.test}`);
      return;
    case "In":
      operand(c, e.operand, Prec.Add);
      if (e.table !== undefined) {
        c.add(e.negated ? " not in " : " in ");
        c.add(e.table.name);
        if (e.column !== undefined) c.add(`.${e.column.name}`);
        return;
      }
      c.add(e.negated ? " not in (" : " in (");
      c.list(e.values, (v) => literal(c, v));
      c.add(")");
      return;
    case "Matches":
      operand(c, e.operand, Prec.Add);
      c.add(` matches ${quote(e.pattern.value)}`);
      return;
    case "Call":
      c.add(`${e.callee.name}(`);
      c.list(e.args, (a) => expr(c, a));
      c.add(")");
      return;
    case "If":
      c.add("if ");
      expr(c, e.condition);
      c.add(" then ");
      expr(c, e.then);
      c.add(" else ");
      expr(c, e.otherwise);
      return;
    case "Aggregate":
      if (e.value !== undefined) {
        c.add(`${e.op}(`);
        expr(c, e.value);
      } else c.add(`${e.op}(${e.entity.name}`);
      if (e.field) c.add(`.${e.field.name}`);
      if (e.where) {
        c.add(" where ");
        expr(c, e.where);
      }
      c.add(")");
      return;
    default:
      literal(c, e);
  }
}

/** Canonical text of one expression (no line breaks). */
export function printExpr(e: Expr): string {
  const c = new Chunk();
  expr(c, e);
  return c.text;
}

// ---------------------------------------------------------------- declarations to lines

/** One printed clause (or a declaration's first line). */
interface OutLine {
  /** The keyword that starts the clause in source, `head` for the first line. */
  kw: string;
  /** `kw#n`: the n-th clause with this keyword in its declaration. */
  key: string;
  indent: string;
  chunk: Chunk;
  /** Doc comment lines printed above (declarations and fields). */
  doc: string[];
  /** Source nodes of the clause, used to place comments when the source text is not given. */
  spans: Span[];
}

/** The header or one declaration. */
interface Block {
  kind: string;
  span: Span;
  lines: OutLine[];
}

class BlockBuilder {
  readonly lines: OutLine[] = [];
  private readonly counts = new Map<string, number>();
  line(
    kw: string,
    indent: string,
    chunk: Chunk,
    spans: (Span | undefined)[] = [],
    doc: string[] = [],
  ): Chunk {
    const n = this.counts.get(kw) ?? 0;
    this.counts.set(kw, n + 1);
    this.lines.push({
      kw,
      key: `${kw}#${n}`,
      indent,
      chunk,
      doc,
      spans: spans.filter((s): s is Span => s !== undefined),
    });
    return chunk;
  }
  head(text: string, doc: string[], spans: (Span | undefined)[] = []): Chunk {
    return this.line("head", "", new Chunk().add(text), spans, doc);
  }
  clause(
    kw: string,
    text: string,
    spans: (Span | undefined)[] = [],
    doc: string[] = [],
  ): Chunk {
    return this.line(kw, INDENT, new Chunk().add(text), spans, doc);
  }
  implementsRefs(refs: readonly ArticleRef[]): void {
    if (refs.length === 0) return;
    articleRefs(this.clause("implements", "implements "), refs);
    this.lines[this.lines.length - 1].spans.push(...refs.map((r) => r.span));
  }
  /** One line per `assumption`; those of a field or holiday are indented under it. */
  assumptions(list: readonly Assumption[], indent = INDENT): void {
    for (const a of list)
      this.line(
        "assumption",
        indent,
        new Chunk().add(`assumption ${quote(a.text)}`),
        [a.span],
      );
  }
}

function titled(text: string, title: string | undefined): string {
  return title === undefined ? text : `${text} ${quote(title)}`;
}

function replacePrefix(replace: boolean): string {
  return replace ? "replace " : "";
}

/** A field type as the canonical layout writes it: `text(70)`, `decimal(5,2)`, `code legal_capacity`, `ref NP.customer_id`. */
export function printType(t: TypeRef): string {
  switch (t.name) {
    case "text":
      return t.maxLength === undefined ? "text" : `text(${t.maxLength})`;
    case "decimal":
      if (t.precision === undefined) return "decimal";
      return t.scale === undefined
        ? `decimal(${t.precision})`
        : `decimal(${t.precision},${t.scale})`;
    case "code":
      return `code ${t.codeList?.name ?? ""}`;
    case "ref":
      return `ref ${t.refEntity?.name ?? ""}.${t.refField?.name ?? ""}`;
    default:
      return t.name;
  }
}

function fieldLine(b: BlockBuilder, f: FieldDecl): void {
  let text = `${replacePrefix(f.replace)}field ${f.name.name}: ${printType(f.type)}`;
  if (f.required) text += " required";
  if (f.personal) text += " personal";
  if (f.column !== undefined) text += ` column ${quote(f.column)}`;
  if (f.optionalColumn !== undefined) text += " optional";
  if (f.unknownValues !== undefined && f.unknownValues.length > 0)
    text += ` unknown ${f.unknownValues.map((u) => quote(u.value)).join(", ")}`;
  if (f.dateFormat !== undefined)
    text += ` format ${quote(f.dateFormat.value)}`;
  if (f.description !== undefined) text += ` ${quote(f.description)}`;
  b.clause("field", text, [f.span], f.doc);
  b.assumptions(f.assumptions, INDENT + INDENT);
}

function recordLiteral(c: Chunk, r: RecordLiteral, withEntity: boolean): void {
  if (withEntity) c.add(`${r.entity.name} `);
  if (r.fields.length === 0) {
    c.add("{}");
    return;
  }
  c.add("{ ");
  c.list(r.fields, (f) => {
    c.add(`${f.name.name}: `);
    literal(c, f.value);
  });
  c.add(" }");
}

function contextRecords(c: Chunk, context: readonly RecordLiteral[]): void {
  if (context.length === 0) return;
  c.add(" with ");
  c.list(context, (r) => recordLiteral(c, r, true));
}

function example(c: Chunk, e: Example): void {
  c.add(`example ${e.expect}`);
  if (e.kind === "RecordExample") {
    if (e.rrd) c.add(` rrd ${e.rrd.text}`);
    c.add(" ");
    recordLiteral(c, e.subject, true);
    contextRecords(c, e.context);
    if (e.previous !== undefined && e.previous.length > 0) {
      c.add(" previous ");
      c.list(e.previous, (r) => recordLiteral(c, r, true));
    }
    return;
  }
  c.add(` file ${e.entity.name}`);
  if (e.form === "missing") c.add(" missing");
  else if (e.form === "columns") {
    c.add(" columns ");
    c.list(e.columns, (col) => c.add(quote(col)));
  } else {
    c.add(" rows ");
    c.list(e.rows, (r) => recordLiteral(c, r, false));
  }
  contextRecords(c, e.context);
}

/** An example on one line, as `regel fmt` writes it (for diffs and traces). */
export function printExample(e: Example): string {
  const c = new Chunk();
  example(c, e);
  return c.text;
}

function target(c: Chunk, t: RuleTarget): void {
  c.add("for ");
  switch (t.kind) {
    case "RecordTarget":
      c.add(t.previous === true ? `previous ${t.entity.name}` : t.entity.name);
      return;
    case "AttributeTarget":
      c.list(t.attributes, (a) => c.add(attribute(a)));
      return;
    case "FileTarget":
      c.add("file ");
      c.list(t.entities, (e) => c.add(e.name));
      if (t.join !== undefined)
        c.add(` with ${t.join.entity.name} by ${t.join.by.name}`);
      return;
  }
}

/** A `when` / `require` condition: it may wrap before its top-level `or`s (or else `and`s). */
function condition(c: Chunk, e: Expr): void {
  unbreakable(c);
  expr(
    c,
    e,
    e.kind === "Binary" && (e.op === "or" || e.op === "and") ? e.op : undefined,
  );
}

/** Examples stay on one line, however long; the commas of a condition do not break either. */
function unbreakable(c: Chunk): Chunk {
  c.breakable = false;
  return c;
}

const FILE_CHECKS = {
  present: "present",
  header: "header",
  "unique-key": "unique key",
  references: "references",
  unique: "unique",
  "one-per": "one",
  "count-per": "count per",
  total: "",
};

/**
 * A `for file` rule's built-in check as written after `require`: `unique key`, `unique a, b`,
 * `one a per b, c`.
 */
export function fileCheckText(check: FileCheck): string {
  const names = (ids: readonly Ident[] | undefined) =>
    (ids ?? []).map((i) => i.name).join(", ");
  const head = FILE_CHECKS[check.check];
  // a combination that normalises fields: `normalized_name(last_name), date_of_birth`
  // a field of the joined records is written with its entity: `SA.postal_code`
  const itemNames = (c: CombinationItem) =>
    c.fields
      .map((f, i) => {
        const of = c.of?.[i];
        return of === undefined ? f.name : `${of.name}.${f.name}`;
      })
      .join(", ");
  const combined = (ids: readonly Ident[] | undefined) =>
    check.combination === undefined
      ? names(ids)
      : check.combination
          .map((c) =>
            c.normalize === undefined
              ? itemNames(c)
              : `${c.normalize.name}(${itemNames(c)})`,
          )
          .join(", ");
  if (check.check === "unique") return `${head} ${combined(check.fields)}`;
  if (check.check === "one-per")
    return `${head} ${names(check.fields)} per ${combined(check.per)}`;
  if (check.check === "count-per")
    return `${head} ${names(check.per)} = ${names(check.fields)}`;
  if (check.check === "total")
    return `${check.measure === "sum" ? `sum ${names(check.fields)}` : "count"} ${check.op ?? "="} ${totalFigureText(check.figure)}`;
  return head;
}

/** The figure of a file total as written: `14`, `max_records`, `TR.record_count`. */
export function totalFigureText(figure: TotalFigure | undefined): string {
  if (figure === undefined) return "";
  if (figure.literal !== undefined) return printExpr(figure.literal);
  const name = figure.name?.name ?? "";
  const key =
    figure.key === undefined
      ? ""
      : ` where ${figure.keyField?.name ?? ""} = ${printExpr(figure.key)}`;
  return figure.entity ? `${figure.entity.name}.${name}${key}` : name;
}

function role(r: string | undefined): string {
  return r === undefined ? "" : ` (${r})`;
}

function period(b: BlockBuilder, p: NormPeriod): void {
  let text: string;
  let kw: string;
  if (p.year !== undefined) {
    kw = "year";
    text = `year ${p.year}: `;
  } else {
    kw = "from";
    text = `from ${p.from?.text ?? ""}${p.until ? ` until ${p.until.text}` : ""}: `;
  }
  const c = b.clause(kw, text, [p.span]);
  c.list(p.requirements, (r) => {
    c.add(`${r.aim ? "aim " : ""}${r.metric.name} ${r.op} `);
    if (r.parameter !== undefined) c.add(r.parameter.name);
    else literal(c, r.value);
  });
}

function holiday(h: HolidayDecl): string {
  let text = `holiday ${h.name.name} ${quote(h.title)}`;
  text +=
    h.rule.kind === "fixed"
      ? ` on ${h.rule.day} ${MONTHS[h.rule.month - 1] ?? String(h.rule.month)}`
      : h.rule.kind === "date"
        ? ` on ${h.rule.date.text}`
        : h.rule.offset === 0
          ? " easter"
          : ` easter ${signed(h.rule.offset)}`;
  if (h.ifSunday !== undefined) text += ` if sunday ${signed(h.ifSunday)}`;
  if (h.fromYear !== undefined) text += ` from ${h.fromYear}`;
  if (h.untilYear !== undefined) text += ` until ${h.untilYear}`;
  return text;
}

/** `value "CODE" ["description"]` of a code list or its extension. */
function valueLine(b: BlockBuilder, v: CodeValue): void {
  const desc = v.description === undefined ? "" : ` ${quote(v.description)}`;
  b.clause("value", `value ${quote(v.code)}${desc}`, [v.span]);
}

/** `[remove ]result CODE [(D)] [on E.f, ...]` of a category or its extension. */
function resultLine(
  b: BlockBuilder,
  kw: string,
  prefix: string,
  r: CategoryResult,
): void {
  const c = b.clause(kw, `${prefix}result ${r.code.name}${role(r.role)}`, [
    r.span,
  ]);
  if (r.attributes.length > 0) {
    c.add(" on ");
    c.list(r.attributes, (a) => c.add(attribute(a)));
  }
}

/** `[remove ]marking E.f = "VALUE" [(D)]` of a category or its extension. */
function markingLine(
  b: BlockBuilder,
  kw: string,
  prefix: string,
  m: CategoryMarking,
): void {
  b.clause(
    kw,
    `${prefix}marking ${attribute(m.attribute)} = ${quote(m.value.value)}${role(m.role)}`,
    [m.span],
  );
}

function removeBlock(d: RemoveDecl): BlockBuilder {
  const b = new BlockBuilder();
  b.head(`remove ${d.what} ${d.name.name}`, d.doc, [d.name.span]);
  return b;
}

/** The first line of a declaration (or of the header): its keyword, name and title. */
const HEADS: {
  [K in ClauseKind]: (b: BlockBuilder, d: ClauseNode<K>) => void;
} = {
  RulesetHeader: (b, h) =>
    b.head(titled(`ruleset ${rulesetRef(h.ref)}`, h.title), h.doc, [
      h.ref.span,
    ]),
  CodeList: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}codelist ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Entity: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}entity ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  ExtendEntity: (b, d) =>
    b.head(`extend entity ${d.name.name}`, d.doc, [d.name.span]),
  ExtendCategory: (b, d) =>
    b.head(`extend category ${d.name.name}`, d.doc, [d.name.span]),
  ExtendCodeList: (b, d) =>
    b.head(`extend codelist ${d.name.name}`, d.doc, [d.name.span]),
  Ikb: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}ikb`, d.title) +
        (d.unit === undefined ? "" : ` unit ${quote(d.unit.value)}`),
      d.doc,
    ),
  Rule: (b, d) =>
    b.head(
      `${replacePrefix(d.replace)}rule ${d.code.name} ${quote(d.title)}`,
      d.doc,
      [d.code.span],
    ),
  Category: (b, d) =>
    b.head(
      `${replacePrefix(d.replace)}category ${d.name.name} ${quote(d.title)}`,
      d.doc,
      [d.name.span],
    ),
  Payout: (b, d) =>
    b.head(
      `${replacePrefix(d.replace)}payout ${d.name.name} ${d.number} ${quote(d.title)}`,
      d.doc,
      [d.name.span],
    ),
  Metric: (b, d) => {
    const desc = d.description === undefined ? "" : ` ${quote(d.description)}`;
    b.head(
      `${replacePrefix(d.replace)}metric ${d.name.name}: ${d.type}${desc}`,
      d.doc,
      [d.name.span],
    );
  },
  Norm: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}norm ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Measure: (b, d) =>
    b.head(
      `${replacePrefix(d.replace)}measure ${d.name.name} ${quote(d.title)}`,
      d.doc,
      [d.name.span],
    ),
  Calendar: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}calendar ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Table: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}table ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Parameter: (b, d) =>
    b.head(
      titled(
        `${replacePrefix(d.replace)}parameter ${d.name.name}: ${d.type}`,
        d.title,
      ),
      d.doc,
      [d.name.span],
    ),
  Aggregate: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}aggregate ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Reconcile: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}reconcile ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
  Plausibility: (b, d) =>
    b.head(
      titled(`${replacePrefix(d.replace)}plausibility ${d.name.name}`, d.title),
      d.doc,
      [d.name.span],
    ),
};

/**
 * How each clause is printed, per declaration kind. A declaration's clauses are printed in the
 * order of its clause table (`CLAUSE_TABLES` in parser-grammar.ts), so a clause added to a table
 * needs its line here — the type checker asks for it.
 */
const CLAUSE_PRINTERS: {
  [K in ClauseKind]: {
    [N in ClauseName<K>]: (b: BlockBuilder, d: ClauseNode<K>) => void;
  };
} = {
  RulesetHeader: {
    extends: (b, h) => {
      if (h.extends)
        b.clause("extends", `extends ${rulesetRef(h.extends)}`, [
          h.extends.span,
        ]);
    },
    uses: (b, h) => {
      if (h.uses.length === 0) return;
      const c = b.clause(
        "uses",
        "uses ",
        h.uses.map((u) => u.span),
      );
      c.list(h.uses, (u) => c.add(rulesetRef(u)));
    },
    valid: (b, h) => {
      if (!h.validFrom) return;
      const until = h.validUntil ? ` until ${h.validUntil.text}` : "";
      b.clause("valid", `valid from ${h.validFrom.text}${until}`, [
        h.validFrom.span,
        h.validUntil?.span,
      ]);
    },
    source: (b, h) => {
      for (const s of h.sources) {
        const url = s.url === undefined ? "" : ` url ${quote(s.url)}`;
        b.clause("source", `source ${s.alias.name} ${quote(s.title)}${url}`, [
          s.span,
        ]);
      }
    },
    assumption: (b, h) => b.assumptions(h.assumptions),
  },
  CodeList: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    value: (b, d) => {
      for (const v of d.values) valueLine(b, v);
    },
  },
  Entity: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    file: (b, d) => {
      if (d.file === undefined) return;
      const options = (d.fileOptions ?? []).map((o) =>
        o.value === undefined
          ? o.name.name
          : `${o.name.name} ${o.value === "none" ? "none" : quote(o.value.value)}`,
      );
      b.clause("file", [`file ${quote(d.file)}`, ...options].join(" "));
    },
    key: (b, d) => {
      if (d.key.length === 0) return;
      const c = b.clause(
        "key",
        "key ",
        d.key.map((k) => k.span),
      );
      c.list(d.key, (k) => c.add(k.name));
    },
    role: (b, d) => {
      if (d.roleBy)
        b.clause("role", `role by ${d.roleBy.name}`, [d.roleBy.span]);
    },
    field: (b, d) => {
      for (const f of d.fields) fieldLine(b, f);
    },
  },
  ExtendEntity: {
    // Added and replaced fields, in source order.
    field: (b, d) => {
      for (const f of d.fields) fieldLine(b, f);
    },
    remove: (b, d) => {
      for (const r of d.removeFields)
        b.clause("removefield", `remove field ${r.name}`, [r.span]);
    },
  },
  ExtendCategory: {
    result: (b, d) => {
      for (const r of d.results) resultLine(b, "result", "", r);
    },
    marking: (b, d) => {
      for (const m of d.markings) markingLine(b, "marking", "", m);
    },
    remove: (b, d) => {
      for (const r of d.removeResults)
        resultLine(b, "removeresult", "remove ", r);
      for (const m of d.removeMarkings)
        markingLine(b, "removemarking", "remove ", m);
    },
  },
  ExtendCodeList: {
    value: (b, d) => {
      for (const v of d.values) valueLine(b, v);
    },
    remove: (b, d) => {
      for (const v of d.removeValues)
        b.clause("removevalue", `remove value ${quote(v.value)}`, [v.span]);
    },
  },
  Ikb: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    key: (b, d) => {
      b.clause("key", `key ${d.key.name}`, [d.key.span]);
    },
    depositor: (b, d) => {
      const c = b.clause("depositor", "depositor ", [
        ...d.depositors.map((x) => x.span),
        d.depositorBy.span,
      ]);
      c.list(d.depositors, (x) => c.add(x.name));
      c.add(` by ${d.depositorBy.name}`);
    },
  },
  Rule: {
    meaning: (b, d) => {
      if (d.meaning === undefined) return;
      const c = b.clause("meaning", `meaning ${quote(d.meaning)}`);
      if (d.meaningFrom.length > 0) {
        // A long meaning puts `from ...` on a continuation line of its own.
        c.add(" ");
        c.breaks.push(c.text.length);
        articleRefs(c.add("from "), d.meaningFrom);
        b.lines[b.lines.length - 1].spans.push(
          ...d.meaningFrom.map((r) => r.span),
        );
      }
    },
    assumption: (b, d) => b.assumptions(d.assumptions),
    severity: (b, d) => {
      if (d.severity !== undefined)
        b.clause("severity", `severity ${d.severity}`);
    },
    class: (b, d) => {
      if (d.classification)
        b.clause("class", `class ${d.classification.name}`, [
          d.classification.span,
        ]);
    },
    scope: (b, d) => {
      if (d.scope)
        b.clause("scope", `scope ${d.scope.word.name} ${d.scope.noun.name}`, [
          d.scope.span,
        ]);
    },
    applies: (b, d) => {
      if (d.roles.length === 0) return;
      const c = b.clause("applies", "applies to ");
      c.list(d.roles, (r) => c.add(r));
    },
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    for: (b, d) => {
      if (d.target) target(b.clause("for", "", [d.target.span]), d.target);
    },
    when: (b, d) => {
      if (d.when) condition(b.clause("when", "when ", [d.when.span]), d.when);
    },
    require: (b, d) => {
      if (!d.require) return;
      const c = b.clause("require", "require ", [d.require.span]);
      if (d.require.kind === "FileCheck") c.add(fileCheckText(d.require));
      else condition(c, d.require);
    },
    message: (b, d) => {
      if (d.message !== undefined)
        b.clause("message", `message ${quote(d.message)}`);
    },
    example: (b, d) => {
      for (const e of d.examples)
        example(unbreakable(b.clause("example", "", [e.span])), e);
    },
  },
  Category: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    blocks: (b, d) => {
      if (d.blocks)
        b.clause("blocks", `blocks ${d.blocks.name}`, [d.blocks.span]);
    },
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    result: (b, d) => {
      for (const r of d.results) resultLine(b, "result", "", r);
    },
    marking: (b, d) => {
      for (const m of d.markings) markingLine(b, "marking", "", m);
    },
  },
  Payout: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
  },
  Metric: {
    assumption: (b, d) => b.assumptions(d.assumptions),
  },
  Parameter: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    from: (b, d) => {
      for (const v of d.values) {
        const c = b.clause(
          "from",
          `from ${v.from.text}${v.until ? ` until ${v.until.text}` : ""} value `,
          [v.span],
        );
        literal(c, v.value);
      }
    },
  },
  Aggregate: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    count: (b, d) => {
      for (const m of d.measures) {
        if (m.kind === "count-ikbs") b.clause("count", "count ikb", [m.span]);
        if (m.kind === "count-records")
          b.clause("count", `count ${m.entity.name}`, [m.span]);
        if (m.kind === "count-findings")
          b.clause("count", `count result ${m.rule.name}`, [m.span]);
      }
    },
    sum: (b, d) => {
      for (const m of d.measures)
        if (m.kind === "sum")
          b.clause("sum", `sum ${attribute(m.attribute)}`, [m.span]);
    },
    proportion: (b, d) => {
      for (const m of d.measures)
        if (m.kind === "share-ikbs")
          b.clause("proportion", "proportion ikb", [m.span]);
    },
    in: (b, d) => {
      if (d.category)
        b.clause("in", `in category ${d.category.name}`, [d.category.span]);
    },
    with: (b, d) => {
      const m = d.marking;
      if (m)
        b.clause(
          "with",
          `with ${attribute(m.attribute)} = ${quote(m.value.value)}`,
          [m.span],
        );
    },
  },
  Reconcile: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    figure: (b, d) => {
      for (const f of d.figures) {
        const c = b.clause(
          "figure",
          `figure ${f.name.name} = ${f.aggregate.name}`,
          [f.span],
        );
        if (f.tolerance) {
          c.add(" tolerance ");
          literal(c, f.tolerance);
        }
      }
    },
  },
  Table: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    file: (b, d) => {
      if (d.file)
        b.clause("file", `file ${quote(d.file.value)}`, [d.file.span]);
    },
    column: (b, d) => {
      for (const col of d.columns)
        b.clause(
          "column",
          `column ${col.name.name}: ${col.type}${col.key ? " key" : ""}`,
          [col.span],
        );
    },
    row: (b, d) => {
      // Rows the checker read from the table's CSV (it sets `path`) are not the file's text.
      if (d.path !== undefined) return;
      for (const r of d.rows) {
        const c = b.clause("row", "row ", [r.span]);
        c.list(r.values, (v) => literal(c, v));
      }
    },
  },
  Norm: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    period: (b, d) => {
      for (const p of d.periods) period(b, p);
    },
  },
  Measure: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    kind: (b, d) => {
      if (d.measureKind) b.clause("kind", `kind ${d.measureKind}`);
    },
    character: (b, d) => {
      if (d.character) b.clause("character", `character ${d.character}`);
    },
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    basis: (b, d) => {
      if (d.basis)
        articleRefs(
          b.clause("basis", d.basis.none ? "basis none from " : "basis ", [
            d.basis.span,
          ]),
          d.basis.articles,
        );
    },
    precondition: (b, d) => {
      for (const p of d.preconditions)
        b.clause("precondition", `precondition ${quote(p)}`);
    },
    fine: (b, d) => {
      if (!d.fine) return;
      b.clause(
        "fine",
        `fine category ${d.fine.category} base ${d.fine.base.text} ${d.fine.currency}`,
        [d.fine.span],
      );
    },
  },
  Calendar: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    weekend: (b, d) => {
      if (d.weekend.length === 0) return;
      const c = b.clause(
        "weekend",
        "weekend ",
        d.weekend.map((w) => w.span),
      );
      c.list(d.weekend, (w) => c.add(w.name));
    },
    holiday: (b, d) => {
      for (const h of d.holidays) {
        b.clause("holiday", holiday(h), [h.span]);
        b.assumptions(h.assumptions, INDENT + INDENT);
      }
    },
  },
  Plausibility: {
    assumption: (b, d) => b.assumptions(d.assumptions),
    implements: (b, d) => b.implementsRefs(d.implementsRefs),
    compare: (b, d) => {
      if (d.compare)
        b.clause("compare", `compare ${d.compare.name}`, [d.compare.span]);
    },
    window: (b, d) => {
      if (d.window)
        b.clause("window", `window ${d.window.value}`, [d.window.span]);
    },
    minimum: (b, d) => {
      if (d.minimum)
        b.clause("minimum", `minimum ${d.minimum.value}`, [d.minimum.span]);
    },
    method: (b, d) => {
      if (d.method)
        b.clause("method", `method ${d.method.name}`, [d.method.span]);
    },
    threshold: (b, d) => {
      if (d.threshold)
        b.clause("threshold", `threshold ${d.threshold.text}`, [
          d.threshold.span,
        ]);
    },
    watch: (b, d) => {
      if (d.watch.length === 0) return;
      const c = b.clause(
        "watch",
        "watch ",
        d.watch.map((w) => w.span),
      );
      c.list(d.watch, (w) =>
        c.add(w.name ? `${w.word.name} ${w.name.name}` : w.word.name),
      );
    },
  },
};

/** The head, then every clause in the order of the kind's clause table. */
function clauseBlock<K extends ClauseKind>(
  kind: K,
  d: ClauseNode<K>,
): BlockBuilder {
  const b = new BlockBuilder();
  HEADS[kind](b, d);
  const printers = CLAUSE_PRINTERS[kind] as Record<
    string,
    (b: BlockBuilder, d: ClauseNode<K>) => void
  >;
  for (const clause of CLAUSE_TABLES[kind].clauses) printers[clause.name](b, d);
  return b;
}

function headerBlock(h: RulesetHeader): Block {
  const b = clauseBlock("RulesetHeader", h);
  return { kind: "header", span: h.span, lines: b.lines };
}

function declarationBlock(d: Declaration): Block {
  const b =
    d.kind === "Remove"
      ? removeBlock(d)
      : clauseBlock(d.kind, d as ClauseNode<typeof d.kind>);
  return { kind: d.kind, span: d.span, lines: b.lines };
}

// ---------------------------------------------------------------- comment placement

/** A comment on its own line, and whether a blank line preceded it in the source. */
interface Item {
  comment: Comment;
  blankBefore: boolean;
}

/** The comments that go with one printed line. */
interface Placement {
  leading: Item[];
  trailing: Comment | undefined;
  /** A blank line separated the last leading comment from the declaration (first lines only). */
  blankAfterLeading: boolean;
}

/** A non-comment token of the source, as far as comment placement needs it. */
interface TokenEvent {
  offset: number;
  line: number;
  block: number;
  /** Set when the token starts a clause (`head` for a declaration's first token). */
  kw: string | undefined;
  /** Which clause with this keyword in the block (0-based). */
  nth: number;
}

/**
 * Keywords that start a line inside one clause of their own: the `assumption` lines under the
 * fields of `extend entity` (in the other kinds `assumption` is a clause as well).
 */
const NESTED_KEYWORDS: Partial<Record<ClauseKind, readonly string[]>> = {
  ExtendEntity: ["assumption"],
};

/**
 * The keywords that start a line of a declaration, per kind of block, for placing comments: the
 * first words of its clauses (from its clause table) and {@link NESTED_KEYWORDS}.
 */
const CLAUSE_KEYWORDS: Record<string, readonly string[]> = {
  ...Object.fromEntries(
    Object.values(CLAUSE_TABLES).map((t) => [
      t.kind === "RulesetHeader" ? "header" : t.kind,
      [
        ...t.clauses.flatMap((c) => c.starts.map((w) => w.split(" ")[0])),
        ...(NESTED_KEYWORDS[t.kind] ?? []),
      ],
    ]),
  ),
  Remove: [],
};

const DECLARATION_KEYWORDS = new Set([
  "ruleset",
  "codelist",
  "entity",
  "extend",
  "ikb",
  "rule",
  "category",
  "payout",
  "metric",
  "norm",
  "measure",
  "calendar",
  "parameter",
  "table",
  "aggregate",
  "reconcile",
  "plausibility",
  "remove",
  "replace",
]);

/** What `remove` drops inside `extend entity`, `extend category` and `extend codelist`. */
const REMOVED_ENTRIES = new Set(["field", "result", "marking", "value"]);

const keywordByType = new Map(
  [...new Set(KEYWORDS)].map((w) => [KW[w], w] as const),
);

/**
 * Token events from the source text: which declaration each token belongs to and which tokens
 * start a clause. Undefined when the declarations found do not match the AST (then spans are used).
 */
function eventsFromSource(
  source: string,
  path: string,
  blocks: readonly Block[],
): TokenEvent[] | undefined {
  const tokens = tokenize(source, path).tokens;
  const words = tokens.map((t) => keywordByType.get(t.tokenType));
  const events: TokenEvent[] = [];
  let block = -1;
  let counts = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    // A reserved word inside a dotted ruleset name (`uses ikb.groeipad@1.0.0`) starts nothing.
    const dotted =
      tokens[i - 1]?.image === "." ||
      tokens[i + 1]?.image === "." ||
      tokens[i + 1]?.image === "@";
    const w = dotted ? undefined : words[i];
    const prev = words[i - 1];
    const next = words[i + 1];
    let kw: string | undefined;
    const startsDeclaration =
      w !== undefined &&
      DECLARATION_KEYWORDS.has(w) &&
      (w === "replace"
        ? next !== "field"
        : w === "remove"
          ? !REMOVED_ENTRIES.has(next ?? "")
          : prev !== "replace" && prev !== "remove" && prev !== "extend") &&
      !(w === "category" && prev === "fine") &&
      !(w === "category" && prev === "in") &&
      !(w === "ikb" && (prev === "count" || prev === "proportion")) &&
      // `watch errors, aggregate depositors`: a plausibility series
      !(
        w === "aggregate" &&
        (prev === "watch" ||
          (tokens[i - 1]?.image === "," &&
            (tokens[i - 1]?.endLine === tokens[i].startLine ||
              tokens[i].startColumn !== 1)))
      );
    if (startsDeclaration) {
      block++;
      if (block >= blocks.length) return undefined;
      counts = new Map();
      kw = "head";
    } else if (
      w !== undefined &&
      block >= 0 &&
      CLAUSE_KEYWORDS[blocks[block].kind]?.includes(w)
    ) {
      // `remove field`, `remove result`, ...: one clause, named by both words.
      if (!((w === "field" && prev === "replace") || prev === "remove")) {
        kw =
          w === "remove"
            ? `remove${next ?? ""}`
            : w === "replace"
              ? "field"
              : w;
      }
    }
    let nth = 0;
    if (kw !== undefined) {
      nth = counts.get(kw) ?? 0;
      counts.set(kw, nth + 1);
    }
    const t = tokens[i];
    events.push({
      offset: t.startOffset,
      line: t.endLine ?? t.startLine ?? 1,
      block: Math.max(block, 0),
      kw,
      nth,
    });
  }
  return block === blocks.length - 1 ? events : undefined;
}

/** Token events from the spans of the AST, for when the source text is not at hand. */
function eventsFromSpans(blocks: readonly Block[]): TokenEvent[] {
  const events: TokenEvent[] = [];
  blocks.forEach((b, bi) => {
    const counts = new Map<string, number>();
    b.lines.forEach((l, li) => {
      const nth = counts.get(l.kw) ?? 0;
      counts.set(l.kw, nth + 1);
      const spans = li === 0 ? [b.span, ...l.spans] : l.spans;
      if (spans.length === 0) return;
      const start = spans.reduce((a, s) =>
        s.start.offset < a.start.offset ? s : a,
      ).start;
      const end = spans.reduce((a, s) =>
        s.end.offset > a.end.offset ? s : a,
      ).end;
      events.push({
        offset: start.offset,
        line: start.line,
        block: bi,
        kw: l.kw,
        nth,
      });
      events.push({
        offset: Math.max(start.offset, end.offset - 1),
        line: end.line,
        block: bi,
        kw: undefined,
        nth: 0,
      });
    });
  });
  return events.sort(
    (a, b) =>
      a.offset - b.offset ||
      (a.kw === undefined ? 1 : 0) - (b.kw === undefined ? 1 : 0),
  );
}

interface Placed {
  lines: Placement[][];
  /** Own-line comments right after a declaration's last clause, before a blank line. */
  after: Comment[][];
  /** Comments after the last declaration. */
  end: Item[];
}

/**
 * Give every comment a place: own-line comments go before the clause that follows them, trailing
 * comments after the clause on whose line they were. Doc comments are placed like the others and
 * stand in for the `doc` array of the node below them.
 */
function placeComments(
  blocks: readonly Block[],
  comments: readonly Comment[],
  events: readonly TokenEvent[],
): Placed {
  const placed: Placed = {
    lines: blocks.map((b) =>
      b.lines.map(() => ({
        leading: [],
        trailing: undefined,
        blankAfterLeading: false,
      })),
    ),
    after: blocks.map(() => []),
    end: [],
  };
  const resolve = (ev: TokenEvent): [number, number] => {
    const lines = blocks[ev.block].lines;
    let index = lines.findIndex((l) => l.key === `${ev.kw}#${ev.nth}`);
    if (index < 0) index = lines.map((l) => l.kw).lastIndexOf(ev.kw ?? "");
    return [ev.block, Math.max(index, 0)];
  };
  const at = ([b, l]: [number, number]): Placement => placed.lines[b][l];
  const addLeading = (p: Placement, items: Item[]): void => {
    if (p.trailing) p.leading.push({ comment: p.trailing, blankBefore: false });
    p.trailing = undefined;
    p.leading.push(...items);
  };
  /** Comments between two declarations (or before the first / after the last). */
  const gap = (
    items: Item[],
    next: number | undefined,
    blankAfter: boolean,
  ): void => {
    const previous = next === undefined ? blocks.length - 1 : next - 1;
    let rest = items;
    if (previous >= 0 && current !== undefined && !items[0].blankBefore) {
      const firstGroupEnd = items.findIndex((it, i) => i > 0 && it.blankBefore);
      const hugsPrevious =
        firstGroupEnd >= 0 || next === undefined || blankAfter;
      if (hugsPrevious) {
        const end = firstGroupEnd < 0 ? items.length : firstGroupEnd;
        placed.after[previous].push(
          ...items.slice(0, end).map((it) => it.comment),
        );
        rest = items.slice(end);
      }
    }
    if (rest.length === 0) return;
    if (next === undefined) placed.end.push(...rest);
    else {
      const p = at([next, 0]);
      addLeading(p, rest);
      p.blankAfterLeading = blankAfter;
    }
  };

  let current: [number, number] | undefined;
  let lastTokenLine = 0;
  let previousLine = 0;
  let pending: Item[] = [];
  let ci = 0;
  const sorted = [...comments].sort(
    (a, b) => a.span.start.offset - b.span.start.offset,
  );
  const takeComment = (c: Comment): void => {
    if (
      current !== undefined &&
      c.span.start.line === lastTokenLine &&
      pending.length === 0
    ) {
      const p = at(current);
      if (p.trailing)
        p.leading.push({ comment: p.trailing, blankBefore: false });
      p.trailing = c;
    } else {
      pending.push({
        comment: c,
        blankBefore: previousLine > 0 && c.span.start.line - previousLine > 1,
      });
    }
    previousLine = c.span.end.line;
  };
  for (const ev of events) {
    while (ci < sorted.length && sorted[ci].span.start.offset < ev.offset)
      takeComment(sorted[ci++]);
    if (ev.kw !== undefined) {
      const target = resolve(ev);
      if (pending.length > 0) {
        if (target[1] === 0)
          gap(pending, target[0], ev.line - previousLine > 1);
        else addLeading(at(target), pending);
      }
      current = target;
    } else if (pending.length > 0) {
      addLeading(at(current ?? [ev.block, 0]), pending);
    }
    pending = [];
    current ??= [ev.block, 0];
    lastTokenLine = ev.line;
    previousLine = ev.line;
  }
  while (ci < sorted.length) takeComment(sorted[ci++]);
  if (pending.length > 0) gap(pending, undefined, false);
  return placed;
}

// ---------------------------------------------------------------- output

/** `// text` or `/// text` (the lexer drops the slashes and one space). */
function commentLine(c: Comment): string {
  const text = c.text.replace(/\s+$/, "");
  const slashes = c.doc ? "///" : "//";
  return text === "" ? slashes : `${slashes} ${text}`;
}

/**
 * The leading comments of a line in print order, and whether they hold the line's doc lines. When
 * they do, those doc comments go last, right above the line, so that they stay attached even when
 * another comment was written between them and the line (`rule // note` moves the note up).
 */
function arrangeLeading(
  leading: readonly Item[],
  doc: readonly string[],
): { items: Item[]; docCovered: boolean } {
  if (doc.length === 0) return { items: [...leading], docCovered: false };
  const docIndexes = leading.flatMap((it, i) => (it.comment.doc ? [i] : []));
  if (docIndexes.length < doc.length)
    return { items: [...leading], docCovered: false };
  const attached = docIndexes.slice(docIndexes.length - doc.length);
  const covered = attached.every(
    (i, k) =>
      leading[i].comment.text.replace(/\s+$/, "") ===
      doc[k].replace(/\s+$/, ""),
  );
  if (!covered) return { items: [...leading], docCovered: false };
  const moved = new Set(attached);
  return {
    items: [
      ...leading.filter((_, i) => !moved.has(i)),
      ...attached.map((i, k) => ({
        comment: leading[i].comment,
        blankBefore:
          k === 0 &&
          leading[i].blankBefore &&
          i === leading.length - doc.length,
      })),
    ],
    docCovered: true,
  };
}

/** Kinds of one-line declarations that are listed without blank lines between them. */
const LISTED_KINDS = new Set(["Metric", "Remove"]);

/** Is block `bi` printed right under the one before, without a blank line? */
function listedTogether(
  blocks: readonly Block[],
  placed: Placed,
  bi: number,
): boolean {
  const prev = blocks[bi - 1];
  const cur = blocks[bi];
  return (
    LISTED_KINDS.has(cur.kind) &&
    prev.kind === cur.kind &&
    prev.lines.length === 1 &&
    cur.lines.length === 1 &&
    cur.lines[0].doc.length === 0 &&
    placed.lines[bi][0].leading.length === 0 &&
    placed.after[bi - 1].length === 0
  );
}

function render(blocks: readonly Block[], placed: Placed): string {
  const out: string[] = [];
  blocks.forEach((block, bi) => {
    if (bi > 0 && !listedTogether(blocks, placed, bi)) out.push("");
    block.lines.forEach((line, li) => {
      const p = placed.lines[bi][li];
      const { items, docCovered } = arrangeLeading(p.leading, line.doc);
      items.forEach((it, i) => {
        if (li === 0 && i > 0 && it.blankBefore) out.push("");
        out.push(line.indent + commentLine(it.comment));
      });
      if (li === 0 && items.length > 0 && p.blankAfterLeading && !docCovered)
        out.push("");
      if (line.doc.length > 0 && !docCovered) {
        for (const d of line.doc)
          out.push(
            line.indent +
              commentLine({
                kind: "Comment",
                span: block.span,
                text: d,
                doc: true,
              }),
          );
      }
      const wrapped = wrap(line.indent, line.chunk);
      if (p.trailing)
        wrapped[wrapped.length - 1] += ` ${commentLine(p.trailing)}`;
      out.push(...wrapped);
    });
    for (const c of placed.after[bi]) out.push(INDENT + commentLine(c));
  });
  placed.end.forEach((it, i) => {
    if (out.length > 0 && (i === 0 || it.blankBefore)) out.push("");
    out.push(commentLine(it.comment));
  });
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------- entry points

/**
 * Print a file in the canonical layout of docs/language.md.
 *
 * **Formatting rules.** The header comes first; each clause on its own line, indented two spaces,
 * in the order of the language reference; one blank line between declarations, except that
 * consecutive one-line `metric` (or `remove`) declarations without comments form a list with no
 * blank lines; fields under their entity; `example` lines last in a rule. Strings are re-escaped
 * minimally; expressions get the fewest parentheses that keep their tree plus two kinds for the
 * reader (`(a and b) or c`, `not (a = b)`); lists are separated by `, `.
 *
 * **Long lines.** A clause list (`for`, `implements`, `key`, `result ... on`, `uses`,
 * `applies to`, `depositor`, `weekend`, norm periods) longer than {@link MAX_WIDTH} columns
 * (comments not counted) wraps after a comma; a condition (`when`, `require`) wraps before the
 * operators of its top-level `or` chain (or, when it is an `and` chain, its `and`s). Each line
 * takes as many items as fit; continuation lines are indented four more spaces. Examples never
 * wrap. The breaks depend only on the printed text, so formatting is idempotent.
 *
 * **Comments** are never dropped: every comment of `file.comments` is printed once. An own-line
 * comment goes before the clause (or declaration) that followed it; a comment at the end of a line
 * stays at the end of that clause's line; doc comments stay directly above their declaration or
 * field. Own-line comments right after a declaration's last clause and followed by a blank line
 * stay with that declaration.
 *
 * **Blank lines**: exactly one between declarations; inside a declaration none; among the comments
 * between two declarations at most one where the source had one or more.
 *
 * @param file the parsed file (comments and spans are used to place comments)
 * @param source the text `file` was parsed from; with it comments are placed exactly, without it
 *   from the spans of the AST (a comment next to a clause that has no node of its own, such as
 *   `meaning`, may then move to the next clause that has one)
 */
export function print(file: RegelFile, source?: string): string {
  const blocks: Block[] = [];
  if (file.header) blocks.push(headerBlock(file.header));
  for (const d of file.declarations) blocks.push(declarationBlock(d));
  const events =
    (source !== undefined
      ? eventsFromSource(source, file.path, blocks)
      : undefined) ?? eventsFromSpans(blocks);
  return render(blocks, placeComments(blocks, file.comments, events));
}

/**
 * Format regel source text: parse, then {@link print}. A file with parse errors is never
 * formatted: the text comes back unchanged with the diagnostics. Line ends become `\n`; a leading
 * byte-order mark is kept.
 */
export function format(
  text: string,
  path: string,
): { text: string; diagnostics: Diagnostic[] } {
  const { file, diagnostics } = parse(text, path);
  if (diagnostics.some((d) => d.severity === "error"))
    return { text, diagnostics };
  // A byte-order mark stays (as prettier keeps it); line ends become `\n`.
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  return { text: bom + print(file, text), diagnostics };
}
