/**
 * One golden case per checker diagnostic code (REG2xx, REG3xx, REG4xx): a small text, and exactly
 * the expected diagnostics (code, file:line:column, suggestion) — no more, no fewer.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkExamplesCompiled } from "../../cli/example-check.js";
import { compileRuleset } from "../../compiler/compile.js";
import { CODE_SUMMARIES } from "../../dsl/check-codes.js";
import { sortDiagnostics } from "../../dsl/diagnostics.js";
import { check } from "../../dsl/checker.js";
import { BASE, brief, load, npRule, posOf } from "./checker-helpers.js";

interface Case {
  code: string;
  title: string;
  files: Record<string, string>;
  /** Where each expected diagnostic starts: a marker text in a file (default t.regel). */
  at: { marker: string; nth?: number; file?: string }[];
  suggestion?: string;
  /** Text the first message must contain. */
  message?: string;
  /** The parser also complains (missing header): only checker codes are compared. */
  parseErrorsOk?: boolean;
  warning?: boolean;
  /** The diagnostic comes from running the examples through the compiled validators (`regel check`). */
  compiled?: boolean;
}

/** The base ruleset without its `ikb` grouping. */
const NO_IKB = BASE.replace(
  `ikb "IKB"
  key ikb_id
  depositor NP by customer_id
`,
  "",
);

const T = (extra: string) => ({ "t.regel": BASE + extra });

/** A `for previous BA` rule (accounts that disappear) with the given clauses. */
const goneRule = (
  clauses: string,
  fail = 'BA { account_id: "A2" } previous BA { account_id: "A1", balance: 1.00 }',
) => `
rule etc0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for previous BA
  ${clauses}
  example fail ${fail}
  example pass BA { account_id: "A1" } previous BA { account_id: "A1" }
`;
/** An address entity and a rule `for file NP` joined to it (docs/language.md, "Joined records"). */
const J = (target: string, require: string) =>
  T(`
entity AD "Address"
  file "ad.csv"
  key ikb_id, address_id
  field ikb_id: text(40) required
  field address_id: text(40) required
  field customer_id: text(40) required
  field postal_code: text(10) personal
  field other_id: integer

rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  ${target}
  ${require}
  example fail file NP rows { customer_id: "C1", last_name: "J" }, { customer_id: "C2", last_name: "J" }
  example pass file NP rows { customer_id: "C1", last_name: "J" }
`);

/** A rule on NP with extra clauses between `severity` and `implements` (class, scope). */
const classRule = (code: string, extra: string) => `
rule ${code} "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
${extra}
  implements br art 2
  for NP
  require last_name is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2", last_name: "J" }
`;

/** A second version of the base ruleset. */
const child = (body: string, header = "") =>
  `ruleset t.base@1.1.0
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"
${header}
${body}`;

const baseUntil2024 = BASE.replace(
  "valid from 2023-01-01",
  "valid from 2023-01-01 until 2024-01-01",
);

/** The base version with a category table to edit (REG249–REG254). */
const withCategory =
  baseUntil2024 +
  `
category identity "Identiteit"
  blocks identity_established
  implements br art 2
  result dmc0001 (D)
`;

/** A reference-data table for the lookup cases. */
const RATES = `
table rates "Currency rates"
  assumption "invented rates"
  column currency: text key
  column rate: decimal
  row "EUR", 1.0
  row "USD", 0.9215
`;

