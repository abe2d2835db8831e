"""Every diagnostic code xspec can report, declared in one place.

A code is stable once released: tests, suppressions and CI configurations refer to it.
The message is a ``str.format`` template filled by the stage that reports it.
Lint rules (``xspec.lint``) declare their codes in ``LINT_CODES`` below.
"""

from __future__ import annotations

from dataclasses import dataclass

from xspec.diagnostics import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    category: str
    message: str
    summary: str


def _table(category: str, rows: list[tuple]) -> dict[str, Code]:
    return {code: Code(code, name, sev, category, msg, summary)
            for code, name, sev, msg, summary in rows}


SYNTAX = _table("syntax", [
    ("E001", "syntax-error", E, "{}", "The text does not follow the grammar."),
    ("E002", "unexpected-character", E, "unexpected character {!r}",
     "A character that cannot start any token."),
    ("E003", "unterminated-string", E, "unterminated string",
     "A string literal is missing its closing quote on the same line."),
    ("E004", "invalid-encoding", E, "file is not valid UTF-8: {}",
     "Spec files must be UTF-8 text."),
    ("E005", "unreadable-file", E, "cannot read {}: {}", "The file could not be opened."),
    ("E006", "xml-xspec-file", E,
     "this looks like an XSpec XML test file, not an xspec experiment spec",
     "The .xspec extension is shared with XSpec, an XML testing framework."),
    ("E007", "nesting-too-deep", E, "nesting deeper than {} levels",
     "Values nested so deeply they cannot be a real spec."),
    ("E008", "invalid-escape", E, "invalid escape sequence {!r} in string",
     "Strings support \\\\, \\\", \\n, \\t, \\$ and \\uXXXX escapes."),
])

RESOLVE = _table("resolve", [
    ("E101", "missing-header", E, "missing `xspec 1` header",
     "Every spec starts with the language version it is written in."),
    ("E102", "unsupported-version", E, "unsupported language version {}",
     "This xspec understands only the versions it lists."),
    ("E103", "misplaced-header", E, "the `xspec` header must be the first line of the file",
     "The header names the language version before anything else."),
    ("E110", "import-not-found", E, "cannot find module {!r}", "An import names a file that does not exist."),
    ("E111", "import-cycle", E, "import cycle: {}", "Modules import each other in a loop."),
    ("E112", "import-outside-project", E, "import {!r} leaves the project root {}",
     "Imports must stay inside the project so the project is self-contained."),
    ("E113", "unknown-stdlib-module", E, "no stdlib module {!r}", "The bundled stdlib has no such module."),
    ("E114", "duplicate-import", E, "import alias {!r} is already used",
     "Each import alias must be unique in a file."),
    ("E120", "undefined-name", E, "undefined name {!r}", "A reference to something that is not declared."),
    ("E121", "duplicate-definition", E, "{} {!r} is defined more than once",
     "Names must be unique within their scope."),
    ("E122", "unknown-attribute", E, "{} has no attribute {!r}", "A dotted reference names a missing member."),
    ("E123", "wrong-reference-kind", E, "expected a reference to {}, found {}",
     "A reference points at the wrong kind of thing."),
    ("E124", "let-cycle", E, "`let` bindings refer to each other in a loop: {}",
     "A let binding cannot depend on itself."),
])

TYPES = _table("types", [
    ("E201", "unknown-field", E, "unknown field {!r} in {}", "A field that this block does not have."),
    ("E202", "missing-field", E, "{} is missing required field {!r}", "A field this block cannot do without."),
    ("E203", "type-mismatch", E, "{} expects {}, found {}", "A value of the wrong type."),
    ("E204", "bad-unit", E, "{}", "A quantity with an unknown unit or a unit of the wrong kind."),
    ("E205", "out-of-range", E, "{} {} is outside the range [{}, {}]", "A value outside its declared range."),
    ("E206", "not-in-set", E, "{} {} is not one of {}", "A value outside its declared set of choices."),
    ("E207", "sweep-undeclared-param", E, "sweep over undeclared param {!r}",
     "A sweep can only vary parameters the experiment declares."),
    ("E208", "random-sweep-without-seed", E,
     "random sweep has no seed source: give the sweep a `seed` or the experiment a `seed`",
     "Random search must be reproducible: its draws come from a seed."),
    ("E209", "unknown-block", E, "unknown block {!r} in {}", "A block kind that is not part of the language."),
    ("E210", "unknown-type", E, "unknown param type {!r}", "A param type outside the language's types."),
    ("E211", "invalid-constraint", E, "{}", "A range or set that cannot constrain its param."),
    ("E212", "duplicate-field", E, "field {!r} is set more than once", "Each field may appear once per block."),
    ("E213", "invalid-call", E, "{}", "A call to an unknown function or with the wrong arguments."),
    ("E214", "invalid-value", E, "{}", "A value of the right type that is still not valid here."),
    ("E215", "empty-sweep", E, "{}", "A sweep that produces no jobs, or whose axes disagree in length."),
    ("E216", "missing-name", E, "{} needs a name", "Top-level blocks are named."),
    ("E217", "bad-interpolation", E, "{}", "A `${...}` in a string that cannot be resolved."),
])

LINT_CODES: dict[str, Code] = {}

CODES: dict[str, Code] = {**SYNTAX, **RESOLVE, **TYPES}


def register_lint_codes(codes: dict[str, Code]) -> None:
    LINT_CODES.update(codes)
    CODES.update(codes)
