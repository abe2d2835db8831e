// The grammar on every real spec in the repository: specs/, stdlib/ and the language
// server's fixture project. Assertions that hold for any valid spec, so the test keeps
// working as the examples change:
// - no token is scoped `invalid`, and every line ends back at the top-level rule stack
//   (strings and comments never spill onto the next line);
// - a line that starts with `#` is a comment from there to its end;
// - the header, block names, param names and field keys get their scopes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const grammarPath = join(here, "..", "syntaxes", "xspec.tmLanguage.json");

function specsUnder(folder) {
  const found = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...specsUnder(path));
    else if (name.endsWith(".xspec")) found.push(path);
  }
  return found;
}

async function loadGrammar() {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
  });
  return registry.loadGrammar("source.xspec");
}

function tokenizeLines(grammar, text) {
  const lines = text.split("\n");
  let stack = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return { line, tokens: result.tokens, depth: stackDepth(stack) };
  });
}

function stackDepth(stack) {
  let depth = 0;
  for (let s = stack; s; s = s.parent) depth++;
  return depth;
}

function scopesAt(tokens, column) {
  const token = tokens.find((t) => t.startIndex <= column && column < t.endIndex);
  return token ? token.scopes : [];
}

function checkLine({ line, tokens, depth }, where) {
  for (const token of tokens) {
    assert.ok(!token.scopes.some((s) => s.includes("invalid")), `${where}: invalid scope ${token.scopes}`);
  }
  assert.equal(depth, stackDepth(textmate.INITIAL), `${where}: a rule is still open at the end of the line`);
  const comment = line.search(/^\s*#/) === 0 ? line.indexOf("#") : -1;
  for (let column = Math.max(comment, 0); comment >= 0 && column < line.length; column++) {
    assert.ok(scopesAt(tokens, column).includes("comment.line.number-sign.xspec"), `${where}:${column + 1}: not a comment`);
  }
  expectScope(line, tokens, /^\s*(xspec)\s+\d+/, "keyword.other.header.xspec", where);
  expectScope(line, tokens, /^(?:data|env|experiment|profile|preset|variant)\s+([A-Za-z_][\w-]*)/, "entity.name.type.xspec", where);
  expectScope(line, tokens, /\bparam\s+([A-Za-z_][\w-]*)\s*:/, "variable.parameter.xspec", where);
  expectScope(line, tokens, /^\s*([A-Za-z_][\w-]*)\s*=[^=]/, "variable.other.property.xspec", where);
}

function expectScope(line, tokens, pattern, scope, where) {
  const match = pattern.exec(line);
  if (!match) return;
  const column = match.index + match[0].indexOf(match[1]);
  assert.ok(scopesAt(tokens, column).includes(scope), `${where}:${column + 1}: expected ${scope} on ${match[1]}`);
}

const files = ["specs", "stdlib", join("fixtures", "lsp", "project")].flatMap((f) => specsUnder(join(repo, f)));

test("there are real specs to check", () => {
  assert.ok(files.length >= 8, `only ${files.length} specs found under ${repo}`);
});

test("every real spec tokenizes cleanly", async () => {
  const grammar = await loadGrammar();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    tokenizeLines(grammar, text).forEach((line, index) => checkLine(line, `${relative(repo, file)}:${index + 1}`));
  }
});
