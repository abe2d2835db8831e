"""The IR's building blocks: template parts, canonical value text, JSON output.

The IR itself is plain data (dicts, lists, strings, numbers) described by
``schema.json``. A *template* is a list of parts, each one of

- ``{"text": "..."}``: literal text;
- ``{"param": NAME}``: the job's value of a param, as ``value_text`` writes it;
- ``{"builtin": "seed" | "replicate" | "job_index"}``: a per-job number.

A part may add ``"quote": "sh"`` when it is spliced into a shell command string
(the string form of ``run``): the value is then shell-quoted, so it stays data.
Lowering fills templates to build each job's argv, env and outputs; backends fill
the same templates to write run-time tables, through ``part_text`` here, so both
always agree.
"""

from __future__ import annotations

import json
import shlex

BUILTINS = ("seed", "replicate", "job_index")


def value_text(value, type_name: str) -> str:
    """A param value as it appears in argv and env: documented in docs/ir.md."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def part_text(part: dict, job: dict, param_types: dict[str, str]) -> str:
    """The text of one template part for one job."""
    if "text" in part:
        return part["text"]
    if "param" in part:
        text = value_text(job["params"][part["param"]], param_types[part["param"]])
    else:
        text = str(job[{"job_index": "index"}.get(part["builtin"], part["builtin"])])
    return shlex.quote(text) if part.get("quote") == "sh" else text


def fill(template: list[dict], job: dict, param_types: dict[str, str]) -> str:
    return "".join(part_text(p, job, param_types) for p in template)


def param_types(experiment: dict) -> dict[str, str]:
    return {p["name"]: p["type"] for p in experiment["params"]}


def dumps(ir: dict) -> str:
    """The IR as JSON text: the same IR always gives the same bytes."""
    return json.dumps(ir, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
