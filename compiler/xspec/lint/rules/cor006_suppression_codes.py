"""COR006, COR007 and COR008: suppression hygiene, reported by xspec.lint.suppress."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule


@rule(code="COR006", name="unused-suppression", category="hygiene", severity=Severity.WARNING,
      fix="safe")
def unused_suppression(ctx):
    """## What it does
    Checks for `# xspec: ignore[CODE]` and `# xspec: ignore-file[CODE]`
    comments that suppress nothing: no diagnostic with that code starts on the
    comment's line (or, for `ignore-file`, anywhere in the file). Suppressions of
    rules that are not enabled for the file are not reported.

    ## Why is this bad?
    A suppression outlives the problem it was written for. Left in place, it
    silently hides the next, unrelated problem of the same kind on that line,
    and readers keep believing there is something to excuse.

    ## Example
    ```xspec
    image = "python:3.11.9-slim@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317"  # xspec: ignore[PIN002]
    ```

    ## Use instead
    ```xspec
    image = "python:3.11.9-slim@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317"
    ```

    ## Fix safety
    The fix removes the unused codes, or the whole comment when none is used.
    It is safe: the codes suppressed nothing.
    """
    return ()


@rule(code="COR007", name="unknown-suppression-code", category="hygiene",
      severity=Severity.WARNING)
def unknown_suppression_code(ctx):
    """## What it does
    Checks suppression comments for codes and names that are not rules
    (a typo like `PIN02`, a rule from another tool like `DL3008`), and for
    error codes (`E201`), which cannot be suppressed.

    ## Why is this bad?
    A suppression with an unknown code suppresses nothing, so the problem it was
    meant to excuse is still reported, or, worse, the author believes a rule is
    silenced when it is not. Errors mean the spec does not work; hiding them
    would only move the failure to run time.

    ## Example
    ```xspec
    python = "3.11"  # xspec: ignore[PIN08]
    ```

    ## Use instead
    ```xspec
    python = "3.11"  # xspec: ignore[PIN008] the image decides the patch release
    ```

    ## Fix safety
    No fix: xspec cannot know which code was meant.
    """
    return ()


@rule(code="COR008", name="malformed-suppression", category="hygiene", severity=Severity.WARNING)
def malformed_suppression(ctx):
    """## What it does
    Checks for `# xspec: ignore` comments that do not parse: no `[codes]` at all
    (a blanket suppression), empty brackets, or something in the brackets that is
    neither a rule code nor a rule name.

    ## Why is this bad?
    xspec has no blanket suppression on purpose: a comment that hides every
    current and future problem on a line hides the next real one too. A
    suppression that does not parse suppresses nothing.

    ## Example
    ```xspec
    image = "python:3.11"  # xspec: ignore
    ```

    ## Use instead
    ```xspec
    image = "python:3.11"  # xspec: ignore[PIN002] rebuilt nightly on purpose
    ```

    ## Fix safety
    No fix: xspec cannot know which codes were meant.
    """
    return ()
