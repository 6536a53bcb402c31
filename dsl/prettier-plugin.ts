/**
 * A prettier 3 plugin for `.regel` files: `prettier --write rulesets/` formats them exactly as
 * `regel fmt` does (same printer, same bytes).
 *
 * Comments stay off prettier's path: the root node has no `comments` property, so prettier never
 * tries to attach them; {@link print} places every comment itself.
 *
 * @module
 */
import {
  doc,
  type AstPath,
  type Doc,
  type Parser,
  type Plugin,
  type Printer,
  type SupportLanguage,
} from "prettier";
import { readFileSync } from "node:fs";
import { formatDiagnostic, type Diagnostic } from "./diagnostics.js";
import { parse } from "./parser.js";
import { print } from "./printer.js";
import { decodeSource } from "./source-text.js";
import type { RegelFile } from "./ast.js";

/** The single node prettier sees: the whole file. */
export interface RegelRoot {
  type: "regel-root";
  file: RegelFile;
  /** The source text, so that comments are placed exactly. */
  text: string;
  start: number;
  end: number;
}

/** A parse error in the shape prettier reports (message plus a location for its code frame). */
class RegelSyntaxError extends Error {
  readonly loc: {
    start: { line: number; column: number };
    end: { line: number; column: number };
  };
  constructor(message: string, loc: RegelSyntaxError["loc"]) {
    super(message);
    this.name = "RegelSyntaxError";
    this.loc = loc;
  }
}

const languages: SupportLanguage[] = [
  {
    name: "regel",
    parsers: ["regel"],
    extensions: [".regel"],
    vscodeLanguageIds: ["regel"],
  },
];

/**
 * Prettier decodes files as UTF-8 itself and would write U+FFFD over bytes that are not UTF-8:
 * when the text holds U+FFFD, the file on disk is checked (REG105), so that it is never written.
 */
function notUtf8(text: string, filepath: string | undefined): Diagnostic[] {
  if (filepath === undefined || !text.includes("\uFFFD")) return [];
  let bytes: Buffer;
  try {
    bytes = readFileSync(filepath);
  } catch {
    return [];
  }
  return decodeSource(bytes, filepath).diagnostics;
}

const parser: Parser<RegelRoot> = {
  astFormat: "regel",
  parse(text, options) {
    const path = options.filepath ?? "<input>";
    const { file, diagnostics } = parse(text, path);
    const errors = [
      ...notUtf8(text, options.filepath),
      ...diagnostics.filter((d) => d.severity === "error"),
    ];
    if (errors.length > 0) {
      const first = errors[0].span;
      throw new RegelSyntaxError(
        errors.map((d) => formatDiagnostic(d, undefined)).join("\n"),
        {
          start: { line: first.start.line, column: first.start.column },
          end: { line: first.end.line, column: first.end.column },
        },
      );
    }
    return { type: "regel-root", file, text, start: 0, end: text.length };
  },
  locStart: (node) => node.start,
  locEnd: (node) => node.end,
};

const printer: Printer<RegelRoot> = {
  print(path: AstPath<RegelRoot>): Doc {
    const node = path.node;
    // `print` ends with a newline, so the last piece is "" and the hardlines give back the same bytes.
    return doc.builders.join(
      doc.builders.hardline,
      print(node.file, node.text).split("\n"),
    );
  },
};

/** The plugin object: `plugins: ["./dist/dsl/prettier-plugin.js"]` in a prettier config. */
const plugin: Plugin<RegelRoot> = {
  languages,
  parsers: { regel: parser },
  printers: { regel: printer },
};

export default plugin;
export { languages, parser, printer };
