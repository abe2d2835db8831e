"""A job's metrics files: a JSON object of numbers, or a CSV of per-step values.

JSON: every number in the object is a metric; nested objects give dotted names
(``{"val": {"acc": 0.9}}`` -> ``val.acc``); strings, booleans and lists are not
metrics and are left out. CSV: a header row, then one row per step; the step is
the ``step`` column when there is one, else the row number; each other numeric
column is a curve, and its last value is the job's metric of that name.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

STEP_COLUMN = "step"


@dataclass
class JobMetrics:
    values: dict[str, float] = field(default_factory=dict)
    curves: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_metrics(job_dir: Path, paths: list[str]) -> JobMetrics:
    found = JobMetrics()
    for path in paths:
        file = job_dir / path
        if not file.is_file():
            found.problems.append(f"{path}: not written")
            continue
        try:
            if path.endswith(".csv"):
                _add_curves(found, _read_csv(file))
            else:
                found.values.update(_numbers(json.loads(file.read_text(encoding="utf-8")), path))
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as e:
            found.problems.append(f"{path}: cannot be read as metrics: {e}")
    return found


def _numbers(value, path: str, prefix: str = "") -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object of numbers, found {type(value).__name__}")
    out: dict[str, float] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            out.update(_numbers(item, path, name + "."))
        elif _is_number(item):
            out[name] = item
    return out


def _is_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _read_csv(file: Path) -> dict[str, list[tuple[float, float]]]:
    with open(file, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    curves: dict[str, list[tuple[float, float]]] = {}
    for number, row in enumerate(rows):
        step = _float(row.get(STEP_COLUMN))
        step = float(number) if step is None else step
        for column, text in row.items():
            value = _float(text)
            if column not in (STEP_COLUMN, None) and value is not None:
                curves.setdefault(column, []).append((step, value))
    return curves


def _float(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _add_curves(found: JobMetrics, curves: dict) -> None:
    for name, points in curves.items():
        found.curves[name] = points
        found.values[name] = points[-1][1]
