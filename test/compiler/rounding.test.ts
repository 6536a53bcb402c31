/**
 * `round(x, places, mode)` in generated code ($round of compiler/helpers/decimal.ts) against the
 * reference interpreter's reading (decimal.js rounding), for every mode, on random exact values;
 * and the named examples of docs/language.md's rounding table.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  $max,
  $min,
  $round,
  type $RoundingMode,
} from "../../compiler/helpers/decimal.js";
import { ROUNDING_MODES } from "../../dsl/check-expr.js";
import { Dec } from "../../interpreter/interpret-values.js";

const DEC_MODE: Record<$RoundingMode, number> = {
  half_even: Dec.ROUND_HALF_EVEN,
  half_up: Dec.ROUND_HALF_UP,
  half_down: Dec.ROUND_HALF_DOWN,
  up: Dec.ROUND_UP,
  down: Dec.ROUND_DOWN,
  ceiling: Dec.ROUND_CEIL,
  floor: Dec.ROUND_FLOOR,
};

describe("$round", () => {
  it("knows exactly the modes the checker accepts", () => {
    expect(Object.keys(DEC_MODE).sort()).toEqual([...ROUNDING_MODES].sort());
  });

  it("agrees with decimal.js for every mode on random values", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...ROUNDING_MODES),
        (a, k, mode) => {
          const factor = 10n ** BigInt(k);
          const expected = new Dec(a.toString())
            .div(factor.toString())
            .toDecimalPlaces(0, DEC_MODE[mode] as never);
          expect($round(a, factor, mode)?.toString()).toBe(expected.toFixed(0));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rounds ties and non-ties the documented way (x.5 and x.6 to whole numbers)", () => {
    // 2.5, -2.5, 3.5, 2.6, -2.6 at scale 1, to 0 places.
    const table: [bigint, Record<$RoundingMode, bigint>][] = [
      [
        25n,
        {
          half_even: 2n,
          half_up: 3n,
          half_down: 2n,
          up: 3n,
          down: 2n,
          ceiling: 3n,
          floor: 2n,
        },
      ],
      [
        -25n,
        {
          half_even: -2n,
          half_up: -3n,
          half_down: -2n,
          up: -3n,
          down: -2n,
          ceiling: -2n,
          floor: -3n,
        },
      ],
      [
        35n,
        {
          half_even: 4n,
          half_up: 4n,
          half_down: 3n,
          up: 4n,
          down: 3n,
          ceiling: 4n,
          floor: 3n,
        },
      ],
      [
        26n,
        {
          half_even: 3n,
          half_up: 3n,
          half_down: 3n,
          up: 3n,
          down: 2n,
          ceiling: 3n,
          floor: 2n,
        },
      ],
      [
        -26n,
        {
          half_even: -3n,
          half_up: -3n,
          half_down: -3n,
          up: -3n,
          down: -2n,
          ceiling: -2n,
          floor: -3n,
        },
      ],
    ];
    for (const [a, want] of table)
      for (const mode of ROUNDING_MODES)
        expect([a, mode, $round(a, 10n, mode)]).toEqual([a, mode, want[mode]]);
  });

  it("keeps absent absent", () => {
    expect($round(undefined, 10n, "half_even")).toBeUndefined();
  });
});

describe("$min / $max", () => {
  it("pick the least / greatest, absent when one argument is absent", () => {
    expect($min([3n, -1n, 2n])).toBe(-1n);
    expect($max([3, 7, 2])).toBe(7);
    expect($min([3, undefined, 2])).toBeUndefined();
    expect($max([undefined, 1n])).toBeUndefined();
  });
});
