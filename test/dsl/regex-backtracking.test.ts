/**
 * Patterns that repeat a repetition (dsl/regex-backtracking.ts, REG350): found where a value can
 * make them backtrack for hours, not where each character is matched one way only.
 */
import { describe, expect, it } from "vitest";
import { nestedRepetition } from "../../dsl/regex-backtracking.js";

describe("nestedRepetition", () => {
  it("finds a repetition holding one of varying length, as written", () => {
    expect(nestedRepetition("^(a+)+b$")).toBe("(a+)+");
    expect(nestedRepetition("(a*)*")).toBe("(a*)*");
    expect(nestedRepetition("^(\\d+,?)*$")).toBe("(\\d+,?)*");
    expect(nestedRepetition("^([a-z]+ ?)+$")).toBe("([a-z]+ ?)+");
    expect(nestedRepetition("^(?:x(?:y{1,3}x)+)+$")).toBe("(?:x(?:y{1,3}x)+)+");
    // a boundary the inner repetition can match too, or a class that overlaps it
    expect(nestedRepetition("^(a+a)*$")).toBe("(a+a)*");
    expect(nestedRepetition("^([a-z]+[a-c])*$")).toBe("([a-z]+[a-c])*");
    expect(nestedRepetition("^((\\w)+\\2)*$")).toBe("((\\w)+\\2)*");
    expect(nestedRepetition("(a+){2}")).toBe("(a+){2}");
  });

  it("leaves a pattern whose repetitions repeat parts of fixed length, or repeat once at most", () => {
    for (const fine of [
      "^[A-Z]{3}$",
      "^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$",
      "^[\\p{L}\\p{M}][\\p{L}\\p{M} '.-]*$",
      ".*[0-9]{9}.*",
      "^([A-Z]{2} ?)+$",
      "^(\\d{3}-)*\\d{3}$",
      "^(a+)?b$",
      "^(?:ab?)+$",
      "^[a-z]+( [a-z]+)*$",
      "^([a-z]+ )*$",
      "^(\\d+,)*$",
      "^([a-z]+[0-9])+$",
      "^(?:x(?:y{1,3}z)+)+$",
      // a look-ahead does not backtrack into itself once it matched
      "((?=a+)b)+",
    ])
      expect(nestedRepetition(fine), fine).toBeUndefined();
  });

  it("says nothing of a pattern that does not parse (REG307 does)", () => {
    expect(nestedRepetition("[a-")).toBeUndefined();
    expect(nestedRepetition("(a+")).toBeUndefined();
  });
});
