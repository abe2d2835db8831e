// The xspec extension: highlighting comes from the grammar in syntaxes/; everything else
// (diagnostics, hover, completion, definitions, formatting, fixes) from `xspec lsp`.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

import { initializationOptions, serverLaunch, ServerSettings } from "./server";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("xspec.restartServer", () => restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("xspec.server") || event.affectsConfiguration("xspec.docsUrl")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

function settings(): ServerSettings {
  const config = vscode.workspace.getConfiguration("xspec");
  return { command: config.get("server.command"), env: config.get("server.env"), docsUrl: config.get("docsUrl") };
}

async function start(): Promise<void> {
  const current = settings();
  const launch = serverLaunch(current, process.env);
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    transport: TransportKind.stdio,
    options: { env: launch.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "xspec" }],
    initializationOptions: initializationOptions(current),
  };
  client = new LanguageClient("xspec", "xspec language server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const shown = launch.command + " " + launch.args.join(" ");
    void vscode.window.showErrorMessage(
      `xspec: could not start \`${shown}\` (${error}). Install xspec with \`pip install xspec\` ` +
        "or set `xspec.server.command`.",
    );
  }
}

async function stop(): Promise<void> {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
