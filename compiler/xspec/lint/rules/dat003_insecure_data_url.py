"""DAT003 insecure-data-url."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.patterns import scheme
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DAT003", name="insecure-data-url", category="data", severity=Severity.WARNING,
      fix="unsafe")
def insecure_data_url(ctx):
    """## What it does
    Checks for data downloaded over plain `http://` or `ftp://`.

    ## Why is this bad?
    Anyone on the network path can read or replace a plain-text download. A
    `sha256` catches a replaced file, but only after the download, and a spec
    without one trains on whatever arrived.

    ## Example
    ```xspec
    url = "http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz"
    ```

    ## Use instead
    ```xspec
    url = "https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz"
    ```

    ## Fix safety
    The fix rewrites `http://` to `https://`. It is unsafe: not every server
    answers on https, or answers with the same file.
    """
    for entry in ctx.data:
        kind = scheme(entry.url) if isinstance(entry.url, str) else ""
        if kind not in ("http", "ftp"):
            continue
        span = field_span(entry.node, "url")
        fix = None
        if kind == "http":
            fix = Fix("download over https", (replace(span, quote("https" + entry.url[4:])),),
                      safe=False)
        yield ctx.report("DAT003", span, entry.name, f"{kind}://", fix=fix,
                         hints=["use an https:// mirror"])
