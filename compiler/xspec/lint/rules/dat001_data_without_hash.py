"""DAT001 data-without-hash."""


from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import insert_field
from xspec.lint.patterns import mutable_location
from xspec.lint.registry import rule
from xspec.lint.walk import name_span

MAX_HASHED = 256 * 2**20      # the fix hashes local files up to this size; larger: xspec lock


@rule(code="DAT001", name="data-without-hash", category="data", severity=Severity.WARNING,
      fix="sometimes")
def data_without_hash(ctx):
    """## What it does
    Checks that every `data` block has a `sha256`. Object-store and branch URLs
    without a hash are reported by DAT006 instead.

    ## Why is this bad?
    Files behind a URL are replaced and local files are edited. Without a content
    hash nobody notices: the experiment silently trains on other data, and its
    results cannot be compared with the last run. With a hash, xspec and the
    compiled jobs verify the data before using it.

    ## Example
    ```xspec
    data cifar10 {
      url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    }
    ```

    ## Use instead
    ```xspec
    data cifar10 {
      url    = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
      sha256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    }
    ```

    ## Fix safety
    For a local `path` that exists (up to 256 MiB), the fix adds the file's
    current hash. It is unsafe: it declares whatever the file holds now to be the
    right data. For URLs there is no fix; `xspec lock` downloads and records it.
    """
    for entry in ctx.data:
        if entry.sha256 is not None or entry.node.field("sha256") is not None:
            continue
        if entry.url and mutable_location(entry.url):
            continue
        yield ctx.report("DAT001", name_span(entry.node), entry.name, fix=_fix(ctx, entry),
                         hints=["add `sha256 = \"...\"` (`sha256sum FILE`, or let `xspec lock` "
                                "record it)"])


def _fix(ctx, entry):
    import hashlib   # here, not at the top: OpenSSL costs 2 ms of every cold check

    if not isinstance(entry.path, str):
        return None
    local = ctx.folder / entry.path
    try:
        if not local.is_file() or local.stat().st_size > MAX_HASHED:
            return None
        digest = hashlib.sha256(local.read_bytes()).hexdigest()
    except OSError:
        return None
    edit = insert_field(ctx.text, entry.node, f'sha256 = "{digest}"', after=("path", "url"))
    return Fix(f"record the file's current sha256 {digest[:12]}...", (edit,), safe=False)
