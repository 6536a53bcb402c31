import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  hash53,
  hash53Cells,
  HashSet53,
  SORT_IN_PLACE_HASHES,
  sortHashes,
} from "../../runtime/key-set.js";

/** Any 53-bit hash, the extremes, and small ones that repeat often. */
const hash = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
  fc.constantFrom(0, 1, 2 ** 52, 2 ** 53 - 1),
  fc.integer({ min: 0, max: 40 }),
);

describe("key set", () => {
  it("property: hash53Cells is hash53 of the cells joined with U+001F", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }),
        fc.array(fc.nat(7), { maxLength: 4 }),
        (cells, cols) => {
          const joined = cols.map((c) => cells[c] ?? "").join("\u001f");
          expect(hash53Cells(cells, cols)).toBe(hash53(joined));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds added keys and reports duplicated hashes", () => {
    const s = new HashSet53();
    s.add("a");
    s.addHash(hash53("b"));
    s.add("a");
    expect(s.seal()).toEqual(new Set([hash53("a")]));
    expect(s.has("a") && s.has("b")).toBe(true);
    expect(s.has("c")).toBe(false);
  });

  it("property: has() agrees with a plain set of hashes, for any set size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 50 }),
        (added, probes) => {
          const s = new HashSet53();
          for (const k of added) s.add(k);
          s.seal();
          const plain = new Set(added.map((k) => hash53(k)));
          for (const k of [...added, ...probes])
            expect(s.has(k)).toBe(plain.has(hash53(k)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: seal sorts the hashes as Float64Array.prototype.sort does, many equal ones too", () => {
    fc.assert(
      fc.property(fc.array(hash, { maxLength: 3000 }), (hashes) => {
        const s = new HashSet53();
        for (const h of hashes) s.addHash(h);
        const dup = s.seal();
        const want = Float64Array.from(hashes).sort();
        const got = (s as unknown as { data: Float64Array }).data;
        expect(Array.from(got)).toEqual(Array.from(want));
        const seen = new Set<number>();
        const wantDup = new Set<number>();
        for (const h of hashes) (seen.has(h) ? wantDup : seen).add(h);
        expect(dup).toEqual(wantDup);
      }),
      { numRuns: 200 },
    );
  });

  it("property: sorted in place (a large set), the hashes come out as from a sort into a new array, in the input's own buffer", () => {
    fc.assert(
      fc.property(
        // lengths up to the maximum (fast-check's default size keeps arrays short): many parts
        fc.array(hash, { maxLength: 5000, size: "max" }),
        fc.nat(20),
        (hashes, slack) => {
          // the set's array has room past its n hashes, as a grown one does
          const n = hashes.length;
          const d = new Float64Array(n + slack);
          d.set(hashes);
          const copied = sortHashes(Float64Array.from(hashes), n, n + 1);
          const inPlace = sortHashes(d, n, 0);
          expect(inPlace.sorted.buffer).toBe(d.buffer);
          expect(copied.sorted.buffer).not.toBe(d.buffer);
          expect(Array.from(inPlace.sorted)).toEqual(
            Array.from(Float64Array.from(hashes).sort()),
          );
          expect(inPlace.shift).toBe(copied.shift);
          expect(Array.from(inPlace.index)).toEqual(Array.from(copied.index));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a set large enough to be sorted in place finds its keys and its repeated ones", () => {
    const n = SORT_IN_PLACE_HASHES + 1000;
    const s = new HashSet53();
    for (let i = 0; i < n; i++) s.add(`k${i}`);
    const repeated = [0, 1, 777_777, n - 1].map((i) => `k${i}`);
    for (const k of repeated) s.add(k);
    const dup = s.seal();
    expect(dup).toEqual(new Set(repeated.map((k) => hash53(k))));
    // sorted in its own array, which has room past its hashes (it grew by doubling)
    const data = (s as unknown as { data: Float64Array }).data;
    expect(data.length).toBe(n + repeated.length);
    expect(data.buffer.byteLength).toBeGreaterThan(data.byteLength);
    for (let i = 1; i < data.length; i++)
      if (data[i] < data[i - 1]) expect.fail(`not sorted at ${i}`);
    for (let i = 0; i < n; i += 9973) expect(s.has(`k${i}`)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(s.has(`x${i}`)).toBe(false);
  });

  it("property: room reserved (as the parallel scan does) keeps every hash, added one by one or whole", () => {
    // any 53-bit hash, or a small one that repeats often
    const stepHash = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
      fc.integer({ min: 0, max: 30 }),
    );
    // each step: one hash added, an array of them added whole, or room reserved
    const step = fc.oneof(
      stepHash.map((h) => ({ one: h })),
      fc.array(stepHash, { maxLength: 300 }).map((hs) => ({ all: hs })),
      fc.nat({ max: 5000 }).map((room) => ({ room })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const reserved = new HashSet53();
        const plain = new HashSet53();
        const all: number[] = [];
        for (const st of steps)
          if ("room" in st) reserved.reserve(st.room);
          else {
            const hs = "one" in st ? [st.one] : st.all;
            all.push(...hs);
            reserved.addAll(Float64Array.from(hs));
            for (const h of hs) plain.addHash(h);
          }
        expect(reserved.size).toBe(all.length);
        expect(Array.from(reserved.added())).toEqual(all);
        expect(reserved.seal()).toEqual(plain.seal());
        for (const h of all.slice(0, 20))
          expect(
            (reserved as unknown as { data: Float64Array }).data.includes(h),
          ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("property: a set sorted elsewhere (takeUnsorted, sortHashes over a structured clone, adoptSorted) is the set sealed in place", () => {
    const key = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 2000 }),
        fc.array(key, { maxLength: 50 }),
        (added, probes) => {
          const here = new HashSet53();
          const there = new HashSet53();
          for (const k of added) {
            here.add(k);
            there.add(k);
          }
          const dup = here.seal();
          // as a worker gets it: the first n hashes of the buffer, sorted and cloned back
          const { hashes, n } = there.takeUnsorted();
          expect(there.size).toBe(added.length);
          there.adoptSorted(
            structuredClone(sortHashes(structuredClone(hashes), n)),
          );
          expect(there.seal()).toEqual(dup);
          for (const k of [...added, ...probes])
            expect(there.has(k)).toBe(here.has(k));
          expect(() => there.takeUnsorted()).toThrow(/sealed/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses sorted hashes of another size", () => {
    const s = new HashSet53();
    s.add("a");
    s.add("b");
    const { hashes } = s.takeUnsorted();
    expect(() => s.adoptSorted(sortHashes(hashes, 1))).toThrow(
      /1 sorted hashes for a set of 2/,
    );
  });

  it("property: an exact set answers as a set of hashes (has, seal, addCells)", () => {
    const key = fc.string({ maxLength: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.array(key, { minLength: 3, maxLength: 3 }), {
          maxLength: 200,
        }),
        fc.array(key, { maxLength: 30 }),
        fc.constantFrom([0], [1, 2], [2, 0, 5]),
        (rows, probes, cols) => {
          const exact = new HashSet53(true);
          const hashed = new HashSet53();
          for (const cells of rows) {
            exact.addCells(cells, cols);
            hashed.addCells(cells, cols);
          }
          expect(exact.size).toBe(hashed.size);
          expect([...exact.seal()].sort()).toEqual([...hashed.seal()].sort());
          const texts = rows.map((cells) =>
            cols.map((c) => cells[c] ?? "").join("\u001f"),
          );
          for (const k of [...texts, ...probes])
            expect(exact.has(k)).toBe(hashed.has(k));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("an exact set handed to threads turns into hashes: repeated keys stay repeated", () => {
    const keys = ["a", "b", "a", "c", "a", "b"];
    const sealedElsewhere = new HashSet53(true);
    const shared = new HashSet53(true);
    const merged = new HashSet53(true);
    for (const k of keys) {
      sealedElsewhere.add(k);
      shared.add(k);
    }
    merged.add("a");
    const worker = new HashSet53();
    worker.add("a");
    worker.add("d");
    merged.addAll(worker.added());
    const threeTimes = new HashSet53(true);
    for (const k of keys) threeTimes.add(k);
    expect([...threeTimes.added()].sort()).toEqual(
      keys.map((k) => hash53(k)).sort(),
    );
    const { hashes, n } = sealedElsewhere.takeUnsorted();
    sealedElsewhere.adoptSorted(sortHashes(hashes, n));
    shared.share();
    for (const s of [sealedElsewhere, shared]) {
      expect(s.seal()).toEqual(new Set([hash53("a"), hash53("b")]));
      expect(s.has("c") && !s.has("d")).toBe(true);
    }
    expect(merged.seal()).toEqual(new Set([hash53("a")]));
    expect(merged.has("d") && !merged.has("b")).toBe(true);
  });
});
