"""Two runs of an experiment, job by job: are the outputs bitwise identical, and how far
is each metric from the baseline (the first run given)?

Jobs are matched by index; a job whose params, replicate or seed differ between the runs
is a different job, and is said to be (``note``) rather than compared.
"""

from __future__ import annotations

from xspec.results.load import JobRow, RunResults
from xspec.results.table import Table, metric_names
from xspec.run.layout import RunError

DEVIATIONS = ("base", "value", "abs", "rel")


def compare(base: RunResults, other: RunResults) -> Table:
    if base.manifest["experiment"] != other.manifest["experiment"]:
        raise RunError(f"--compare: {base.name} and {other.name} are runs of different experiments")
    mine = {row.index: row for row in other.rows}
    metrics = metric_names(base.rows + other.rows)
    columns = ["job", *base.params, "replicate", "seed", "identical", *[f"{m}.{d}" for m in metrics for d in DEVIATIONS], "note"]
    rows = [_job(row, mine.get(row.index), base.params, metrics) for row in base.rows]
    in_base = {row.index for row in base.rows}
    rows += [_only_in_other(row, base.params) for row in other.rows if row.index not in in_base]
    title = f"{base.manifest['experiment']}: {other.manifest['run_id']} against {base.manifest['run_id']}"
    return Table(title, columns, rows, base.params, metrics)


def _job(base: JobRow, other: JobRow | None, params: list[str], metrics: list[str]) -> dict:
    cells = {"job": base.index, **{p: base.params.get(p) for p in params},
             "replicate": base.replicate, "seed": base.seed}
    if other is None:
        return {**cells, "identical": None, "note": "not in the compared run"}
    if other.key() != base.key():
        return {**cells, "identical": None, "note": "a different job (params, replicate or seed differ)"}
    cells["identical"] = bitwise_identical(base, other)
    cells["note"] = _note(base, other)
    for metric in metrics:
        cells.update({f"{metric}.{k}": v for k, v in
                      deviation(base.metrics.values.get(metric), other.metrics.values.get(metric)).items()})
    return cells


def _only_in_other(row: JobRow, params: list[str]) -> dict:
    return {"job": row.index, **{p: row.params.get(p) for p in params}, "replicate": row.replicate,
            "seed": row.seed, "identical": None,
            "note": "not in the baseline run"}


def bitwise_identical(a: JobRow, b: JobRow) -> bool | None:
    """Every output has the same sha256 in both records; None when either job recorded none."""
    if not a.outputs or not b.outputs:
        return None
    return a.outputs == b.outputs and None not in a.outputs.values()


def _note(a: JobRow, b: JobRow) -> str:
    if a.state != b.state:
        return f"state {a.state} -> {b.state}"
    differing = sorted(p for p in set(a.outputs) | set(b.outputs) if a.outputs.get(p) != b.outputs.get(p))
    return f"differ: {', '.join(differing)}" if differing else ""


def deviation(base, value) -> dict:
    """``abs`` = value - base; ``rel`` = abs / |base| (0 when both are 0; None when only
    the base is 0, where no relative deviation exists)."""
    if base is None or value is None:
        return {"base": base, "value": value, "abs": None, "rel": None}
    diff = value - base
    rel = (0.0 if diff == 0 else None) if base == 0 else diff / abs(base)
    return {"base": base, "value": value, "abs": diff, "rel": rel}
