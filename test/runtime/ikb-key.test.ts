/**
 * Which IKB keys name no IKB (runtime/ikb-key.ts): the loop of `unusableIkbKey` against the
 * definition written as one regular expression, on random keys rich in the characters that matter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ikbKeyDefect, unusableIkbKey } from "../../runtime/ikb-key.js";

/**
 * docs/report.md, "Rows without an IKB key": only invisible characters (White_Space,
 * Default_Ignorable_Code_Point, the Braille blank, the Hangul fillers), or a control character.
 */
const DEFINITION =
  /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u115f\u1160\u2800\u3164\uffa0]*$|[\u0000-\u001f\u007f-\u009f]/u;

const CHARACTERS = [
  "C",
  "0",
  "é",
  "€",
  "😀",
  " ",
  "\t",
  "\u0000",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u009f",
  "\u00a0",
  "\u00a1",
  "\u00ad",
  "\u034f",
  "\u115f",
  "\u180e",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u2060",
  "\u2063",
  "\u2800",
  "\u2801",
  "\u3164",
  "\ufe0f",
  "\uffa0",
  "\u{e0020}",
  "\u3000",
  "\ufeff",
  "\ud800",
];

describe("unusableIkbKey", () => {
  it("is the definition: only invisible characters, or a control character anywhere", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 8 }),
        fc.string({ unit: "binary", maxLength: 6 }),
        (picked, random) => {
          for (const key of [picked.join(""), random, picked.join("") + random])
            expect(unusableIkbKey(key), JSON.stringify(key)).toBe(
              DEFINITION.test(key),
            );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("says why, and nothing for a usable key", () => {
    expect(ikbKeyDefect("C0000000001")).toBeUndefined();
    expect(unusableIkbKey("C0000000001")).toBe(false);
    expect(ikbKeyDefect("")).toBe("is empty");
    expect(ikbKeyDefect("C1\u0000")).toBe("holds the control character U+0000");
    expect(ikbKeyDefect(" \u3000")).toBe("is white space only");
    expect(ikbKeyDefect(" \u200b")).toBe(
      "is only invisible characters: U+200B",
    );
    // the characters the outside testers found taken as keys: each shows nothing
    for (const c of [
      "\u00ad",
      "\u2063",
      "\u180e",
      "\u3164",
      "\u2800",
      "\u{e0020}",
    ])
      expect(ikbKeyDefect(c)).toBe(
        `is only invisible characters: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
      );
    // visible with an invisible character inside: a key, as delivered
    expect(unusableIkbKey("C1\u200c")).toBe(false);
  });
});
