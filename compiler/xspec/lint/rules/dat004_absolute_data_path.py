"""DAT004 absolute-data-path."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import ABSOLUTE_PATH
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DAT004", name="absolute-data-path", category="data", severity=Severity.WARNING)
def absolute_data_path(ctx):
    """## What it does
    Checks for data given by an absolute local path: `/data/...`, `~/...`,
    `C:\\...`, or a `file:` URL.

    ## Why is this bad?
    An absolute path exists on one machine. On a cluster node, in a container or
    on a colleague's laptop the file is elsewhere or missing, so the spec only
    runs where it was written. Paths relative to the spec travel with the project.

    ## Example
    ```xspec
    data points { path = "/home/ana/thesis/data/points.csv" }
    ```

    ## Use instead
    ```xspec
    data points { path = "data/points.csv" }
    ```

    ## Fix safety
    No fix: the file has to be moved into the project first.
    """
    for entry in ctx.data:
        for key in ("path", "url"):
            value = getattr(entry, key)
            if isinstance(value, str) and ABSOLUTE_PATH.match(value) and (key == "path" or
                                                                    value.startswith("file:")):
                yield ctx.report("DAT004", field_span(entry.node, key), entry.name, value,
                                 hints=["put the file in the project and give a path relative "
                                        "to the spec"])
