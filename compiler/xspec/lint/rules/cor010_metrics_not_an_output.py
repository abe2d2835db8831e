"""COR010 metrics-not-an-output."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span
from xspec.syntax import ast


@rule(code="COR010", name="metrics-not-an-output", category="hygiene", severity=Severity.WARNING)
def metrics_not_an_output(ctx):
    """## What it does
    Checks that every entry of an experiment's `metrics` is also one of its
    `outputs`, written the same way (`results/${job_index}/metrics.json` in
    both), and that it names a `.json` or `.csv` file.

    ## Why is this bad?
    Only outputs are hashed into the job's provenance record and compared by
    `xspec reproduce` and `xspec results --compare`: a metrics file outside them
    is read by `xspec results` but proven by nothing, so a table could show
    numbers no record vouches for. A file that is neither JSON nor CSV cannot be
    read as metrics at all.

    ## Example
    ```xspec
    experiment fit {
      outputs = ["results/${job_index}/model.pt"]
      metrics = ["results/${job_index}/metrics.json"]
      # ...
    }
    ```

    ## Use instead
    ```xspec
    experiment fit {
      outputs = ["results/${job_index}/model.pt", "results/${job_index}/metrics.json"]
      metrics = ["results/${job_index}/metrics.json"]
      # ...
    }
    ```

    ## Fix safety
    No fix: whether the file should be an output or not a metrics file is up to
    the experiment.
    """
    for exp in ctx.experiments:
        outputs = {str(o) for o in exp.outputs}
        spans = _item_spans(exp.node)
        for i, metrics in enumerate(exp.metrics):
            written = str(metrics)
            problem = _problem(written, outputs)
            if problem is not None:
                span = spans[i] if i < len(spans) else field_span(exp.node, "metrics")
                yield ctx.report("COR010", span or exp.node.name.span, written, problem)


def _problem(written: str, outputs: set[str]) -> str | None:
    if not written.endswith((".json", ".csv")):
        return "is neither a .json nor a .csv file"
    if written not in outputs:
        return "is not among the experiment's `outputs`"
    return None


def _item_spans(block) -> list:
    found = block.field("metrics") if block is not None else None
    if found is None or type(found.value) is not ast.ListExpr:
        return []
    return [item.span for item in found.value.items]
