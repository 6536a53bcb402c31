import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Span } from "../../dsl/ast.js";
import { KEYWORDS } from "../../dsl/lexer.js";
import { parse, parserTuning } from "../../dsl/parser.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { MAX_EXPR_DEPTH } from "../../dsl/parser-grammar.js";
import { print } from "../../dsl/printer.js";
import { declaration, regelFile } from "./ast-arbitrary.js";
import { BASE } from "./checker-helpers.js";

/** Milliseconds one parse of a small input may take (generous: the machine is shared). */
const TIME_BOUND_MS = 2_000;
const RUNS = 200;

/** Valid rulesets to mutate: the language reference blocks and the shipped rulesets. */
function validSources(): string[] {
  const doc = readFileSync(
    new URL("../../docs/language.md", import.meta.url),
    "utf8",
  );
  const sources = [...doc.matchAll(/```regel\n([\s\S]*?)```/g)].map(
    (m) => m[1],
  );
  const dir = new URL("../../rulesets/", import.meta.url);
  try {
    for (const name of readdirSync(dir)) {
      for (const version of readdirSync(new URL(`${name}/`, dir))) {
        if (version.endsWith(".regel"))
          sources.push(
            readFileSync(new URL(`${name}/${version}`, dir), "utf8"),
          );
      }
    }
  } catch {
    // rulesets not there: the doc blocks suffice
  }
  return sources;
}

function checkSpan(span: Span, length: number, where: string): void {
  const ok =
    Number.isInteger(span.start.offset) &&
    Number.isInteger(span.end.offset) &&
    span.start.offset >= 0 &&
    span.start.offset <= span.end.offset &&
    span.end.offset <= length &&
    span.start.line >= 1 &&
    span.start.column >= 1 &&
    span.end.line >= span.start.line &&
    span.end.column >= 1;
  if (!ok) throw new Error(`bad span at ${where}: ${JSON.stringify(span)}`);
}

/**
 * Every span in the tree must lie inside the text, start before its end and use 1-based lines; and
 * no tree may be deeper than the parser's limit (so later stages can walk it recursively).
 * Iterative on purpose: the point is to check trees a recursive walker might choke on.
 */
function checkTree(root: unknown, length: number, rootPath: string): void {
  const stack: [unknown, string, number][] = [[root, rootPath, 0]];
  while (stack.length > 0) {
    const [node, path, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > 4 * MAX_EXPR_DEPTH) throw new Error(`tree too deep at ${path}`);
    if (Array.isArray(node)) {
      node.forEach((n, i) => stack.push([n, `${path}[${i}]`, depth]));
      continue;
    }
    const kind = (node as { kind?: unknown }).kind;
    // Every node (holiday rules aside, which the AST gives no span) has a span.
    if (
      typeof kind === "string" &&
      kind !== "fixed" &&
      kind !== "easter" &&
      kind !== "date" &&
      !("span" in node)
    ) {
      throw new Error(`node without a span at ${path}`);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "span") checkSpan(value as Span, length, path);
      else stack.push([value, `${path}.${key}`, depth + 1]);
    }
  }
}

/** Parse, and check the invariants every input must keep. */
function parsesSafely(text: string): void {
  const t0 = performance.now();
  const { file, diagnostics } = parse(text, "fuzz.regel");
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(TIME_BOUND_MS);
  expect(file.kind).toBe("File");
  // Internal errors are bugs, whatever the input.
  expect(diagnostics.filter((d) => d.code === "REG199")).toEqual([]);
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^REG1\d\d$/);
    expect(d.message.length).toBeGreaterThan(0);
    checkSpan(d.span, text.length, d.code);
  }
  checkTree(file.header, text.length, "header");
  checkTree(file.declarations, text.length, "declarations");
  checkTree(file.comments, text.length, "comments");
}

