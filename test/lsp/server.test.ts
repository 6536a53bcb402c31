/**
 * `regel lsp` end to end (issue 14 item 1): the built server runs as a child process and a
 * protocol client speaks LSP to it over its standard streams, as an editor does, on the shipped
 * rulesets (ikb.glo 1.3.0 extends 1.2.0, so names cross files).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DidChangeWatchedFilesNotification,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type CompletionItem,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type TextEdit,
} from "vscode-languageserver-protocol/node";
import { format } from "../../dsl/printer.js";
import { ensureBuilt, ROOT } from "../cli/built-cli.js";
import { positionOf, startLsp, uri, type LspSession } from "./lsp-client.js";

const GLO12 = join(ROOT, "rulesets", "ikb.glo", "1.2.0.regel");
const GLO13 = join(ROOT, "rulesets", "ikb.glo", "1.3.0.regel");
const T12 = readFileSync(GLO12, "utf8");
const T13 = readFileSync(GLO13, "utf8");

let lsp: LspSession;

beforeAll(async () => {
  ensureBuilt();
  lsp = await startLsp(join(ROOT, "rulesets"));
}, 240_000);

afterAll(async () => {
  expect(await lsp?.close()).toBe(0);
});

const at = (
  path: string,
  text: string,
  needle: string,
  shift = 0,
  nth = 0,
) => ({
  textDocument: { uri: uri(path) },
  position: positionOf(text, needle, shift, nth),
});

async function hover(
  path: string,
  text: string,
  needle: string,
  shift = 0,
  nth = 0,
) {
  const h = await lsp.connection.sendRequest(
    HoverRequest.type,
    at(path, text, needle, shift, nth),
  );
  return (h?.contents as MarkupContent | undefined)?.value ?? "";
}

const labels = (items: CompletionItem[] | unknown): string[] =>
  (items as CompletionItem[]).map((i) => i.label);

describe("regel lsp", () => {
  it("publishes no diagnostics for a clean shipped ruleset, checked with the version it extends", async () => {
    expect(await lsp.open(GLO13)).toEqual([]);
    expect(await lsp.open(GLO12)).toEqual([]);
  });

  it("re-checks as you type: a misspelt keyword is an error with a quick fix, and fixing it clears it", async () => {
    const broken = T13.replace("  severity signalling", "  severity signaling");
    const diagnostics = await lsp.change(GLO13, broken);
    const d = diagnostics.find((x) => x.code === "REG110");
    expect(d).toMatchObject({
      severity: 1,
      source: "regel",
      range: { start: positionOf(broken, "severity signaling", 9) },
    });
    expect(d!.message).toContain("did you mean `signalling`?");
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri(GLO13) },
      range: d!.range,
      context: { diagnostics: [d!] },
    });
    expect(actions).toEqual([
      expect.objectContaining({
        title: "Change to `signalling`",
        kind: "quickfix",
        edit: {
          changes: {
            [uri(GLO13)]: [{ range: d!.range, newText: "signalling" }],
          },
        },
      }),
    ]);
    // A name the version it extends does not declare is reported too (the chain is checked).
    const unknown = await lsp.change(
      GLO13,
      T13.replace("extend entity BA", "extend entity BAX"),
    );
    expect(unknown.map((x) => x.code)).toContain("REG201");
    expect(await lsp.change(GLO13, T13)).toEqual([]);
  });

  it("hover: a field's type, flags and description", async () => {
    const text = await hover(GLO13, T13, "last_transaction_date", 2, 1);
    expect(text).toContain("**field** `BA.last_transaction_date: date`");
    expect(text).toContain("optional · column `last_transaction_date`");
    expect(text).toContain(
      "Date of the last transaction by or for the depositor",
    );
    // declared in 1.2.0, read in 1.3.0: personal data is flagged
    expect(await hover(GLO13, T13, "NP.date_of_birth", 4)).toContain(
      "personal data",
    );
  });

  it("hover: a rule's title, severity, meaning, articles with their source's title, assumptions", async () => {
    const text = await hover(GLO13, T13, "rule dmc0001", 6);
    expect(text).toContain("**rule** `dmc0001` — Ongeldig BSN");
    expect(text).toContain("severity: signalling");
    expect(text).toContain("meaning: A natural person's identification number");
    expect(text).toContain(
      "- bk bijlage 3 (Beoordelingskader voor toezicht op naleving vereisten Beleidsregel Individueel Klantbeeld)",
    );
    expect(text).toContain(
      "- br art 2.2e (Beleidsregel Individueel Klantbeeld)",
    );
    expect(text).toContain(
      "_assumption:_ dmc0001 = a Dutch identification number (BSN)",
    );
  });

  it("hover: an article locator gives its source's title, and its URL where the source has one", async () => {
    expect(await hover(GLO13, T13, "implements bk bijlage 3", 16)).toBe(
      "**bk bijlage 3**\n\nBeoordelingskader voor toezicht op naleving vereisten Beleidsregel Individueel Klantbeeld",
    );
    const werkdagen = join(ROOT, "rulesets", "nl.werkdagen", "1.0.0.regel");
    const text = readFileSync(werkdagen, "utf8");
    await lsp.open(werkdagen);
    const locator = /implements atw [^\n,]*/.exec(text)![0];
    expect(await hover(werkdagen, text, locator, 12)).toContain(
      "Algemene termijnenwet\n\nhttps://wetten.overheid.nl/BWBR0002448",
    );
  });

  it("go to definition: the `extends` target, an entity and a field across files", async () => {
    const def = (needle: string, shift: number) =>
      lsp.connection.sendRequest(
        DefinitionRequest.type,
        at(GLO13, T13, needle, shift),
      ) as Promise<Location[]>;
    expect(await def("extends ikb.glo@1.2.0", 10)).toEqual([
      {
        uri: uri(GLO12),
        range: {
          start: positionOf(T12, "ikb.glo@1.2.0"),
          end: positionOf(T12, "ikb.glo@1.2.0", 13),
        },
      },
    ]);
    expect(await def("extend entity BA", 15)).toEqual([
      {
        uri: uri(GLO12),
        range: {
          start: positionOf(T12, "entity BA ", 7),
          end: positionOf(T12, "entity BA ", 9),
        },
      },
    ]);
    const field = await def("NP.date_of_birth", 5);
    expect(field).toEqual([
      {
        uri: uri(GLO12),
        range: {
          start: positionOf(T12, "field date_of_birth", 6),
          end: positionOf(T12, "field date_of_birth", 19),
        },
      },
    ]);
  });

  it("find references: a field of 1.2.0 is named in both versions; a rule code in the category tables", async () => {
    const refs = (await lsp.connection.sendRequest(ReferencesRequest.type, {
      ...at(GLO12, T12, "field date_of_birth", 7),
      context: { includeDeclaration: true },
    })) as Location[];
    const files = new Set(refs.map((r) => r.uri));
    expect(files).toEqual(new Set([uri(GLO12), uri(GLO13)]));
    expect(refs[0]).toEqual({
      uri: uri(GLO12),
      range: {
        start: positionOf(T12, "field date_of_birth", 6),
        end: positionOf(T12, "field date_of_birth", 19),
      },
    });
    // every reference is the name itself
    for (const r of refs) {
      const text = r.uri === uri(GLO12) ? T12 : T13;
      const lines = text.split("\n");
      expect(
        lines[r.range.start.line].slice(
          r.range.start.character,
          r.range.end.character,
        ),
      ).toBe("date_of_birth");
    }
    const ruleRefs = (await lsp.connection.sendRequest(ReferencesRequest.type, {
      ...at(GLO13, T13, "rule dmc0001", 6),
      context: { includeDeclaration: false },
    })) as Location[];
    expect(ruleRefs.length).toBeGreaterThan(0);
    for (const r of ruleRefs)
      expect(T13.split("\n")[r.range.start.line]).toMatch(
        /^\s*result dmc0001\b/,
      );
  });

  it("completion: fields after `NP.`, keywords valid at the cursor, source aliases, rule codes, code-list values", async () => {
    const complete = (
      path: string,
      text: string,
      needle: string,
      shift: number,
    ) =>
      lsp.connection.sendRequest(
        CompletionRequest.type,
        at(path, text, needle, shift),
      );
    const fields = labels(await complete(GLO13, T13, "NP.date_of_birth", 3));
    expect(fields).toEqual(
      expect.arrayContaining(["date_of_birth", "last_name", "customer_id"]),
    );
    expect(fields).not.toContain("severity");
    // At the start of a clause of a rule: the grammar's next keywords (and a new declaration's).
    const clause = labels(
      await complete(GLO13, T13, "  severity signalling", 2),
    );
    expect(clause).toEqual(
      expect.arrayContaining([
        "severity",
        "when",
        "require",
        "example",
        "rule",
        "entity",
      ]),
    );
    expect(clause).not.toContain("value");
    const severity = labels(
      await complete(GLO13, T13, "  severity signalling", 11),
    );
    expect(severity).toEqual(
      expect.arrayContaining(["blocking", "signalling"]),
    );
    expect(severity).not.toContain("when");
    expect(labels(await complete(GLO13, T13, "implements bk", 11))).toEqual([
      "bk",
      "br",
      "hb",
      "ldm",
      "dda",
    ]);
    const codes = labels(await complete(GLO13, T13, "  result dmc0000", 9));
    expect(codes).toEqual(
      expect.arrayContaining(["dmc0000", "dmc0001", "fil0001", "tmc0005"]),
    );
    const values = (await complete(
      GLO13,
      T13,
      'marking NNP.legal_capacity_code = "',
      35,
    )) as CompletionItem[];
    expect(labels(values)).toEqual([
      "MET RECHTSPERSOONLIJKHEID",
      "ZONDER RECHTSPERSOONLIJKHEID",
      "ONBEKEND",
    ]);
    // In a rule's condition: the fields of the entity it runs on.
    const inRule = labels(
      await complete(GLO13, T13, "  when identification_country", 7),
    );
    expect(inRule).toEqual(
      expect.arrayContaining([
        "identification_country",
        "identification_number",
        "value",
      ]),
    );
  });

  it("document symbols: the header, entities with their fields, code lists, rules and categories", async () => {
    const symbols = (await lsp.connection.sendRequest(
      DocumentSymbolRequest.type,
      {
        textDocument: { uri: uri(GLO12) },
      },
    )) as DocumentSymbol[];
    const names = symbols.map((s) => s.name);
    expect(names[0]).toBe("ikb.glo@1.2.0");
    expect(names).toEqual(
      expect.arrayContaining(["NP", "legal_capacity", "dmc0000", "fil0001"]),
    );
    const np = symbols.find((s) => s.name === "NP")!;
    expect(np.children!.map((c) => c.name)).toContain("date_of_birth");
  });

  it("formatting: the printer of `regel fmt` — no edit on a formatted file, one edit otherwise", async () => {
    const request = () =>
      lsp.connection.sendRequest(DocumentFormattingRequest.type, {
        textDocument: { uri: uri(GLO13) },
        options: { tabSize: 2, insertSpaces: true },
      }) as Promise<TextEdit[]>;
    expect(await request()).toEqual([]);
    const messy = T13.replace(
      "  severity signalling",
      "      severity     signalling",
    );
    await lsp.change(GLO13, messy);
    const edits = await request();
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe(format(messy, GLO13).text);
    expect(edits[0].newText).toBe(T13);
    await lsp.change(GLO13, T13);
  });

  it("rename: a field across the chain and a rule code with its category results; other names are refused", async () => {
    const edit = await lsp.connection.sendRequest(RenameRequest.type, {
      ...at(GLO13, T13, "NP.date_of_birth", 5),
      newName: "birth_date",
    });
    const changes = edit!.changes!;
    expect(Object.keys(changes).sort()).toEqual(
      [uri(GLO12), uri(GLO13)].sort(),
    );
    const refs = (await lsp.connection.sendRequest(ReferencesRequest.type, {
      ...at(GLO13, T13, "NP.date_of_birth", 5),
      context: { includeDeclaration: true },
    })) as Location[];
    expect(Object.values(changes).flat()).toHaveLength(refs.length);
    for (const e of Object.values(changes).flat())
      expect(e.newText).toBe("birth_date");

    const rule = await lsp.connection.sendRequest(RenameRequest.type, {
      ...at(GLO13, T13, "rule tmc0005", 6),
      newName: "tmc0099",
    });
    const ruleEdits = rule!.changes![uri(GLO13)];
    expect(ruleEdits.length).toBeGreaterThan(1);
    const lines = T13.split("\n");
    for (const e of ruleEdits)
      expect(
        lines[e.range.start.line].slice(
          e.range.start.character,
          e.range.end.character,
        ),
      ).toBe("tmc0005");

    await expect(
      lsp.connection.sendRequest(
        PrepareRenameRequest.type,
        at(GLO13, T13, "extend entity BA", 15),
      ),
    ).rejects.toThrow(/only a rule code or a field name/);
    await expect(
      lsp.connection.sendRequest(RenameRequest.type, {
        ...at(GLO13, T13, "rule tmc0005", 6),
        newName: "rule",
      }),
    ).rejects.toThrow(/no valid name/);
    // A name already taken in the same scope would declare it twice (REG216).
    await expect(
      lsp.connection.sendRequest(RenameRequest.type, {
        ...at(GLO13, T13, "NP.date_of_birth", 5),
        newName: "customer_id",
      }),
    ).rejects.toThrow(/entity `NP` already has a field `customer_id`/);
    await expect(
      lsp.connection.sendRequest(RenameRequest.type, {
        ...at(GLO13, T13, "rule tmc0005", 6),
        newName: "tmc0002",
      }),
    ).rejects.toThrow(/ikb\.glo@1\.3\.0 already has a rule `tmc0002`/);
    // 1.3.0 replaces dmc0000 of 1.2.0: a rename would reach one of the two only.
    await expect(
      lsp.connection.sendRequest(RenameRequest.type, {
        ...at(GLO13, T13, "replace rule dmc0000", 13),
        newName: "dmc0099",
      }),
    ).rejects.toThrow(/rule `dmc0000` is replaced in ikb\.glo@1\.3\.0/);
  });
});

