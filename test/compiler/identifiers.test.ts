/**
 * `derived_from(id, value)` (compiler/helpers/identifiers.ts): an identifier that contains a value
 * (any letter case) or its md5, sha1 or sha256 hex digest is derived from it; values shorter than
 * six characters are not looked for. Checked against node:crypto directly, and the reference
 * interpreter against the helper.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  $derivedFrom,
  $digestHex,
  $rowsDerivedInto,
} from "../../compiler/helpers/identifiers.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { interpretRule } from "../../interpreter/reference-interpreter.js";

const hex = (a: string, v: string) =>
  createHash(a).update(v, "utf8").digest("hex");

describe("derived_from", () => {
  it("digests as node:crypto does", () => {
    for (const a of ["md5", "sha1", "sha256"] as const)
      expect($digestHex(a, "NL91ABNA0417164300")).toBe(
        hex(a, "NL91ABNA0417164300"),
      );
  });

  it("finds the value, or a digest of it, anywhere in the identifier, in any case", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 20 }),
        fc.string({ maxLength: 5 }),
        fc.string({ maxLength: 5 }),
        fc.constantFrom("plain", "md5", "sha1", "sha256"),
        fc.boolean(),
        (value, before, after, how, upper) => {
          const inner = how === "plain" ? value : hex(how, value);
          const id = before + (upper ? inner.toUpperCase() : inner) + after;
          // upper-casing can change the length of some characters; only plain ASCII is promised
          fc.pre(!upper || /^[\x20-\x7e]*$/.test(value));
          expect($derivedFrom(id, value)).toBe(true);
        },
      ),
    );
  });

  it("does not look for short or absent values, and does not find what is not there", () => {
    expect($derivedFrom("A-12345", "12345")).toBe(false);
    expect($derivedFrom(undefined, "111222333")).toBe(false);
    expect($derivedFrom("111222333", undefined)).toBe(false);
    expect($derivedFrom("C1-B1", "NL91ABNA0417164300")).toBe(false);
    expect($derivedFrom(hex("sha512", "111222333"), "111222333")).toBe(false);
  });

  it("means the same in the reference interpreter", () => {
    const project = loadProjectFromTexts(
      new Map([
        [
          "t.regel",
          `ruleset t.d@1.0.0
  valid from 2023-01-01
  source br "B"

entity BA "Account"
  file "ba.csv"
  key id
  field id: text(100) required
  field number: text(40)

rule d01 "Afgeleid"
  assumption "test"
  severity signalling
  implements br art 1
  for BA
  require not derived_from(id, number)
  example fail BA { id: "X-NL91ABNA0417164300", number: "NL91ABNA0417164300" }
  example pass BA { id: "X1", number: "NL91ABNA0417164300" }
`,
        ],
      ]),
    );
    expect(project.diagnostics.filter((d) => d.severity === "error")).toEqual(
      [],
    );
    const rs = project.rulesets[0];
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom("none", "plain", "md5", "sha1", "sha256"),
        (value, noise, how) => {
          const id =
            how === "none"
              ? noise
              : noise.slice(0, 3) + (how === "plain" ? value : hex(how, value));
          const found = interpretRule(
            rs,
            "d01",
            "BA",
            { id, number: value },
            { rrd: "2024-01-01", ikb: {} },
          );
          const derived = $derivedFrom(id, value === "" ? undefined : value);
          expect(found.length > 0, `${id} / ${value}`).toBe(derived);
        },
      ),
    );
  });

  it("through an IKB list's index, picks every record an identifier is derived from, in order", () => {
    // values of a few shapes, some repeated, some shorter than six characters, some not ASCII
    const value = fc.oneof(
      fc.constantFrom("111222333", "999888777", "NL91ABNA0417164300", "12345"),
      fc.string({ minLength: 0, maxLength: 12 }),
      fc.string({ unit: "grapheme", minLength: 6, maxLength: 8 }),
    );
    let found = 0;
    fc.assert(
      fc.property(
        fc.array(fc.option(value, { nil: undefined }), {
          minLength: 64,
          maxLength: 90,
        }),
        fc.array(
          fc.record({
            at: fc.nat(),
            how: fc.constantFrom("plain", "md5", "sha1", "sha256", "none"),
            upper: fc.boolean(),
            before: fc.string({ maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (values, ids) => {
          const rows = values.map((v) => ({ identification_number: v }));
          // one context for all the identifiers: the index is made once and asked again
          const ctx = {};
          for (const { at, how, upper, before } of ids) {
            const v = values[at % values.length] ?? "";
            const inner =
              how === "plain" ? v : how === "none" ? "" : hex(how, v);
            const id = `${before}${upper ? inner.toUpperCase() : inner}-x`;
            const picked = $rowsDerivedInto(
              ctx,
              rows,
              "NP.identification_number",
              "identification_number",
              id,
            );
            const expected = rows.filter((r) =>
              $derivedFrom(id, r.identification_number),
            );
            // every record derived_from holds for, in order (others may be picked: it decides)
            expect(picked.filter((r) => expected.includes(r))).toEqual(
              expected,
            );
            expect(new Set(picked).size).toBe(picked.length);
            expect(
              picked.every(
                (r, i) =>
                  i === 0 || rows.indexOf(picked[i - 1]) < rows.indexOf(r),
              ),
            ).toBe(true);
            found += expected.length;
          }
          expect(
            $rowsDerivedInto(
              ctx,
              rows,
              "NP.identification_number",
              "identification_number",
              undefined,
            ),
          ).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(100);
  });
});
