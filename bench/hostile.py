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
EXPERIMENT = ('experiment e{n} {{\n  description = "{text}"\n  env = py\n  run = ["python3", "train.py"]\n'
              '  seed = {n}\n  param lr: float in [0.001, 0.5] = 0.05 "step size"\n}}\n\n')


def list_spec(count: int) -> str:
    return HEADER + "let big = [" + ", ".join(str(i) for i in range(count)) + "]\n"


def string_spec(chars: int) -> str:
    return HEADER + EXPERIMENT.format(n=0, text="a" * chars)


def big_spec(megabytes: float) -> str:
    """Many ordinary experiments, to ``megabytes`` of text."""
    blocks, size, n = [HEADER], len(HEADER), 0
    while size < megabytes * 1_000_000:
        block = EXPERIMENT.format(n=n, text=f"experiment number {n}")
        blocks.append(block)
        size += len(block)
        n += 1
    return "".join(blocks)


CASES = {
    "list-1M": ("check", lambda: list_spec(1_000_000), "a 1,000,000-element list"),
    "string-100KB": ("check", lambda: string_spec(100_000), "a 100 KB string literal (SEC002 scans it)"),
    "string-10MB": ("check", lambda: string_spec(10_000_000), "a 10 MB string literal"),
    "spec-15MB": ("check", lambda: big_spec(15), "a 15 MB spec of experiments (under the file limit)"),
    "spec-50MB": ("check", lambda: big_spec(50), "a 50 MB spec"),
    "fmt-15MB": ("fmt", lambda: big_spec(15), "`fmt --check` of a 15 MB spec"),
    "fmt-20MB": ("fmt", lambda: big_spec(20), "`fmt --check` of a 20 MB spec"),
}


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
            extra = ["--no-cache"] if command == "check" else ["--check"]
            seconds, rss, status, said = _isolated(
                [sys.executable, "-m", "xspec", command, *extra, str(spec)], args.timeout)
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
