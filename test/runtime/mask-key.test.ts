/**
 * maskKey masks the personal parts of a rendered key (`field=value;field=value`) and keeps every
 * other part, separator and empty part as it was.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { $validBsn } from "../../compiler/helpers/bsn.js";
import {
  MASK,
  maskBsns,
  maskKey,
  passesElevenCheck,
} from "../../runtime/mask.js";

const personal = new Set(["name", "iban"]);

describe("maskKey", () => {
  it("masks the values of personal fields only", () => {
    expect(maskKey("id=1;name=Jan;iban=NL01", personal)).toBe(
      `id=1;name=${MASK};iban=${MASK}`,
    );
  });
  it("keeps parts without '=', empty parts and a trailing separator", () => {
    expect(maskKey("", personal)).toBe("");
    expect(maskKey("name", personal)).toBe("name");
    expect(maskKey("=x;;name=a;", personal)).toBe(`=x;;name=${MASK};`);
    expect(maskKey("a=b=c;name=x=y", personal)).toBe(`a=b=c;name=${MASK}`);
  });
  it("returns the key itself without personal fields", () => {
    expect(maskKey("name=Jan", undefined)).toBe("name=Jan");
    expect(maskKey("name=Jan", new Set())).toBe("name=Jan");
    expect(maskKey("id=1;nr=2", personal)).toBe("id=1;nr=2");
  });
});

describe("maskBsns", () => {
  it("masks every run of exactly nine digits that passes the 11-check", () => {
    expect(maskBsns("ikb_id=260277009;customer_id=260277009-V1")).toBe(
      `ikb_id=${MASK};customer_id=${MASK}-V1`,
    );
    expect(maskBsns("K260277009x111222333")).toBe(`K${MASK}x${MASK}`);
  });
  it("keeps runs of other lengths and nine digits failing the 11-check", () => {
    // 2602770090 and 0260277009: ten digits; 260277008 fails the check
    for (const text of [
      "2602770090",
      "0260277009",
      "260277008",
      "C0000000001",
      "NL91ABNA0417164300",
      "",
    ])
      expect(maskBsns(text)).toBe(text);
  });
  it("takes for a BSN exactly what the rulesets' valid_bsn takes (the check is written twice)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), (digits) => {
        expect(passesElevenCheck(`x${digits}`, 1)).toBe($validBsn(digits));
        expect(maskBsns(digits) === MASK).toBe($validBsn(digits));
      }),
      { numRuns: 2000 },
    );
  });
});
