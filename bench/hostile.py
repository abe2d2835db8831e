"""Hostile sizes: how long `xspec check` and `xspec fmt` take, and how much memory
they use, on inputs built to be big (issue 18).

    python bench/hostile.py [--only NAME] [--timeout 300]

Each case is one fresh `python -m xspec` process on a generated spec; the figures are
its wall time and its peak resident memory (getrusage). Cases past a documented limit
(docs/language.md, "Limits") show the code they are refused with. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(HERE.parent / "compiler")

HEADER = 'xspec 1\n\nenv py {\n  python = "3.11.7"\n}\n\n'
# The text goes into `run`, where SEC002 looks for secrets (it skips descriptions).
EXPERIMENT = ('experiment e{n} {{\n  description = "experiment {n}"\n  env = py\n'
              '  run = ["python3", "train.py", "{text}"]\n'
              '  seed = {n}\n  param lr: float in [0.001, 0.5] = 0.05 "step size"\n}}\n\n')


def list_spec(count: int) -> str:
    return HEADER + "let big = [" + ", ".join(str(i) for i in range(count)) + "]\n"


def string_spec(chars: int) -> str:
    return HEADER + EXPERIMENT.format(n=0, text="a" * chars)


def big_spec(megabytes: float) -> str:
    """Many ordinary experiments, to ``megabytes`` of text."""
    blocks, size, n = [HEADER], len(HEADER), 0
    while size < megabytes * 1_000_000:
        block = EXPERIMENT.format(n=n, text=f"--run={n}")
        blocks.append(block)
        size += len(block)
        n += 1
    return "".join(blocks)


def variants_spec(megabytes: float) -> str:
    """A spec of experiments to ``megabytes``, then the most variants a file may have
    (64), each overlaying one experiment: every variant is checked as its merged file."""
    variants = "".join(f"variant v{i} {{ experiment e{i} {{ seed = {i} }} }}\n" for i in range(64))
    return big_spec(megabytes - len(variants) / 1_000_000) + variants


def broken_spec(megabytes: float) -> str:
    """One syntax error per top-level item: each is parsed and reported on its own."""
    lines, size, n = [HEADER], len(HEADER), 0
    while size < megabytes * 1_000_000:
        lines.append(f"let a{n} = = {n}\n# a comment to make up the length of a line\n")
        size += len(lines[-1])
        n += 1
    return "".join(lines)


CASES = {
    "list-1M": ("check", lambda: list_spec(1_000_000), "a 1,000,000-element list (over the file limit)"),
    "list-400k": ("check", lambda: list_spec(400_000), "a 400,000-element list"),
    "string-100KB": ("check", lambda: string_spec(100_000), "a 100 KB string literal (SEC002 scans it)"),
    "string-1MB": ("check", lambda: string_spec(1024 * 1024), "a string literal at the 1 MiB limit"),
    "string-10MB": ("check", lambda: string_spec(10_000_000), "a 10 MB string literal"),
    "spec-4MB": ("check", lambda: big_spec(4.1), "a 4 MB spec of experiments (under the file limit)"),
    "spec-50MB": ("check", lambda: big_spec(50), "a 50 MB spec"),
    "variants-4MB": ("check", lambda: variants_spec(4.1), "a 4 MB spec of experiments and 64 variants"),
    "errors-4MB": ("check", lambda: broken_spec(3.9), "a 4 MB spec with a syntax error on every item"),
    "fmt-4MB": ("fmt", lambda: big_spec(4.1), "`fmt --check` of a 4 MB spec"),
    "fmt-20MB": ("fmt", lambda: big_spec(20), "`fmt --check` of a 20 MB spec"),
    "lsp-22MB": ("lsp", lambda: big_spec(22), "`xspec lsp` given a 22 MB document"),
}

LSP_CLIENT = """
import json, os, subprocess, sys
def frame(m):
    body = json.dumps(m).encode()
    return b"Content-Length: %d\\r\\n\\r\\n" % len(body) + body
uri = "file://" + sys.argv[1]
text = open(sys.argv[1]).read()
doc = {"textDocument": {"uri": uri}}
messages = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "xspec", "version": 1, "text": text}}},
    {"jsonrpc": "2.0", "id": 2, "method": "textDocument/semanticTokens/full", "params": doc},
    {"jsonrpc": "2.0", "id": 3, "method": "textDocument/documentSymbol", "params": doc},
    {"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {**doc, "position": {"line": 3, "character": 3}}},
    {"jsonrpc": "2.0", "id": 5, "method": "shutdown"}]
server = subprocess.Popen([sys.executable, "-m", "xspec", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
server.stdin.write(b"".join(frame(m) for m in messages))
server.stdin.flush()
out = b""
while not (b"publishDiagnostics" in out and b'"id": 5' in out):   # every answer, and the diagnostics
    chunk = os.read(server.stdout.fileno(), 1 << 20)
    if not chunk:
        break
    out += chunk
server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
server.stdin.close()
server.wait()
print(" ".join(sorted(set(c for c in ("E020",) if c.encode() in out))) + "  every request answered")
"""


def run(argv: list[str], timeout: float) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MiB, exit status and the last line of output."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        output, _ = child.communicate()
        return time.perf_counter() - start, float("nan"), -1, f"killed after {timeout:.0f} s"
    rss = _children_peak() / 1024   # run alone in its python (see _isolated): this child's
    codes = sorted({w.split("[")[1].split("]")[0] for w in output.decode(errors="replace").split()
                    if w.startswith(("error[", "warning["))})
    last = output.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return time.perf_counter() - start, rss, child.returncode, (" ".join(codes) + "  " + last[0]).strip()


def _children_peak() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "xspec.toml").write_text("")
        for name in args.only or CASES:
            command, make, what = CASES[name]
            spec = folder / f"{name}.xspec"
            spec.write_text(make())
            size = spec.stat().st_size / 1_000_000
            argv = {"check": [sys.executable, "-m", "xspec", "check", "--no-cache", str(spec)],
                    "fmt": [sys.executable, "-m", "xspec", "fmt", "--check", str(spec)],
                    "lsp": [sys.executable, "-c", LSP_CLIENT, str(spec)]}[command]
            seconds, rss, status, said = _isolated(argv, args.timeout)
            print(f"{name:13} {what} ({size:.1f} MB): {seconds:7.2f} s, peak RSS {rss:7.0f} MiB, "
                  f"exit {status}  {said[:100]}", flush=True)
            spec.unlink()


def _isolated(argv: list[str], timeout: float) -> tuple[float, float, int, str]:
    """``run`` in a fresh python, so that the peak RSS is this case's alone."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import hostile; "
            f"print(repr(hostile.run({argv!r}, {timeout!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    return eval(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
