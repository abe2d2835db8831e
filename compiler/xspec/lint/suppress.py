"""Suppression comments: ``# xspec: ignore[CODE, CODE] reason``.

One regex (``DIRECTIVE``) reads every form, in any comment, after any other text:

    param lr: float = 0.1   # xspec: ignore[COR001] read by the launcher, not by run
    # xspec: ignore-file[PIN001, PIN005] this env is a scratch sandbox

``ignore`` suppresses the codes on the comment's own line (the line where a
diagnostic starts); ``ignore-file`` suppresses them in the whole file. A code may be
written as a rule code (``PIN002``), a prefix (``PIN``) or a rule name
(``image-without-digest``). The reason is free text; it is kept so reviewers see it.
Errors (E-codes) cannot be suppressed: the spec does not work until they are fixed.

Suppressions that suppress nothing are reported (COR006, with a safe fix that
removes them), as are unknown codes (COR007) and directives that do not parse
(COR008), so that a stale or mistyped suppression never hides the next problem.
"""

from __future__ import annotations

import re

from xspec.diagnostics import Diagnostic, Edit, Fix, Severity
from xspec.record import Record, new
from xspec.source import SourceFile, Span
from xspec.syntax import ast

DIRECTIVE = re.compile(
    r"#[ \t]*xspec:[ \t]*(?P<kind>ignore-file|ignore)(?![\w-])"   # the directive
    r"(?:\[(?P<codes>[^\]]*)\])?"                                   # [CODE, CODE]
    r"[ \t]*(?:(?::|--|—)[ \t]*)?(?P<reason>.*)$")                  # optional reason
_CODE = re.compile(r"^(?:[A-Z]+[0-9]*|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)$")
META = ("COR006", "COR007", "COR008")


class Directive(Record):
    """One `# xspec: ignore[...]` comment, and the codes it has silenced so far."""

    whole_file: bool
    line: int
    written: tuple[str, ...]              # the codes as written
    reason: str
    span: Span                            # from its `#` to the end of the comment
    comment: ast.Comment
    used: set[str] = new(set)

    def covers(self, written: str, code: str) -> bool:
        prefix = _code_of(written)
        return prefix == "ALL" or code.startswith(prefix)


def parse(comments, source: SourceFile) -> tuple[list[Directive], list[Diagnostic]]:
    """The directives in a file's comments, and diagnostics for those that are broken."""
    directives, problems = [], []
    for comment in comments:
        match = DIRECTIVE.search(comment.text)
        if match is None:
            continue
        directive = _directive(comment, match, source)
        trouble = _problems(directive, match)
        problems.extend(trouble)
        if directive.written and not any(d.code == "COR008" for d in trouble):
            directives.append(directive)
    return directives, problems


def _directive(comment: ast.Comment, match: re.Match, source: SourceFile) -> Directive:
    start = comment.span.start + match.start()
    span = source.span_at(start, comment.span.end - start)
    written = tuple(c.strip() for c in (match.group("codes") or "").split(",") if c.strip())
    return Directive(match.group("kind") == "ignore-file", comment.span.line, written,
                     match.group("reason").strip(), span, comment)


def _problems(directive: Directive, match: re.Match) -> list[Diagnostic]:
    form = "ignore-file" if directive.whole_file else "ignore"
    if not directive.written:
        return [_meta("COR008", directive.span, f"`# xspec: {form}` needs the codes it "
                      f"suppresses, e.g. `# xspec: {form}[PIN001]`")]
    found = []
    for written in directive.written:
        if not _CODE.match(written):
            found.append(_meta("COR008", directive.span, f"cannot read {written!r} as a rule "
                               "code or name"))
        elif _is_error_code(written):
            found.append(_meta("COR007", directive.span, f"{written} is an error, and errors "
                               "cannot be suppressed: fix the spec instead"))
        elif not _known(written):
            found.append(_meta("COR007", directive.span, f"unknown rule {written!r} in suppression",
                               ["list the rules with `xspec rule --all`"]))
    return found


def _meta(code: str, span: Span, message: str, hints=()) -> Diagnostic:
    from xspec.codes import CODES

    return Diagnostic(code, CODES[code].severity, span, message, tuple(hints))


# ---- applying them ------------------------------------------------------------------------------

def apply(found: list[Diagnostic], directives: list[Directive]) -> list[Diagnostic]:
    """The diagnostics no directive suppresses; marks the directives that were used."""
    return [d for d in found if not _suppressed(d, directives)]


def _suppressed(d: Diagnostic, directives: list[Directive]) -> bool:
    hit = False
    for directive in directives:
        if directive.whole_file or directive.line == d.span.line:
            for written in directive.written:
                if directive.covers(written, d.code):
                    directive.used.add(written)
                    hit = True
    return hit


def unused(directives: list[Directive], enabled: frozenset[str], source: SourceFile) -> list[Diagnostic]:
    """COR006 for each directive code that suppressed nothing, if its rule is on here."""
    found = []
    for directive in directives:
        stale = [w for w in directive.written if w not in directive.used and _known(w)
                 and any(directive.covers(w, code) for code in enabled)]
        if stale:
            shown = ", ".join(stale)
            fix = Fix(f"remove the unused suppression of {shown}", _removal(directive, stale, source))
            found.append(Diagnostic("COR006", _severity("COR006"), directive.span,
                                    f"unused suppression for {shown}", (), fix))
    return found


def _removal(directive: Directive, stale: list[str], source: SourceFile) -> tuple[Edit, ...]:
    kept = [w for w in directive.written if w not in stale]
    if kept:
        text = source.text[directive.span.start:directive.span.end]
        inside = text.index("[") + 1, text.index("]")
        start = directive.span.start
        return (Edit(start + inside[0], start + inside[1], ", ".join(kept)),)
    return (_delete_directive(directive, source),)


def _delete_directive(directive: Directive, source: SourceFile) -> Edit:
    text = source.text
    start, end = directive.span.start, directive.span.end
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    line_start = text.rfind("\n", 0, start) + 1
    if start == line_start:                      # the comment was the whole line
        newline = text.find("\n", end)
        return Edit(line_start, len(text) if newline < 0 else newline + 1, "")
    return Edit(start, end, "")


# ---- codes -------------------------------------------------------------------------------------

def _code_of(written: str) -> str:
    from xspec.lint.config import code_of_name

    return (code_of_name(written) or written) if "-" in written else written


def _known(written: str) -> bool:
    from xspec.codes import LINT_CODES

    code = _code_of(written)
    return code == "ALL" or any(c.startswith(code) for c in LINT_CODES)


def _is_error_code(written: str) -> bool:
    return re.fullmatch(r"E[0-9]+", written) is not None


def _severity(code: str) -> Severity:
    from xspec.codes import CODES

    return CODES[code].severity
