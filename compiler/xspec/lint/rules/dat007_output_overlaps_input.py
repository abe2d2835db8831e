"""DAT007 output-overlaps-input."""

import posixpath

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span
from xspec.types import model as M


@rule(code="DAT007", name="output-overlaps-input", category="data", severity=Severity.WARNING)
def output_overlaps_input(ctx):
    """## What it does
    Checks that no entry of an experiment's `outputs` is one of its data files,
    lies inside a data folder, or contains one: outputs that interpolate a data
    entry's `path`, and outputs whose literal path overlaps a data block's local
    `path` (both compared as written, relative to where the job starts).

    ## Why is this bad?
    A job that writes where it reads changes its own input: the second run (or a
    replicate running at the same time) reads what the first one wrote, so the
    results depend on the order jobs ran in, and the data's hash no longer matches.

    ## Example
    ```xspec
    data points { path = "data/points.csv", sha256 = "..." }

    experiment fit {
      data    = [points]
      outputs = ["data/points.csv"]
      # ...
    }
    ```

    ## Use instead
    ```xspec
    experiment fit {
      data    = [points]
      outputs = ["results/${job_index}/fit.json"]
      # ...
    }
    ```

    ## Fix safety
    No fix: where outputs belong is up to the experiment.
    """
    for exp in ctx.experiments:
        span = field_span(exp.node, "outputs") or exp.node.name.span
        for output in exp.outputs:
            clash = _clash(output, exp.data)
            if clash is not None:
                yield ctx.report("DAT007", span, str(output), clash)


def _clash(output: M.Template, data: list) -> str | None:
    for part in output.placeholders:
        if part.kind == "data" and part.attr == "path":
            return part.name
    literal = "".join(p for p in output.parts if isinstance(p, str)) \
        if not output.placeholders else _prefix(output)
    written = posixpath.normpath(literal)
    for entry in data:
        if isinstance(entry.path, str) and _overlap(written, posixpath.normpath(entry.path),
                                                    whole=not output.placeholders):
            return entry.name
    return None


def _prefix(output: M.Template) -> str:
    """The folder part before the first placeholder: `runs/${x}/a.json` -> `runs`."""
    head = ""
    for part in output.parts:
        if not isinstance(part, str):
            break
        head += part
    return head.rsplit("/", 1)[0] if "/" in head else ""


def _overlap(output: str, data: str, whole: bool) -> bool:
    """``whole``: ``output`` is a complete path; otherwise it is the folder outputs go in."""
    if not output or output == ".":
        return False
    if output == data or output.startswith(data + "/"):
        return True
    return whole and data.startswith(output + "/")
