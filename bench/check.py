"""Speed of `xspec check`: cold start, one process, and a 1,000-spec folder.

    python bench/check.py [--count 1000]

Prints figures; asserts nothing. Run with bytecode caching on (the default for an
installed package): PYTHONDONTWRITEBYTECODE is removed from the child environment.

The cold-start figure is a ratio to `python -c "import click"` under the interpreter
that runs this script, so it depends on that interpreter's own start-up: a system
python3 whose site-packages run .pth files (certifi's, here) starts slower than a
bare virtual environment, and the ratio is lower there. Run it with each python you
care about (`.venv/bin/python bench/check.py`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "compiler"))

from corpus import write_corpus  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(HERE.parent / "compiler")


def paired_seconds(first: list[str], second: list[str], runs: int = 31) -> tuple[list[float], list[float]]:
    """Wall times of two commands, run alternately so that drift in the machine's speed
    (other tenants of a shared host) hits both alike."""
    for argv in (first, second):
        subprocess.run(argv, env=ENV, capture_output=True)   # warm the page cache and .pyc files
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for argv, found in zip((first, second), times):
            start = time.perf_counter()
            subprocess.run(argv, env=ENV, capture_output=True)
            found.append(time.perf_counter() - start)
    return times


def cold_start(folder: Path) -> None:
    spec = write_corpus(folder / "one", count=1)[0]
    click = [sys.executable, "-c", "import click"]
    for label, extra in (("cache off", ["--no-cache"]), ("cache warm", [])):
        theirs, ours = paired_seconds(click, [sys.executable, "-m", "xspec", "check", *extra, str(spec)])
        median, best = statistics.median(ours) / statistics.median(theirs), min(ours) / min(theirs)
        print(f"cold start ({label}): xspec check one spec {statistics.median(ours) * 1000:.0f} ms "
              f"(best {min(ours) * 1000:.0f}); python -c 'import click' {statistics.median(theirs) * 1000:.0f} ms "
              f"(best {min(theirs) * 1000:.0f}); ratio {median:.2f}x of medians, {best:.2f}x of bests "
              "(target < 2x)")


def one_process(paths: list[Path]) -> None:
    from xspec import api
    from xspec.lint.registry import all_rules
    from xspec.lint.runner import Options, lint_chunk

    lines = sum(p.read_text().count("\n") for p in paths)
    start = time.perf_counter()
    for path in paths:
        api.check(path)
    elapsed = time.perf_counter() - start
    print(f"one process: {len(paths)} specs, {lines} lines in {elapsed:.2f} s = "
          f"{lines / elapsed:,.0f} lines/s (target >= 20,000)")
    all_rules()
    start = time.perf_counter()
    lint_chunk(paths, Options(use_cache=False))
    elapsed = time.perf_counter() - start
    print(f"one process, lint on: {lines / elapsed:,.0f} lines/s")


CHECK_ONLY = ("from pathlib import Path; import sys; from xspec import api; "
              "api.check_many(api.expand_paths([sys.argv[1]]))")


def whole_folder(folder: Path, count: int) -> float:
    """Check alone (parse, resolve, type-check: `api.check_many`, as the CLI uses it) and
    the full `xspec check` (with the linter, cache off), each in a fresh process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHECK_ONLY, str(folder)], env=ENV, check=True)
    checked = time.perf_counter() - start
    argv = [sys.executable, "-m", "xspec", "check", "--no-cache", str(folder)]
    start = time.perf_counter()
    done = subprocess.run(argv, env=ENV, capture_output=True, text=True)
    linted = time.perf_counter() - start
    printed = done.stdout.count("\n") + done.stderr.count("\n")
    print(f"folder of {count} specs on {os.cpu_count()} cores: check alone {checked:.2f} s; "
          f"`xspec check` with the linter, {printed} lines of diagnostics printed, {linted:.2f} s "
          f"(exit {done.returncode})")
    return checked, linted


def jsonschema_baseline(folder: Path, count: int, ours: float, linted: float) -> None:
    tool = shutil.which("check-jsonschema")
    if tool is None:
        print("check-jsonschema not installed (pip install check-jsonschema): "
              f"reference figure on this machine was 10.5 s for 1,000 files -> {10.5 / ours:.1f}x")
        return
    paths = write_corpus(folder / "yaml", count, yaml=True)
    schema = folder / "schema.json"
    schema.write_text('{"type": "object", "required": ["env", "experiment"]}')
    start = time.perf_counter()
    subprocess.run([tool, "--schemafile", str(schema), *map(str, paths)], capture_output=True)
    theirs = time.perf_counter() - start
    print(f"check-jsonschema on the same content as YAML: {theirs:.2f} s -> xspec check alone is "
          f"{theirs / ours:.1f}x faster (target >= 4x); `xspec check` with lint and printing takes "
          f"{linted / theirs:.2f}x its time (target <= 0.25x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cold_start(folder)
        paths = write_corpus(folder / "specs", count)
        one_process(paths)
        ours, linted = whole_folder(folder / "specs", count)
        jsonschema_baseline(folder, count, ours, linted)


if __name__ == "__main__":
    main()
