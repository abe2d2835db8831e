"""How much linting costs on top of checking, and what the cache saves.

    PYTHONPATH=compiler python3 bench/lint.py [--specs 1000] [--repeat 3]

Writes the benchmark corpus (bench/corpus.py: N specs of about 80 lines, as
bench/check.py uses) to a temporary folder, then times, on all cores, each in a
fresh process as a user runs it:

  check only     `api.check_many` (the checker without the linter)
  check + lint   `xspec check --no-cache`
  cold cache     `xspec check` with an empty .xspec-cache (checks and writes entries)
  warm cache     `xspec check` again, nothing changed

Targets (issue #3): lint <= +50% over check; warm cache <= 25% of check + lint.
Each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus  # noqa: E402

def best(run, repeat: int, setup=lambda: None) -> tuple[float, float]:
    """(wall, cpu) seconds of the best run; cpu is user+sys of the child processes, which
    other load on a shared machine disturbs less than the wall clock."""
    runs = []
    for _ in range(repeat):
        setup()
        before, start = _children_cpu(), time.perf_counter()
        run()
        runs.append((time.perf_counter() - start, _children_cpu() - before))
    return min(runs)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(folder: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "xspec", "check", "--format", "concise", *args,
                           str(folder)], capture_output=True, text=True, env=env, cwd=folder)
    if done.returncode not in (0, 1):
        raise SystemExit(f"xspec check failed: {done.stderr}")


def check_only(paths: list[Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler")}
    code = ("import sys; from pathlib import Path; from xspec import api; "
            "api.check_many([Path(p) for p in sys.argv[1:]])")
    subprocess.run([sys.executable, "-c", code, *map(str, paths)], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xspec-bench-"))
    try:
        paths = write_corpus(folder, args.specs)
        lines = sum(p.read_text().count("\n") for p in paths) / len(paths)
        print(f"{len(paths)} specs, {lines:.0f} lines each, {os.cpu_count()} cores")
        checked = best(lambda: check_only(paths), args.repeat)
        linted = best(lambda: cli(folder, "--no-cache"), args.repeat)
        cold = best(lambda: cli(folder), args.repeat,
                    setup=lambda: shutil.rmtree(folder / ".xspec-cache", ignore_errors=True))
        warm = best(lambda: cli(folder), args.repeat)
        print("                     wall s   cpu s")
        for name, (wall, cpu) in (("check only", checked), ("check + lint", linted),
                                  ("cold cache (writes)", cold), ("warm cache", warm)):
            print(f"{name:<20} {wall:7.2f} {cpu:7.2f}")
        for i, unit in ((0, "wall"), (1, "cpu")):
            print(f"{unit}: lint overhead {100 * (linted[i] / checked[i] - 1):+.0f}% (target <= +50%), "
                  f"warm cache {100 * warm[i] / linted[i]:.0f}% of check + lint (target <= 25%)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
