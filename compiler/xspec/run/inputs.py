"""A run's inputs, hashed once when it starts: the experiment's data and the program files
its argv names (``train.py`` in ``python3 train.py ...``).

Hashing happens on the machine that launches the run, once per run (through the lock
module's hasher and its stat cache), not in every job: a 1,000-job array must not read a
large dataset 1,000 times. The rest of the code a job may import is covered by the git
commit and dirty flag each record carries.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from xspec.lock.data import DataError, Hasher


def launch_inputs(root: Path, experiment: dict, jobs: list[int]) -> dict[str, dict]:
    """Project-relative path -> {kind, sha256, size, ...} for every input of the jobs."""
    found = _data_inputs(experiment)
    for path, word in _program_inputs(root, experiment, jobs).items():
        found.setdefault(path, {"kind": "program", "word": word})
    return hash_inputs(root, found)


def hash_inputs(root: Path, inputs: dict[str, dict], verify: bool = False) -> dict[str, dict]:
    """The inputs with their current sha256 and size (``missing`` when not on disk);
    ``verify`` re-reads every file instead of trusting the stat cache."""
    hashed = Hasher(root, verify=verify).digest_all({path: root / path for path in inputs})
    result = {}
    for path, info in inputs.items():
        digest = hashed[path]
        if isinstance(digest, DataError):
            result[path] = {**info, "missing": True, "sha256": info.get("declared"), "size": None}
        else:
            result[path] = {**info, "sha256": "sha256:" + digest.sha256, "size": digest.size}
    return result


def _data_inputs(experiment: dict) -> dict[str, dict]:
    workdir = _workdir(experiment)
    found = {}
    for data in experiment["data"]:
        path = data["path"] or posixpath.normpath(posixpath.join(workdir, data["job_path"]))
        declared = f"sha256:{data['sha256']}" if data["sha256"] else None
        found[path] = {"kind": "data", "name": data["name"], "declared": declared}
    return found


def _program_inputs(root: Path, experiment: dict, jobs: list[int]) -> dict[str, str]:
    """Argv words that name a file in the job's workdir (relative paths only)."""
    found: dict[str, str] = {}
    by_index = {job["index"]: job for job in experiment["jobs"]}
    words = {(by_index[i]["workdir"], w) for i in jobs for w in by_index[i]["argv"]}
    for workdir, word in sorted(words):
        if not word or word.startswith(("-", "/")) or "\n" in word:
            continue
        path = posixpath.normpath(posixpath.join(workdir, word))
        if path.startswith("../") or path == "..":
            continue
        if (root / path).is_file():
            found[path] = word
    return found


def _workdir(experiment: dict) -> str:
    return experiment["jobs"][0]["workdir"] if experiment["jobs"] else "."
