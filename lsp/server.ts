/**
 * `regel lsp`: the language server, wired to a connection (stdio when started with `--stdio`).
 * Each request is answered by the module of its feature; this file only connects them to the
 * workspace store (`lsp/workspace.ts`) and the protocol. A failing request is logged and
 * answered with nothing, never with a crashed server.
 *
 * @module
 */
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { quickFixes } from "./code-actions.js";
import { completionsAt } from "./completion.js";
import { diagnosticsFor } from "./diagnostics.js";
import { formatDocument } from "./formatting.js";
import { hoverAt } from "./hover.js";
import { definitionAt, referencesAt } from "./navigation.js";
import { pathToUri, uriToPath } from "./positions.js";
import { prepareRenameAt, renameAt } from "./rename.js";
import { documentSymbols } from "./symbols.js";
import { Workspace } from "./workspace.js";

/** Start the server on the connection the command line names (`--stdio`, `--node-ipc`, ...). */
export function startServer(
  connection: Connection = createConnection(ProposedFeatures.all),
): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();

  /** Run a request handler; on an internal error log it and answer `fallback`. */
  const guard =
    <A extends unknown[], R, F>(fallback: F, handler: (...args: A) => R) =>
    (...args: A): R | F => {
      try {
        return handler(...args);
      } catch (e) {
        connection.console.error(
          `regel lsp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        return fallback;
      }
    };

  /** The files each open file's diagnostics were last read from: its chain and duplicates. */
  const readFrom = new Map<string, Set<string>>();
  /**
   * Send the diagnostics of every open file whose chain or duplicates include `changed`, now or
   * when they were last sent (a deleted parent, a header that changed its version).
   */
  const validate = guard(undefined, (changed: string | undefined): void => {
    for (const path of workspace.openFiles()) {
      const sources = new Set([
        ...workspace.chain(path),
        ...workspace.duplicatesOf(path),
      ]);
      const before = readFrom.get(path);
      if (
        changed !== undefined &&
        !sources.has(changed) &&
        !(before?.has(changed) ?? false)
      )
        continue;
      readFrom.set(path, sources);
      connection.sendDiagnostics({
        uri: pathToUri(path),
        diagnostics: diagnosticsFor(workspace, path),
      });
    }
  });

  /** The path and cursor offset of a request. */
  const at = (uri: string, position: { line: number; character: number }) => {
    if (!uri.startsWith("file:")) return undefined;
    const path = uriToPath(uri);
    const document = workspace.document(path);
    return document === undefined
      ? undefined
      : { path, offset: document.offsetAt(position), text: document.getText() };
  };

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const roots = (params.workspaceFolders ?? [])
      .map((f) => f.uri)
      .concat(
        params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [],
      )
      .filter((uri) => uri.startsWith("file:"))
      .map(uriToPath);
    try {
      await workspace.scan(roots);
    } catch (e) {
      connection.console.error(
        `regel lsp: cannot read the workspace: ${String(e)}`,
      );
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: [".", '"', " "] },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: "regel" },
    };
  });

  documents.onDidChangeContent((change) => {
    // Only files take part in a workspace of rulesets (not an unsaved `untitled:` buffer).
    if (!change.document.uri.startsWith("file:")) return;
    const path = uriToPath(change.document.uri);
    workspace.open(path, change.document.getText());
    validate(path);
  });
  documents.onDidClose(async (event) => {
    if (!event.document.uri.startsWith("file:")) return;
    const path = uriToPath(event.document.uri);
    await workspace.close(path);
    // Opened again while the disk was read: its fresh diagnostics stay.
    if (!workspace.isOpen(path)) {
      readFrom.delete(path);
      connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    }
    validate(path);
  });
  connection.onDidChangeWatchedFiles(async (params) => {
    for (const change of params.changes) {
      const path = uriToPath(change.uri);
      if (workspace.isOpen(path) || !path.endsWith(".regel")) continue;
      await workspace.close(path);
      validate(path);
    }
  });

  connection.onHover(
    guard(null, (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return null;
      return (
        hoverAt(workspace.analyseFile(here.path), here.path, here.offset) ??
        null
      );
    }),
  );
  connection.onDefinition(
    guard([], (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return [];
      return definitionAt(
        workspace.analyseFile(here.path),
        here.path,
        here.offset,
      );
    }),
  );
  connection.onReferences(
    guard([], (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return [];
      return referencesAt(
        workspace.analyseFile(here.path),
        workspace.analyseAllFor(here.path),
        here.path,
        here.offset,
        p.context.includeDeclaration,
      );
    }),
  );
  connection.onCompletion(
    guard([], (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return [];
      return completionsAt(
        workspace.analyseFile(here.path),
        here.path,
        here.text,
        here.offset,
      );
    }),
  );
  connection.onDocumentSymbol(
    guard([], (p) => {
      const parsed = workspace.parse(uriToPath(p.textDocument.uri));
      return parsed === undefined ? [] : documentSymbols(parsed.file);
    }),
  );
  connection.onDocumentFormatting(
    guard([], (p) => {
      const path = uriToPath(p.textDocument.uri);
      const document = workspace.document(path);
      return document === undefined ? [] : formatDocument(document, path);
    }),
  );
  connection.onPrepareRename(
    guard(null, (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return null;
      return prepareRenameAt(
        workspace.analyseFile(here.path),
        here.path,
        here.offset,
      );
    }),
  );
  connection.onRenameRequest(
    guard(null, (p) => {
      const here = at(p.textDocument.uri, p.position);
      if (here === undefined) return null;
      return renameAt(
        workspace.analyseFile(here.path),
        workspace.analyseAllFor(here.path),
        here.path,
        here.offset,
        p.newName,
      );
    }),
  );
  connection.onCodeAction(
    guard([], (p) => quickFixes(p.textDocument.uri, p.context.diagnostics)),
  );

  documents.listen(connection);
  connection.listen();
}
