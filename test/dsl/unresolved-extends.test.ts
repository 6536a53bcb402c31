/**
 * `extends x@1.3` (an incomplete version) or a version that is not loaded: exactly one error, not
 * one per inherited name the checker could not find (142 on the shipped GLO 1.3.0 before).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadProjectFromTexts } from "../../dsl/project.js";

const read = (path: string) =>
  readFileSync(new URL(`../../rulesets/${path}`, import.meta.url), "utf8");
const GLO_120 = read("ikb.glo/1.2.0.regel");
const GLO_130 = read("ikb.glo/1.3.0.regel");

const withExtends = (target: string) =>
  loadProjectFromTexts(
    new Map([
      ["glo-1.2.0.regel", GLO_120],
      [
        "glo-1.3.0.regel",
        GLO_130.replace("extends ikb.glo@1.2.0", `extends ${target}`),
      ],
    ]),
  );

describe("an unresolved extends is one error", () => {
  it.each([
    ["ikb.glo@1.2", "REG211", "ikb.glo@1.2.0"],
    ["ikb.glo@1", "REG211", "ikb.glo@1.2.0"], // not 1.3.0: a version extends an earlier one
    ["ikb.glo@1.1.0", "REG211", "ikb.glo@1.2.0"],
    ["ikb.gol@1.2.0", "REG211", "ikb.glo@1.2.0"],
    ["ikb.glo@", "REG110", undefined],
  ])("extends %s", (target, code, suggestion) => {
    const p = withExtends(target);
    expect(
      p.diagnostics.map((d) => [d.code, d.span.file, d.span.start.line]),
    ).toEqual([[code, "glo-1.3.0.regel", code === "REG110" ? 9 : 8]]);
    expect(p.diagnostics[0].suggestion).toBe(suggestion);
    if (code === "REG211")
      expect(p.diagnostics[0].notes?.at(-1)).toMatch(
        /^\d+ more problems in glo-1\.3\.0\.regel are not shown: they may follow from this one, and are checked once it is fixed$/,
      );
  });

  it("a version that extends a waiting one waits too", () => {
    const grandchild = `ruleset ikb.glx@1.0.0
  extends ikb.glo@1.3.0
  valid from 2030-01-01
  source br "Beleidsregel"

remove rule dmc0000
`;
    const p = loadProjectFromTexts(
      new Map([
        ["glo-1.2.0.regel", GLO_120],
        [
          "glo-1.3.0.regel",
          GLO_130.replace("extends ikb.glo@1.2.0", "extends ikb.glo@1.2"),
        ],
        ["glx-1.0.0.regel", grandchild],
      ]),
    );
    expect(p.diagnostics.map((d) => d.code)).toEqual(["REG211"]);
  });

  it("the problems of the header itself are still reported", () => {
    const p = withExtends("ikb.glo@1.2").diagnostics;
    const q = loadProjectFromTexts(
      new Map([
        ["glo-1.2.0.regel", GLO_120],
        [
          "glo-1.3.0.regel",
          GLO_130.replace(
            "extends ikb.glo@1.2.0",
            "extends ikb.glo@1.2",
          ).replace(/valid from (\S+)/, "valid from $1 until 2000-01-01"),
        ],
      ]),
    ).diagnostics;
    expect(p.map((d) => d.code)).toEqual(["REG211"]);
    expect(q.map((d) => d.code)).toEqual(["REG211", "REG215"]);
  });
});
