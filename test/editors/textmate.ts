/**
 * The extension's TextMate grammar (editors/vscode/syntaxes/regel.tmLanguage.json) loaded as VS
 * Code loads it: `vscode-textmate` with the Oniguruma regular expressions of `vscode-oniguruma`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { ROOT } from "../source-folders.js";

export const GRAMMAR = join(
  ROOT,
  "editors",
  "vscode",
  "syntaxes",
  "regel.tmLanguage.json",
);

/** One token of a line: its text and its scopes, outermost first. */
export interface Token {
  line: number;
  text: string;
  scopes: string[];
}

let grammar: Promise<vsctm.IGrammar> | undefined;

async function load(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(
    createRequire(import.meta.url).resolve(
      "vscode-oniguruma/release/onig.wasm",
    ),
  );
  await oniguruma.loadWASM(
    wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength),
  );
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) =>
        new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.regel"
        ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR)
        : null,
  });
  const loaded = await registry.loadGrammar("source.regel");
  if (loaded === null) throw new Error("the grammar source.regel did not load");
  return loaded;
}

/** The tokens of `text`, line by line (the grammar's state carried from line to line). */
export async function tokenize(text: string): Promise<Token[]> {
  grammar ??= load();
  const g = await grammar;
  const out: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const result = g.tokenizeLine(line, state);
    for (const t of result.tokens)
      out.push({
        line: i + 1,
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      });
    state = result.ruleStack;
  });
  return out;
}
