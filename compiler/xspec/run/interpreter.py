"""Is the Python a local run's jobs would start the one the spec's env names?

`xspec run` asks the job's interpreter (the program in argv when it is a Python, as the
runner will find it on the job's PATH) for its version before any job starts, and refuses
a mismatch: a run on another Python than the spec says is not the run the spec describes.
`--isolated` gets the spec's Python (and the locked packages); `--allow-other-python` runs
anyway (the record still says which interpreter ran).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from xspec.run.layout import RunError
from xspec.run.plan import Plan

_PYTHON = re.compile(r"^(python|pypy)[0-9.]*$")
_ASK = "import platform, sys; print(platform.python_version()); print(sys.executable)"


def check_interpreter(plan: Plan, extra_env: dict[str, str]) -> None:
    """RunError when the jobs' Python is not the env's `python` version."""
    wanted = plan.experiment["env"].get("python")
    job = next(j for j in plan.experiment["jobs"] if j["index"] == plan.jobs[0])
    program = job["argv"][0]
    if not wanted or not _PYTHON.match(Path(program).name):
        return
    env = {**os.environ, **extra_env}
    found = _resolve(program, plan.root / job["workdir"], env.get("PATH", ""))
    if found is None:
        return                      # the runner reports the missing program, on the record
    version, executable = _ask(found, env)
    if version is not None and not matches(wanted, version):
        raise RunError(f"the jobs would run {program} = {executable} (Python {version}), but env "
                       f"`{plan.experiment['env']['name']}` says python = \"{wanted}\"; run with "
                       "--isolated to get the spec's Python and its locked packages, or pass "
                       "--allow-other-python to run on this one anyway")


def matches(wanted: str, version: str) -> bool:
    """"3.11" matches 3.11.x; "3.11.7" only 3.11.7."""
    return version.split(".")[:len(wanted.split("."))] == wanted.split(".")


def _resolve(program: str, workdir: Path, path: str) -> str | None:
    if "/" in program:
        candidate = Path(program) if Path(program).is_absolute() else workdir / program
        return str(candidate) if os.access(candidate, os.X_OK) else None
    return shutil.which(program, path=path)


def _ask(python: str, env: dict[str, str]) -> tuple[str | None, str]:
    try:
        done = subprocess.run([python, "-c", _ASK], env=env, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None, python
    lines = done.stdout.split("\n")
    if done.returncode != 0 or len(lines) < 2:
        return None, python
    return lines[0].strip(), lines[1].strip()
