import { describe, expect, it } from "vitest";
import { stableStringify } from "../../runtime/report-json.js";

describe("stableStringify", () => {
  it("sorts the keys at every level, drops undefined properties, writes bigints as strings", () => {
    const value = {
      b: [{ z: 1, a: undefined, m: [3n, { y: null, x: "x" }] }, undefined],
      a: { d: true, c: 0 },
    };
    expect(stableStringify(value)).toBe(
      `${JSON.stringify(
        {
          a: { c: 0, d: true },
          b: [{ m: ["3", { x: "x", y: null }], z: 1 }, null],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("keeps a key `__proto__` as a key, in its sorted place", () => {
    const value = JSON.parse('{"z": 1, "__proto__": {"b": 2, "a": 1}, "a": 0}');
    expect(stableStringify(value)).toBe(
      '{\n  "__proto__": {\n    "a": 1,\n    "b": 2\n  },\n  "a": 0,\n  "z": 1\n}\n',
    );
  });
});
