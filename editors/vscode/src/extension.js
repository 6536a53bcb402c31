// @ts-check
/**
 * The regel extension for VS Code: the language (grammar, brackets, comments, folding) comes
 * from package.json; this client starts the language server, `regel lsp --stdio`, for `.regel`
 * files. Bundled with vscode-languageclient into dist/extension.js by `npm run vsix`.
 */
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/**
 * The server to start: the `regel.server.path` setting, else the workspace's own regel
 * (node_modules/.bin), else `regel` on the PATH. A `.js` path is run with Node.
 *
 * @returns {import("vscode-languageclient/node").ServerOptions}
 */
function serverOptions() {
  const setting = vscode.workspace
    .getConfiguration("regel")
    .get("server.path", "")
    .trim();
  let command = setting;
  if (command === "") {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const local =
      folder === undefined
        ? undefined
        : join(
            folder,
            "node_modules",
            ".bin",
            process.platform === "win32" ? "regel.cmd" : "regel",
          );
    command = local !== undefined && existsSync(local) ? local : "regel";
  }
  if (command.endsWith(".js"))
    return { module: command, args: ["lsp"], transport: TransportKind.stdio };
  return {
    command,
    args: ["lsp", "--stdio"],
    transport: TransportKind.stdio,
    options: { shell: process.platform === "win32" },
  };
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  client = new LanguageClient(
    "regel",
    "regel",
    serverOptions(),
    {
      documentSelector: [{ scheme: "file", language: "regel" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.regel"),
      },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("regel.server.path")) {
        await client?.stop();
        client = new LanguageClient(
          "regel",
          "regel",
          serverOptions(),
          client?.clientOptions ?? {},
        );
        await client.start();
      }
    }),
  );
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
