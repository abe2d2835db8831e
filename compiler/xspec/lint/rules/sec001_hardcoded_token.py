"""SEC001 hardcoded-token."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.secrets import mask, providers
from xspec.record import Record
from xspec.types import model as M

HINT = 'revoke it, then read it at run time: secret NAME from env("VAR") or k8s("secret", "key")'
# Checked items of their own: linted where they are defined, not through what uses them.
ITEMS = (M.Env, M.Profile, M.DataEntry, M.Preset, M.Experiment)


@rule(code="SEC001", name="hardcoded-token", category="security", severity=Severity.ERROR)
def hardcoded_token(ctx):
    """## What it does
    Checks the whole file, strings and comments alike, for credentials in the
    published formats of their providers: AWS access key ids (`AKIA...`), GitHub
    (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`),
    Slack (`xoxb-` and friends, webhooks), Google (`AIza...`, `ya29.`), Hugging
    Face (`hf_`), OpenAI (`sk-...T3BlbkFJ...`, `sk-proj-`), Anthropic
    (`sk-ant-`), Stripe (`sk_live_`), private key blocks
    (`-----BEGIN ... PRIVATE KEY-----`, the whole block up to its END line) and
    JSON Web Tokens (`eyJ...`). AWS secret access keys (40 characters of base64,
    no prefix) are found next to an access key id or given to a secret-like name
    (`AWS_SECRET_ACCESS_KEY = "..."`, `secret_key: ...`).

    The evaluated values are checked too: a token written with escapes
    (`"\u0068f_..."`) or put together from `let` bindings and interpolation
    (`"${prefix}${rest}"`) is reported at the field whose value it ends up in.
    The report shows only the first 4 characters, here and in the printed source.

    ## Why is this bad?
    A spec is committed, shared, copied into compiled job scripts and provenance
    records. A credential in it is readable by everyone with access to any of
    those, and stays in the git history after it is deleted: it has to be revoked.

    ## Example
    ```xspec
    vars = { HF_TOKEN = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567" }
    ```

    ## Use instead
    ```xspec
    secret hf_token from env("HF_TOKEN")
    ```

    ## Fix safety
    No fix: the credential must be revoked and moved to a secret store; deleting
    it from the file does not remove it from history.
    """
    written = []
    for kind, start, end in providers(ctx.text):
        written.append((start, end))
        yield ctx.report("SEC001", ctx.source.span_at(start, end - start), kind, mask(ctx.text[start:end]),
                         hints=[HINT])
    for span, kind, token in _evaluated(ctx):
        if token not in ctx.text and not any(a < span.end and span.start < b for a, b in written):
            yield ctx.report("SEC001", span, kind, mask(token), hints=[HINT])


def _evaluated(ctx):
    """(span, kind, token) for the tokens of decoded strings and evaluated fields: those
    written with escapes or assembled by interpolation are not in the file's text."""
    for literal in ctx.strings:                 # escapes, wherever the string is
        for kind, start, end in providers(literal.value):
            yield literal.span, kind, literal.value[start:end]
    for item in ctx.envs + ctx.profiles + ctx.data + ctx.experiments:
        for name, value in _fields(item):
            for span, part in _parts(item, name, value):
                for text in _strings(part):
                    for kind, start, end in providers(text):
                        yield span, kind, text[start:end]


def _parts(item, name: str, value):
    """(span, value) pairs: a map's entries and a list's items at their own spans when the
    field's source is a literal map or list, else the whole value at the field's span."""
    from xspec.syntax import ast

    field = item.node.field(name) if item.node is not None else None
    if field is None:
        return [((item.node.name or item.node.kind).span if item.node is not None else None, value)]
    node = field.value
    if isinstance(node, ast.MapExpr) and isinstance(value, dict):
        spans = {entry.key.text: entry.value.span for entry in node.entries}
        return [(spans.get(key, node.span), {key: inner}) for key, inner in value.items()]
    if isinstance(node, ast.ListExpr) and isinstance(value, list) and len(value) == len(node.items):
        return [(item_node.span, inner) for item_node, inner in zip(node.items, value)]
    return [(node.span, value)]


def _fields(item: Record):
    return [(name, getattr(item, name)) for name in type(item).__annotations__ if name != "node"]


def _strings(value):
    """Every string in a checked value; literal text runs of templates and argv joined."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, M.Template) or (isinstance(value, tuple) and not hasattr(value, "_fields")):
        parts = value.parts if isinstance(value, M.Template) else value
        yield "".join(p for p in parts if isinstance(p, str))
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, Record) and not isinstance(value, ITEMS):
        for _, inner in _fields(value):
            yield from _strings(inner)