/** A ruleset with a field `name` named in the condition and in an example. */
const SMALL = `ruleset t.x@1.0.0 "T"
  source s "S"

entity P "Person"
  file "p.csv"
  key id
  field id: text(10) required "Id"
  field name: text(20) "Name"

rule abc0001 "Naam ontbreekt"
  meaning "name missing"
  assumption "a person has a name"
  severity blocking
  class own
  implements s art 1
  for P
  require name is present
  example fail P { id: "1" }
  example pass P { id: "1", name: "x" }
`;

describe("regel lsp: the open text against the files on disk", () => {
  let folder: string;
  let ws: LspSession;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));
  const lines = (path: string, locations: Location[] | null) =>
    (locations ?? []).map(
      (l) => `${l.uri === uri(path) ? "" : l.uri}${l.range.start.line + 1}`,
    );

  beforeAll(async () => {
    ensureBuilt();
    folder = mkdtempSync(join(tmpdir(), "regel-lsp-disk-"));
    writeFileSync(join(folder, "a.regel"), SMALL);
    writeFileSync(join(folder, "t.regel"), SMALL.replace("t.x@", "t.y@"));
    ws = await startLsp(folder);
  }, 240_000);

  afterAll(async () => {
    expect(await ws?.close()).toBe(0);
    rmSync(folder, { recursive: true, force: true });
  });

  it("close and reopen without a pause: the reopened text wins over the disk text the close reads", async () => {
    const path = join(folder, "t.regel");
    const disk = readFileSync(path, "utf8");
    expect(await ws.open(path)).toEqual([]);
    const edited = disk.replace(
      "require name is present",
      'require "ab" = nme',
    );
    const reopened = ws.closeDocument(path).then(() => ws.open(path, edited));
    await reopened;
    await settle();
    expect(
      ws.latest(path)!.map((d) => String(d.message).split("\n")[0]),
    ).toContain("unknown field `nme` on entity `P`");
    const refs = await ws.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uri(path) },
      position: positionOf(edited, "field name", 6),
      context: { includeDeclaration: true },
    });
    // Not line 17: in the open text that is `"ab" = nme`.
    expect(lines(path, refs)).toEqual(["8", "19"]);
  });

  it("an open unsaved file that declares the version a file on disk declares: REG210 as `regel check` gives it, and references and rename read the open text", async () => {
    const path = join(folder, "b.regel");
    const diagnostics = await ws.open(path, SMALL);
    expect(
      diagnostics.map((d) => [d.code, String(d.message).split("\n")[0]]),
    ).toEqual([
      [
        "REG210",
        "ruleset t.x@1.0.0 is declared in two files; give this version a new number",
      ],
    ]);
    const name = {
      textDocument: { uri: uri(path) },
      position: positionOf(SMALL, "field name", 6),
    };
    const refs = await ws.connection.sendRequest(ReferencesRequest.type, {
      ...name,
      context: { includeDeclaration: true },
    });
    expect(lines(path, refs)).toEqual(["8", "17", "19"]);
    const edit = await ws.connection.sendRequest(RenameRequest.type, {
      ...name,
      newName: "naam",
    });
    expect(Object.keys(edit!.changes!)).toEqual([uri(path)]);
    expect(
      edit!
        .changes![uri(path)].map((e) => e.range.start.line + 1)
        .sort((a, b) => a - b),
    ).toEqual([8, 17, 19]);
  });

  it("the file an open file extends is deleted: the open file is checked again (REG211)", async () => {
    const parent = join(folder, "parent.regel");
    const child = join(folder, "child.regel");
    writeFileSync(parent, SMALL.replace("t.x@", "t.p@"));
    writeFileSync(child, 'ruleset t.c@1.0.0 "C"\n  extends t.p@1.0.0\n');
    const changed = (path: string, type: FileChangeType) =>
      ws.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: uri(path), type }],
      });
    await changed(parent, FileChangeType.Created);
    await changed(child, FileChangeType.Created);
    await settle();
    expect(await ws.open(child)).toEqual([]);
    rmSync(parent);
    await changed(parent, FileChangeType.Deleted);
    await settle();
    expect(ws.latest(child)!.map((d) => d.code)).toEqual(["REG211"]);
  });
});
