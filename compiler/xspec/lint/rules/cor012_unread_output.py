"""COR012 unread-output."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.syntax import ast
from xspec.types.graph import output_uses


@rule(code="COR012", name="unread-output", category="hygiene", severity=Severity.INFO)
def unread_output(ctx):
    """## What it does
    Checks, in a file whose experiments form a graph of steps (some experiment
    has `after`), that every named output (`outputs = { model = "model.pt" }`)
    of a step that another step comes after is read by some step as
    `STEP.outputs.NAME`. The final steps of the graph, those no step comes
    after, are exempt: their outputs are the results. So are outputs listed in
    the step's own `metrics`, and unnamed outputs (`outputs = ["log.txt"]`),
    which are kept for the record rather than offered to other steps.

    ## Why is this bad?
    A name in `outputs` is what lets a later step read a file by reference, so
    that the file is hashed as the reader's input and the dependency is written
    down. A named output of a middle step that nothing reads is either a wire
    that was never connected (the later step reads the file some other way, by
    a path written out, which DAT008 looks for, or reads a stale copy) or a
    name that means nothing. It is info, not a warning: a step may name an
    output only to keep it apart in the record.

    ## Example
    ```xspec
    experiment train {
      after   = [prepare]
      run     = ["python", "train.py", prepare.outputs.train]
      outputs = { model = "model.pt", curve = "curve.csv" }
    }

    experiment evaluate {
      after = [train.each]
      run   = ["python", "eval.py", train.outputs.model]   # nobody reads `curve`
    }
    ```

    ## Use instead
    ```xspec
    experiment evaluate {
      after = [train.each]
      run   = ["python", "eval.py", train.outputs.model, "--curve", train.outputs.curve]
    }
    ```
    or keep the file unnamed if it is only a record of the step.

    ## Fix safety
    No fix: whether a later step should read the file, or the file should not
    be offered, is up to the pipeline.
    """
    every = list(ctx.module.experiments.values())
    waited_for = {need.step for exp in every for need in exp.needs}
    if not waited_for:
        return
    read = _read_outputs(every)
    for step in ctx.experiments:
        if step.name not in waited_for:
            continue
        metrics = {str(m) for m in step.metrics}
        entries = _output_entries(step.node)
        for name, path in step.output_names.items():
            if (step.name, name) in read or str(path) in metrics or name not in entries:
                continue
            yield ctx.report("COR012", entries[name], name, step.name, hints=[
                f"a step after `{step.name}` reads it as `{step.name}.outputs.{name}`"])


def _read_outputs(experiments) -> set[tuple[str, str]]:
    """(step, output) for every `STEP.outputs.NAME` any step of the file writes, broken
    blocks included: a read in a block with an error is still a read."""
    found = set()
    for exp in experiments:
        for use in output_uses(exp):
            parts = [p.text for p in use.ref.parts]
            if len(parts) == 3 and parts[1] == "outputs":
                found.add((parts[0], parts[2]))
    return found


def _output_entries(block) -> dict:
    """Output name -> the span of its `name = "path"` entry."""
    field = block.field("outputs") if block is not None else None
    if field is None or type(field.value) is not ast.MapExpr:
        return {}
    return {entry.key.text: entry.span for entry in field.value.entries}
