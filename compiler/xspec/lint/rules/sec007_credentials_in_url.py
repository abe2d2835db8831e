"""SEC007 credentials-in-url."""

import re

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.secrets import mask

USERINFO = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"]+:(?P<secret>[^/\s@\"]+)@")
# USERINFO without the scheme: it starts with a literal, so re finds it fast. A line
# without it cannot hold a USERINFO match (neither crosses a line).
_USERINFO_TAIL = re.compile(r"://[^/\s:@\"]+:[^/\s@\"]+@")
QUERY = re.compile(r"[?&](?:token|access_token|auth|api_key|apikey|key|sig|signature|password"
                   r"|X-Amz-Signature|X-Amz-Credential|X-Goog-Signature|X-Goog-Credential)"
                   r"=(?P<secret>[^&\s\"#]+)", re.I)


@rule(code="SEC007", name="credentials-in-url", category="security", severity=Severity.ERROR)
def credentials_in_url(ctx):
    """## What it does
    Checks the file for URLs that carry credentials: a password in the user part
    (`https://user:password@host/...`) or a token in the query
    (`?token=`, `?access_token=`, `?api_key=`, `?key=`, Azure `?sig=`, presigned
    S3 and GCS `X-Amz-Signature` / `X-Goog-Signature`). Only the first 4
    characters of the credential are shown.

    ## Why is this bad?
    URLs are logged by download tools, proxies and schedulers, copied into
    lockfiles and provenance records, and shown in error messages. A presigned
    URL also expires, so the spec stops working on its own.

    ## Example
    ```xspec
    index_url = "https://ana:s3cr3t-passw0rd@pypi.lab.example/simple"
    ```

    ## Use instead
    ```xspec
    index_url = "https://pypi.lab.example/simple"   # credentials from ~/.netrc or a keyring
    ```

    ## Fix safety
    No fix: the credential must be revoked and provided another way.
    """
    text = ctx.text
    matches = [m for start, end in _lines_with(_USERINFO_TAIL, text)
               for m in USERINFO.finditer(text, start, end)]
    if "?" in text or "&" in text:
        matches += QUERY.finditer(text)
    for match in matches:
        secret = match.group("secret")
        if secret.startswith("${"):
            continue
        start = match.start("secret")
        shown = match.group(0).replace(secret, mask(secret))
        yield ctx.report("SEC007", ctx.source.span_at(start, len(secret)), shown, hints=[
            "use a credential helper, ~/.netrc or a `secret`, not the URL"])


def _lines_with(pattern, text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` where ``pattern`` matches, in order."""
    lines = []
    for start in sorted({text.rfind("\n", 0, m.start()) + 1 for m in pattern.finditer(text)}):
        end = text.find("\n", start)
        lines.append((start, end if end >= 0 else len(text)))
    return lines
