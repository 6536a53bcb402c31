/**
 * The prelude: what a generated module declares before its own code, so that it imports nothing.
 * It is put together per module from two kinds of real, type-checked TypeScript source:
 *
 * - the contract types: every exported type of compiler/contract.ts except `CompiledRuleset`,
 *   copied verbatim (doc comments included), so a module's types cannot drift from the contract;
 * - the runtime helpers in compiler/helpers/*.ts, one file per family (days, decoding, decimals,
 *   working days, IBAN...). A module gets only the helpers its code references and, transitively,
 *   the helpers those reference (ajv's `useFunc`, done on the syntax tree: see
 *   {@link referencedNames}), each copied without its `export` keyword.
 *
 * The source files are read as text (nothing is evaluated) from the regel package itself, so
 * `regel compile` gives the same output from any working directory. Every helper name starts with
 * `$`, which ruleset names cannot, so generated names never collide with it. Values follow
 * compiler/contract.ts: dates are days since 1970-01-01, datetimes milliseconds since the epoch,
 * decimals bigint unscaled at the field's scale.
 *
 * A helper file may import only other helper files and types from `../contract.js`; a package it
 * imports may only be used by an embedded table ({@link EMBEDDED}): a constant computed when the
 * compiler runs and written into the module as a literal.
 *
 * Adding a helper: export a `$`-named function (or constant or type) from the file of its family
 * (a new file goes into {@link HELPER_FILES}), importing what it uses from the other helper files,
 * and call it by name in the code an emitter builds; nothing else records it. The helper files are
 * formatted as generated code is (printWidth 110, `.prettierrc.json`), so the inlined text reads
 * the same, and are ASCII (`\u00e9` in strings and regular expressions, plain comments), so that
 * a compiled `validators.js` is ASCII (test/compiler/ascii.test.ts).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import { join as joinCode, lit, text, ts as code, type Code } from "./code.js";
import { $COUNTRIES } from "./helpers/country.js";
import { $IBAN_SPECS } from "./helpers/iban.js";

/**
 * The helper files, in the order their declarations appear in a module (basic families first).
 * Every `.ts` file of compiler/helpers is listed here (test/compiler/prelude.test.ts).
 */
export const HELPER_FILES: readonly string[] = [
  "days",
  "text",
  "decode",
  "render",
  "compare",
  "decimal",
  "date-arithmetic",
  "records",
  "combination",
  "findings",
  "workdays",
  "parameters",
  "tables",
  "iban",
  "bsn",
  "identifiers",
  "postcode",
  "country",
  "normalize",
];

/** Contract types that are not part of a module: `CompiledRuleset` is the module's own shape. */
const NOT_IN_MODULES = new Set(["CompiledRuleset"]);

/**
 * Tables computed when the compiler runs (from the same values the helper modules hold, so a test
 * that imports a helper sees the table a module embeds) and written as literals.
 */
const EMBEDDED: Readonly<Record<string, () => Code>> = {
  $IBAN_SPECS: () =>
    code`new Map<string, readonly [number, RegExp]>([
  ${joinCode(
    [...$IBAN_SPECS].map(
      ([cc, [chars, re]]) =>
        code`[${cc}, [${chars}, new RegExp(${re.source})]]`,
    ),
    ",\n",
  )}
])`,
  $COUNTRIES: () => code`new Set<string>(${lit([...$COUNTRIES])})`,
};

/** One top-level declaration of the contract or of a helper file. */
export interface PreludeDeclaration {
  name: string;
  /** The helper file (without `.ts`), or `contract`. */
  file: string;
  /** The declaration as a module declares it (leading doc comment included, helpers without `export`). */
  text: string;
  /** A blank line goes before it (as in its source file). */
  blankBefore: boolean;
  /** The helpers it references (not itself). */
  uses: readonly string[];
}

export interface PreludeLibrary {
  /** The contract types, in the order of compiler/contract.ts. */
  types: readonly PreludeDeclaration[];
  /** The helpers by name, in module order ({@link HELPER_FILES}, then source order). */
  helpers: ReadonlyMap<string, PreludeDeclaration>;
}

