/**
 * Optional files and optional columns (issue 12 item 5): an `optional` file may be left out of a
 * delivery (reported as absent, not as a problem), and the column of an `optional` field may be
 * left out of a file (every value missing, said once), even under a blocking `require header`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileTexts, writeFiles } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const TEXT = `ruleset t.optional@1.1.0
  source s "Spec"

entity CU "Customer"
  file "customers.csv"
  key id
  field id: text(10) required
  field name: text(50)
  field email: text(100) optional "added in 1.1.0; older deliveries lack the column"

entity NT "Note"
  file "notes.csv" optional
  key id
  field id: text(10) required
  field note: text(100)

rule fil001 "File missing"
  meaning "A file is missing."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for file CU, NT
  require present
  example fail file CU missing
  example pass file CU rows { id: "1" }

rule fil002 "Column missing"
  meaning "A column is missing."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for file CU, NT
  require header
  example fail file CU columns "name"
  example pass file CU columns "id", "name"

rule dmc001 "Email missing"
  meaning "The email address is missing."
  assumption "a test rule"
  severity signalling
  implements s art 1
  for CU.email
  require value is present
  example fail CU { id: "1" }
  example pass CU { id: "1", email: "a@b.nl" }
`;

async function load(): Promise<LoadedRuleset> {
  const dir = writeFiles(await compileTexts({ "t.regel": TEXT }));
  return loadCompiled(join(dir, "out", "t.optional@1.1.0"));
}

describe("optional files and optional columns", () => {
  it("an optional file left out is absent, not missing: no problem, the delivery accepted", async () => {
    const rs = await load();
    const r = await validateDelivery(
      delivery({ "customers.csv": "id,name,email\n1,Jan,j@x.nl\n" }),
      rs,
      { rrd: "2024-01-01" },
    );
    const nt = r.files.find((f) => f.entity === "NT")!;
    expect([nt.readStatus, nt.status, nt.problems]).toEqual([
      "absent",
      "accepted",
      [],
    ]);
    expect(r.blockingErrors).toEqual([]);
    // a file that is not optional is still missing, under its rule
    const r2 = await validateDelivery(
      delivery({ "notes.csv": "id,note\n1,x\n" }),
      rs,
      {
        rrd: "2024-01-01",
      },
    );
    expect(r2.files.find((f) => f.entity === "CU")!.readStatus).toBe("missing");
    expect(r2.blockingErrors.map((b) => b.code)).toContain("fil001");
  });

  it("an optional column left out: every value missing, reported once, the header rule not broken", async () => {
    const rs = await load();
    const r = await validateDelivery(
      delivery({ "customers.csv": "id,name\n1,Jan\n2,Piet\n" }),
      rs,
      { rrd: "2024-01-01" },
    );
    const cu = r.files.find((f) => f.entity === "CU")!;
    expect([cu.readStatus, cu.status, cu.rowsValidated]).toEqual([
      "read",
      "accepted",
      2,
    ]);
    expect(cu.problems).toEqual([
      {
        code: "input.absent-column",
        severity: "signalling",
        file: "customers.csv",
        line: 1,
        message:
          'column "email" (CU.email) is not in the header: its column is optional, and every value of CU.email is missing',
      },
    ]);
    expect(r.blockingErrors).toEqual([]);
    const dmc = [...r.rules, ...r.secondaryRules].find(
      (x) => x.code === "dmc001",
    )!;
    expect(dmc.count).toBe(2);
    // a column that is not optional is still required by the header rule
    const r2 = await validateDelivery(
      delivery({ "customers.csv": "id,email\n1,x\n" }),
      rs,
      {
        rrd: "2024-01-01",
      },
    );
    expect(r2.blockingErrors.map((b) => b.code)).toContain("fil002");
  });
});
