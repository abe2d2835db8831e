"""What xspec's job start-up hook and environment record cost (docs/running.md#determinism-the-start-up-hook).

    python bench/startup_hook.py [--runs N]

Prints, for this machine and interpreter:
- `python -c pass` without and with the hook on PYTHONPATH (best and median of N), with the
  hook's bytecode cached as Python does by default and with PYTHONDONTWRITEBYTECODE=1;
- the hook's own import time (`-X importtime`, self time of the outermost sitecustomize);
- the environment collector (`environment.py`), as the runner runs it after each job.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compiler"))

from xspec.run.startup import ENVIRONMENT, FRAMEWORKS, HOOK  # noqa: E402


def timed(argv: list[str], env: dict, runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True)
        found.append(time.perf_counter() - start)
    return found


def hook_self_ms(env: dict) -> float:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], env=env, capture_output=True,
                          text=True, check=True)
    lines = [line.split("|") for line in done.stderr.splitlines() if line.rstrip().endswith("sitecustomize")]
    outer = min(lines, key=lambda parts: len(parts[2]) - len(parts[2].lstrip()))
    return int(outer[0].split(":")[1]) / 1000


def show(label: str, times: list[float]) -> None:
    print(f"  {label:44s} best {min(times) * 1000:7.2f} ms   median {statistics.median(times) * 1000:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        hook = Path(folder) / ".xspec"
        hook.mkdir()
        shutil.copy(HOOK, hook / "sitecustomize.py")
        shutil.copy(FRAMEWORKS, hook / "xspec_frameworks.py")
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
        cached = {**base, "PYTHONPATH": str(hook)}
        uncached = {**cached, "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run([sys.executable, "-c", "pass"], env=cached, check=True)     # writes the bytecode
        print(f"{sys.executable} (Python {sys.version.split()[0]}), {runs} runs each")
        show("python -c pass, no hook", timed([sys.executable, "-c", "pass"], base, runs))
        show("python -c pass, hook (bytecode cached)", timed([sys.executable, "-c", "pass"], cached, runs))
        show("python -c pass, hook, PYTHONDONTWRITEBYTECODE", timed([sys.executable, "-c", "pass"], uncached, runs))
        selfs = sorted(hook_self_ms(cached) for _ in range(9))
        print(f"  {'hook self time (-X importtime)':44s} best {selfs[0]:7.2f} ms   median {selfs[4]:7.2f} ms")
        out = str(Path(folder) / "environment.json")
        show("environment record (environment.py)", timed([sys.executable, str(ENVIRONMENT), out], base,
                                                          max(5, runs // 3)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
