/**
 * Rename (`lsp/rename.ts`) on a workspace held in memory: a new name must not clash with a name
 * already declared in the same scope, in any version that the rename edits.
 */
import { describe, expect, it } from "vitest";
import { ResponseError, type WorkspaceEdit } from "vscode-languageserver";
import { referencesAt } from "../../lsp/navigation.js";
import { uriToPath } from "../../lsp/positions.js";
import { renameAt } from "../../lsp/rename.js";
import { Workspace } from "../../lsp/workspace.js";
import { BASE, npRule } from "../dsl/checker-helpers.js";

const BASE_PATH = "/ws/base-1.0.0.regel";
const CHILD_PATH = "/ws/base-1.1.0.regel";

const BASE_2023 = BASE.replace(
  "valid from 2023-01-01",
  "valid from 2023-01-01 until 2024-01-01",
);

/** Extends BASE: adds a field to NP and a rule of its own. */
const CHILD = `ruleset t.base@1.1.0 "Base, 2024"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"

extend entity NP
  field nationality: text(2) "Nationality"
${npRule("require nationality is present", "dmc0002")}`;

/** Extends BASE: replaces a field of NP and a rule. */
const REPLACING = `ruleset t.base@1.1.0 "Base, 2024"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"

extend entity NP
  replace field last_name: text(100) personal
${npRule("require last_name is present", "dmc0001").replace("rule dmc0001", "replace rule dmc0001")}`;

function workspace(child = CHILD): Workspace {
  const ws = new Workspace();
  ws.put(BASE_PATH, BASE_2023);
  ws.put(CHILD_PATH, child);
  return ws;
}

/** Rename what `needle` (shifted by `shift`) names in `path` to `newName`. */
function rename(
  path: string,
  needle: string,
  shift: number,
  newName: string,
  child = CHILD,
): WorkspaceEdit | ResponseError<void> {
  const ws = workspace(child);
  const text = ws.text(path)!;
  const offset = text.indexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  return renameAt(
    ws.analyseFile(path),
    ws.analyseAll(),
    path,
    offset + shift,
    newName,
  );
}

/** The workspace after `edit`: every file's text with its edits applied. */
function applied(edit: WorkspaceEdit, child = CHILD): Workspace {
  const ws = workspace(child);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const path = uriToPath(uri);
    const document = ws.document(path)!;
    let text = ws.text(path)!;
    const byOffset = edits
      .map((e) => ({
        start: document.offsetAt(e.range.start),
        end: document.offsetAt(e.range.end),
        newText: e.newText,
      }))
      .sort((a, b) => b.start - a.start);
    for (const e of byOffset)
      text = text.slice(0, e.start) + e.newText + text.slice(e.end);
    ws.put(path, text);
  }
  return ws;
}

function refusal(result: WorkspaceEdit | ResponseError<void>): string {
  expect(result).toBeInstanceOf(ResponseError);
  return (result as ResponseError<void>).message;
}

describe("rename refuses a name already declared in the same scope", () => {
  it("the workspace is clean before any rename", () => {
    const ws = workspace();
    expect(ws.analyseAll().diagnostics).toEqual([]);
  });

  it("a field to the name of another field of its entity", () => {
    const message = refusal(
      rename(BASE_PATH, "field date_of_birth", 6, "customer_id"),
    );
    expect(message).toMatch(/entity `NP` already has a field `customer_id`/);
  });

  it("a field to the name a version extending its entity adds", () => {
    const message = refusal(
      rename(BASE_PATH, "field date_of_birth", 6, "nationality"),
    );
    expect(message).toMatch(/entity `NP` already has a field `nationality`/);
    expect(message).toContain("t.base@1.1.0");
  });

  it("a field added by `extend entity` to the name of an inherited field", () => {
    const message = refusal(
      rename(CHILD_PATH, "field nationality", 6, "last_name"),
    );
    expect(message).toMatch(/entity `NP` already has a field `last_name`/);
  });

  it("a rule code to the code of another rule of the version, declared there or inherited", () => {
    expect(refusal(rename(CHILD_PATH, "rule dmc0002", 5, "dmc0001"))).toMatch(
      /t\.base@1\.1\.0 already has a rule `dmc0001`/,
    );
    expect(refusal(rename(BASE_PATH, "rule dmc0001", 5, "dmc0002"))).toMatch(
      /t\.base@1\.1\.0 already has a rule `dmc0002`/,
    );
  });

  it("but renames a field to the name of a field of another entity, and a rule to a free code", () => {
    const field = rename(BASE_PATH, "field date_of_birth", 6, "balance");
    expect(field).not.toBeInstanceOf(ResponseError);
    const edits = Object.values((field as WorkspaceEdit).changes!).flat();
    expect(edits.length).toBeGreaterThan(1);
    expect(edits.every((e) => e.newText === "balance")).toBe(true);
    expect(applied(field as WorkspaceEdit).analyseAll().diagnostics).toEqual(
      [],
    );

    const rule = rename(CHILD_PATH, "rule dmc0002", 5, "dmc0003");
    expect(rule).not.toBeInstanceOf(ResponseError);
    expect(applied(rule as WorkspaceEdit).analyseAll().diagnostics).toEqual([]);
  });

  it("and renaming a name to itself is no clash", () => {
    expect(
      rename(BASE_PATH, "field date_of_birth", 6, "date_of_birth"),
    ).not.toBeInstanceOf(ResponseError);
  });
});

