/**
 * maskKey masks the personal parts of a rendered key (`field=value;field=value`) and keeps every
 * other part, separator and empty part as it was.
 */
import { describe, expect, it } from "vitest";
import { MASK, maskKey } from "../../runtime/mask.js";

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
