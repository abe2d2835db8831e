"""Run folders -> one row per job: what it was (params, replicate, seed), how it ended
(state, duration) and what it measured (its metrics files, as the bundled IR names them).

The metrics paths come from the run's own bundled IR (``bundle/ir.json``), so a run is
read as it was compiled, whatever the spec says today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from xspec.results.metrics import JobMetrics, read_metrics
from xspec.run.layout import MANIFEST, RunDir, RunError, find_runs, open_run, read_json
from xspec.run.records import JobRecord, read_record


@dataclass
class JobRow:
    run: str                                   # <experiment>/<run id>
    index: int
    point: int | None
    replicate: int | None
    seed: int | None
    params: dict
    state: str
    duration: float | None                     # seconds, from the record's start and end
    metrics: JobMetrics = field(default_factory=JobMetrics)
    outputs: dict = field(default_factory=dict)
    started: str | None = None
    finished: str | None = None

    def key(self) -> str:
        """What makes two jobs the same job in different runs: params, replicate, seed."""
        return json.dumps([self.params, self.replicate, self.seed], sort_keys=True)


@dataclass
class RunResults:
    run: RunDir
    manifest: dict
    experiment: dict                           # the bundled IR's experiment
    rows: list[JobRow]

    @property
    def name(self) -> str:
        return f"{self.manifest['experiment']}/{self.manifest['run_id']}"

    @property
    def params(self) -> list[str]:
        return [p["name"] for p in self.experiment.get("params", [])]

    @property
    def swept(self) -> list[str]:
        names: dict[str, None] = {}
        for sweep in self.experiment.get("sweeps", []):
            names.update(dict.fromkeys(sweep.get("axes") or sweep.get("distributions") or {}))
        return [n for n in self.params if n in names]


def load_run(run: RunDir) -> RunResults:
    from xspec.run.runs import run_state

    manifest = run.manifest()
    experiment = bundled_experiment(run, manifest)
    jobs = {job["index"]: job for job in experiment.get("jobs", [])}
    states = {j.index: j.state for j in run_state(run).jobs}
    rows = [_row(run, manifest, jobs.get(i, {}), i, states.get(i, "unknown")) for i in manifest["jobs"]]
    return RunResults(run, manifest, experiment, rows)


def bundled_experiment(run: RunDir, manifest: dict) -> dict:
    ir = read_json(run.path / manifest["bundle"]["ir"], "bundled IR")
    for experiment in ir.get("experiments", []):
        if experiment.get("name") == manifest["experiment"]:
            return experiment
    raise RunError(f"{run.path}: the bundled IR has no experiment {manifest['experiment']!r}")


def _row(run: RunDir, manifest: dict, job: dict, index: int, state: str) -> JobRow:
    record = read_record(run, index)
    data = record.data if record else {}
    recorded = data.get("job") or {}
    row = JobRow(f"{manifest['experiment']}/{manifest['run_id']}", index, job.get("point"),
                 recorded.get("replicate", job.get("replicate")), recorded.get("seed", job.get("seed")),
                 data.get("params") or job.get("params") or {}, state, _duration(record),
                 outputs=record.outputs if record else {},
                 started=data.get("started"), finished=data.get("finished"))
    if record is not None:
        row.metrics = read_metrics(run.job_dir(index), job.get("metrics", []))
    return row


def _duration(record: JobRecord | None) -> float | None:
    if record is None:
        return None
    start, end = (record_time(record.data.get(k)) for k in ("started", "finished"))
    return (end - start).total_seconds() if start and end else None


def record_time(text) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None


def resolve_runs(paths: list[Path]) -> list[RunDir]:
    """Each path is a run folder (or its manifest), or a project folder or spec: all its runs."""
    runs: list[RunDir] = []
    for path in paths:
        if (path / MANIFEST).is_file() or path.name == MANIFEST:
            runs.append(open_run(path))
            continue
        found = find_runs(_project_root(path))
        if not found:
            raise RunError(f"{path}: neither a run folder nor a project with runs "
                           "(runs/<experiment>/<run id>/xspec-run.json)")
        runs += found
    return list({r.path: r for r in runs}.values())


def _project_root(path: Path) -> Path:
    from xspec.resolve.loader import project_root

    return project_root((path / "x").resolve() if path.is_dir() else path.resolve())


def load_runs(paths: list[Path]) -> list[RunResults]:
    """Every run named, oldest launch first."""
    loaded = [load_run(run) for run in resolve_runs(paths)]
    return sorted(loaded, key=lambda r: (r.manifest.get("launched", ""), r.name))