describe("rename refuses to part a declaration from the `replace` of it in another version", () => {
  it("the workspace is clean before any rename", () => {
    expect(workspace(REPLACING).analyseAll().diagnostics).toEqual([]);
  });

  it("a field that a later version replaces, and the replacing field", () => {
    expect(
      refusal(rename(BASE_PATH, "field last_name", 6, "surname", REPLACING)),
    ).toMatch(
      /field `last_name` of entity `NP` is replaced in t\.base@1\.1\.0/,
    );
    expect(
      refusal(rename(CHILD_PATH, "field last_name", 6, "surname", REPLACING)),
    ).toMatch(
      /field `last_name` of entity `NP` is replaced in t\.base@1\.1\.0/,
    );
  });

  it("a rule that a later version replaces, and the replacing rule", () => {
    expect(
      refusal(rename(BASE_PATH, "rule dmc0001", 5, "dmc0009", REPLACING)),
    ).toMatch(/rule `dmc0001` is replaced in t\.base@1\.1\.0/);
    expect(
      refusal(
        rename(CHILD_PATH, "replace rule dmc0001", 13, "dmc0009", REPLACING),
      ),
    ).toMatch(/rule `dmc0001` is replaced in t\.base@1\.1\.0/);
  });

  it("but renames a field the later version leaves alone", () => {
    const field = rename(
      BASE_PATH,
      "field date_of_birth",
      6,
      "born",
      REPLACING,
    );
    expect(field).not.toBeInstanceOf(ResponseError);
  });
});

/**
 * Extends BASE: a field with a `column` clause, and a `for file` rule whose examples list CSV
 * column names in strings: a column with a character of two UTF-16 units before it, and one
 * that starts with the name of a field.
 */
const COLUMNS = `ruleset t.base@1.1.0 "Base, 2024"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"

extend entity NP
  field nickname: text(20) column "alias"

rule dmc0009 "Kolommen ontbreken"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 2
  for file NP
  require header
  example fail file NP columns "😀", "last_name_prefix", "customer_id"
  example pass file NP columns "ikb_id", "customer_id", "last_name", "date_of_birth", "deceased", "opened_at", "alias"
`;

describe("rename and find references reach the column names of file examples", () => {
  it("the workspace is clean before any rename", () => {
    expect(workspace(COLUMNS).analyseAll().diagnostics).toEqual([]);
  });

  it("renaming a field renames the whole column name in the examples of another version, not a longer name", () => {
    const edit = rename(BASE_PATH, "field last_name", 6, "surname", COLUMNS);
    expect(edit).not.toBeInstanceOf(ResponseError);
    const after = applied(edit as WorkspaceEdit, COLUMNS);
    const text = after.text(CHILD_PATH)!;
    expect(text).toContain(
      'columns "ikb_id", "customer_id", "surname", "date_of_birth", "deceased", "opened_at", "alias"',
    );
    expect(text).toContain('columns "😀", "last_name_prefix", "customer_id"');
    expect(after.analyseAll().diagnostics).toEqual([]);
  });

  it("the edit of a column name after a character of two UTF-16 units is where the name is", () => {
    const edit = rename(
      BASE_PATH,
      "field customer_id",
      6,
      "client_id",
      COLUMNS,
    );
    expect(edit).not.toBeInstanceOf(ResponseError);
    const text = applied(edit as WorkspaceEdit, COLUMNS).text(CHILD_PATH)!;
    expect(text).toContain('columns "😀", "last_name_prefix", "client_id"');
    expect(text).toContain('columns "ikb_id", "client_id", "last_name"');
  });

  it("a field with a `column` clause keeps its column: the examples are not renamed", () => {
    const edit = rename(CHILD_PATH, "field nickname", 6, "nick", COLUMNS);
    expect(edit).not.toBeInstanceOf(ResponseError);
    const text = applied(edit as WorkspaceEdit, COLUMNS).text(CHILD_PATH)!;
    expect(text).toContain("field nick: text(20)");
    expect(text).toContain('"opened_at", "alias"');
  });

  it("find references lists the column names of a field, with their UTF-16 ranges", () => {
    const ws = workspace(COLUMNS);
    const base = ws.text(BASE_PATH)!;
    const child = ws.text(CHILD_PATH)!;
    const referencesOf = (path: string, offset: number) =>
      referencesAt(ws.analyseFile(path), ws.analyseAll(), path, offset, false)
        .filter((l) => uriToPath(l.uri) === CHILD_PATH)
        .map((l) => {
          const document = ws.document(CHILD_PATH)!;
          return child.slice(
            document.offsetAt(l.range.start),
            document.offsetAt(l.range.end),
          );
        });
    const customer = referencesOf(
      BASE_PATH,
      base.indexOf("field customer_id") + 6,
    );
    expect(customer.filter((t) => t === "customer_id")).toHaveLength(2);
    expect(customer.every((t) => t === "customer_id")).toBe(true);
    expect(
      referencesOf(CHILD_PATH, child.indexOf("field nickname") + 6),
    ).toEqual(["alias"]);
  });
});
