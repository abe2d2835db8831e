"""DAT006 mutable-data-url."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import mutable_location
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DAT006", name="mutable-data-url", category="data", severity=Severity.WARNING)
def mutable_data_url(ctx):
    """## What it does
    Checks data URLs that point at something that can be overwritten in place,
    when the data block has no `sha256` either: object-store keys without a
    version id (`s3://`, `gs://`, `az://`, S3/GCS/Azure/R2 https endpoints,
    without `?versionId=`, `?generation=` or `#generation`), and URLs that
    follow a branch (`/resolve/main/` on Hugging Face, `/raw/master/` on GitHub,
    `raw.githubusercontent.com/ORG/REPO/main/`).

    ## Why is this bad?
    Anyone with write access to the bucket or the branch changes what the URL
    returns, and nothing in the spec records what it returned before. A version
    id or a commit in the URL fetches the same bytes again; a hash at least
    detects that they changed.

    ## Example
    ```xspec
    data corpus { url = "s3://lab-data/corpus/train.parquet" }
    ```

    ## Use instead
    ```xspec
    data corpus {
      url    = "s3://lab-data/corpus/train.parquet?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
      sha256 = "..."
    }
    ```

    ## Fix safety
    No fix: the version id comes from the object store.
    """
    for entry in ctx.data:
        if entry.sha256 is not None or entry.node.field("sha256") is not None:
            continue
        problem = mutable_location(entry.url) if isinstance(entry.url, str) else None
        if problem:
            yield ctx.report("DAT006", field_span(entry.node, "url"), entry.name, problem,
                             hints=["add a version id or commit to the URL, and a `sha256`"])