const cases: Case[] = [
  // ---------------------------------------------------------------- REG249–REG254: partial edits of inherited tables
  {
    code: "REG249",
    title: "extend category adds an entry the table already has",
    files: {
      "a.regel": withCategory,
      "b.regel": child("extend category identity\n  result dmc0001 (D)\n"),
    },
    at: [{ file: "b.regel", marker: "result dmc0001" }],
    message: "category `identity` already has `result dmc0001 (D)`",
  },
  {
    code: "REG250",
    title: "extend category removes an entry the table does not have",
    files: {
      "a.regel": withCategory,
      "b.regel": child(
        "extend category identity\n  remove result dmc0001 (V)\n",
      ),
    },
    at: [{ file: "b.regel", marker: "remove result" }],
    message: "cannot remove `result dmc0001 (V)`",
  },
  {
    code: "REG251",
    title: "extend codelist adds a value the list already has",
    files: {
      "a.regel": withCategory,
      "b.regel": child('extend codelist yes_no\n  value "J" "Ja"\n'),
    },
    at: [{ file: "b.regel", marker: 'value "J"' }],
    message: 'code list `yes_no` already has value "J"',
  },
  {
    code: "REG252",
    title: "extend codelist removes a value the list does not have",
    files: {
      "a.regel": withCategory,
      "b.regel": child('extend codelist yes_no\n  remove value "JA"\n'),
    },
    at: [{ file: "b.regel", marker: '"JA"' }],
    suggestion: "J",
    message: 'cannot remove value "JA"',
  },
  {
    code: "REG253",
    title: "a category both replaced and extended in one version",
    files: {
      "a.regel": withCategory,
      "b.regel": child(
        'replace category identity "Identiteit"\n  result dmc0001 (D)\n\nextend category identity\n  result dmc0001 (V)\n',
      ),
    },
    at: [{ file: "b.regel", marker: "identity", nth: 1 }],
    message: "both replaced and extended",
  },
  {
    code: "REG254",
    title: "a code list extended twice in one version",
    files: {
      "a.regel": withCategory,
      "b.regel": child(
        'extend codelist yes_no\n  value "X"\n\nextend codelist yes_no\n  value "Y"\n',
      ),
    },
    at: [{ file: "b.regel", marker: "yes_no", nth: 1 }],
    message: "extended twice",
  },

  // ---------------------------------------------------------------- REG135–REG138: file dialects
  {
    code: "REG135",
    title: "unknown file option",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" delimeter "|"
  field ikb_id: text(40)
`),
    at: [{ marker: "delimeter" }],
    suggestion: "delimiter",
    message: "`delimeter` is not an option of a `file` clause",
  },
  {
    code: "REG136",
    title: "an encoding that is not declared",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" encoding "latin-9"
  field ikb_id: text(40)
`),
    at: [{ marker: "encoding" }],
    message:
      '`encoding` takes one of "utf-8", "iso-8859-1", "windows-1252"; "latin-9" is not one of them',
  },
  {
    code: "REG136",
    title: "a date format that is not DD, MM and YYYY",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" dates "DDMMYY"
  field ikb_id: text(40)
`),
    at: [{ marker: "dates" }],
    message: '"DDMMYY" is not one',
  },
  {
    code: "REG136",
    title: "a flag with a value",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" optional "yes"
  field ikb_id: text(40)
`),
    at: [{ marker: "optional" }],
    message: "it takes no value",
  },
  {
    code: "REG137",
    title: "a file option given twice",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" delimiter "|" delimiter ";"
  field ikb_id: text(40)
`),
    at: [{ marker: "delimiter", nth: 1 }],
    message: "`delimiter` is given twice",
  },
  {
    code: "REG138",
    title: "the quote character equals the delimiter",
    files: T(`
entity SC "Single customer view"
  file "scv.txt" delimiter "'" quote "'"
  field ikb_id: text(40)
`),
    at: [{ marker: "delimiter" }],
    message: "the quote character and the delimiter are both",
  },
  {
    code: "REG139",
    title: "a field both required and optional",
    files: T(`
entity SC "Single customer view"
  file "scv.txt"
  field ikb_id: text(40)
  field note: text required optional
`),
    at: [{ marker: "optional" }],
    message: "field `note` is `required` and `optional`",
  },
  {
    code: "REG134",
    title: "a format on a datetime field",
    files: T(`
entity SC "Single customer view"
  file "scv.txt"
  field ikb_id: text(40)
  field opened_at: datetime format "DD-MM-YYYY"
`),
    at: [{ marker: '"DD-MM-YYYY"' }],
    message:
      "`format` says how a date is written, but field `opened_at` is a datetime (always ISO 8601): drop the `format`",
  },
  {
    code: "REG149",
    title: "a field format that is not a date format",
    files: T(`
entity SC "Single customer view"
  file "scv.txt"
  field ikb_id: text(40)
  field opened_on: date format "D-M-YYYY"
`),
    at: [{ marker: '"D-M-YYYY"' }],
    message: '"D-M-YYYY" is not a date format',
  },
  {
    code: "REG151",
    title: "a file that is not a plain file name",
    files: T(`
entity SC "Single customer view"
  file "../../home/user/.bashrc"
  field ikb_id: text(40)
`),
    at: [{ marker: '"../../home/user/.bashrc"' }],
    message:
      '"../../home/user/.bashrc" is not the name of a file in a delivery folder: it holds a `/` or `\\`',
  },
  {
    code: "REG140",
    title: "an entity of a shared file without a record type",
    files: T(`
entity CU "Customer"
  file "scv.txt" delimiter "|" header none record "C"
  field ikb_id: text(40)

entity AC "Account"
  file "scv.txt" delimiter "|" header none
  field ikb_id: text(40)
`),
    at: [{ marker: "AC" }],
    message: "but `AC` declares no `record` type",
  },
  {
    code: "REG141",
    title: "two entities of one file with the same record type",
    files: T(`
entity CU "Customer"
  file "scv.txt" delimiter "|" header none record "C"
  field ikb_id: text(40)

entity AC "Account"
  file "scv.txt" delimiter "|" header none record "C"
  field ikb_id: text(40)
`),
    at: [{ marker: 'record "C"', nth: 1 }],
    message: 'both read record type "C" of "scv.txt"',
  },
  {
    code: "REG142",
    title: "record types in a file with a header row",
    files: T(`
entity CU "Customer"
  file "scv.txt" delimiter "|" record "C"
  field ikb_id: text(40)
`),
    at: [{ marker: 'record "C"' }],
    message: "which has a header row",
  },
  // ---------------------------------------------------------------- REG2xx
  {
    code: "REG201",
    title: "unknown field in a condition",
    files: T(npRule("require date_of_brith is present")),
    at: [{ marker: "date_of_brith" }],
    suggestion: "date_of_birth",
    message: "unknown field `date_of_brith` on entity `NP`",
  },
  {
    code: "REG202",
    title: "unknown entity as a rule target",
    files: T(
      npRule("require last_name is present").replace("for NP", "for NPP"),
    ),
    at: [{ marker: "NPP" }],
    suggestion: "NP",
  },
  {
    code: "REG203",
    title: "unknown code list in a field type",
    files: T(`
entity AD "Address"
  file "ad.csv"
  field ikb_id: text(40)
  field sort: code yes_noo
`),
    at: [{ marker: "yes_noo" }],
    suggestion: "yes_no",
  },
  {
    code: "REG204",
    title: "marking value not in the code list",
    files: T(`
category deceased "Overleden"
  blocks identity_established
  implements br art 2
  result dmc0001 (D)
  marking NP.deceased = "Y"
`),
    at: [{ marker: '"Y"' }],
    suggestion: "J",
  },
  {
    code: "REG205",
    title: "unknown payout in blocks",
    files: T(`
category c "C"
  blocks identity_establishd
  implements br art 2
  result dmc0001
`),
    at: [{ marker: "identity_establishd" }],
    suggestion: "identity_established",
  },
  {
    code: "REG206",
    title: "unknown metric in a norm",
    files: T(`
norm groeipad "Groeipad"
  implements br art 2
  year 2022: automated_control_pass >= 90 %
`),
    at: [{ marker: "automated_control_pass " }],
    suggestion: "automated_controls_pass",
  },
  {
    code: "REG207",
    title: "category result names an unknown rule",
    files: T(`
category c "C"
  implements br art 2
  result dmc0002 (D)
`),
    at: [{ marker: "dmc0002" }],
    suggestion: "dmc0001",
  },
  {
    code: "REG208",
    title: "unknown source alias",
    files: T(
      npRule("require last_name is present").replace(
        "implements br art 2\n  for NP\n  require last",
        "implements bk art 2\n  for NP\n  require last",
      ),
    ),
    at: [{ marker: "bk art" }],
    suggestion: "br",
  },
  {
    code: "REG210",
    title: "the same name@version in two files",
    files: { "a.regel": BASE, "b.regel": BASE },
    at: [{ file: "b.regel", marker: "t.base@1.0.0" }],
  },
  {
    code: "REG211",
    title: "extends an unknown version",
    files: {
      "a.regel": baseUntil2024,
      "b.regel": child("").replace(
        "extends t.base@1.0.0",
        "extends t.base@1.0.1",
      ),
    },
    at: [{ file: "b.regel", marker: "t.base@1.0.1" }],
    suggestion: "t.base@1.0.0",
  },
  {
    code: "REG211",
    title:
      "extends an incomplete version: one error, with the loaded version meant",
    files: {
      "a.regel": baseUntil2024,
      "b.regel": child(npRule("require last_name is present")).replace(
        "extends t.base@1.0.0",
        "extends t.base@1.0",
      ),
    },
    at: [{ file: "b.regel", marker: "t.base@1.0\n" }],
    suggestion: "t.base@1.0.0",
    message:
      "`extends t.base@1.0`: a version has three numbers, MAJOR.MINOR.PATCH",
  },
  {
    code: "REG212",
    title: "uses an unknown ruleset",
    files: {
      "t.regel": BASE.replace('"Base"\n', '"Base"\n  uses nl.werkdagn@1.0.0\n'),
    },
    at: [{ marker: "nl.werkdagn@1.0.0" }],
  },
  {
    code: "REG213",
    title: "extends cycle",
    files: {
      "a.regel": `ruleset c.a@1.0.0\n  extends c.b@1.0.0\n  valid from 2020-01-01\n`,
      "b.regel": `ruleset c.b@1.0.0\n  extends c.a@1.0.0\n  valid from 2020-01-01\n`,
    },
    at: [
      { file: "a.regel", marker: "c.b@1.0.0" },
      { file: "b.regel", marker: "c.a@1.0.0" },
    ],
    message: "c.a@1.0.0 extends itself through c.b@1.0.0 → c.a@1.0.0",
  },
  {
    code: "REG214",
    title: "overlapping validity of two versions",
    files: { "a.regel": BASE, "b.regel": child("") },
    at: [{ file: "b.regel", marker: "2024-01-01" }],
    message:
      "t.base@1.1.0 (valid from 2024-01-01, open-ended) overlaps t.base@1.0.0",
  },
  {
    code: "REG215",
    title: "valid from not before until",
    files: {
      "t.regel": BASE.replace(
        "valid from 2023-01-01",
        "valid from 2023-01-01 until 2023-01-01",
      ),
    },
    at: [{ marker: "2023-01-01", nth: 1 }],
  },
  {
    code: "REG216",
    title: "duplicate rule code",
    files: T(npRule("require last_name is present", "dmc0001")),
    at: [{ marker: "dmc0001", nth: 1 }],
  },
  {
    code: "REG216",
    title: "a key field listed twice (outside re-try)",
    files: T(`
entity AC "Account"
  file "ac.csv"
  key ikb_id, acc_no, acc_no
  field ikb_id: text(40) required
  field acc_no: text(40) required
`),
    at: [{ marker: "acc_no", nth: 1 }],
    message: "field `acc_no` is listed twice in the key of entity `AC`",
  },
  {
    code: "REG217",
    title: "inherited rule redeclared without replace",
    files: {
      "a.regel": baseUntil2024,
      "b.regel": child(npRule("require last_name is present", "dmc0001")),
    },
    at: [{ file: "b.regel", marker: "dmc0001" }],
  },
  {
    code: "REG218",
    title: "replace of a rule that is not inherited",
    files: {
      "a.regel": baseUntil2024,
      "b.regel": child(
        npRule("require last_name is present", "dmc0009").replace(
          "rule dmc",
          "replace rule dmc",
        ),
      ),
    },
    at: [{ file: "b.regel", marker: "dmc0009" }],
    suggestion: "dmc0001",
    message:
      "cannot replace rule `dmc0009`: t.base@1.0.0 has no rule `dmc0009`",
  },
  {
    code: "REG219",
    title: "entity without the IKB key field",
    files: T(`
entity AD "Address"
  file "ad.csv"
  field customer_id: text(40)
`),
    at: [{ marker: 'AD "Address"' }],
  },
  {
    code: "REG220",
    title: "rule without implements",
    files: T(
      npRule("require last_name is present").replace(
        "  implements br art 2\n  for NP\n  require last",
        "  for NP\n  require last",
      ),
    ),
    at: [{ marker: "dmc0100" }],
  },
  {
    code: "REG221",
    title: "rule without severity",
    files: T(
      npRule("require last_name is present").replace(
        "  severity signalling\n  implements br art 2\n  for NP\n  require last",
        "  implements br art 2\n  for NP\n  require last",
      ),
    ),
    at: [{ marker: "dmc0100" }],
  },
  {
    code: "REG222",
    title: "rule without a target",
    files: T(`
rule dmc0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  require rrd is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2" }
`),
    at: [{ marker: "dmc0100" }],
  },
  {
    code: "REG223",
    title: "rule without require",
    files: T(npRule("when last_name is present")),
    at: [{ marker: "dmc0100" }],
  },
  {
    code: "REG224",
    title: "unknown message placeholder (warning)",
    files: T(
      npRule('require last_name is present\n  message "{last_nam} ontbreekt"'),
    ),
    // at the message, not at the rule's code (outside re-try)
    at: [{ marker: '"{last_nam}' }],
    suggestion: "last_name",
    warning: true,
  },
  {
    code: "REG225",
    title: "category result on an attribute the rule does not check",
    files: T(`
rule dmc0000 "Verplicht attribuut ontbreekt"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for NP.date_of_birth, NP.last_name
  require value is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1", last_name: "J", date_of_birth: 1970-01-01 }

category c "C"
  implements br art 2
  result dmc0000 (D) on NP.last_name, NP.deceased
`),
    at: [{ marker: "NP.deceased" }],
  },
  {
    code: "REG226",
    title: "applies to D on an entity without role by (warning)",
    files: T(
      npRule("require account_id is present", "dmc0100")
        .replace("signalling\n", "signalling\n  applies to D\n")
        .replace("for NP", "for BA")
        .replace(
          /example (pass|fail) NP \{ customer_id: "\d" \}/g,
          'example $1 BA { account_id: "A" }',
        ),
    ),
    at: [{ marker: "dmc0100" }],
    warning: true,
  },
  {
    code: "REG227",
    title: "norm periods that overlap on one metric",
    files: T(`
norm groeipad "Groeipad"
  implements br art 2
  year 2022: automated_controls_pass >= 90 %
  year 2023: automated_controls_pass >= 95 %
  from 2022-07-01: automated_controls_pass >= 100 %
`),
    at: [{ marker: "from 2022-07-01" }],
    message:
      "norm `groeipad`: from 2022-07-01 overlaps year 2022 and both set `automated_controls_pass`",
  },
  {
    code: "REG228",
    title: "meaning taken from an article the rule does not implement",
    files: T(`
rule dmc0100 "Achternaam ontbreekt"
  meaning "The last name is missing." from br art 3
  severity signalling
  implements br art 2
  for NP
  require last_name is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2", last_name: "Jansen" }
`),
    at: [{ marker: "br art 3" }],
    suggestion: "br art 2",
    message: "takes its meaning from `br art 3` but does not implement it",
  },
  {
    code: "REG290",
    title: "unknown compare or method word in a plausibility",
    files: T(`
plausibility own_history
  compare histroy
  method robust_z
  watch errors
plausibility other
  method zscore
  watch errors
`),
    at: [{ marker: "histroy" }, { marker: "zscore" }],
    suggestion: "history",
  },
  {
    code: "REG291",
    title: "not a series a plausibility can watch",
    files: T(`
plausibility own_history
  watch errros, aggregate, ikbs total, findings dmc0000, aggregate covered
`),
    at: [{ marker: "errros" }, { marker: "aggregate," }, { marker: "total" }],
    suggestion: "errors",
  },
  {
    code: "REG292",
    title: "a window, minimum or threshold the outlier method cannot use",
    files: T(`
plausibility own_history
  window 3
  minimum 4
  watch errors
plausibility bad_numbers
  minimum 1
  threshold 0
  watch errors
plausibility small_window
  window 2
  watch errors
`),
    at: [
      { marker: "window 3" },
      { marker: "minimum 1" },
      { marker: "threshold 0" },
      { marker: "window 2" },
    ],
  },
  {
    code: "REG293",
    title: "a plausibility that watches nothing",
    files: T(`
plausibility own_history
  compare peers
`),
    at: [{ marker: "own_history" }],
  },
  {
    code: "REG294",
    title:
      "two fields on one column, and a field named after another field's column",
    files: T(`
entity CU "Customer"
  file "cu.csv"
  key ikb_id, cu_id
  field ikb_id: text(40) required
  field cu_id: text(10) required
  field rel: text(10) column "grp"
  field grp: text(10) column "rel"
  field alias: text(10) column "cu_id"
`),
    at: [{ marker: "rel: text" }, { marker: "grp: text" }, { marker: "alias" }],
    message:
      'field `rel` of entity `CU` is named after the column of field `grp` (column "rel"): a row given by name could mean either',
  },
  {
    code: "REG229",
    title: "meaning neither sourced nor marked as an assumption (warning)",
    files: T(`
rule dmc0100 "Achternaam ontbreekt"
  meaning "The last name is missing."
  severity signalling
  implements br art 2
  for NP
  require last_name is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2", last_name: "Jansen" }

rule dmc0101 "Achternaam te kort"
  severity signalling
  implements br art 2
  for NP
  require length(last_name) >= 2
  example fail NP { customer_id: "1", last_name: "J" }
  example pass NP { customer_id: "2", last_name: "Jansen" }

rule dmc0102 "Achternaam leeg"
  meaning "The last name is empty."
  assumption " "
  severity signalling
  implements br art 2
  for NP
  require last_name is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2", last_name: "Jansen" }
`),
    at: [{ marker: "dmc0100" }, { marker: "dmc0101" }, { marker: "dmc0102" }],
    warning: true,
    message:
      "the meaning of rule `dmc0100` is not given by a cited article, and the rule carries no `assumption`",
  },
  {
    code: "REG230",
    title: "a message shows the value of a personal field without |masked",
    files: T(`
rule dmc0100 "Test"
  assumption "a test rule"
  severity signalling
  implements br art 2
  for NP.date_of_birth
  require value <= rrd
  message "{attribute} ligt na de peildatum: {value}"
  example fail NP { customer_id: "1", date_of_birth: 2999-01-01 }
  example pass NP { customer_id: "2" }
`),
    at: [{ marker: "dmc0100" }],
    message:
      "the message of rule `dmc0100` shows `{value}`, the value of personal field NP.date_of_birth; personal data may appear in a message only masked: write `{value|masked}`",
  },
  {
    code: "REG231",
    title: "a statutory basis the measure does not implement",
    files: {
      "t.regel": `${BASE}
measure aanwijzing "Aanwijzing"
  kind formal
  implements br art 2
  basis br art 1:75
`,
    },
    at: [{ marker: "br art 1:75" }],
    message:
      "measure `aanwijzing` has its statutory basis in `br art 1:75` but does not implement it; add it to `implements`",
  },
  {
    code: "REG232",
    title: "a holiday of one day with a yearly modifier",
    files: T(`
calendar werkdagen "Werkdagen"
  implements br art 2
  weekend saturday, sunday
  holiday brugdag "Brugdag" on 2022-05-27 if sunday +1
`),
    at: [{ marker: "holiday brugdag" }],
    message:
      "holiday `brugdag` is one day, 2022-05-27; it takes no `if sunday`",
  },
  {
    code: "REG233",
    title: "a declared class that contradicts the code prefix",
    files: T(classRule("dmc0100", "  class tuple")),
    at: [{ marker: "tuple" }],
    suggestion: "class domain",
    message:
      "rule `dmc0100` is declared `class tuple` (tuple constraint), but its prefix `dmc` is a domain constraint in DNB's data models",
  },
  {
    code: "REG234",
    title: "a declared class that contradicts an inferred prefix",
    files: T(classRule("smc0100", "  class tuple")),
    at: [{ marker: "tuple" }],
    warning: true,
    message:
      "rule `smc0100` is declared `class tuple` (tuple constraint), but its prefix `smc` is taken to be a specialisation model constraint; the declared class is used",
  },
  {
    code: "REG235",
    title: "an unknown class word",
    files: T(classRule("dmc0100", "  class domian")),
    at: [{ marker: "domian" }],
    suggestion: "domain",
  },
  {
    code: "REG236",
    title: "an entity type constraint that reads only the delivery",
    files: T(classRule("etc0100", "")),
    at: [{ marker: "etc0100" }],
    warning: true,
    message:
      "rule `etc0100` is an entity type constraint, which DNB's models usually check with data outside the delivery, but its conditions read only the delivery",
  },
  // ---------------------------------------------------------------- REG237–REG239: unknown values
  {
    code: "REG237",
    title: "unknown texts on a key field",
    files: {
      "t.regel": BASE.replace(
        "field customer_id: text(40) required",
        'field customer_id: text(40) required unknown "Unknown"',
      ),
    },
    at: [{ marker: '"Unknown"' }],
    message: "`customer_id` is a `key` field",
  },
  {
    code: "REG238",
    title: "an unknown text that is a value of the field's code list",
    files: {
      "t.regel": BASE.replace(
        "field deceased: code yes_no",
        'field deceased: code yes_no unknown "Unknown", "N"',
      ),
    },
    at: [{ marker: '"N"', nth: 1 }],
    message: '"N" is a value of code list `yes_no`',
  },
  {
    code: "REG238",
    title: "an unknown text given twice",
    files: {
      "t.regel": BASE.replace(
        "field date_of_birth: date personal",
        'field date_of_birth: date personal unknown "Unknown", "Unknown"',
      ),
    },
    at: [{ marker: '"Unknown"', nth: 1 }],
    message: '`unknown` text "Unknown" is given twice for `date_of_birth`',
  },
  {
    code: "REG239",
    title: "`is unknown` on a field without unknown texts",
    files: T(npRule("require not (last_name is unknown)")),
    at: [{ marker: "last_name is unknown" }],
    message:
      "`last_name` declares no `unknown` texts, so `is unknown` is always false",
  },
  {
    code: "REG262",
    title: "`previous` alone where a value is needed",
    files: T(npRule("require previous")),
    at: [{ marker: "previous\n" }],
    message:
      "`previous` alone stands for the record in the previous delivery; test it with `previous is present` or `previous is absent`, or read a field: `previous.FIELD`",
  },
  {
    code: "REG263",
    title: "`previous` in a ruleset without an IKB grouping",
    files: {
      "t.regel": NO_IKB + npRule("require previous.last_name is present"),
    },
    at: [{ marker: "previous.last_name" }],
    message:
      "`previous` is the record with the same key in the previous delivery, but the ruleset has no `ikb` grouping, by whose key the previous delivery is read",
  },
  {
    code: "REG264",
    title:
      "a rule that reads the previous delivery declared within the delivery",
    files: T(`
rule etc0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  scope within delivery
  implements br art 2
  for NP
  require last_name = previous.last_name
  example fail NP { customer_id: "1", last_name: "A" } previous NP { customer_id: "1", last_name: "B" }
  example pass NP { customer_id: "2" }
`),
    at: [{ marker: "scope within delivery" }],
    warning: true,
    suggestion: "scope outside delivery",
    message:
      "rule `etc0100` reads the previous delivery (`previous`), but is declared `scope within delivery`",
  },
  // ---------------------------------------------------------------- REG320–REG322: `for previous E`
  {
    code: "REG320",
    title: "`for previous E` in a ruleset without an IKB grouping",
    files: {
      "t.regel":
        NO_IKB +
        goneRule(
          "require present",
          'BA { account_id: "A2" } previous BA { account_id: "A1" }',
        ),
    },
    at: [{ marker: "for previous BA" }],
    message:
      "`for previous BA` runs on the records of the previous delivery that the delivery no longer has, but the ruleset has no `ikb` grouping",
  },
  {
    code: "REG321",
    title:
      "a `for previous E` rule that requires something else than `present`",
    files: T(goneRule("require balance > 0")),
    at: [{ marker: "balance > 0" }],
    suggestion: "present",
    message:
      "a `for previous BA` rule requires that the record of the previous delivery is still delivered: write `require present`",
  },
  {
    code: "REG322",
    title: "a `when` on a `for previous E` rule that reads `previous`",
    files: T(goneRule("when previous.balance > 0\n  require present")),
    at: [{ marker: "previous.balance > 0" }],
    message:
      "the `when` of a `for previous BA` rule reads the fields of the record of the previous delivery, and nothing else",
  },
  {
    code: "REG274",
    title: "`is valid` on a value of the previous delivery",
    files: T(npRule("require previous.last_name is valid")),
    at: [{ marker: "previous.last_name is valid" }],
    message:
      "`is valid` tests the CSV text of this delivery; a value of the previous delivery that does not fit its type reads as absent: write `previous.FIELD is present`",
  },
  {
    code: "REG240",
    title: "branches of `if` of types that do not mix",
    files: T(
      npRule(
        'require (if deceased = "J" then date_of_birth else 0) is present',
      ),
    ),
    at: [{ marker: "0) is present" }],
    message:
      "the branches of `if` must have one type, but `then` gives date and `else` gives integer",
  },
  {
    code: "REG240",
    title: "arguments of `max` of types that do not mix",
    files: T(npRule("require max(date_of_birth, 2024-01-01, 3) > rrd")),
    at: [{ marker: "3)" }],
    message:
      "the arguments of `max` must have one type, but this one is integer after date",
  },
  {
    code: "REG241",
    title: "an unknown rounding mode",
    files: T(
      `${npRule("require 1 = 1").replace("for NP", "for BA")}`
        .replace(
          "require 1 = 1",
          "require round(balance / 3, 2, half_evne) > 0",
        )
        .replace(
          /example (fail|pass) NP \{ customer_id: "[12]" \}/g,
          'example $1 BA { account_id: "A1" }',
        ),
    ),
    at: [{ marker: "half_evne" }],
    suggestion: "half_even",
  },
  {
    code: "REG241",
    title: "places of `round` that are not a whole number",
    files: T(npRule("require round(1.25, 1.5, half_up) > 0")),
    at: [{ marker: "1.5" }],
    message: "the places of `round` are a whole number from 0 to 18",
  },
  {
    code: "REG242",
    title: "a money parameter with three decimals",
    files: T(`
parameter limit: money "Limit"
  assumption "test"
  from 2023-01-01 value 100000.001
`),
    at: [{ marker: "100000.001" }],
    message: "parameter `limit` is a money, but this value is not",
  },
  {
    code: "REG133",
    title: "a duration parameter whose periods count in different units",
    files: T(`
parameter max_age: duration "Longest dormancy"
  assumption "test"
  from 2023-01-01 until 2025-01-01 value 24 months
  from 2025-01-01 value 2 years
`),
    at: [{ marker: "2 years" }],
    message:
      "parameter `max_age` counts in months in its first period, but this value is in years",
  },
  {
    code: "REG243",
    title: "overlapping parameter periods",
    files: T(`
parameter limit: money "Limit"
  assumption "test"
  from 2023-01-01 until 2025-01-01 value 100000.00
  from 2024-01-01 value 120000.00
`),
    at: [{ marker: "from 2024-01-01 value" }],
  },
  {
    code: "REG244",
    title: "a parameter without a value for part of the validity",
    files: T(`
parameter limit: money "Limit"
  assumption "test"
  from 2024-01-01 value 100000.00
`),
    at: [{ marker: "limit:" }],
    message:
      "parameter `limit` has no value for RRDs from 2023-01-01 until 2024-01-01",
  },
  {
    code: "REG245",
    title: "a name that is both a field and a parameter",
    files: T(
      `
parameter last_name: text "Name"
  assumption "test"
  from 2023-01-01 value "x"
` + npRule("require last_name is present"),
    ),
    at: [{ marker: "last_name is present" }],
  },
  {
    code: "REG246",
    title: "a parameter without a value",
    files: T(`
parameter limit: money "Limit"
  assumption "test"
`),
    at: [{ marker: "limit:" }],
  },
  {
    code: "REG247",
    title: "a parameter that changes within a norm period",
    files: T(`
parameter pass_norm: percent "Norm"
  assumption "test"
  from 2023-01-01 until 2023-07-01 value 90 %
  from 2023-07-01 value 95 %

norm groeipad "Groeipad"
  implements br art 2
  year 2023: automated_controls_pass >= pass_norm
`),
    at: [{ marker: "pass_norm\n" }],
    message:
      "parameter `pass_norm` changes its value on 2023-07-01, within year 2023",
  },
  {
    code: "REG248",
    title: "an unknown parameter in a norm",
    files: T(`
norm groeipad "Groeipad"
  implements br art 2
  year 2023: automated_controls_pass >= pass_nrom
`),
    at: [{ marker: "pass_nrom" }],
  },
  {
    code: "REG130",
    title: "a table row with fewer values than the table has columns",
    files: T(`
table rates "Currency rates"
  column currency: text key
  column rate: decimal
  row "EUR"
`),
    at: [{ marker: 'row "EUR"' }],
    message: "row has 1 value; table `rates` has 2 columns",
  },
  {
    code: "REG130",
    title: "a CSV line with more cells than the table has columns",
    files: {
      ...T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
      "rates.csv": "currency,rate\nEUR,1.0,x\n",
    },
    at: [{ marker: "EUR,1.0,x", file: "rates.csv" }],
  },
  {
    code: "REG131",
    title: "a table with both rows and a file",
    files: T(`
table rates "Currency rates"
  file "rates.csv"
  column currency: text key
  row "EUR"
`),
    at: [{ marker: 'row "EUR"' }],
  },
  {
    code: "REG132",
    title: "a table without a key column",
    files: T(`
table rates "Currency rates"
  column currency: text
  row "EUR"
`),
    at: [{ marker: "rates" }],
    message: "has no key column",
  },
  {
    code: "REG337",
    title: "a table whose CSV file is not beside the ruleset",
    files: T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
    at: [{ marker: '"rates.csv"' }],
    message: "not found",
  },
  {
    code: "REG338",
    title: "a table's CSV file with another header than the declared columns",
    files: {
      ...T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
      "rates.csv": "currency,koers\nEUR,1.0\n",
    },
    at: [{ marker: "currency,koers", file: "rates.csv" }],
    message: "declares the columns `currency,rate`",
  },
  {
    code: "REG339",
    title: "two rows of a table's CSV file with the same key",
    files: {
      ...T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
      "rates.csv": "currency,rate\nEUR,1.0\nUSD,0.92\nEUR,1.1\n",
    },
    at: [{ marker: "EUR,1.1", file: "rates.csv" }],
    message: "appears twice (first at line 2)",
  },
  {
    code: "REG339",
    title: "two inline rows with the same key",
    files: T(`
table rates "Currency rates"
  assumption "invented rates"
  column currency: text key
  column rate: decimal
  row "EUR", 1.0
  row "USD", 0.9215
  row "EUR", 2
`),
    at: [{ marker: 'row "EUR", 2' }],
  },
  {
    code: "REG340",
    title: "a CSV cell that is not of its column's type",
    files: {
      ...T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
      "rates.csv": 'currency,rate\nEUR,1.0\nUSD,"0,92"\n',
    },
    at: [{ marker: "USD", file: "rates.csv" }],
    message: '"0,92" in column `rate` (cell 2) is not of its type `decimal`',
  },
  {
    code: "REG340",
    title: "an inline value that is not of its column's type",
    files: T(`
table rates "Currency rates"
  column currency: text key
  column rate: decimal
  row "EUR", "1.0"
`),
    at: [{ marker: '"1.0"' }],
  },
  {
    code: "REG341",
    title: "a lookup of a column the table does not declare",
    files: T(`${RATES}${npRule("require lookup(rates.rat, last_name) > 1")}`),
    at: [{ marker: "rat," }],
    suggestion: "rate",
  },
  {
    code: "REG342",
    title: "a value tested in an unknown table",
    files: T(`${RATES}${npRule("require last_name in ratess")}`),
    at: [{ marker: "ratess" }],
    suggestion: "rates",
  },
  {
    code: "REG343",
    title: "a lookup key of another type than the key column",
    files: T(
      `${RATES}${npRule("require lookup(rates.rate, date_of_birth) > 1")}`,
    ),
    at: [{ marker: "date_of_birth) > 1" }],
  },
  {
    code: "REG312",
    title: "a percent parameter in a rule",
    files: T(
      `
parameter share: percent "Share"
  assumption "test"
  from 2023-01-01 value 50 %
` + npRule("require length(last_name) > share"),
    ),
    at: [{ marker: "share\n  example" }],
  },
  // ---------------------------------------------------------------- REG3xx
  {
    code: "REG301",
    title: "date compared with text",
    files: T(npRule('require date_of_birth = "1970"')),
    at: [{ marker: '"1970"' }],
  },
  {
    code: "REG302",
    title: "string literal not a code of the list",
    files: T(npRule('require deceased = "Y"')),
    at: [{ marker: '"Y"' }],
    suggestion: "J",
    message: '"Y" is not a value of code list `yes_no`',
  },
  {
    code: "REG303",
    title: "date plus hours",
    files: T(npRule("require date_of_birth + 5 h <= rrd")),
    at: [{ marker: "date_of_birth + 5" }],
  },
  {
    code: "REG304",
    title: "workdays without a calendar",
    files: T(npRule("require date_of_birth <= rrd - 3 workdays")),
    at: [{ marker: "3 workdays" }],
  },
  {
    code: "REG305",
    title: "value in a record rule",
    files: T(npRule("require value is present")),
    at: [{ marker: "value is" }],
  },
  {
    code: "REG306",
    title: "is valid on a computed value",
    files: T(npRule("require length(last_name) is valid")),
    at: [{ marker: "length(" }],
  },
  {
    code: "REG307",
    title: "invalid regular expression",
    files: T(npRule('require last_name matches "[a-"')),
    at: [{ marker: '"[a-"' }],
    message: "invalid regular expression: Unterminated character class",
  },
  {
    code: "REG350",
    title: "a pattern that repeats a repetition",
    files: T(npRule('require last_name matches "^(a+)+b$"')),
    at: [{ marker: '"^(a+)+b$"' }],
    message: "`(a+)+` repeats a part that itself repeats",
  },
  {
    code: "REG308",
    title: "unknown function",
    files: T(npRule("require lenght(last_name) > 2")),
    at: [{ marker: "lenght" }],
    suggestion: "length",
  },
  {
    code: "REG309",
    title: "wrong argument type",
    files: T(npRule("require year(last_name) > 1900")),
    at: [{ marker: "last_name) > 1900" }],
  },
  {
    code: "REG310",
    title: "require that is not a condition",
    files: T(npRule("require last_name")),
    at: [{ marker: "last_name\n" }],
  },
  {
    code: "REG311",
    title: "sum over a text field",
    files: T(npRule("require sum(BA.iban) > 0")),
    at: [{ marker: "iban)" }],
  },
  {
    code: "REG312",
    title: "percent outside a norm",
    files: T(npRule("require length(last_name) > 90 %")),
    at: [{ marker: "90 %" }],
  },
  {
    code: "REG313",
    title: "norm value does not fit the metric type",
    files: T(`
norm groeipad "Groeipad"
  implements br art 2
  year 2022: automated_controls_pass >= 3 days
`),
    at: [{ marker: "3 days" }],
  },
  {
    code: "REG314",
    title: "qualified name of an entity not in scope",
    files: T(npRule("require BA.balance > 0")),
    at: [{ marker: "BA.balance" }],
  },
  {
    code: "REG315",
    title: "matches on a date",
    files: T(npRule('require date_of_birth matches "^19"')),
    at: [{ marker: "date_of_birth matches" }],
  },
  {
    code: "REG316",
    title: "expression on a file rule",
    files: T(`
rule fil0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require last_name is present
  example fail file NP missing
  example pass file NP columns "ikb_id", "customer_id"
`),
    at: [{ marker: "last_name is present" }],
  },
  {
    code: "REG317",
    title: "date literal that is not a real day",
    files: T(npRule("require date_of_birth < 2023-02-30")),
    at: [{ marker: "2023-02-30" }],
  },
  {
    code: "REG318",
    title: "unique key on an entity without key",
    files: T(`
entity AD "Address"
  file "ad.csv"
  field ikb_id: text(40)

rule fil0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file AD
  require unique key
  example fail file AD missing
  example pass file AD columns "ikb_id"
`),
    at: [{ marker: "unique key" }],
  },
  {
    code: "REG265",
    title: "one a per b with another word for per",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require one customer_id for last_name
  example fail file NP rows { customer_id: "C1", last_name: "J" }, { customer_id: "C2", last_name: "J" }
  example pass file NP rows { customer_id: "C1", last_name: "J" }
`),
    at: [{ marker: "for last_name" }],
    suggestion: "per",
  },
  {
    code: "REG266",
    title: "whole-file check on several entities",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP, BA
  require unique ikb_id
  example fail file NP rows { customer_id: "C1", last_name: "J" }, { customer_id: "C2", last_name: "J" }
  example pass file NP rows { customer_id: "C1", last_name: "J" }
`),
    at: [{ marker: "unique ikb_id" }],
    message: "write one rule per entity",
  },
  {
    code: "REG267",
    title: "field named twice in a whole-file check",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require one last_name per customer_id, last_name
  example fail file NP rows { customer_id: "C1", last_name: "J" }, { customer_id: "C2", last_name: "J" }
  example pass file NP rows { customer_id: "C1", last_name: "J" }
`),
    at: [{ marker: "last_name\n  example fail" }],
  },
  {
    code: "REG268",
    title: "count per b = n with n not an integer field",
    files: T(`
rule joint100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file BA
  require count per account_id = iban
  example fail file BA rows { account_id: "A1", iban: "2" }
  example pass file BA rows { account_id: "A1", iban: "1" }
`),
    at: [{ marker: "iban\n  example fail" }],
  },
  {
    code: "REG269",
    title: "control total on several entities",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP, BA
  require sum balance = 10
  example fail file BA missing
  example pass file BA rows { account_id: "A1" }
`),
    at: [{ marker: "sum balance" }],
    message: "write one rule per entity",
  },
  {
    code: "REG270",
    title: "control total of a field that is not a number",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file BA
  require sum iban = 10
  example fail file BA missing
  example pass file BA rows { account_id: "A1" }
`),
    at: [{ marker: "iban =" }],
  },
  {
    code: "REG271",
    title: "file total compared with a field of an entity that is not single",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require count = BA.count_of_depositors
  example fail file NP missing
  example pass file NP rows { customer_id: "C1" }
`),
    at: [{ marker: "BA.count_of_depositors" }],
    message: "declare the entity `single`",
  },
  {
    code: "REG272",
    title: "file total compared with a name that is no parameter",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file BA
  require count = max_rows
  example fail file BA missing
  example pass file BA rows { account_id: "A1" }
`),
    at: [{ marker: "max_rows" }],
  },
  {
    code: "REG273",
    title: "file total compared with a text",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file BA
  require count = "ten"
  example fail file BA missing
  example pass file BA rows { account_id: "A1" }
`),
    at: [{ marker: '"ten"' }],
  },
  {
    code: "REG259",
    title: "a when on a file total of several entities",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP, BA
  when last_name is present
  require count = 3
  example fail file NP missing
  example pass file NP rows { customer_id: "C1" }
`),
    at: [{ marker: "last_name is present" }],
  },
  {
    code: "REG260",
    title: "a when on a file total that uses exists",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  when exists(BA)
  require count = 3
  example fail file NP missing
  example pass file NP rows { customer_id: "C1" }
`),
    at: [{ marker: "exists(BA)" }],
  },
  {
    code: "REG261",
    title: "a figure picked by a field that is not text",
    files: T(`
rule tot0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require count = BA.count_of_depositors where balance = "x"
  example fail file NP missing
  example pass file NP rows { customer_id: "C1" }
`),
    at: [{ marker: 'balance = "x"' }],
  },
  {
    code: "REG277",
    title: "a whole-file combination that applies no normalisation",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for file NP
  require one customer_id per normalised_name(last_name), date_of_birth
  example fail file NP rows { customer_id: "C1", last_name: "J", date_of_birth: 1970-01-01 }, { customer_id: "C2", last_name: "J", date_of_birth: 1970-01-01 }
  example pass file NP rows { customer_id: "C1", last_name: "J", date_of_birth: 1970-01-01 }
`),
    at: [{ marker: "normalised_name" }],
    suggestion: "normalized_name",
  },
  {
    code: "REG278",
    title: "a normalisation of a field that is not text",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for file NP
  require unique normalized_name(last_name), normalized_text(date_of_birth)
  example fail file NP rows { customer_id: "C1", last_name: "J", date_of_birth: 1970-01-01 }, { customer_id: "C2", last_name: "J", date_of_birth: 1970-01-01 }
  example pass file NP rows { customer_id: "C1", last_name: "J", date_of_birth: 1970-01-01 }
`),
    at: [{ marker: "date_of_birth)" }],
  },
  {
    code: "REG325",
    title: "a join on a rule that is not one a per b",
    files: J("for file NP with AD by customer_id", "require unique last_name"),
    at: [{ marker: "with AD by customer_id" }],
  },
  {
    code: "REG326",
    title: "a join by a field one entity lacks",
    files: J(
      "for file NP with AD by other_id",
      "require one customer_id per last_name, AD.postal_code",
    ),
    at: [{ marker: "other_id\n" }],
  },
  {
    code: "REG327",
    title: "a joined field of another entity than the joined one",
    files: J(
      "for file NP with AD by customer_id",
      "require one customer_id per last_name, AD.postal_code, BA.iban",
    ),
    at: [{ marker: "BA.iban" }],
    suggestion: "AD",
  },
  {
    code: "REG328",
    title: "a join in a ruleset without an ikb",
    files: {
      "t.regel":
        NO_IKB +
        J(
          "for file NP with AD by customer_id",
          "require one customer_id per last_name, AD.postal_code",
        )["t.regel"].slice(BASE.length),
    },
    at: [{ marker: "with AD by customer_id" }],
  },
  {
    code: "REG329",
    title: "a join the combination does not read",
    files: J(
      "for file NP with AD by customer_id",
      "require one customer_id per last_name, date_of_birth",
    ),
    at: [{ marker: "with AD by customer_id" }],
  },
  {
    code: "REG330",
    title: "a rule joined to its own entity",
    files: J(
      "for file NP with NP by customer_id",
      "require one customer_id per last_name",
    ),
    at: [{ marker: "NP by customer_id\n  require" }],
  },
  {
    code: "REG201",
    title: "unknown field in a whole-file check",
    files: T(`
rule dup0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require unique last_nam
  example fail file NP rows { customer_id: "C1", last_name: "J" }, { customer_id: "C2", last_name: "J" }
  example pass file NP rows { customer_id: "C1", last_name: "J" }
`),
    at: [{ marker: "last_nam\n  example fail" }],
    suggestion: "last_name",
  },
  {
    code: "REG319",
    title: "exists in a ruleset without an ikb grouping",
    files: {
      "t.regel":
        NO_IKB + npRule("require exists(BA where BA.holder_id = customer_id)"),
    },
    at: [{ marker: "exists(BA" }],
    message:
      "`exists(BA ...)` is always false on a delivery: it never sees a record, because ruleset `t.base@1.0.0` has no `ikb` grouping",
  },
  {
    code: "REG319",
    title: "count over an entity without a file",
    files: T(`
entity XX "No file"
  key ikb_id
  field ikb_id: text(40) required
${npRule("require count(XX) = 0")}`),
    at: [{ marker: "count(XX)" }],
    message: "entity `XX` has no `file` (no delivery holds its records)",
  },
  // ---------------------------------------------------------------- REG4xx
  {
    code: "REG401",
    title: "unknown entity in an example",
    files: T(
      npRule("require last_name is present").replace(
        'example fail NP { customer_id: "1" }',
        'example fail NP { customer_id: "1" } with BAA { account_id: "A" }',
      ),
    ),
    at: [{ marker: "BAA" }],
    suggestion: "BA",
  },
  {
    code: "REG402",
    title: "unknown field in an example",
    files: T(
      npRule("require last_name is present").replace(
        'example pass NP { customer_id: "2" }',
        'example pass NP { customer_id: "2", date_of_brith: 1970-01-01 }',
      ),
    ),
    at: [{ marker: "date_of_brith" }],
    suggestion: "date_of_birth",
  },
  {
    code: "REG403",
    title: "a date literal that is not a real day, and a date for a text field",
    files: T(
      npRule("require last_name is present").replace(
        'example pass NP { customer_id: "2" }',
        'example pass NP { customer_id: "2", date_of_birth: 2023-02-30, last_name: 1970-01-01 }',
      ),
    ),
    at: [{ marker: "2023-02-30" }, { marker: "1970-01-01 }", nth: 1 }],
  },
  {
    code: "REG403",
    title:
      "an integer beyond 2^53 − 1, which no delivery cell holds exactly: at the value, not a verdict (REG408) blamed on the rule",
    files: T(`
rule dmc0101 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for BA
  require count_of_depositors is present
  example fail BA { account_id: "1" }
  example pass BA { account_id: "2", count_of_depositors: 9007199254740993 }
  example pass BA { account_id: "3", count_of_depositors: -9007199254740992 }
  example pass BA { account_id: "4", count_of_depositors: 9007199254740991 }
`),
    compiled: true,
    at: [{ marker: "9007199254740993" }, { marker: "-9007199254740992" }],
    message:
      'count_of_depositors` can hold exactly (at most 9007199254740991 either side of 0); write "9007199254740993"',
  },
  {
    code: "REG404",
    title: "example about an entity the rule does not target",
    files: T(
      npRule("require last_name is present").replace(
        'example fail NP { customer_id: "1" }',
        'example fail BA { account_id: "1" }',
      ),
    ),
    at: [{ marker: 'BA { account_id: "1"' }],
  },
  {
    code: "REG405",
    title: "file example on a record rule",
    files: T(
      npRule("require last_name is present").replace(
        'example fail NP { customer_id: "1" }',
        "example fail file NP missing",
      ),
    ),
    at: [{ marker: "example fail file" }],
  },
  {
    code: "REG406",
    title: "rule without a fail example",
    files: T(
      npRule("require last_name is present").replace(
        '  example fail NP { customer_id: "1" }\n',
        "",
      ),
    ),
    at: [{ marker: "dmc0100" }],
  },
  {
    code: "REG407",
    title: "field given twice in an example",
    files: T(
      npRule("require last_name is present").replace(
        'example pass NP { customer_id: "2" }',
        'example pass NP { customer_id: "2", customer_id: "3" }',
      ),
    ),
    at: [{ marker: 'customer_id: "3"' }],
  },
  {
    code: "REG408",
    title: "a pass example that the compiled validators fail",
    files: T(npRule("require last_name is present")),
    compiled: true,
    at: [{ marker: 'example pass NP { customer_id: "2" }' }],
    message:
      "example pass#1 of `dmc0100` does not hold: it expects no finding, but the compiled validators of t.base@1.0.0 report the `NP` record",
  },
  {
    code: "REG410",
    title: "a file example with a character its file's encoding cannot write",
    files: {
      "t.regel": `ruleset t.enc@1.0.0
  source spec "Spec"

entity CU "Customer"
  file "customers.txt" delimiter ";" encoding "iso-8859-1"
  key customer_id
  field customer_id: text(20) required
  field name: text(100)

rule dup002 "Same name"
  assumption "a"
  severity blocking
  implements spec 1
  for file CU
  require unique name
  example fail file CU rows { customer_id: "C1", name: "€" }, { customer_id: "C2", name: "€" }
  example pass file CU rows { customer_id: "C1", name: "A" }, { customer_id: "C2", name: "B" }
`,
    },
    compiled: true,
    at: [{ marker: "example fail" }],
    message:
      'example fail#1 of `dup002` cannot be written as a delivery file: "€" (U+20AC) cannot be written in iso-8859-1, the encoding of customers.txt',
  },
  {
    code: "REG411",
    title:
      "a record example whose rrd its version is not valid on; the same example inherited by a version valid on that day is not reported there",
    files: {
      "t.regel": BASE.replace(
        "  valid from 2023-01-01\n",
        "  valid from 2023-01-01 until 2024-01-01\n",
      ).replace(
        'example fail NP { customer_id: "1" }',
        'example fail rrd 2024-01-01 NP { customer_id: "1" }',
      ),
      "u.regel": `ruleset t.base@1.1.0 "Base"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"
`,
    },
    compiled: true,
    at: [{ marker: "2024-01-01 NP" }],
    message:
      "rrd 2024-01-01 is outside the validity of t.base@1.0.0 (valid from 2023-01-01 until 2024-01-01)",
  },
  {
    code: "REG413",
    title:
      "an inherited rule whose every fail example gives an rrd the inheriting version is not valid on (warning)",
    files: {
      "t.regel": BASE.replace(
        "  valid from 2023-01-01\n",
        "  valid from 2023-01-01 until 2024-01-01\n",
      ).replace(
        'example fail NP { customer_id: "1" }',
        'example fail rrd 2023-06-01 NP { customer_id: "1" }',
      ),
      "u.regel": `ruleset t.base@1.1.0 "Base"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"
`,
    },
    warning: true,
    at: [{ marker: "dmc0001" }],
    message:
      "runs no `fail` example in t.base@1.1.0: 1 inherited example(s) give an `rrd` outside its validity (valid from 2024-01-01)",
  },
  {
    code: "REG412",
    title:
      "example records of a record type with another entity's code or an unknown code: subject, with record and file example row",
    files: {
      "t.regel": `ruleset t.rec@1.0.0
  source spec "Spec"

entity CU "Customer"
  file "scv.txt" delimiter "|" header none record "C"
  key customer_id
  field record_type: text(1) required
  field customer_id: text(20) required

entity AC "Account"
  file "scv.txt" delimiter "|" header none record "A"
  key customer_id, account_id
  field record_type: text(1) required
  field customer_id: text(20) required
  field account_id: text(20) required

ikb "SCV"
  key customer_id
  depositor CU by customer_id

rule scv001 "Type"
  assumption "a"
  severity blocking
  implements spec 1
  for CU
  require record_type = "C"
  example fail CU { record_type: "A", customer_id: "C1" }
  example pass CU { customer_id: "C1", record_type: "C" } with AC { record_type: "X", account_id: "A1" }

rule scv002 "Unique"
  assumption "a"
  severity blocking
  implements spec 1
  for file CU
  require unique customer_id
  example fail file CU rows { customer_id: "C1" }, { record_type: "A", customer_id: "C1" }
  example pass file CU rows { customer_id: "C1" }
`,
    },
    compiled: true,
    at: [
      { marker: '"A", customer_id: "C1" }' },
      { marker: '"X"' },
      { marker: '"A", customer_id: "C1" }', nth: 1 },
    ],
    suggestion: '"C"',
    message:
      'a `CU` record has the type code "C" in `record_type`, not "A": on a delivery this row is a record of `AC`',
  },
  {
    code: "REG409",
    title: "a with record in another IKB than the subject",
    files: T(
      npRule("require last_name is present").replace(
        'example pass NP { customer_id: "2" }',
        'example pass NP { ikb_id: "K1", customer_id: "2", last_name: "J" } with BA { ikb_id: "K2", account_id: "A" }',
      ),
    ),
    at: [{ marker: '"K2"' }],
    suggestion: "K1",
    message: 'its `ikb_id` is "K2" and the subject\'s is "K1"',
  },
  {
    code: "REG409",
    title: "a with record in a ruleset without an ikb grouping",
    files: {
      "t.regel":
        NO_IKB +
        npRule("require last_name is present").replace(
          'example pass NP { customer_id: "2" }',
          'example pass NP { customer_id: "2", last_name: "J" } with BA { account_id: "A" }',
        ),
    },
    at: [{ marker: 'BA { account_id: "A" }' }],
    message: "has no `ikb` grouping",
  },
  {
    code: "REG280",
    title: "an aggregate without a measure",
    files: T(`
aggregate depositors "Depositors"
  implements br art 2
`),
    at: [{ marker: 'depositors "Depositors"' }],
    message: "says nothing about what it measures",
  },
  {
    code: "REG280",
    title: "an aggregate with two measures",
    files: T(`
aggregate depositors "Depositors"
  implements br art 2
  count ikb
  sum BA.balance
`),
    at: [{ marker: "sum BA.balance" }],
    message: "has 2 measures",
  },
  {
    code: "REG281",
    title: "an aggregate that adds up a text field",
    files: T(`
aggregate ibans "IBANs"
  implements br art 2
  sum BA.iban
`),
    at: [{ marker: "BA.iban" }],
  },
  {
    code: "REG282",
    title: "an aggregate over IKBs in a ruleset without an ikb grouping",
    files: {
      "t.regel":
        NO_IKB +
        `
aggregate depositors "Depositors"
  implements br art 2
  count ikb
`,
    },
    at: [{ marker: 'depositors "Depositors"' }],
  },
  {
    code: "REG283",
    title: "a share of all IKBs",
    files: T(`
aggregate everyone "Everyone"
  implements br art 2
  proportion ikb
`),
    at: [{ marker: "proportion ikb" }],
  },
  {
    code: "REG284",
    title: "an aggregate in an unknown category",
    files: T(`
aggregate depositors "Depositors"
  implements br art 2
  count ikb
  in category identiy
`),
    at: [{ marker: "identiy" }],
  },
  {
    code: "REG285",
    title: "a reconciled figure against an unknown aggregate",
    files: T(`
aggregate depositors "Depositors"
  implements br art 2
  count ikb

reconcile quarterly "Kwartaalrapportage"
  implements br art 2
  figure number_of_depositors = depositorz
`),
    at: [{ marker: "depositorz" }],
    suggestion: "depositors",
  },
  {
    code: "REG286",
    title: "a figure given twice in a reconcile",
    files: T(`
aggregate depositors "Depositors"
  implements br art 2
  count ikb

reconcile quarterly "Kwartaalrapportage"
  implements br art 2
  figure number_of_depositors = depositors
  figure number_of_depositors = depositors tolerance 1
`),
    at: [{ marker: "number_of_depositors", nth: 1 }],
  },
];

