import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  memberNumberTexts,
  repeatedMemberName,
} from "../../runtime/json-number-text.js";

describe("memberNumberTexts", () => {
  it("gives the text of the outermost object's number members only", () => {
    expect([
      ...memberNumberTexts(
        '{"a":-0,"s":"1.0,\\"b\\":2","n":{"c":3,"d":[4,{"e":5}]},"\\u0066":1E+3,"t":true,"z":null}',
      ),
    ]).toEqual([
      ["a", "-0"],
      ["f", "1E+3"],
    ]);
  });

  it("ends a string at a quote after an even number of backslashes", () => {
    const json = JSON.stringify({ s: "x\\", t: '\\"', a: 1 }).replace(
      '"a":1',
      '"a":1.10',
    );
    expect(json).toBe(String.raw`{"s":"x\\","t":"\\\"","a":1.10}`);
    expect([...memberNumberTexts(json)]).toEqual([["a", "1.10"]]);
  });

  it("finds exactly the number members of any JSON object, in any layout (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(undefined, 2, "\t"),
        (object, indent) => {
          const texts = memberNumberTexts(JSON.stringify(object, null, indent));
          const numbers = Object.entries(object).filter(
            ([, v]) => typeof v === "number",
          );
          expect([...texts.keys()].sort()).toEqual(
            numbers.map(([k]) => k).sort(),
          );
          // the member's text as written (-0 is written "0")
          for (const [k, v] of numbers)
            expect(texts.get(k)).toBe(JSON.stringify(v));
        },
      ),
    );
  });
});

describe("repeatedMemberName", () => {
  it("finds a name the outermost object gives twice, in any layout, and none where each is once (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        fc.constantFrom(undefined, 2, "\t"),
        fc.nat(),
        (object, indent, pick) => {
          const json = JSON.stringify(object, null, indent);
          expect(repeatedMemberName(json)).toBeUndefined();
          const keys = Object.keys(object);
          const again = keys[pick % keys.length];
          // the name once more at the end, with any value
          const twice = `${json.slice(0, json.lastIndexOf("}"))},${JSON.stringify(again)}:null}`;
          expect(JSON.parse(twice)[again]).toBeNull();
          expect(repeatedMemberName(twice)).toBe(again);
        },
      ),
      { numRuns: 300 },
    );
  });
});
