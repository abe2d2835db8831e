"""COR003 string-run."""

import re

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.registry import rule
from xspec.lint.walk import field_span
from xspec.types import model as M

# Anything a shell would treat specially; a string with none of these splits into
# the same words with or without a shell.
SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\\"'*?\[\]#~{}!]")


@rule(code="COR003", name="string-run", category="hygiene", severity=Severity.WARNING,
      fix="sometimes")
def string_run(ctx):
    """## What it does
    Checks for `run` given as one command string instead of an argv list.

    ## Why is this bad?
    A string goes through a shell. The shell splits words on spaces, expands
    `*`, `~` and `$VAR`, and treats quotes, `;` and `|` as syntax, so a param
    value with a space or a glob character changes the command, and the same
    string behaves differently under `sh` and `bash`. An argv list is passed to
    the program as it is written.

    ## Example
    ```xspec
    run = "python train.py --lr ${lr} --seed ${seed}"
    ```

    ## Use instead
    ```xspec
    run = ["python", "train.py", "--lr", lr, "--seed", seed]
    ```
    If the command really needs a shell (pipes, redirections), say so:
    `run = ["bash", "-c", "python train.py | tee log.txt"]`.

    ## Fix safety
    When the string has no shell syntax (quotes, `$`, globs, `|`, `;`, `&`,
    redirections, braces, `~`, `#`, `!`), the fix rewrites it as the argv list
    the shell would have produced. This is safe: xspec quotes each interpolated
    value as one word either way. Otherwise there is no fix.
    """
    for exp in ctx.experiments:
        if not exp.run_is_string:
            continue
        span = field_span(exp.node, "run")
        words = argv(exp.run)
        fix = None
        if words:
            text = "[" + ", ".join(words) + "]"
            fix = Fix("rewrite as an argv list", (replace(span, text),))
        yield ctx.report("COR003", span, fix=fix, hints=[
            "write an argv list: run = [\"python\", \"train.py\", \"--lr\", lr]"
            if fix else "if it needs a shell, say so: run = [\"bash\", \"-c\", \"...\"]"])


def argv(template: M.Template) -> list[str] | None:
    """The argv elements (as xspec source) of a shell-free command string, else None."""
    words: list[list] = [[]]
    for part in template.parts:
        if isinstance(part, str):
            if SHELL_SYNTAX.search(part):
                return None
            for piece in re.split(r"(\s+)", part):
                if piece.isspace():
                    words.append([])
                elif piece:
                    words[-1].append(piece)
        else:
            words[-1].append(part)
    elements = [_element(w) for w in words if w]
    return elements or None


def _element(word: list) -> str:
    if len(word) == 1 and isinstance(word[0], M.Placeholder):
        p = word[0]
        return f"{p.name}.{p.attr}" if p.attr else p.name
    literal = "".join(p for p in word if isinstance(p, str))
    if all(isinstance(p, str) for p in word):
        return quote(literal)
    return '"' + "".join(quote(p)[1:-1] if isinstance(p, str) else str(p) for p in word) + '"'
