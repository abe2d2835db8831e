"""Lowering the graph of steps: each experiment's `needs`, and `STEP.outputs.NAME` as paths.

A step reads another step's output through its run folder: every step of one graph run
shares the run id, and the executor links ``<run folder>/upstream/<STEP>`` to
``runs/<STEP>/<run id>`` before any job starts (run/graph.py). A job starts in
``runs/<step>/<run id>/<index>``, so ``../upstream/<STEP>/<j>/<path>`` is job j's output:
plain text in the IR, the same on every machine, with no run id in it.
"""

from __future__ import annotations

import shlex

from xspec.types import model as M
from xspec.types.graph import EACH, job_count, output_uses

UPSTREAM = "upstream"


def lower_needs(exp: M.Experiment, steps: dict[str, M.Experiment]) -> list[dict]:
    """The IR's `needs`: per `after` entry the step, its shape, its job count, and the
    outputs of it this step reads (name -> path in each of its job folders)."""
    read = [u.ref.parts for u in output_uses(exp) if len(u.ref.parts) == 3]
    return [{"step": n.step, "shape": n.shape, "job_count": job_count(steps[n.step]),
             "reads": {name: str(steps[n.step].output_names[name])
                       for name in sorted({p[2].text for p in read if p[0].text == n.step})}}
            for n in exp.needs]


def output_path(step: str, job: int | None, path: str) -> str:
    return f"../{UPSTREAM}/{step}/{'' if job is None else job}" + ("" if job is None else f"/{path}")


def output_parts(piece: M.Placeholder, exp: M.Experiment, steps: dict, quote: str | None) -> list[dict]:
    """One reference as template parts: job i's output under `.each`, the only job's when
    the step has one (the checker has refused every other use of a single value)."""
    step = steps[piece.name]
    path = str(step.output_names[piece.attr])
    shape = next(n.shape for n in exp.needs if n.step == piece.name)
    if shape == EACH and job_count(step) != 1:
        parts = [_text(f"../{UPSTREAM}/{step.name}/", quote), {"builtin": "job_index"},
                 _text(f"/{path}", quote)]
        if quote:
            parts[1]["quote"] = quote
        return parts
    return [_text(output_path(step.name, 0, path), quote)]


def expand_argument(arg: tuple, exp: M.Experiment, steps: dict) -> list[tuple] | None:
    """A whole `run` item that names the outputs of every job of a step of several jobs:
    one argument per job, in job order. None for any other argument."""
    if len(arg) != 1 or not isinstance(arg[0], M.Placeholder) or arg[0].kind != "output":
        return None
    piece = arg[0]
    step = steps[piece.name]
    shape = next(n.shape for n in exp.needs if n.step == piece.name)
    count = job_count(step)
    if shape == EACH or count == 1:
        return None
    path = str(step.output_names[piece.attr])
    return [(output_path(step.name, j, path),) for j in range(count)]


def _text(text: str, quote: str | None) -> dict:
    return {"text": shlex.quote(text) if quote == "sh" else text}
