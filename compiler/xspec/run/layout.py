"""The run folder: where each file of a run lives, and writing files that are never replaced.

A run folder is ``<project>/runs/<experiment>/<run id>/``. Everything xspec writes into it
is created with ``open(..., "x")``: if the file is there already, writing fails instead of
replacing it, which is what "a later run never overwrites an earlier one" rests on.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from xspec.backends.runner import PROVENANCE
from xspec.outputs import mark

RUNS_DIR = "runs"
MANIFEST = "xspec-run.json"
CRATE = "ro-crate-metadata.json"
BUNDLE = "bundle"
BUNDLE_PROJECT = "bundle/project"
BUNDLE_IR = "bundle/ir.json"
LOGS = "logs"
SHARED = "shared"             # what the first local job learns for the rest (git, environment)
MANIFEST_VERSION = 1
MANIFEST_KEYS = ("xspec_run", "run_id", "experiment", "executor", "project", "spec", "lock", "bundle",
                 "jobs", "job_count", "inputs")


class RunError(Exception):
    """A problem the user must fix; printed as one `error: ...` line (exit 2)."""


@dataclass(frozen=True)
class RunDir:
    """One run's folder, and the paths inside it."""

    path: Path
    # Each job's other attempt folders (`<index>-restart<N>`, `<folder>-attempt<K>`), listed once
    # by `listed()`: reading a finished run job by job would otherwise list the whole run
    # folder for every job (quadratic in jobs).
    restarts: dict[int, list[Path]] | None = field(default=None, compare=False, repr=False)

    def listed(self) -> RunDir:
        """This run folder with its attempt folders listed now, for reading it in one go."""
        found: dict[int, list[Path]] = {}
        with os.scandir(self.path) as entries:
            for entry in entries:
                match = _ATTEMPT.match(entry.name)
                if match and (match[2] or match[3]):
                    found.setdefault(int(match[1]), []).append(Path(entry.path))
        return RunDir(self.path, {i: sorted(p, key=_attempt_key) for i, p in found.items()})

    def _other_attempts(self, index: int) -> list[Path]:
        """The job's folders besides `<index>`, first attempt to last."""
        if self.restarts is not None:
            return self.restarts.get(index, [])
        found = [p for p in self.path.glob(f"{index}-*") if (m := _ATTEMPT.match(p.name)) and m[1] == str(index)]
        return sorted(found, key=_attempt_key)

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    @property
    def crate_path(self) -> Path:
        return self.path / CRATE

    @property
    def bundle_project(self) -> Path:
        return self.path / BUNDLE_PROJECT

    def log(self, index: int) -> Path:
        """``logs/<index>.out``; a task of a later Slurm array (a sweep over max_array_size)
        logs to ``logs/from-<offset>/<task>.out`` (Slurm names logs by task, run/slurm.py)."""
        path = self.path / LOGS / f"{index}.out"
        if path.exists():
            return path
        offsets = [int(p.name[5:]) for p in (self.path / LOGS).glob("from-*") if p.name[5:].isdigit()]
        offset = max((o for o in offsets if o <= index), default=None)
        return path if offset is None else self.path / LOGS / f"from-{offset}" / f"{index - offset}.out"

    def job_dir(self, index: int) -> Path:
        """The job's folder; a requeued Slurm task's latest `<index>-restart<N>` wins."""
        restarts = [p for p in self._other_attempts(index) if _attempt_key(p)[1] == _LAST]
        return restarts[-1] if restarts else self.path / str(index)

    def attempt_dirs(self, index: int) -> list[Path]:
        """Every attempt's folder of job ``index`` that exists, first to last: `<index>`, then a
        requeued Slurm task's `<index>-restart<N>` (N = SLURM_RESTART_COUNT) in order; within
        each, the attempts the runner retried (`<folder>-attempt<K>`) before the folder itself."""
        first = [self.path / str(index)] if (self.path / str(index)).is_dir() else []
        return sorted(first + self._other_attempts(index), key=_attempt_key)

    def restarts_recorded(self, index: int) -> int:
        """The restart count of the job's last attempt folder (0: the first attempt)."""
        return _attempt_key(self.job_dir(index))[0]

    def record_path(self, index: int) -> Path:
        return self.job_dir(index) / PROVENANCE

    def manifest(self) -> dict:
        manifest = read_json(self.manifest_path, "run manifest")
        missing = [k for k in MANIFEST_KEYS if k not in manifest] if isinstance(manifest, dict) else ["all"]
        if missing or manifest.get("xspec_run") != MANIFEST_VERSION:
            raise RunError(f"{self.manifest_path}: not an xspec run manifest (version {MANIFEST_VERSION}"
                           + (f"; missing {', '.join(missing)}" if missing else "") + ")")
        return manifest

    def relative(self, path: Path) -> str:
        return path.relative_to(self.path).as_posix()