/**
 * The regel package root (the nearest folder with a `package.json` above this file, run from
 * source or from `dist/`), which holds the `compiler/` sources.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(dir, "package.json")); i++)
    dir = dirname(dir);
  if (!existsSync(join(dir, "compiler", "helpers", "days.ts")))
    throw new Error(
      `the compiler's helper sources (compiler/helpers/*.ts) are missing from the regel package at ${dir}; reinstall it`,
    );
  return dir;
}

/** A name that is read as a value or a type here, not the name of a property. */
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (parent === undefined) return true;
  if (
    (ts.isPropertyAccessExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isQualifiedName(parent)) &&
    (parent as { name?: ts.Node }).name === node
  )
    return false;
  return true;
}

/**
 * The identifiers `node` reads (values and types), property names excluded. Strings and comments
 * are not identifiers, so ruleset text in them never counts as a use.
 */
export function referencedNames(
  node: ts.Node,
  into = new Set<string>(),
): Set<string> {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      if (isReference(n)) into.add(n.text);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return into;
}

/** The declared name of a top-level statement, or undefined for anything else. */
function declaredName(statement: ts.Statement): string | undefined {
  if (
    (ts.isFunctionDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement)) &&
    statement.name !== undefined
  )
    return statement.name.text;
  if (ts.isVariableStatement(statement)) {
    const list = statement.declarationList.declarations;
    if (list.length === 1 && ts.isIdentifier(list[0].name))
      return list[0].name.text;
  }
  return undefined;
}

function exportKeyword(statement: ts.Statement): ts.Node | undefined {
  return ts.canHaveModifiers(statement)
    ? ts
        .getModifiers(statement)
        ?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    : undefined;
}

interface SourceDeclaration {
  name: string;
  statement: ts.Statement;
  text: string;
  blankBefore: boolean;
}

/**
 * Where a declaration starts, with its doc comment: the `/** ... *\/` right before it, unless that
 * is the file's `@module` header.
 */
function docStart(
  source: string,
  statement: ts.Statement,
  sf: ts.SourceFile,
): number {
  const start = statement.getStart(sf, false);
  const comments = ts.getLeadingCommentRanges(source, statement.pos) ?? [];
  const last = comments[comments.length - 1];
  if (last === undefined) return start;
  const comment = source.slice(last.pos, last.end);
  return comment.startsWith("/**") &&
    !/@module\b/.test(comment) &&
    source.slice(last.end, start).trim() === ""
    ? last.pos
    : start;
}

/** The top-level declarations of a source file, and its imports. */
function readDeclarations(
  file: string,
  source: string,
): { declarations: SourceDeclaration[]; imports: ts.ImportDeclaration[] } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const declarations: SourceDeclaration[] = [];
  const imports: ts.ImportDeclaration[] = [];
  let previousEnd = -1;
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement)) {
      imports.push(statement);
      continue;
    }
    const name = declaredName(statement);
    if (name === undefined || exportKeyword(statement) === undefined)
      throw new Error(
        `${file}: every top-level statement must be one exported declaration`,
      );
    const start = docStart(source, statement, sf);
    declarations.push({
      name,
      statement,
      text: source.slice(start, statement.end),
      blankBefore:
        previousEnd < 0 ||
        /\n[ \t]*\r?\n/.test(source.slice(previousEnd, start)),
    });
    previousEnd = statement.end;
  }
  return { declarations, imports };
}

/** The declaration's text without its `export` keyword; an embedded table's value as a literal. */
function inlineText(d: SourceDeclaration): string {
  const sf = d.statement.getSourceFile();
  const start = docStart(sf.text, d.statement, sf);
  const keyword = exportKeyword(d.statement)!;
  const from = keyword.getStart(sf) - start;
  const to = keyword.end - start;
  let out = d.text.slice(0, from) + d.text.slice(to).replace(/^\s+/, "");
  const embed = EMBEDDED[d.name];
  if (embed !== undefined) {
    const decl = (d.statement as ts.VariableStatement).declarationList
      .declarations[0];
    if (decl.initializer === undefined)
      throw new Error(`${d.name} has no value to embed`);
    const head = d.text.slice(0, decl.initializer.getStart(sf) - start);
    out = `${head.slice(0, from)}${head.slice(to).replace(/^\s+/, "")}${text(embed())};`;
  }
  return out;
}

