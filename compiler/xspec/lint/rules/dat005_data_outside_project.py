"""DAT005 data-outside-project."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import ABSOLUTE_PATH
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DAT005", name="data-outside-project", category="data", severity=Severity.WARNING)
def data_outside_project(ctx):
    """## What it does
    Checks that a relative data `path` stays inside the project (the folder with
    `xspec.toml`, `pyproject.toml` or `.git` above the spec).

    ## Why is this bad?
    `../../shared/data.csv` works in one checkout layout only. The file is not
    under the project's version control, is not copied with the project, and
    can change without any commit in the project showing it.

    ## Example
    ```xspec
    data points { path = "../../shared/points.csv" }
    ```

    ## Use instead
    ```xspec
    data points { path = "data/points.csv" }
    ```

    ## Fix safety
    No fix: the file has to be moved into the project first.
    """
    root = None
    for entry in ctx.data:
        if not isinstance(entry.path, str) or ABSOLUTE_PATH.match(entry.path):
            continue
        root = root or ctx.project_root.resolve()
        if not (ctx.folder / entry.path).resolve().is_relative_to(root):
            yield ctx.report("DAT005", field_span(entry.node, "path"), entry.name, entry.path,
                             hints=["move the file into the project, or move the project root up "
                                    "with an xspec.toml"])
