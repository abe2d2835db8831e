"""SEC002 high-entropy-secret."""

import re

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.secrets import is_secret_name, looks_random, mask, providers
from xspec.syntax import ast

# NAME=VALUE, --name=VALUE, "name": "value", name: value inside one string or comment.
# A match starts only where a run of name characters starts, skipping the run's
# digits, dots and dashes (`--name`), and the name is possessive: trying every
# position of a 100 KB word, each scanning to its end, took minutes.
ASSIGNMENT = re.compile(r"""(?<![\w.-])(?:[^\WA-Za-z_]|[.-])*+(?P<name>[A-Za-z_][\w.-]*+)"""
                        r"""["']?\s*[=:]\s*["']?(?P<value>[^\s"',;&]{16,})""")
FLAG = re.compile(r"^--?(?P<name>[A-Za-z][\w-]*)$")


@rule(code="SEC002", name="high-entropy-secret", category="security", severity=Severity.WARNING)
def high_entropy_secret(ctx):
    """## What it does
    Checks strings and comments for random-looking values (16 or more characters,
    at least 3.5 bits of entropy per character, 3.0 for hex) that are given to a
    secret-like name: `API_KEY=...` or `--token=...` inside a string,
    `"password": "..."` in a comment, or an argument that follows a flag such as
    `"--api-key"` in an argv `run`. Names count as secret-like when one of their
    words is `secret`, `token`, `password`, `passwd`, `pwd`, `credential`, `auth`,
    or they contain `api key`, `access key`, `private key`, `client secret`.
    Provider formats are reported by SEC001 instead. Only the first 4 characters
    are shown.

    ## Why is this bad?
    Not every credential has a recognisable prefix: database passwords, internal
    API keys and webhook secrets are random strings. One next to a word like
    `token` is almost always real, and it leaks like any other (see SEC001).

    ## Example
    ```xspec
    run = ["python", "upload.py", "--api-key", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"]
    ```

    ## Use instead
    ```xspec
    secret upload_key from env("UPLOAD_API_KEY")
    run = ["python", "upload.py"]        # upload.py reads UPLOAD_API_KEY
    ```

    ## Fix safety
    No fix: the value must be revoked and moved to a secret store.
    """
    for literal in ctx.strings:
        yield from _in_text(ctx, literal.raw, literal.span.start)
    for comment in ctx.module.ast.comments:
        yield from _in_text(ctx, comment.text, comment.span.start)
    for exp in ctx.experiments:
        yield from _argv_pairs(ctx, exp)


def _in_text(ctx, text: str, offset: int):
    for match in ASSIGNMENT.finditer(text):
        value = match.group("value")
        if is_secret_name(match.group("name")) and looks_random(value) and not any(providers(value)):
            start = offset + match.start("value")
            yield _report(ctx, start, value, f"`{match.group('name')}`")


def _argv_pairs(ctx, exp):
    run = exp.node.field("run")
    if run is None or not isinstance(run.value, ast.ListExpr):
        return
    items = run.value.items
    for flag, value in zip(items, items[1:]):
        if not (isinstance(flag, ast.Str) and isinstance(value, ast.Str) and value.is_plain):
            continue
        named = FLAG.match(flag.value)
        if named and is_secret_name(named.group("name")) and looks_random(value.value) \
                and not any(providers(value.value)):
            yield _report(ctx, value.span.start + 1, value.value, f"`{flag.value}`")


def _report(ctx, start: int, value: str, given_to: str):
    span = ctx.source.span_at(start, len(value))
    return ctx.report("SEC002", span, given_to, mask(value), hints=[
        "revoke it, then read it at run time: secret NAME from env(\"VAR\")"])
