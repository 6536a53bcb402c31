import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  emptyHoleyObjectArray,
  emptyObjectArray,
} from "../../runtime/object-arrays.js";
import { ensureBuilt, ROOT } from "../source-folders.js";

describe("empty arrays of objects (runtime/object-arrays.ts)", () => {
  it("are empty, writable and new each time", () => {
    for (const make of [emptyObjectArray, emptyHoleyObjectArray]) {
      const a = make<object>();
      const b = make<object>();
      expect(a).toEqual([]);
      expect(a).not.toBe(b);
      expect(Object.isFrozen(a)).toBe(false);
      a.push({});
      expect(a.length).toBe(1);
      expect(b.length).toBe(0);
    }
  });

  it("have the elements kind of a full list of objects, packed or holey, where an empty [] does not", () => {
    ensureBuilt();
    const module = pathToFileURL(
      join(ROOT, "dist", "runtime", "object-arrays.js"),
    ).href;
    const run = spawnSync(
      process.execPath,
      [
        "--allow-natives-syntax",
        "--input-type=module",
        "-e",
        `
        const { emptyObjectArray, emptyHoleyObjectArray } = await import(${JSON.stringify(module)});
        const kind = (a) => ({ objects: %HasObjectElements(a), holey: %HasHoleyElements(a) });
        const holeyFull = new Array(2); holeyFull[0] = {}; holeyFull[1] = {};
        console.log(JSON.stringify({
          packed: kind(emptyObjectArray()),
          holey: kind(emptyHoleyObjectArray()),
          literal: kind([]),
          packedFull: kind([{}, {}]),
          holeyFull: kind(holeyFull),
        }));
        `,
      ],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    const kinds = JSON.parse(run.stdout) as Record<
      string,
      { objects: boolean; holey: boolean }
    >;
    expect(kinds.packed).toEqual(kinds.packedFull);
    expect(kinds.holey).toEqual(kinds.holeyFull);
    expect(kinds.packed).toEqual({ objects: true, holey: false });
    expect(kinds.holey).toEqual({ objects: true, holey: true });
    // what the helpers are for: an empty literal is not of that kind
    expect(kinds.literal.objects).toBe(false);
  });
});
