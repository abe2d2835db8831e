"""DAT009 undeclared-data-read."""

import posixpath

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.rules.dat008_upstream_output_by_path import path_words, strings


@rule(code="DAT009", name="undeclared-data-read", category="data", severity=Severity.WARNING)
def undeclared_data_read(ctx):
    """## What it does
    Checks `run` and `vars` of every experiment for the local `path` of a
    `data` block of the same file, or a file inside it when it is a folder,
    written as text (a whole string, a word of a command string, or a word
    inside one such as `--data=...`), where the experiment does not list that
    block in its `data`. Paths are compared as written (`./` aside), as DAT007
    does; words glued to an interpolation, and the experiment's own `outputs`,
    are not looked at.

    Only paths that a `data` block declares are known to be data: a path no
    block names could be any file, so it is not reported (a job reading
    undeclared files in general is not something the spec can see).

    ## Why is this bad?
    The data an experiment lists is hashed when a job starts and recorded in
    its run's manifest, so `xspec verify` notices when it changed; using
    `points.path` without listing `points` is an error (E214). Writing the
    path out bypasses both: the job reads the file, and nothing records which
    content it read.

    ## Example
    ```xspec
    data points { path = "data/points.csv", sha256 = "..." }

    experiment fit {
      run = ["python", "fit.py", "--data", "data/points.csv"]
    }
    ```

    ## Use instead
    ```xspec
    experiment fit {
      data = [points]
      run  = ["python", "fit.py", "--data", points.path]
    }
    ```

    ## Fix safety
    No fix: listing the data changes what the run records and checks, which is
    the experiment's decision.
    """
    local = {posixpath.normpath(d.path): d for d in ctx.module.data.values()
             if isinstance(d.path, str) and d.path}
    if not local:
        return
    for exp in ctx.experiments:
        listed = {(d.module, d.name) for d in exp.data}
        unlisted = {path: d.name for path, d in local.items() if (d.module, d.name) not in listed}
        own = {posixpath.normpath(str(o)) for o in exp.outputs}
        for string, _ in strings(exp.node) if unlisted else ():
            for _, _, word in path_words(string):
                name = _data_for(posixpath.normpath(word), unlisted, own)
                if name is not None:
                    yield ctx.report("DAT009", string.span, word, name, exp.name, hints=[
                        f"list it, `data = [{name}]`, and write `{name}.path`"])


def _data_for(word: str, unlisted: dict[str, str], own: set) -> str | None:
    if word in own or word in ("", "."):
        return None
    for path, name in unlisted.items():
        if word == path or word.startswith(path + "/"):
            return name
    return None
