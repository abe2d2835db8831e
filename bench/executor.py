"""What `xspec run` costs a job on top of the job itself, against `xargs -P`.

    python bench/executor.py [--jobs 500] [--parallel 2]

Writes a spec whose sweep has N jobs that each run `true`, then times, in one go,
`xargs -P PARALLEL` running `true` N times and `xspec run SPEC -j PARALLEL` (the whole
command: checking, the bundle, every job's runner and record, the crate). Prints both and
the overhead a job, (xspec - xargs) / N. Target (issue 17): <= 5 ms a job. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = """xspec 1

env sh {{ image = "docker.io/library/debian:12@sha256:{digest}" }}

experiment many {{
  env = sh
  param k: int = 0
  sweep grid {{ k = [{values}] }}
  run = ["true", k]
}}
"""


def seconds(argv: list[str], cwd: Path, stdin: str | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(argv, cwd=cwd, input=stdin, text=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    xspec = shutil.which("xspec", path=os.path.dirname(sys.executable)) or "xspec"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "many.xspec").write_text(SPEC.format(digest="0" * 64, values=", ".join(map(str, range(args.jobs)))))
        lines = "".join(f"{i}\n" for i in range(args.jobs))
        xargs = seconds(["xargs", "-P", str(args.parallel), "-n", "1", "true"], root, stdin=lines)
        run = seconds([xspec, "run", "many.xspec", "-j", str(args.parallel)], root)
    overhead_ms = (run - xargs) / args.jobs * 1000
    print(f"{args.jobs} jobs of `true`, {args.parallel} at a time")
    print(f"  xargs -P{args.parallel}   {xargs:7.2f} s")
    print(f"  xspec run -j{args.parallel} {run:7.2f} s   ({run / args.jobs * 1000:.1f} ms a job)")
    print(f"  overhead      {overhead_ms:7.1f} ms a job   (target <= 5 ms)")


if __name__ == "__main__":
    main()
