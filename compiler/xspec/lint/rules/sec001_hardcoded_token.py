"""SEC001 hardcoded-token."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.secrets import mask, providers


@rule(code="SEC001", name="hardcoded-token", category="security", severity=Severity.ERROR)
def hardcoded_token(ctx):
    """## What it does
    Checks the whole file, strings and comments alike, for credentials in the
    published formats of their providers: AWS access key ids (`AKIA...`), GitHub
    (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`),
    Slack (`xoxb-` and friends, webhooks), Google (`AIza...`, `ya29.`), Hugging
    Face (`hf_`), OpenAI (`sk-...T3BlbkFJ...`, `sk-proj-`), Anthropic
    (`sk-ant-`), Stripe (`sk_live_`), private key blocks
    (`-----BEGIN ... PRIVATE KEY-----`) and JSON Web Tokens (`eyJ...`).
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
    for kind, start, end in providers(ctx.text):
        value = ctx.text[start:end]
        yield ctx.report("SEC001", ctx.source.span_at(start, end - start), kind, mask(value),
                         hints=["revoke it, then read it at run time: "
                                "secret NAME from env(\"VAR\") or k8s(\"secret\", \"key\")"])
