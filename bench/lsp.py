"""Language server figures: how soon diagnostics follow an edit, and how much memory it takes.

    PYTHONPATH=compiler python3 bench/lsp.py [--edits 40] [--open 49] [--json]

Drives a real `xspec lsp` over stdio, as an editor does, and prints:
- the median, 90th percentile and worst time from sending a change of a 1,000-line
  spec to receiving its diagnostics (targets: median under 50 ms);
- the same for edits that break and mend the spec (syntax errors cost a second parse);
- a burst of keystrokes sent back to back: time from the last one to its diagnostics;
- hover, completion and definition round trips on the big spec;
- the server's resident memory with 50 specs open (target: under 150 MB).
Figures only: nothing here asserts a time (tests/lsp/ checks behaviour).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
IMAGE = ("docker.io/library/python:3.11.9-slim@sha256:"
         "8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317")


# ---- inputs ---------------------------------------------------------------------------

def _experiment(i: int) -> list[str]:
    return [
        f"# Experiment {i}: a grid over the learning rate and batch size.",
        f"experiment exp{i} {{",
        f'  description = "Model {i}: lr x batch size, 3 seeds each"',
        f"  env         = torch{i % 5}",
        f"  data        = [data{i % 7}]",
        f"  seed        = {1000 + i}",
        "  replicates  = 3",
        "  determinism = det.pytorch_strict",
        "",
        '  param lr: float in [1e-5, 1.0] = 0.1          "Peak learning rate"',
        '  param batch_size: int in {64, 128, 256} = 128 "Mini-batch size"',
        '  param optimizer: enum("sgd", "adamw") = "sgd"',
        "  param epochs: int in [1, 400] = 90",
        "",
        "  sweep grid {",
        "    lr         = [0.05, 0.1, 0.2]",
        "    batch_size = [128, 256]",
        "  }",
        "",
        "  resources {",
        "    cpus     = 8",
        "    gpus     = 1",
        "    memory   = 32GiB",
        "    time     = 4h",
        "  }",
        "",
        '  run = ["python", "train.py", "--lr", lr, "--batch-size", batch_size,',
        '         "--optimizer", optimizer, "--epochs", epochs, "--seed", seed,',
        f'         "--data", data{i % 7}.path, "--out", "results/${{job_index}}"]',
        '  outputs = ["results/${job_index}/metrics.json"]',
        "",
        '  target slurm { partition = "gpu", account = "ml-lab", max_parallel = 4 }',
        "}",
        "",
    ]


def _shared_blocks() -> list[str]:
    lines = ["xspec 1", "", "# A generated 1,000-line spec for the language server bench.", "",
             'import "std/determinism" as det', ""]
    for i in range(7):
        lines += [f"data data{i} {{", f'  url     = "https://example.org/data{i}.tar.gz"',
                  f'  sha256  = "{i:x}' + "0" * 63 + '"', f'  version = "{i}"', "}", ""]
    for i in range(5):
        lines += [f"env torch{i} {{", '  python   = "3.11.9"', f'  image    = "{IMAGE}"',
                  '  packages = { torch = "==2.3.1", numpy = "==1.26.4" }', "}", ""]
    return lines


def whole_experiments_spec(lines: int = 1000) -> str:
    """About ``lines`` lines, ending on a whole experiment."""
    out, i = _shared_blocks(), 0
    while len(out) + 34 <= lines:
        out += _experiment(i)
        i += 1
    while len(out) < lines:
        out.append("# padding")
    return "\n".join(out) + "\n"


# ---- a client that remembers when diagnostics arrived --------------------------------------

class BenchClient(LanguageClient):
    def __init__(self):
        super().__init__("xspec-bench", "1")
        self.arrivals: dict[tuple[str, int | None], float] = {}
        self.latest: dict[str, lsp.PublishDiagnosticsParams] = {}
        self.changed = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams):
            self.arrivals[(params.uri, params.version)] = time.perf_counter()
            self.latest[params.uri] = params
            self.changed.set()

    async def wait_for(self, uri: str, version: int | None, limit: float = 60.0) -> float:
        deadline = time.perf_counter() + limit
        while (uri, version) not in self.arrivals:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.001, deadline - time.perf_counter()))
        return self.arrivals[(uri, version)]


async def start(root: Path) -> tuple[BenchClient, float]:
    client = BenchClient()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "compiler"),
                                                                  os.environ.get("PYTHONPATH")])))
    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "xspec", "lsp", env=env)
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri()))
    client.initialized(lsp.InitializedParams())
    return client, time.perf_counter() - began


def open_doc(client: BenchClient, path: Path, text: str) -> str:
    uri = path.resolve().as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="xspec", version=1, text=text)))
    return uri


def change(client: BenchClient, uri: str, version: int, text: str, old: str, new: str) -> str:
    """Send one incremental edit replacing the first ``old``; return the new text."""
    start = text.index(old)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    rng = lsp.Range(lsp.Position(line, column), lsp.Position(line, column + len(old)))
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangePartial(range=rng, text=new)]))
    return text[:start] + new + text[start + len(old):]


# ---- measurements ---------------------------------------------------------------------------

def typing_edits() -> list[tuple[str, str]]:
    """Type a digit into a seed and delete it again, near the top, middle and end of the
    spec: each edit changes the length of the text, as typing does."""
    pairs = []
    for n in (1, 13, 26):
        seed = f"seed        = {1000 + n}"
        pairs += [(seed, seed + "7"), (seed + "7", seed)]
    return pairs


async def edit_latencies(client, uri, text, version, edits: int, pairs):
    """Cycle through ``pairs`` of (old, new) edits; seconds from each send to its diagnostics."""
    times = []
    for n in range(edits):
        old, new = pairs[n % len(pairs)]
        version += 1
        sent = time.perf_counter()
        text = change(client, uri, version, text, old, new)
        times.append(await client.wait_for(uri, version) - sent)
    return times, text, version


async def bursts(client, uri, text, version, keys: str, count: int = 5):
    """Type ``keys`` into a description, one character at a time with no pause, ``count``
    times; seconds from the last key to the diagnostics of the final text, each time."""
    times = []
    for n in range(count):
        anchor = f'"Model {n}: '
        for key in keys:
            version += 1
            text = change(client, uri, version, text, anchor, anchor + key)
            anchor += key
        sent = time.perf_counter()
        times.append(await client.wait_for(uri, version) - sent)
    return times, text, version


async def round_trips(client, uri, text) -> dict[str, float]:
    ident = lsp.TextDocumentIdentifier(uri=uri)
    at = text.index('"--lr", lr') + 9
    line, col = text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1)
    pos = lsp.Position(line, col)
    calls = {
        "hover": lambda: client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=pos)),
        "completion": lambda: client.text_document_completion_async(
            lsp.CompletionParams(text_document=ident, position=pos)),
        "definition": lambda: client.text_document_definition_async(
            lsp.DefinitionParams(text_document=ident, position=pos)),
    }
    found = {}
    for name, call in calls.items():
        times = []
        for _ in range(15):
            began = time.perf_counter()
            await call()
            times.append(time.perf_counter() - began)
        found[name] = statistics.median(times)
    return found


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    to_mb = lambda v: int(v.split()[0]) / 1024  # noqa: E731
    return to_mb(fields["VmRSS"]), to_mb(fields["VmHWM"])


def fifty_specs(folder: Path, count: int) -> list[Path]:
    """``count`` specs: the example specs copied under new names, imports kept working."""
    examples = [p for p in sorted((REPO / "specs").glob("*.xspec")) if p.name != "envs.xspec"]
    shutil.copy(REPO / "specs" / "envs.xspec", folder / "envs.xspec")
    made = []
    for n in range(count):
        source = examples[n % len(examples)]
        target = folder / f"{source.stem}_{n:02d}.xspec"
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        made.append(target)
    return made


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": 1000 * statistics.median(ordered),
            "p90_ms": 1000 * ordered[int(0.9 * (len(ordered) - 1))],
            "max_ms": 1000 * ordered[-1]}


async def run(edits: int, open_count: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="xspec-lsp-bench-"))
    try:
        return await _measure(folder, edits, open_count)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _measure(folder: Path, edits: int, open_count: int) -> dict:
    (folder / "xspec.toml").write_text("")
    client, startup = await start(folder)
    figures: dict = {"startup_ms": 1000 * startup}
    big = folder / "big.xspec"
    text = whole_experiments_spec()
    big.write_text(text)
    began = time.perf_counter()
    uri = open_doc(client, big, text)
    figures["open_1000_lines_ms"] = 1000 * (await client.wait_for(uri, 1) - began)
    figures["lines"] = text.count("\n")
    figures["diagnostics_on_big_spec"] = len(client.latest[uri].diagnostics)
    times, text, version = await edit_latencies(client, uri, text, 1, edits, typing_edits())
    figures["change_to_diagnostics"] = summary(times)
    broken = [("cpus     = 8", "cpus     = "), ("cpus     = ", "cpus     = 8")]
    more, text, version = await edit_latencies(client, uri, text, version, edits, broken)
    figures["break_and_mend_to_diagnostics"] = summary(more)
    burst, text, version = await bursts(client, uri, text, version, "abcdefghijklmnopqrst")
    figures["burst_of_20_keys_last_key_to_diagnostics"] = summary(burst)
    figures["round_trip_median_ms"] = {k: 1000 * v for k, v in (await round_trips(client, uri, text)).items()}
    figures["memory"] = await _memory(client, folder, open_count)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return figures


async def _memory(client, folder: Path, count: int) -> dict:
    pid = client._server.pid
    before, _ = rss_mb(pid)
    uris = [open_doc(client, p, p.read_text(encoding="utf-8")) for p in fifty_specs(folder, count)]
    for uri in uris:
        await client.wait_for(uri, 1)
    now, peak = rss_mb(pid)
    return {"open_specs": count + 1, "rss_before_mb": before, "rss_mb": now, "peak_rss_mb": peak}


def _print(figures: dict) -> None:
    print(f"xspec lsp bench ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    for key, value in figures.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items())
            print(f"  {key}: {shown}")
        else:
            print(f"  {key}: {value:.1f}" if isinstance(value, float) else f"  {key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40, help="edits per measured series")
    parser.add_argument("--open", type=int, default=49, help="specs to open besides the big one")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    figures = asyncio.run(run(args.edits, args.open))
    print(json.dumps(figures, indent=2) if args.json else "", end="")
    if not args.json:
        _print(figures)


if __name__ == "__main__":
    main()