const VOCABULARY = [
  ...new Set(KEYWORDS),
  "min",
  "max",
  "round",
  "half_even",
  "NP",
  "AD",
  "x",
  "value_1",
  "D",
  "V",
  "days",
  "workdays",
  "april",
  "header",
  "unique",
  "one",
  "per",
  "sum",
  "count",
  "TR.record_count",
  "text",
  "code",
  "ref",
  "decimal",
  '"t"',
  '"a\\"b"',
  '"open',
  "3",
  "26a",
  "1.5",
  "1.2.3",
  "2024-01-01",
  "2024-01-01T00:00:00Z",
  "(",
  ")",
  "{",
  "}",
  ",",
  ":",
  ".",
  "@",
  "%",
  "*",
  "=",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "/",
  "// c",
  "/// d",
  "#",
  "\n",
  "\\",
  // Habits from other languages (REG143–REG148) and article locators, so their recovery is fuzzed.
  "==",
  "===",
  "<>",
  "&&",
  "||",
  "'x'",
  "'o\\'k \"q\"'",
  "'open",
  "en",
  "of",
  "niet",
  "art",
  "art.",
  "Art.",
  "0,5",
  "1.000,50",
  "1,",
  ",5",
  "2.2e",
  "1.3A",
  "1:75",
  "3.5a",
  "7:17a",
  "x@1.3",
  "x@1",
  "const",
  "let",
  "function",
  "import",
];

