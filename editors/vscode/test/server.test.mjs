// The launch settings, tested without VS Code (src/server.ts compiled to out/server.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { serverLaunch, initializationOptions, DEFAULT_COMMAND } = require("../out/server.js");

test("the default command is `xspec lsp`", () => {
  const launch = serverLaunch({}, { PATH: "/usr/bin" });
  assert.deepEqual([launch.command, ...launch.args], DEFAULT_COMMAND);
  assert.equal(launch.env.PATH, "/usr/bin");
});

test("a configured command and environment are used", () => {
  const launch = serverLaunch(
    { command: ["python3", "-m", "xspec", "lsp"], env: { PYTHONPATH: "compiler" } },
    { PATH: "/usr/bin" },
  );
  assert.equal(launch.command, "python3");
  assert.deepEqual(launch.args, ["-m", "xspec", "lsp"]);
  assert.equal(launch.env.PYTHONPATH, "compiler");
});

test("a malformed command falls back to the default", () => {
  for (const bad of ["xspec lsp", [], ["xspec", 3], [""]]) {
    const launch = serverLaunch({ command: bad }, {});
    assert.deepEqual([launch.command, ...launch.args], DEFAULT_COMMAND);
  }
});

test("the docs URL is passed only when set", () => {
  assert.deepEqual(initializationOptions({ docsUrl: " https://example.org/docs " }), { docsUrl: "https://example.org/docs" });
  assert.deepEqual(initializationOptions({ docsUrl: "" }), {});
});
