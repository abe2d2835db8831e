"""Speed of `xspec build`: a 10,000-job sweep compiled to one sbatch array script and
one Indexed Job (target: under 2 s, check + lower + both backends).

    python bench/build.py [--jobs-per-axis 100] [--repeat 5]

Prints figures; asserts nothing. Timed in-process (the CLI's start-up is measured
by bench/check.py) and once end to end as `xspec build` in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "compiler"))

SPEC = """xspec 1

import "std/determinism" as det

env py {{
  python = "3.11.9"
  image  = "docker.io/library/python:3.11.9-slim@sha256:{digest}"
}}

experiment big_sweep {{
  description = "{n} x {n} grid = {jobs} jobs"
  env         = py
  seed        = 20251126
  seeds       = "per_job"
  determinism = det.numpy

  param lr: float = 0.1
  param width: int = 64
  param optimizer: enum("sgd", "adamw") = "sgd"

  sweep grid {{
    lr    = [{lrs}]
    width = [{widths}]
  }}

  resources {{ cpus = 2, memory = 4GiB, time = 1h }}
  run     = ["python", "train.py", "--lr", lr, "--width", width, "--optimizer", optimizer,
             "--seed", seed, "--out", "results/${{job_index}}.json"]
  outputs = ["results/${{job_index}}.json"]

  target slurm {{ partition = "batch", max_parallel = 200 }}
  target k8s   {{ namespace = "sweeps", max_parallel = 200 }}
}}
"""


def write_spec(folder: Path, n: int) -> Path:
    lrs = ", ".join(repr(round(0.0001 * (i + 1), 6)) for i in range(n))
    widths = ", ".join(str(16 * (i + 1)) for i in range(n))
    (folder / "xspec.toml").write_text("")
    path = folder / "big.xspec"
    path.write_text(SPEC.format(n=n, jobs=n * n, lrs=lrs, widths=widths, digest="0" * 64))
    return path


def compile_once(path: Path):
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    start = time.perf_counter()
    compiled = compile_spec(path, ["slurm", "k8s"], Options())
    elapsed = time.perf_counter() - start
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    return elapsed, compiled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs-per-axis", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_spec(Path(folder), args.jobs_per_axis)
        timings = []
        for _ in range(args.repeat):
            elapsed, compiled = compile_once(path)
            timings.append(elapsed)
        jobs = compiled.ir["experiments"][0]["job_count"]
        sizes = {name: len(text.encode()) for name, text in compiled.files.items()}
        print(f"jobs: {jobs:,}")
        for name, size in sorted(sizes.items()):
            print(f"  {name}: {size:,} bytes")
        print(f"in-process check + lower + slurm + k8s: median {statistics.median(timings):.3f} s, "
              f"best {min(timings):.3f} s over {args.repeat} runs (target < 2 s)")
        env = {**os.environ, "PYTHONPATH": str(HERE.parent / "compiler")}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "xspec", "build", str(path), "-t", "slurm", "-t", "k8s",
                        "-o", str(Path(folder) / "out")], check=True, env=env, capture_output=True)
        print(f"end to end, `xspec build -t slurm -t k8s` in a new process: "
              f"{time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