describe("the parser never throws and always terminates", () => {
  it("on random strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) =>
        parsesSafely(text),
      ),
      { numRuns: RUNS },
    );
  });

  it("on random strings of regel characters", () => {
    const chars = fc.constantFrom(
      ..."abcNPDV_019 \n\t\"\\{}(),:.@%*=!<>+-/#;rulefiy'&|".split(""),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 400 }), (cs) =>
        parsesSafely(cs.join("")),
      ),
      { numRuns: RUNS },
    );
  });

  it("on random token sequences", () => {
    const token = fc.constantFrom(...VOCABULARY);
    const sep = fc.constantFrom(" ", "\n", "  ", "");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(token, sep), { maxLength: 200 }),
        fc.boolean(),
        (parts, withHeader) => {
          const body = parts.map(([t, s]) => t + s).join("");
          parsesSafely(
            withHeader ? `ruleset f.z@1.0.0\n  source br "B"\n${body}` : body,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("on mutated valid rulesets (deleted, inserted and duplicated characters)", () => {
    const sources = validSources();
    for (const s of sources.slice(0, 8))
      expect(parse(s, "valid.regel").diagnostics).toEqual([]);
    const mutation = fc.record({
      kind: fc.constantFrom("delete", "insert", "duplicate"),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 12 }),
      text: fc.string({ maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (index, mutations) => {
          let text = sources[index];
          for (const m of mutations) {
            const at = m.at % (text.length + 1);
            if (m.kind === "delete")
              text = text.slice(0, at) + text.slice(at + m.length);
            else if (m.kind === "insert")
              text = text.slice(0, at) + m.text + text.slice(at);
            else
              text =
                text.slice(0, at) +
                text.slice(at, at + m.length) +
                text.slice(at);
          }
          parsesSafely(text);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("on deep nesting and long chains", () => {
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require ${"(".repeat(5000)}x${")".repeat(5000)}\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require ${"(".repeat(64)}x${")".repeat(64)}\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require ${"exists(E where ".repeat(64)}x${")".repeat(64)}\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require ${"not ".repeat(20_000)}x\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require ${"- ".repeat(20_000)}x > 1\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require x${" + x".repeat(20_000)} > 1\n`,
    );
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  require y = ${"if x = 1 then 1 else ".repeat(5000)}0\n`,
    );
    for (const [open, close] of [
      ["if true then ", " else 1"],
      ["if ", " then true else false"],
      ["if true then 1 else - ", ""],
      ["if true then 1 else (", ")"],
    ])
      parsesSafely(
        `ruleset a@1.0.0\nrule r "t"\n  require ${open.repeat(5000)}x${close.repeat(5000)}\n`,
      );
    parsesSafely(`ruleset a@1.0.0\n${"{".repeat(10_000)}`);
    parsesSafely(
      `ruleset a@1.0.0\nrule r "t"\n  for ${"NP.x, ".repeat(10_000)}NP.y\n`,
    );
  });

  it("on thousands of errors in one declaration (no recursion per error, no stack overflow)", () => {
    const cases = [
      `ruleset a@1.0.0\nrule r "t"${" severity blocking foo".repeat(5000)}`,
      `ruleset a@1.0.0\nentity E${"\n  field a: text x".repeat(5000)}`,
      `ruleset a@1.0.0\ncodelist c${"\n  value A".repeat(5000)}`,
    ];
    for (const text of cases) {
      const t0 = performance.now();
      const { diagnostics } = parse(text, "many.regel");
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(diagnostics.filter((d) => d.code === "REG199")).toEqual([]);
      expect(
        diagnostics.filter((d) => d.code === "REG116" || d.code === "REG110")
          .length,
      ).toBe(5000);
    }
  });
});

/** Habits spliced into valid rulesets: each must be read back as meant or reported, never crash. */
const HABITS = [
  " == ",
  " <> ",
  " && ",
  " || ",
  " 'x' ",
  " en ",
  " of ",
  " niet ",
  " art. 2.2e",
  " 0,5",
  " 1.000,50",
  " 2.2e",
  " 1:75",
  "\nconst x = 1\n",
  "\nfunction f() {}\n",
  "\nimport x\n",
  "@1.3",
  "@1",
];

describe("habits from other languages, fuzzed through parser and checker", () => {
  it("never crash, never an internal error, and every diagnostic lies inside its text", () => {
    const sources = validSources();
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...HABITS), fc.boolean()), {
          minLength: 1,
          maxLength: 4,
        }),
        (index, splices) => {
          let text = sources[index];
          for (const [at, habit, replaceWord] of splices) {
            const i = at % (text.length + 1);
            // Either insert the habit, or put it in the place of the word that starts here.
            const end = replaceWord
              ? i + (/^[A-Za-z_0-9.@]*/.exec(text.slice(i))?.[0].length ?? 0)
              : i;
            text = text.slice(0, i) + habit + text.slice(end);
          }
          parsesSafely(text);
          const project = loadProjectFromTexts(new Map([["h.regel", text]]));
          for (const d of project.diagnostics) {
            expect(d.code).not.toBe("REG199");
            expect(d.code).not.toBe("REG200");
            expect(d.message).not.toMatch(/\n\s+at /); // no stack trace
            checkSpan(d.span, text.length, d.code);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("a parameter period whose date error recovery lost", () => {
  it("is reported by the parser and read by no later pass (found by the habits property, seed 2095718025)", () => {
    const block = validSources().find((t) =>
      t.startsWith("ruleset example.parameters@"),
    )!;
    const text = block.replace(
      "  from 2023-01-01 value 95 %",
      "  from  == -01-01 value 95 %",
    );
    expect(text).not.toBe(block);
    const project = loadProjectFromTexts(new Map([["p.regel", text]]));
    const codes = project.diagnostics.map((d) => d.code);
    expect(codes).not.toContain("REG200");
    expect(codes.some((c) => c.startsWith("REG1"))).toBe(true);
  });
});

describe("a table whose key column error recovery lost", () => {
  it("is reported and a lookup into it does not crash the checker (found by the habits property, seed 522324802)", () => {
    const block = validSources().find((t) =>
      t.startsWith("ruleset example.refdata@"),
    )!;
    const text = block.replace(
      "column currency: text key",
      "column c == urrency: text key",
    );
    expect(text).not.toBe(block);
    const project = loadProjectFromTexts(new Map([["t.regel", text]]));
    const codes = project.diagnostics.map((d) => d.code);
    expect(codes).not.toContain("REG200");
    expect(codes.some((c) => c.startsWith("REG1"))).toBe(true);
  });
});

describe("lexing in pieces", () => {
  it("gives the same tree and diagnostics wherever the text is cut", () => {
    const sources = validSources();
    const mutation = fc.record({
      at: fc.nat(),
      text: fc.constantFrom(
        "",
        "\n",
        "#",
        '"',
        "rule ",
        "\r\n",
        "(",
        "/// d\n",
      ),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(mutation, { maxLength: 4 }),
        fc.integer({ min: 1, max: 400 }),
        (index, mutations, size) => {
          let text = sources[index];
          for (const m of mutations) {
            const at = m.at % (text.length + 1);
            text = text.slice(0, at) + m.text + text.slice(at);
          }
          const whole = parse(text, "p.regel");
          parserTuning.segmentChars = size;
          try {
            const pieces = parse(text, "p.regel");
            expect(pieces).toEqual(whole);
          } finally {
            parserTuning.segmentChars = 1 << 16;
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

/**
 * Generated rulesets — every declaration the AST arbitrary builds, file dialect options, optional
 * files and columns, record types, per-field date formats, `table`s, duration parameters — printed
 * and checked: the checker never throws, never reports an internal error, and puts every
 * diagnostic inside the text. Alone (any header), and appended to a clean ruleset so that the
 * checks past the header (entities, files, tables, rules) see them beside real declarations.
 */
describe("generated rulesets through parser and checker", () => {
  const { file: base } = parse(BASE, "base.regel");
  it("never crash, never an internal error, and every diagnostic lies inside its text", () => {
    fc.assert(
      fc.property(
        regelFile,
        fc.array(declaration, { minLength: 1, maxLength: 4 }),
        (alone, extra) => {
          const texts = [
            print(alone),
            print({
              ...base,
              declarations: [...base.declarations, ...extra],
            }),
          ];
          for (const text of texts) {
            const project = loadProjectFromTexts(new Map([["g.regel", text]]));
            for (const d of project.diagnostics) {
              expect(d.code).not.toBe("REG199");
              expect(d.code).not.toBe("REG200");
              expect(d.message).not.toMatch(/\n\s+at /);
              checkSpan(d.span, text.length, d.code);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/**
 * The constructs merged last (`previous`, `is unknown`, normalisation, normalised combinations,
 * keyed totals, `metadata` files, aggregates, reconciliations, plausibility) over the real names of
 * the base ruleset, so that the checker's passes past name resolution see them, well and badly
 * combined: never a crash or an internal error, every diagnostic inside the text.
 */
describe("the later constructs over resolving names", () => {
  const NP = ["customer_id", "last_name", "date_of_birth", "deceased"];
  const BA = ["account_id", "holder_id", "balance", "iban"];
  const np = fc.constantFrom(...NP);
  const ba = fc.constantFrom(...BA);
  const norm = fc.constantFrom(
    "normalized_text",
    "normalized_name",
    "normalized_code",
    "normalized_address",
  );
  const atom = fc.oneof(
    np.map((f) => `previous.${f} is present`),
    fc.constantFrom(
      "previous is present",
      "previous is absent",
      "previous is not present",
      "previous",
      "previous.date_of_birth is valid",
      "previous.nope = 1",
    ),
    fc
      .tuple(np, fc.constantFrom("unknown", "known", "not unknown"))
      .map(([f, t]) => `${f} is ${t}`),
    np.map((f) => `${f} = previous.${f}`),
    fc
      .tuple(norm, fc.array(np, { minLength: 1, maxLength: 2 }), np)
      .map(([n, a, b]) => `${n}(${a.join(", ")}) != ${n}(${b})`),
    fc.tuple(norm, np).map(([n, f]) => `${n}(${f}) is present`),
    fc.constantFrom("normalized_name()", "normalized_code(1)"),
  );
  const cond = fc.oneof(
    atom,
    fc
      .tuple(atom, fc.constantFrom("and", "or"), atom)
      .map(([a, o, b]) => `${a} ${o} ${b}`),
  );
  const combination = fc
    .array(
      fc.oneof(
        np,
        fc
          .tuple(norm, fc.array(np, { minLength: 1, maxLength: 2 }))
          .map(([n, a]) => `${n}(${a.join(", ")})`),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((items) => items.join(", "));
  const fileCheck = fc.oneof(
    combination.map((c) => `unique ${c}`),
    fc.tuple(np, combination).map(([f, c]) => `one ${f} per ${c}`),
    fc
      .tuple(
        fc.constantFrom("count", "sum balance"),
        fc.constantFrom("=", "<=", ">"),
        fc.constantFrom(
          'MD.row_count where entity_type = "bank_account"',
          "MD.row_count where nope = 1",
          'MD.entity_type where row_count = "x"',
          "MD.row_count",
          "3",
        ),
      )
      .map(([m, op, f]) => `${m} ${op} ${f}`),
  );
  const example = fc.oneof(
    fc.constant(""),
    fc
      .tuple(np, fc.constantFrom("Unknown", "1970-01-01", "x"))
      .map(
        ([f, v]) =>
          `\n  example fail NP { customer_id: "1" } previous NP { customer_id: "1", ${f}: "${v}" }`,
      ),
  );
  const rule = fc
    .tuple(
      fc.constantFrom("NP", "BA", "file NP", "file BA", "NP.last_name"),
      fc.option(cond, { nil: undefined }),
      fc.oneof(cond, fileCheck),
      example,
      fc.integer({ min: 700, max: 999 }),
    )
    .map(
      ([target, when, require, ex, code]) => `
rule dmc${code} "Generated"
  assumption "generated"
  severity signalling
  implements br art 2
  for ${target}${when === undefined ? "" : `\n  when ${when}`}
  require ${require}${ex}
`,
    );
  const aggregateOrMore = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          "count ikb",
          "count NP",
          "count result dmc0001",
          "sum BA.balance",
          "sum NP.last_name",
          "proportion ikb",
          "count ikb\n  sum BA.balance",
        ),
        fc.constantFrom("", "\n  in category identity", "\n  in category nope"),
        fc.constantFrom(
          "",
          '\n  with NP.deceased = "J"',
          '\n  with NP.nope = "J"',
        ),
      )
      .map(([m, c, w]) => `\naggregate depositors "D"\n  ${m}${c}${w}\n`),
    fc
      .constantFrom(
        "tolerance 0.5 %",
        "tolerance 3",
        "tolerance -1",
        "",
        "tolerance 2024-01-01",
      )
      .map(
        (t) =>
          `\nreconcile quarterly\n  figure total = depositors ${t}\n  figure other = nope\n`,
      ),
    fc
      .tuple(
        fc.constantFrom("history", "peers", "nope"),
        fc.nat({ max: 5 }),
        fc.nat({ max: 5 }),
        fc.constantFrom("3.5", "0", "0.0"),
        fc.constantFrom(
          "ikbs, errors",
          "findings dmc0001, aggregate depositors",
          "aggregate",
          "aggregates, nope",
        ),
      )
      .map(
        ([c, w, m, t, watch]) =>
          `\nplausibility p\n  compare ${c}\n  window ${w}\n  minimum ${m}\n  threshold ${t}\n  watch ${watch}\n`,
      ),
    fc
      .tuple(
        fc.constantFrom("metadata", "metadata single", "single", ""),
        fc.constantFrom(
          ' unknown "Unknown", "n/a"',
          ' unknown ""',
          "",
          ' unknown "1"',
        ),
      )
      .map(
        ([o, u]) =>
          `\nentity MD "Metadata"\n  file "meta.csv" ${o}\n  field entity_type: text(40) required${u}\n  field row_count: integer${u}\n`,
      ),
  );
  it("never crash, never an internal error, and every diagnostic lies inside its text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(rule, aggregateOrMore), {
          minLength: 1,
          maxLength: 5,
        }),
        (parts) => {
          const text = BASE + parts.join("");
          const project = loadProjectFromTexts(new Map([["g.regel", text]]));
          for (const d of project.diagnostics) {
            expect(d.code).not.toBe("REG199");
            expect(d.code).not.toBe("REG200");
            expect(d.message).not.toMatch(/\n\s+at /);
            checkSpan(d.span, text.length, d.code);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