function loadLibrary(): PreludeLibrary {
  const root = packageRoot();
  const contractFile = join(root, "compiler", "contract.ts");
  const contract = readDeclarations(
    contractFile,
    readFileSync(contractFile, "utf8"),
  );
  const typeDeclarations = contract.declarations.filter(
    (d) =>
      (ts.isInterfaceDeclaration(d.statement) ||
        ts.isTypeAliasDeclaration(d.statement)) &&
      !NOT_IN_MODULES.has(d.name),
  );
  // What the contract imports serves its functions (e.g. sha256Hex); a type that a module
  // declares cannot use it, since the module imports nothing.
  const imported = new Set(
    contract.imports.flatMap((i) =>
      i.importClause === undefined ? [] : [...referencedNames(i.importClause)],
    ),
  );
  for (const d of typeDeclarations)
    for (const n of referencedNames(d.statement))
      if (imported.has(n))
        throw new Error(
          `compiler/contract.ts: type ${d.name} uses ${n}, which it imports; a generated module could not declare it`,
        );
  const types = typeDeclarations.map((d): PreludeDeclaration => ({
    name: d.name,
    file: "contract",
    text: d.text,
    blankBefore: true,
    uses: [],
  }));

  const read = HELPER_FILES.map((file) => {
    const path = join(root, "compiler", "helpers", `${file}.ts`);
    return {
      file,
      path,
      ...readDeclarations(path, readFileSync(path, "utf8")),
    };
  });
  const names = new Set<string>();
  for (const { path, declarations } of read)
    for (const d of declarations) {
      if (!d.name.startsWith("$") || names.has(d.name))
        throw new Error(
          `${path}: helper \`${d.name}\` must start with \`$\` and be declared once`,
        );
      names.add(d.name);
    }
  for (const name of Object.keys(EMBEDDED))
    if (!names.has(name))
      throw new Error(
        `embedded table ${name} is not declared in compiler/helpers`,
      );

  const helpers = new Map<string, PreludeDeclaration>();
  for (const { file, path, declarations, imports } of read) {
    // What a module cannot have: names from packages, used outside an embedded table.
    const foreign = new Set<string>();
    for (const i of imports) {
      const from = (i.moduleSpecifier as ts.StringLiteral).text;
      const local =
        i.importClause === undefined
          ? new Set<string>()
          : referencedNames(i.importClause);
      if (from === "../contract.js") {
        if (i.importClause?.isTypeOnly !== true)
          throw new Error(`${path}: import only types from ../contract.js`);
      } else if (from.startsWith("./")) {
        for (const n of local)
          if (!names.has(n))
            throw new Error(`${path}: ${n} from ${from} is not a helper`);
      } else for (const n of local) foreign.add(n);
    }
    declarations.forEach((d, index) => {
      const refs = referencedNames(d.statement);
      if (EMBEDDED[d.name] === undefined)
        for (const n of refs)
          if (foreign.has(n))
            throw new Error(
              `${path}: ${d.name} uses ${n}, which a generated module would not have`,
            );
      helpers.set(d.name, {
        name: d.name,
        file,
        text: inlineText(d),
        blankBefore: index === 0 || d.blankBefore,
        uses:
          EMBEDDED[d.name] === undefined
            ? [...refs].filter((n) => names.has(n) && n !== d.name).sort()
            : [],
      });
    });
  }
  return { types, helpers };
}

let library: PreludeLibrary | undefined;

/** The contract types and helpers, read once per process. */
export function preludeLibrary(): PreludeLibrary {
  library ??= loadLibrary();
  return library;
}

/** The names of the types every module declares (taken from compiler/contract.ts). */
export function moduleTypeNames(): string[] {
  return preludeLibrary().types.map((t) => t.name);
}

/** `used` and every helper they reference, transitively, in module order. */
export function helperClosure(used: Iterable<string>): string[] {
  const { helpers } = preludeLibrary();
  const wanted = new Set<string>();
  const pending = [...used].filter((n) => helpers.has(n));
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (wanted.has(name)) continue;
    wanted.add(name);
    pending.push(...helpers.get(name)!.uses);
  }
  return [...helpers.keys()].filter((n) => wanted.has(n));
}

/**
 * The declarations of the prelude of a module whose own code references `used` (names that are
 * not helpers are ignored): the contract types, then the helpers it needs, in module order.
 */
export function preludeDeclarations(
  used: Iterable<string>,
): PreludeDeclaration[] {
  const { types, helpers } = preludeLibrary();
  return [...types, ...helperClosure(used).map((n) => helpers.get(n)!)];
}

/** The prelude of {@link preludeDeclarations} as one unformatted TypeScript text. */
export function preludeSource(used: Iterable<string>): string {
  return preludeDeclarations(used)
    .map((d, i) => `${i > 0 && d.blankBefore ? "\n" : ""}${d.text}`)
    .join("\n");
}
