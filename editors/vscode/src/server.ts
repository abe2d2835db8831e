// How the language server is started, from the extension's settings. Kept free of the
// `vscode` module so that it can be tested with plain Node (test/server.test.mjs).

export interface ServerSettings {
  command?: unknown;
  env?: unknown;
  docsUrl?: unknown;
}

export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export const DEFAULT_COMMAND = ["xspec", "lsp"];

/** The executable and its arguments; a bad setting falls back to `xspec lsp`. */
export function serverLaunch(settings: ServerSettings, baseEnv: NodeJS.ProcessEnv): ServerLaunch {
  const command = validCommand(settings.command) ?? DEFAULT_COMMAND;
  return { command: command[0], args: command.slice(1), env: mergedEnv(baseEnv, settings.env) };
}

function validCommand(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    return undefined;
  }
  const words = value.filter((word): word is string => typeof word === "string" && word.trim() !== "");
  return words.length === value.length ? words : undefined;
}

function mergedEnv(base: NodeJS.ProcessEnv, extra: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[key] = value;
    }
  }
  if (extra && typeof extra === "object") {
    for (const [key, value] of Object.entries(extra as Record<string, unknown>)) {
      if (typeof value === "string") {
        env[key] = value;
      }
    }
  }
  return env;
}

/** What the server reads at `initialize` (see xspec/lsp/server.py). */
export function initializationOptions(settings: ServerSettings): Record<string, string> {
  const url = typeof settings.docsUrl === "string" ? settings.docsUrl.trim() : "";
  return url ? { docsUrl: url } : {};
}
