import { describe, expect, it } from "vitest";
import { inRangeOrder } from "../../runtime/range-order.js";

/** A promise settled after `ms` milliseconds: resolved with `value`, or rejected with `error`. */
function after<T>(ms: number, value: T, error?: Error): Promise<T> {
  return new Promise((resolve, reject) =>
    setTimeout(() => (error ? reject(error) : resolve(value)), ms),
  );
}

describe("the results of a pass's ranges", () => {
  it("come in range order", async () => {
    expect(
      await inRangeOrder([after(30, "a"), after(0, "b"), after(10, "c")]),
    ).toEqual(["a", "b", "c"]);
  });

  it("fail with the first range's error in key order, though a later range failed first in time", async () => {
    // range 2 meets its too-large IKB at once; range 1 meets its own later: one thread going
    // through the keys would have met range 1's first
    const first = new Error("IKB K4000");
    const later = new Error("IKB K5500");
    await expect(
      inRangeOrder([
        after(20, "a"),
        after(40, "b", first),
        after(0, "c", later),
      ]),
    ).rejects.toBe(first);
  });

  it("a range that fails after a failed range is not waited for, and raises no unhandled rejection", async () => {
    const first = new Error("first");
    const never = new Promise<string>(() => {});
    await expect(
      inRangeOrder([
        after(0, "a", first),
        never,
        after(5, "c", new Error("x")),
      ]),
    ).rejects.toBe(first);
  });
});
