"""DAT002 mutable-data-version."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span

MOVING = {"latest", "main", "master", "head", "dev", "develop", "development", "nightly",
          "current", "stable", "trunk", "default", "newest", "edge", "tip", "snapshot", "live"}


@rule(code="DAT002", name="mutable-data-version", category="data", severity=Severity.WARNING)
def mutable_data_version(ctx):
    """## What it does
    Checks a data block's `version` for names that move: `latest`, `current`,
    `stable`, `nightly`, and branch names such as `main`, `master` or `dev`.

    ## Why is this bad?
    The version is there to say which release of a dataset the results come
    from. `latest` says only "whatever it was that day": a reader cannot fetch
    the same release, and a hash mismatch after an upstream release is the first
    sign that the data changed.

    ## Example
    ```xspec
    data squad {
      url     = "https://huggingface.co/datasets/rajpurkar/squad/resolve/main/plain_text/train-00000-of-00001.parquet"
      version = "latest"
    }
    ```

    ## Use instead
    ```xspec
    data squad {
      url     = "https://huggingface.co/datasets/rajpurkar/squad/resolve/7b6d24c440a36b6815f21b70d25016731768db1f/plain_text/train-00000-of-00001.parquet"
      version = "7b6d24c"
      sha256  = "..."
    }
    ```

    ## Fix safety
    No fix: the release name has to come from the dataset's publisher.
    """
    for entry in ctx.data:
        if isinstance(entry.version, str) and entry.version.strip().lower() in MOVING:
            yield ctx.report("DAT002", field_span(entry.node, "version"), entry.name,
                             entry.version, hints=["name a release, a date stamp or a commit"])
