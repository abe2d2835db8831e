"""How repeatable an experiment is, measured over its runs (oldest launch first).

The figures (docs/results.md defines each):

- **bitwise identical**: of the reruns of a job (a later run's job with the same job key,
  params + replicate + seed, as a job of an earlier run, both done), the share whose output
  hashes all equal those of the previous run of that job;
- **metric spread**: per metric, over job keys with at least two values: the largest range
  (max - min), the largest range relative to |mean|, and the mean sample std;
- **time to reproduce**: the wall time (first job start to last job end) of each rerun,
  a run all of whose done jobs had been recorded by an earlier run;
- **drift**: for each pair of consecutive runs, whether the spec, lock, data, environment
  or code digest changed.
"""

from __future__ import annotations

import hashlib
import json
import statistics

from xspec.results.compare import bitwise_identical
from xspec.results.load import JobRow, RunResults, record_time
from xspec.results.table import Table, metric_names, summary

DRIFT = ("spec", "lock", "data", "environment", "code")


def repeatability(runs: list[RunResults]) -> list[Table]:
    """Two tables per experiment: the figures, and the spread of each metric."""
    by_experiment: dict[str, list[RunResults]] = {}
    for run in runs:
        by_experiment.setdefault(run.manifest["experiment"], []).append(run)
    found = []
    for name, group in by_experiment.items():
        found += [_figures(name, group), _spread(name, group)]
    return found


def _figures(name: str, runs: list[RunResults]) -> Table:
    same, reruns = _bitwise(runs)
    times = [t for r in _reproductions(runs) if (t := wall_time(r)) is not None]
    rows = [("runs", len(runs)), ("job reruns compared", reruns),
            ("bitwise identical reruns", same),
            ("bitwise identical share", same / reruns if reruns else None),
            ("reproductions", len(times)),
            ("time to reproduce median s", statistics.median(times) if times else None),
            ("time to reproduce max s", max(times) if times else None),
            ("consecutive run pairs", max(len(runs) - 1, 0))]
    changes = drift_counts(runs)
    rows += [(f"{what} changed", changes[what]) for what in DRIFT]
    rows += [(f"{what} drift frequency", changes[what] / (len(runs) - 1) if len(runs) > 1 else None)
             for what in DRIFT]
    return Table(f"{name}: repeatability over {len(runs)} run{'s' * (len(runs) != 1)}",
                 ["figure", "value"], [{"figure": f, "value": v} for f, v in rows])


def _by_key(runs: list[RunResults]) -> dict[str, list[JobRow]]:
    """Done jobs by job key, oldest run first."""
    found: dict[str, list[JobRow]] = {}
    for run in runs:
        for row in run.rows:
            if row.state == "done":
                found.setdefault(row.key(), []).append(row)
    return found


def _bitwise(runs: list[RunResults]) -> tuple[int, int]:
    same = compared = 0
    for rows in _by_key(runs).values():
        for before, rerun in zip(rows, rows[1:]):
            verdict = bitwise_identical(before, rerun)
            if verdict is not None:
                compared += 1
                same += verdict
    return same, compared


def _spread(name: str, runs: list[RunResults]) -> Table:
    groups = [rows for rows in _by_key(runs).values() if len(rows) > 1]
    metrics = metric_names([row for run in runs for row in run.rows])
    table_rows = [_metric_spread(metric, groups) for metric in metrics]
    return Table(f"{name}: metric spread across runs of the same job",
                 ["metric", "jobs", "max_range", "max_rel_range", "mean_std"], table_rows)


def _metric_spread(metric: str, groups: list[list[JobRow]]) -> dict:
    ranges, relative, stds = [], [], []
    for rows in groups:
        values = [r.metrics.values[metric] for r in rows if metric in r.metrics.values]
        if len(values) < 2:
            continue
        stats = summary(values)
        ranges.append(stats["max"] - stats["min"])
        stds.append(stats["std"])
        if stats["mean"] != 0:
            relative.append(ranges[-1] / abs(stats["mean"]))
    return {"metric": metric, "jobs": len(ranges), "max_range": max(ranges, default=None),
            "max_rel_range": max(relative, default=None),
            "mean_std": statistics.fmean(stds) if stds else None}


def _reproductions(runs: list[RunResults]) -> list[RunResults]:
    seen: set[str] = set()
    found = []
    for run in runs:
        keys = {row.key() for row in run.rows if row.state == "done"}
        if keys and keys <= seen:
            found.append(run)
        seen |= keys
    return found


def wall_time(run: RunResults) -> float | None:
    starts = [t for row in run.rows if (t := record_time(row.started))]
    ends = [t for row in run.rows if (t := record_time(row.finished))]
    return (max(ends) - min(starts)).total_seconds() if starts and ends else None


def digests(run: RunResults) -> dict[str, str | None]:
    """The five digests drift is measured on (docs/results.md says what each covers)."""
    m = run.manifest
    inputs = m.get("inputs") or {}
    return {
        "spec": m["spec"]["digest"],
        "lock": (m.get("lock") or {}).get("digest"),
        "data": _digest({p: i.get("sha256") for p, i in inputs.items() if i.get("kind") == "data"}),
        "environment": _digest({k: m.get(k) for k in ("host", "executor", "container_image", "isolated",
                                                      "xspec_version")}),
        "code": _digest({"git": m.get("git"),
                         "programs": {p: i.get("sha256") for p, i in inputs.items() if i.get("kind") == "program"}}),
    }


def _digest(value) -> str:
    return "sha256:" + hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def drift_counts(runs: list[RunResults]) -> dict[str, int]:
    counts = dict.fromkeys(DRIFT, 0)
    for before, after in zip(runs, runs[1:]):
        old, new = digests(before), digests(after)
        for what in DRIFT:
            counts[what] += old[what] != new[what]
    return counts
