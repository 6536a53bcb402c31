import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  appendedFloat64,
  Float64List,
  grownFloat64,
} from "../../runtime/float64-list.js";

/** One step on a list: push a number, push several, reserve room, or take what it holds. */
const step = fc.oneof(
  fc.record({ take: fc.constant(true) }),
  fc.record({ push: fc.double({ noNaN: true }) }),
  fc.record({
    pushAll: fc.array(fc.double({ noNaN: true }), { maxLength: 3000 }),
  }),
  fc.record({ reserve: fc.nat(5000) }),
);

describe("Float64List", () => {
  it("property: after any pushes, reserves and takes it holds what an array would, in order", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const list = new Float64List();
        const model: number[] = [];
        for (const s of steps) {
          if ("push" in s) {
            list.push(s.push);
            model.push(s.push);
          } else if ("pushAll" in s) {
            list.pushAll(Float64Array.from(s.pushAll));
            model.push(...s.pushAll);
          } else if ("take" in s) {
            expect(Array.from(list.take())).toEqual(model.splice(0));
          } else {
            list.reserve(s.reserve);
            expect(list.data.length).toBeGreaterThanOrEqual(list.n + s.reserve);
          }
          expect(list.n).toBe(model.length);
        }
        expect(Array.from(list.take())).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it("doubles when full, keeping every number", () => {
    const list = new Float64List();
    for (let i = 0; i < 1025; i++) list.push(i);
    expect(list.data.length).toBe(2048);
    expect(list.data[0]).toBe(0);
    expect(list.data[1023]).toBe(1023);
    expect(list.data[1024]).toBe(1024);
  });

  it("gives its numbers up trimmed, and is empty after", () => {
    const list = new Float64List();
    list.push(1.5);
    list.push(-2);
    const taken = list.take();
    expect(Array.from(taken)).toEqual([1.5, -2]);
    expect(taken.length).toBe(2);
    expect(list.n).toBe(0);
    list.push(3);
    expect(Array.from(list.take())).toEqual([3]);
  });

  it("grownFloat64 keeps the first n numbers and leaves room for more", () => {
    const grown = grownFloat64(Float64Array.of(1, 2, 3, 4), 3, 5);
    expect(grown.length).toBe(8);
    expect(Array.from(grown)).toEqual([1, 2, 3, 0, 0, 0, 0, 0]);
  });

  it("appendedFloat64 writes in place when there is room, else into a copy at least doubled", () => {
    const data = Float64Array.of(1, 2, 0, 0);
    expect(appendedFloat64(data, 2, Float64Array.of(3))).toBe(data);
    expect(Array.from(data)).toEqual([1, 2, 3, 0]);
    const grown = appendedFloat64(data, 3, Float64Array.of(4, 5));
    expect(grown).not.toBe(data);
    expect(grown.length).toBe(7);
    expect(Array.from(grown.subarray(0, 5))).toEqual([1, 2, 3, 4, 5]);
  });
});
