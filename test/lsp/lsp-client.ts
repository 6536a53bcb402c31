/**
 * A Language Server Protocol client for tests: starts the built `regel lsp --stdio` as a child
 * process and speaks to it over its standard streams with `vscode-languageserver-protocol`, as an
 * editor does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Position,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { MAIN } from "../cli/built-cli.js";

/** A running server and the connection to it. */
export interface LspSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  /** Open `path` with its text (the file's own unless given); resolves with its first diagnostics. */
  open(path: string, text?: string): Promise<Diagnostic[]>;
  /** Replace the whole text of an open document; resolves with the diagnostics that follow. */
  change(path: string, text: string): Promise<Diagnostic[]>;
  /** Close a document (the notification is sent; nothing is waited for). */
  closeDocument(path: string): Promise<void>;
  /** The diagnostics last published for `path`, if any. */
  latest(path: string): Diagnostic[] | undefined;
  /** Shut the server down and wait for it to exit; resolves with its exit code. */
  close(): Promise<number | null>;
}

export const uri = (path: string): string => pathToFileURL(path).href;

/** The position of the `nth` (0-based) occurrence of `needle` in `text`, `shift` characters in. */
export function positionOf(
  text: string,
  needle: string,
  shift = 0,
  nth = 0,
): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`not found: ${needle}`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** Start `regel lsp --stdio` with `folder` as the workspace. */
export async function startLsp(folder: string): Promise<LspSession> {
  const child = spawn(process.execPath, [MAIN, "lsp", "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting = new Map<string, ((d: Diagnostic[]) => void)[]>();
  const published = new Map<string, Diagnostic[]>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, p.diagnostics);
    const list = waiting.get(p.uri);
    const next = list?.shift();
    if (next !== undefined) next(p.diagnostics);
  });
  connection.listen();
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => resolve(code)),
  );
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: uri(folder),
    workspaceFolders: [{ uri: uri(folder), name: "rulesets" }],
    capabilities: {},
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();
  const diagnostics = (path: string) =>
    new Promise<Diagnostic[]>((resolve, reject) => {
      const list = waiting.get(uri(path)) ?? [];
      list.push(resolve);
      waiting.set(uri(path), list);
      setTimeout(
        () => reject(new Error(`no diagnostics for ${path}\n${stderr}`)),
        30_000,
      );
    });
  return {
    connection,
    child,
    async open(path, text) {
      const got = diagnostics(path);
      versions.set(path, 1);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: {
          uri: uri(path),
          languageId: "regel",
          version: 1,
          text: text ?? readFileSync(path, "utf8"),
        },
      });
      return got;
    },
    async change(path, text) {
      const got = diagnostics(path);
      const version = (versions.get(path) ?? 1) + 1;
      versions.set(path, version);
      await connection.sendNotification(
        DidChangeTextDocumentNotification.type,
        {
          textDocument: { uri: uri(path), version },
          contentChanges: [{ text }],
        },
      );
      return got;
    },
    async closeDocument(path) {
      await connection.sendNotification(DidCloseTextDocumentNotification.type, {
        textDocument: { uri: uri(path) },
      });
    },
    latest(path) {
      return published.get(uri(path));
    },
    async close() {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