_ATTEMPT = re.compile(r"^(\d+)(?:-restart(\d+))?(?:-attempt(\d+))?$")
_LAST = 1 << 30        # the folder without `-attempt<K>` is the last attempt of its restart


def _attempt_key(folder: Path) -> tuple[int, int]:
    """(Slurm restart count, runner attempt) of an attempt folder, for ordering them."""
    match = _ATTEMPT.match(folder.name)
    if match is None:
        return 0, _LAST
    return int(match[2] or 0), int(match[3]) if match[3] else _LAST


def open_run(path: Path) -> RunDir:
    """The run folder at ``path`` (or the folder of a manifest or crate file given instead)."""
    path = Path(path)
    if path.is_file() and path.name in (MANIFEST, CRATE):
        path = path.parent
    run = RunDir(path.resolve())
    if not run.manifest_path.is_file():
        raise RunError(f"{path} is not a run folder (it has no {MANIFEST})")
    run.manifest()          # a damaged manifest is reported here, before anything else
    return run


def find_runs(root: Path) -> list[RunDir]:
    """Every run of a project: the folders under runs/ that hold a manifest."""
    return [RunDir(p.parent) for p in sorted((root / RUNS_DIR).glob(f"*/*/{MANIFEST}"))]


def new_run_dir(root: Path, experiment: str, prefix: str = "local") -> tuple[str, RunDir]:
    """A fresh run folder with an id from the UTC time; `-2`, `-3`... if that is taken."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    parent = root / RUNS_DIR / experiment
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        run_id = f"{prefix}-{stamp}" + (f"-{n}" if n > 1 else "")
        try:
            (parent / run_id).mkdir()
        except FileExistsError:
            continue
        mark(parent / run_id, "run")
        return run_id, RunDir(parent / run_id)
    raise RunError(f"cannot find a free run folder under {parent}")


def claim_run_dir(root: Path, experiment: str, run_id: str) -> RunDir:
    """The folder for a run whose id the scheduler chose; an existing one is refused."""
    parent = root / RUNS_DIR / experiment
    parent.mkdir(parents=True, exist_ok=True)
    try:
        (parent / run_id).mkdir()
    except FileExistsError:
        raise RunError(f"{parent / run_id} exists already (from an earlier run whose scheduler "
                       "id was reused); move it away and submit again") from None
    mark(parent / run_id, "run")
    return RunDir(parent / run_id)


# ---- writing and reading ----------------------------------------------------------------------

def write_new(path: Path, data: bytes | str, executable: bool = False) -> None:
    """Create ``path`` with ``data``; fail (RunError) if it exists: nothing is overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(path, "xb") as handle:
            handle.write(raw)
    except FileExistsError:
        raise RunError(f"{path} exists already; a run never overwrites what an earlier one wrote") from None
    if executable:
        os.chmod(path, 0o755)


def json_text(value) -> str:
    """Stable JSON for files xspec writes: sorted keys, two-space indent, final newline."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_json(path: Path, what: str) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunError(f"{path}: cannot read the {what}: {e}") from None


def sha256_of(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes (the form provenance records use)."""
    from xspec.lock.data import sha256_file

    return "sha256:" + sha256_file(path).sha256


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
