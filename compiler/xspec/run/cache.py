"""Cache keys and `xspec run --resume` (docs/running.md, "Caching and resume").

Every job of a local run gets a cache key when the run starts: the sha256 of a canonical
JSON document of everything that determines its result (``key_parts``). The keys go into
the run's manifest (``cache.keys``), so any later run can find them; nothing else keeps
an index. With ``--resume``, a job whose key an earlier run of the project recorded, for
a job that succeeded there and whose outputs still hash as its record says, is not run:
its record and outputs are linked (or copied) into the new run's job folder, and the
manifest says where they came from (``cache.reused``). The earlier run is only read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from xspec.backends.runner import PROVENANCE
from xspec.run.layout import RUNS_DIR, RunDir, RunError, sha256_of
from xspec.run.records import JobRecord, read_record

KEY_VERSION = 1
# Names the whole spec file: a comment in another step would change every key. What the
# job's result depends on in the spec is in the key itself (argv, variables, env, ...).
_NOT_IN_KEY = ("XSPEC_SPEC_DIGEST",)


# ---- the key ------------------------------------------------------------------------------------

def job_keys(experiment: dict, jobs: list[int], inputs: dict[str, dict],
             upstream_keys: dict[str, dict[int, str]]) -> dict[int, str]:
    """Job index -> cache key, for ``jobs`` of ``experiment``. ``inputs``: the run's hashed
    inputs (manifest ``inputs``); ``upstream_keys``: step -> job -> key, for each step in
    ``needs`` (their manifests' ``cache.keys``)."""
    by_index = {job["index"]: job for job in experiment["jobs"]}
    return {i: sha256_text(_canonical(key_parts(experiment, by_index[i], inputs, upstream_keys)))
            for i in jobs}


def key_parts(experiment: dict, job: dict, inputs: dict[str, dict],
              upstream_keys: dict[str, dict[int, str]]) -> dict:
    """What goes into a job's key (documented field by field in docs/running.md)."""
    words = set(job["argv"]) | set(job["env"].values())
    return {
        "xspec_cache": KEY_VERSION,
        "step": experiment["name"],
        "argv": job["argv"],
        "env": {k: v for k, v in job["env"].items() if k not in _NOT_IN_KEY},
        "secret_vars": sorted(experiment["secret_vars"]),      # names only: values are never read
        "params": job["params"], "seed": job["seed"], "replicate": job.get("replicate"),
        "workdir": job["workdir"], "outputs": job["outputs"],
        "environment": _env_digest(experiment["env"]),
        "determinism": experiment["determinism"],
        "data": {p: i["sha256"] for p, i in sorted(inputs.items()) if i["kind"] == "data"},
        "programs": {p: i["sha256"] for p, i in sorted(inputs.items())
                     if i["kind"] == "program" and i.get("word") in words},
        # by the path the job names (`../upstream/S/0/model.txt`): the run id is not in it
        "upstream_outputs": {i["word"]: i["sha256"] for _, i in sorted(inputs.items())
                             if i["kind"] == "upstream" and i.get("word") in words},
        "upstream_jobs": _upstream_jobs(experiment, job, upstream_keys),
    }


def _env_digest(env: dict) -> str:
    """The env as compiled with the lock applied (python, image, packages with their pins and
    hashes, system packages, index): a change in the lock for this env changes it; a change
    for another env of the same lock does not."""
    return sha256_text(_canonical(env))


def _upstream_jobs(experiment: dict, job: dict, upstream_keys: dict[str, dict[int, str]]) -> dict:
    """The keys of the upstream jobs this job waits for: every job of an `after = [S]` step,
    job i of an `after = [S.each]` one. A changed upstream job changes its dependents' keys
    even where its outputs come out the same (stricter than content alone)."""
    found = {}
    for need in experiment.get("needs", []):
        keys = upstream_keys.get(need["step"], {})
        if need["shape"] == "each" and (need["job_count"] or 0) != 1:
            found[need["step"]] = {str(job["index"]): keys.get(job["index"])}
        else:
            found[need["step"]] = {str(i): k for i, k in sorted(keys.items())}
    return found


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_keys(run: RunDir) -> dict[int, str]:
    """The cache keys a run's manifest holds (none for runs without them: Slurm, older)."""
    cache = run.manifest().get("cache") or {}
    return {int(i): k for i, k in (cache.get("keys") or {}).items()}


# ---- finding earlier results ---------------------------------------------------------------------

@dataclass
class Reuse:
    """Where ``--resume`` looks: every run of the project (``run_id`` None), or the folders of
    one run (`--resume RUN_DIR`: its id, for every step of a graph)."""

    run_id: str | None = None


@dataclass
class Found:
    run: RunDir
    index: int
    record: JobRecord


def find_reusable(root: Path, experiment: str, keys: dict[int, str], reuse: Reuse,
                  exclude: Path) -> dict[int, Found]:
    """For each job whose key an earlier successful job has, that job (the newest launched),
    if its outputs still hash as its record says. ``exclude``: the new run's own folder."""
    wanted = {k: i for i, k in keys.items()}
    found: dict[int, Found] = {}
    for run in _candidates(root, experiment, reuse, exclude):
        for index, key in manifest_keys(run).items():
            mine = wanted.get(key)
            if mine is None or mine in found:
                continue
            record = read_record(run, index)
            if record is not None and record.ok and outputs_verify(run, index, record):
                found[mine] = Found(run, index, record)
    return found


def _candidates(root: Path, experiment: str, reuse: Reuse, exclude: Path) -> list[RunDir]:
    from xspec.run.layout import find_runs

    runs = [r for r in find_runs(root) if r.path.parent.name == experiment and r.path != exclude]
    if reuse.run_id is not None:
        runs = [r for r in runs if r.path.name == reuse.run_id]
    dated = []
    for run in runs:
        try:
            dated.append((run.manifest().get("launched") or "", run.path.name, run))
        except RunError:
            continue            # a damaged manifest is never a source
    return [run for _, _, run in sorted(dated, key=lambda d: d[:2], reverse=True)]


def outputs_verify(run: RunDir, index: int, record: JobRecord) -> bool:
    """Every output the record lists is a file with the record's sha256 (a folder, or an
    output the job did not write, has no hash: such a job is never reused)."""
    folder = run.job_dir(index)
    for path, digest in record.outputs.items():
        file = folder / path
        if not digest or not file.is_file() or file.is_symlink() or sha256_of(file) != digest:
            return False
    return True


# ---- taking them into the new run ----------------------------------------------------------------

def take_over(run: RunDir, index: int, found: Found, key: str) -> dict:
    """Make job ``index``'s folder in the new run from the earlier job: its record copied,
    its outputs hard-linked (copied across file systems). Returns the manifest's entry."""
    source, target = found.run.job_dir(found.index), run.path / str(index)
    target.mkdir()
    shutil.copyfile(source / PROVENANCE, target / PROVENANCE)
    for path in found.record.outputs:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source / path, target / path)
    return {"run": found.run.path.relative_to(run.path.parent.parent.parent).as_posix(),
            "job": found.index, "key": key, "record_sha256": sha256_of(target / PROVENANCE)}


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def resume_run_id(root: Path, run_dir: Path, steps: list[str]) -> str:
    """The id of the run `--resume RUN_DIR` names; it must be a run of one of ``steps``."""
    path = Path(run_dir).resolve()
    runs = root.resolve() / RUNS_DIR
    if path.parent.parent != runs or not (path / "xspec-run.json").is_file():
        raise RunError(f"--resume {run_dir}: not a run folder of this project ({runs}/<experiment>/<run id>)")
    if path.parent.name not in steps:
        raise RunError(f"--resume {run_dir}: a run of {path.parent.name!r}, which this spec does "
                       f"not run (it runs {', '.join(steps)})")
    return path.name