describe("golden diagnostics", () => {
  it("the base ruleset is clean", () => {
    const p = load({ "t.regel": BASE });
    expect(brief(p.diagnostics)).toEqual([]);
    expect(p.rulesets.map((r) => r.id)).toEqual(["t.base@1.0.0"]);
  });

  it("REG209: a file without a ruleset header (an AST built without the parser, which reports REG111 itself)", () => {
    const start = { offset: 0, line: 1, column: 1 };
    const span = { file: "u.regel", start, end: start };
    const r = check([
      {
        kind: "File",
        path: "u.regel",
        header: undefined,
        declarations: [],
        comments: [],
        span,
      },
    ]);
    expect(brief(r.diagnostics)).toEqual(["REG209 u.regel:1:1"]);
    const p = load({ "u.regel": `codelist x "X"\n  value "A"\n` });
    expect(p.diagnostics.map((d) => d.code)).toEqual(["REG111"]);
  });

  it("REG338 in a table's own CSV file has no note about inheriting the declaration (outside re-try)", () => {
    const files = {
      ...T(`
table rates "Currency rates"
  assumption "invented rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal
`),
      "rates.csv": "currency,koers\nEUR,1.0\n",
    };
    const d = load(files).diagnostics.find((x) => x.code === "REG338");
    const line = posOf(files["t.regel"], "table rates").line;
    expect(d?.notes).toEqual([`declared at t.regel:${line}`]);
  });

  it("every checker code is documented in docs/diagnostics.md", () => {
    const doc = readFileSync(
      join(import.meta.dirname, "..", "..", "docs", "diagnostics.md"),
      "utf8",
    );
    const headings = new Set(
      [...doc.matchAll(/^###? .*$/gm)].flatMap(
        (m) => m[0].match(/REG\d{3}/g) ?? [],
      ),
    );
    const codes = Object.keys(CODE_SUMMARIES).filter((c) => c !== "REG200");
    expect(codes.filter((c) => !headings.has(c))).toEqual([]);
    expect(doc).toContain("REG200");
  });

  it("every checker code has a golden case", () => {
    const covered = new Set([...cases.map((c) => c.code), "REG209"]);
    const codes = Object.keys(CODE_SUMMARIES).filter((c) => c !== "REG200");
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.code}: ${c.title}`, async () => {
      const p = load(c.files);
      const checked = c.compiled
        ? sortDiagnostics([
            ...p.diagnostics,
            ...(await checkExamplesCompiled(p, { cacheDir: null })).diagnostics,
          ])
        : p.diagnostics;
      const diagnostics = c.parseErrorsOk
        ? checked.filter((d) => !d.code.startsWith("REG1"))
        : checked;
      const expected = c.at.map((a) => {
        const file = a.file ?? "t.regel";
        const { line, column } = posOf(c.files[file], a.marker, a.nth);
        return `${c.code} ${file}:${line}:${column}`;
      });
      expect(brief(diagnostics)).toEqual(expected);
      expect(diagnostics[0].severity).toBe(c.warning ? "warning" : "error");
      expect(diagnostics[0].message.length).toBeGreaterThan(10);
      if (c.suggestion !== undefined)
        expect(diagnostics[0].suggestion).toBe(c.suggestion);
      if (c.message !== undefined)
        expect(diagnostics[0].message).toContain(c.message);
    });
  }
});

describe("docs/diagnostics.md against the tool", () => {
  const root = join(import.meta.dirname, "..", "..");
  const doc = readFileSync(join(root, "docs", "diagnostics.md"), "utf8");
  const headings = new Set(
    [...doc.matchAll(/^###? .*$/gm)].flatMap(
      (m) => m[0].match(/REG\d{3}/g) ?? [],
    ),
  );

  it("has a section for every code the source can report (parser, checker, compiler) (outside re-try)", () => {
    const emitted = new Set<string>();
    for (const dir of ["dsl", "compiler", "cli", "lsp", "audit"])
      for (const f of readdirSync(join(root, dir), { recursive: true }))
        if (String(f).endsWith(".ts"))
          for (const m of readFileSync(
            join(root, dir, String(f)),
            "utf8",
          ).matchAll(/"(REG\d{3})"/g))
            emitted.add(m[1]);
    expect(emitted.size).toBeGreaterThan(150);
    expect([...emitted].filter((c) => !headings.has(c)).sort()).toEqual([]);
  });

  /** Every `HEADER ...` example of a section with its `> \`line:column: message\`` line. */
  const examples = doc.split(/\n(?=### )/).flatMap((section) => {
    const code = /^### (REG\d{3})/.exec(section)?.[1];
    if (code === undefined) return [];
    return [
      ...section.matchAll(
        /```text\n(HEADER\n.*?)```\s*\n+> `+ ?(\d+):(\d+): (.*)$/gms,
      ),
    ].map((m) => ({
      code,
      text: m[1].replace("HEADER", 'ruleset a@1.0.0\n  source br "B"'),
      line: Number(m[2]),
      column: Number(m[3]),
      docLine: m[4],
    }));
  });

  it("has the examples (outside re-try)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(25);
    expect(examples.map((e) => e.code)).toEqual(
      expect.arrayContaining([
        "REG101",
        "REG127",
        "REG128",
        "REG143",
        "REG148",
        "REG503",
      ]),
    );
  });

  for (const [i, e] of examples.entries())
    it(`${e.code} example ${i}: the code at the documented line:column, with the documented message (outside re-try)`, async () => {
      const p = load({ "a.regel": e.text });
      const diagnostics = e.code.startsWith("REG5")
        ? (await compileRuleset(p.rulesets[0])).diagnostics
        : p.diagnostics;
      const d = diagnostics.find((x) => x.code === e.code);
      expect(
        d && [d.span.start.line, d.span.start.column],
        `${e.code} is not reported; got ${diagnostics.map((x) => x.code).join(", ")}`,
      ).toEqual([e.line, e.column]);
      expect(e.docLine.startsWith(`${d!.message}\``)).toBe(true);
    });
});
