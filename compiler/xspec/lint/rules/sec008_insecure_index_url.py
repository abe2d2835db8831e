"""SEC008 insecure-index-url."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.patterns import scheme
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="SEC008", name="insecure-index-url", category="security", severity=Severity.WARNING,
      fix="unsafe")
def insecure_index_url(ctx):
    """## What it does
    Checks for an env `index_url` that uses plain `http://`.

    ## Why is this bad?
    Packages are code that runs with the job's permissions. Over plain http,
    anyone on the network path can serve a modified wheel; pip and uv only
    notice when the lockfile has hashes for every file.

    ## Example
    ```xspec
    index_url = "http://pypi.lab.example/simple"
    ```

    ## Use instead
    ```xspec
    index_url = "https://pypi.lab.example/simple"
    ```

    ## Fix safety
    The fix rewrites `http://` to `https://`. It is unsafe: the index may not
    serve https.
    """
    for env in ctx.envs:
        if isinstance(env.index_url, str) and scheme(env.index_url) == "http":
            span = field_span(env.node, "index_url")
            fix = Fix("use https", (replace(span, quote("https" + env.index_url[4:])),), safe=False)
            yield ctx.report("SEC008", span, env.index_url, fix=fix)
