/**
 * Causes are printed before their consequences (docs/diagnostics.md § The order of diagnostics):
 * a file before the files that extend or use it, and within a file what the parser found before
 * what the checker found.
 */
import { describe, expect, it } from "vitest";
import { causeOrder, sortDiagnostics } from "../../dsl/diagnostics.js";
import { BASE, brief, load, npRule, posOf } from "./checker-helpers.js";

/** A version of t.base that extends the base (after it in time) with one rule. */
const CHILD = (rule: string) => `ruleset t.base@1.1.0
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"
${rule}`;

const BASE_UNTIL_2024 = BASE.replace(
  "valid from 2023-01-01",
  "valid from 2023-01-01 until 2024-01-01",
);

describe("causes before consequences", () => {
  it("in a file, the parse error comes before the checker errors it causes, even below them", () => {
    // The rule (above) names `nickname`; the entity (below) spells the field so that it is lost.
    const text = BASE.replace(
      "codelist yes_no",
      `${npRule("require nickname is present")}\ncodelist yes_no`,
    ).replace(
      "  field last_name: text(200) personal\n",
      "  field last_name: text(200) personal\n  field nick-name: text(20)\n",
    );
    const p = load({ "t.regel": text });
    const at = (marker: string) => {
      const { line, column } = posOf(text, marker);
      return `t.regel:${line}:${column}`;
    };
    expect(brief(p.diagnostics)).toEqual([
      `REG110 ${at("-name")}`,
      `REG201 ${at("nickname is")}`,
    ]);
  });

  it("a version's problems come before those of the version extending it, whatever the paths", () => {
    const parent = BASE_UNTIL_2024.replace(
      "  field last_name: text(200) personal\n",
      "  field last_name: text(200) personal\n  field nick-name: text(20)\n",
    );
    const child = CHILD(npRule("require nickname is present", "dmc0300"));
    // The child's path sorts first; its error follows from the parent's.
    const p = load({ "a-child.regel": child, "b-parent.regel": parent });
    expect(p.fileOrder).toEqual(["b-parent.regel", "a-child.regel"]);
    expect(p.diagnostics.map((d) => [d.code, d.span.file])).toEqual([
      ["REG110", "b-parent.regel"],
      ["REG201", "a-child.regel"],
    ]);
  });

  it("sortDiagnostics without a file order: by path, the parser's first, then position", () => {
    const d = (code: string, file: string, offset: number) => ({
      code,
      severity: "error" as const,
      message: code,
      span: {
        file,
        start: { offset, line: 1, column: offset + 1 },
        end: { offset, line: 1, column: offset + 1 },
      },
    });
    const sorted = sortDiagnostics([
      d("REG201", "b.regel", 1),
      d("REG110", "b.regel", 9),
      d("REG301", "a.regel", 5),
      d("REG101", "a.regel", 7),
    ]);
    expect(sorted.map((x) => `${x.code} ${x.span.file}`)).toEqual([
      "REG101 a.regel",
      "REG301 a.regel",
      "REG110 b.regel",
      "REG201 b.regel",
    ]);
    expect(
      sortDiagnostics(sorted, ["b.regel", "a.regel"]).map((x) => x.span.file),
    ).toEqual(["b.regel", "b.regel", "a.regel", "a.regel"]);
  });

  it("causeOrder: dependencies first, cycles in path order, no recursion on long chains", () => {
    const f = (path: string, id: string, ext?: string, uses: string[] = []) => {
      const ref = (s: string) => ({
        name: s.split("@")[0],
        version: s.split("@")[1],
      });
      return {
        path,
        header: {
          ref: ref(id),
          extends: ext ? ref(ext) : undefined,
          uses: uses.map(ref),
        },
      };
    };
    expect(
      causeOrder([
        f("a", "x@1.1.0", "x@1.0.0"),
        f("b", "x@1.0.0", undefined, ["cal@1.0.0"]),
        f("c", "cal@1.0.0"),
        f("d", "p@1.0.0", "q@1.0.0"),
        f("e", "q@1.0.0", "p@1.0.0"),
      ]),
    ).toEqual(["c", "b", "a", "d", "e"]);
    const chain = Array.from({ length: 20000 }, (_, i) =>
      f(
        `f${String(i).padStart(5, "0")}`,
        `n@${i}.0.0`,
        i > 0 ? `n@${i - 1}.0.0` : undefined,
      ),
    ).reverse();
    const order = causeOrder(chain);
    expect(order[0]).toBe("f00000");
    expect(order.at(-1)).toBe("f19999");
  });
});
