/**
 * Rename (`lsp/rename.ts`) on a workspace held in memory: a new name must not clash with a name
 * already declared in the same scope, in any version that the rename edits.
 */
import { describe, expect, it } from "vitest";
import { ResponseError, type WorkspaceEdit } from "vscode-languageserver";
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
function applied(edit: WorkspaceEdit): Workspace {
  const ws = workspace();
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
