"""The results table of one experiment: a row per job (or, folded, per sweep point),
filtered and sorted by any column.

A table is plain data: ``columns`` (names, in order) and ``rows`` (dicts keyed by them,
``None`` where a job has no value). Filters apply to job rows, before folding; sorting
applies to the rows shown.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field

from xspec.results.load import JobRow, RunResults
from xspec.run.layout import RunError

STATS = ("mean", "std", "min", "max")
_FILTER = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s*(<=|>=|!=|==|=|<|>)\s*(.*?)\s*$")
_OPS = {"=": operator.eq, "==": operator.eq, "!=": operator.ne, "<": operator.lt,
        "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass
class Table:
    experiment: str
    columns: list[str]
    rows: list[dict]
    params: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)


def job_table(runs: list[RunResults]) -> Table:
    """Every job of the runs of one experiment."""
    params = _union(r.params for r in runs)
    metrics = metric_names([row for r in runs for row in r.rows])
    columns = (["run"] if len(runs) > 1 else []) + ["job", *params, "replicate", "seed", "state",
                                                    "duration_s", *metrics]
    rows = [_job_cells(row, params, metrics) for r in runs for row in r.rows]
    return Table(runs[0].manifest["experiment"], columns, rows, params, metrics)


def _union(lists) -> list[str]:
    names: dict[str, None] = {}
    for names_here in lists:
        names.update(dict.fromkeys(names_here))
    return list(names)


def metric_names(rows: list[JobRow]) -> list[str]:
    """Every metric some job has, sorted; a metric that only echoes an input (named like a
    param, or `seed`, with the job's own value) is left out."""
    names = {n for row in rows for n in row.metrics.values}
    return sorted(n for n in names if not all(_echoes(row, n) for row in rows if n in row.metrics.values))


def _echoes(row: JobRow, name: str) -> bool:
    given = row.seed if name == "seed" else row.params.get(name, _MISSING)
    return given is not _MISSING and row.metrics.values[name] == given


_MISSING = object()


def _job_cells(row: JobRow, params: list[str], metrics: list[str]) -> dict:
    cells = {"run": row.run, "job": row.index, "replicate": row.replicate, "seed": row.seed,
             "state": row.state, "duration_s": row.duration}
    cells.update({p: row.params.get(p) for p in params})
    cells.update({m: row.metrics.values.get(m) for m in metrics})
    return cells


# ---- folding replicates ---------------------------------------------------------------------

def grouped(table: Table) -> Table:
    """One row per sweep point (the same params): n jobs, failed, and each metric's
    mean, sample standard deviation, min and max over the jobs that have it."""
    groups: dict[tuple, list[dict]] = {}
    for row in table.rows:
        groups.setdefault(tuple(_hashable(row.get(p)) for p in table.params), []).append(row)
    stats = [f"{m}.{s}" for m in table.metrics for s in STATS]
    rows = [_group_cells(members, table) for members in groups.values()]
    return Table(table.experiment, [*table.params, "n", "failed", *stats], rows, table.params, table.metrics)


def _hashable(value):
    return repr(value) if isinstance(value, (list, dict)) else value


def _group_cells(members: list[dict], table: Table) -> dict:
    cells = {p: members[0].get(p) for p in table.params}
    cells["n"] = len(members)
    cells["failed"] = sum(1 for m in members if m["state"] != "done")
    for metric in table.metrics:
        cells.update({f"{metric}.{k}": v for k, v in summary([m[metric] for m in members]).items()})
    return cells


def summary(values: list) -> dict:
    """mean, std (sample, n - 1; None below two values), min, max of the numbers given."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return dict.fromkeys(STATS)
    mean = math.fsum(numbers) / len(numbers)
    std = (math.sqrt(math.fsum((v - mean) ** 2 for v in numbers) / (len(numbers) - 1))
           if len(numbers) > 1 else None)
    return {"mean": mean, "std": std, "min": min(numbers), "max": max(numbers)}


# ---- filtering and sorting ------------------------------------------------------------------

def parse_filter(text: str, columns: list[str]):
    """`lr=0.05`, `mse<0.1`, `state!=done` -> a predicate over a row."""
    match = _FILTER.match(text)
    if not match:
        raise RunError(f"--where {text!r}: write COLUMN OP VALUE with OP one of = != < <= > >=")
    name, op, wanted = match.groups()
    _known(name, columns, "--where")
    target = _number(wanted)

    def keep(row: dict) -> bool:
        value = row.get(name)
        if value is None:
            return False
        if isinstance(target, float) and isinstance(value, (int, float)):
            return _OPS[op](value, target)
        return op in ("=", "==", "!=") and _OPS[op](str(value), wanted)
    return keep


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _known(name: str, columns: list[str], option: str) -> None:
    if name not in columns:
        raise RunError(f"{option}: no column {name!r}; the columns are {', '.join(columns)}")


def filtered(table: Table, filters: list[str], known: list[str] | None = None) -> Table:
    """``known``: the columns a filter may name (default this table's); a known column
    this table lacks has no value in any row, so no row is kept."""
    predicates = [parse_filter(f, known or table.columns) for f in filters]
    rows = [r for r in table.rows if all(p(r) for p in predicates)]
    return Table(table.experiment, table.columns, rows, table.params, table.metrics)


def sorted_by(table: Table, key: str, known: list[str] | None = None) -> Table:
    """``key`` is a column, ``-column`` for descending; a bare metric name on a folded table
    sorts by its mean. Rows without a value go last either way. ``known`` as for filtered."""
    descending, name = key.startswith("-"), key.lstrip("-")
    known = known or table.columns
    if name not in known and f"{name}.mean" in known:
        name = f"{name}.mean"
    _known(name, known, "--sort")
    present = [r for r in table.rows if r.get(name) is not None]
    missing = [r for r in table.rows if r.get(name) is None]
    present.sort(key=lambda r: _sort_key(r[name]), reverse=descending)
    return Table(table.experiment, table.columns, present + missing, table.params, table.metrics)


def _sort_key(value):
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def tables(runs: list[RunResults]) -> list[Table]:
    """One job table per experiment, in the order experiments first appear."""
    by_experiment: dict[str, list[RunResults]] = {}
    for run in runs:
        by_experiment.setdefault(run.manifest["experiment"], []).append(run)
    return [job_table(group) for group in by_experiment.values()]
