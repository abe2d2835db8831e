"""`xspec reproduce --tolerance rel=1e-6 --tolerance abs=1e-9`: accept a reproduction
whose metrics files differ bitwise but whose numbers all lie within the tolerance.

Two numbers a (recorded) and b (reproduced) agree when |b - a| <= max(abs, rel * |a|),
as `math.isclose` but measured from the recorded value. A metrics file agrees when it
has the same keys (JSON) or the same header and number of rows (CSV), every number
agrees and everything else is equal. Only a job whose *every* difference is a metrics
output recorded differently is accepted; a different exit code, another output, or a
run folder changed after the run still make the job differ.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from xspec.run.layout import RunError


@dataclass(frozen=True)
class Tolerance:
    rel: float = 0.0
    abs: float = 0.0

    def __str__(self) -> str:
        return ", ".join(f"{k}={v:g}" for k, v in (("rel", self.rel), ("abs", self.abs)) if v)

    def agrees(self, recorded: float, reproduced: float) -> bool:
        return abs(reproduced - recorded) <= max(self.abs, self.rel * abs(recorded))


def parse_tolerance(texts: list[str]) -> Tolerance | None:
    """`rel=1e-6`, `abs=1e-9` (each at most once; `rel=1e-6,abs=1e-9` also reads)."""
    values: dict[str, float] = {}
    for text in (t for given in texts for t in given.split(",") if t.strip()):
        kind, _, number = text.partition("=")
        kind = kind.strip()
        if kind not in ("rel", "abs") or kind in values:
            raise RunError(f"--tolerance {text!r}: give rel=NUMBER and/or abs=NUMBER, each once")
        try:
            values[kind] = float(number)
        except ValueError:
            raise RunError(f"--tolerance {text!r}: {number!r} is not a number") from None
        if not math.isfinite(values[kind]) or values[kind] < 0:
            raise RunError(f"--tolerance {text!r}: the tolerance must be a finite number >= 0")
    return Tolerance(**values) if values else None


def files_agree(recorded: Path, reproduced: Path, tolerance: Tolerance) -> str | None:
    """None when the two metrics files agree within ``tolerance``; else why not."""
    try:
        if recorded.suffix == ".csv":
            return _csv_agree(_rows(recorded), _rows(reproduced), tolerance)
        return _values_agree(_json(recorded), _json(reproduced), tolerance, "")
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as e:
        return f"cannot be compared: {e}"


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _values_agree(a, b, tolerance: Tolerance, where: str) -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{where or 'the object'} has keys {sorted(set(a) ^ set(b))} in one file only"
        return next((p for k in sorted(a) if (p := _values_agree(a[k], b[k], tolerance, f"{where}{k}."))), None)
    if _number(a) and _number(b):
        return None if tolerance.agrees(a, b) else f"{where.rstrip('.')}: {a!r} -> {b!r} is outside {tolerance}"
    return None if a == b else f"{where.rstrip('.') or 'the value'}: {a!r} -> {b!r} differs"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _csv_agree(a: list[list[str]], b: list[list[str]], tolerance: Tolerance) -> str | None:
    if len(a) != len(b) or (a and a[0] != b[0]):
        return "the header or the number of rows differs"
    for line, (left, right) in enumerate(zip(a, b), start=1):
        if len(left) != len(right):
            return f"row {line} has a different number of cells"
        for x, y in zip(left, right):
            problem = _values_agree(_cell(x), _cell(y), tolerance, f"row {line}.")
            if problem:
                return problem
    return None


def _cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def within_tolerance(result, tolerance: Tolerance) -> dict[int, tuple[bool, str]]:
    """The jobs of a reproduction that differ only in metrics files: index -> (whether they
    agree within ``tolerance``, a line saying so or why not). Reads the run's bundled IR
    for which outputs are metrics."""
    from xspec.results.load import bundled_experiment

    experiment = bundled_experiment(result.run, result.run.manifest())
    metrics = {job["index"]: set(job.get("metrics", [])) for job in experiment.get("jobs", [])}
    accepted = {}
    for job in result.jobs:
        if job.identical or result.new_run is None:
            continue
        paths = [_recorded_difference(f) for f in job.findings]
        if not paths or None in paths or not set(paths) <= metrics.get(job.index, set()):
            continue
        problems = [f"{path}: {p}" for path in sorted(set(paths)) if (p := files_agree(
            result.run.job_dir(job.index) / path, result.new_run.job_dir(job.index) / path, tolerance))]
        count = len(set(paths))
        accepted[job.index] = (not problems, f"outside tolerance {tolerance}: {problems[0]}" if problems else
                               f"within tolerance {tolerance} ({count} metrics file{'s' * (count != 1)} "
                               "differ bitwise)")
    return accepted


def _recorded_difference(finding) -> str | None:
    """The output path of a RUN009 'recorded X, reproduced Y' finding; None for any other."""
    if finding.code != "RUN009" or len(finding.args) != 3:
        return None
    _, path, message = finding.args
    return path if isinstance(message, str) and message.startswith("recorded ") else None
