"""Applying fixes: each a set of text edits, applied together or not at all.

Fixes whose edits overlap an earlier fix's are left for the next pass (the file is
checked again after every pass, so a skipped fix is recomputed on the new text).
Safe fixes keep the spec's meaning; unsafe ones may change it and need
``--unsafe-fixes``. Each rule's documentation says which kind it offers.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from xspec.diagnostics import Diagnostic, Edit, Fix


def wanted(diagnostics: list[Diagnostic], path: str, unsafe: bool) -> list[Fix]:
    """The fixes to apply to the file shown as ``path``, in source order."""
    fixes = [d.fix for d in diagnostics
             if d.fix is not None and d.span.path == path and (d.fix.safe or unsafe)]
    return sorted(fixes, key=_first_offset)


def _first_offset(fix: Fix) -> tuple[int, int]:
    return min((e.start, e.end) for e in fix.edits) if fix.edits else (0, 0)


def apply(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """``text`` with every non-overlapping fix applied, and how many were applied."""
    taken: list[Edit] = []
    count = 0
    for fix in fixes:
        if fix.edits and not any(_overlap(e, t) for e in fix.edits for t in taken):
            taken.extend(fix.edits)
            count += 1
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text, count


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:        # an insertion clashes with anything at its point
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                        f"a/{path}", f"b/{path}"))


# ---- fixing files ---------------------------------------------------------------------------

MAX_PASSES = 10     # a fix can enable another (ruff iterates the same way)


@dataclass
class FixOutcome:
    diagnostics: list[Diagnostic]
    sources: dict
    applied: int = 0
    files: int = 0
    diff: str = ""

    def summary(self, dry_run: bool) -> str:
        left = len(self.diagnostics)
        verb = "Would fix" if dry_run else "Fixed"
        return (f"{verb} {self.applied} problem{'s' * (self.applied != 1)} in {self.files} "
                f"file{'s' * (self.files != 1)} ({left} remaining).")


def fix_files(files, diagnostics, sources, settings, unsafe: bool, write: bool) -> FixOutcome:
    """Fix every file that has fixable diagnostics; the others keep their diagnostics.
    ``settings`` maps each file's shown path to its Settings."""
    import os

    fixable = {d.span.path for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe)}
    outcome = FixOutcome([d for d in diagnostics if d.span.path not in fixable], dict(sources))
    for path in files:
        shown = os.path.relpath(path)
        if shown in fixable:
            _fix_one(path, shown, settings[shown], unsafe, write, outcome)
    outcome.diagnostics.sort(key=lambda d: d.sort_key)
    return outcome


def _fix_one(path, shown: str, settings, unsafe: bool, write: bool, outcome: FixOutcome) -> None:
    from xspec.source import SourceFile

    before = SourceFile.read(path, shown).text
    after, applied, first, found, result = _fix_text(path, shown, before, settings, unsafe)
    outcome.diagnostics.extend(found)
    outcome.sources.update({m.source.path: m.source for m in result.program.modules.values()})
    if applied:
        outcome.applied += applied
        outcome.files += 1
        outcome.diff += unified_diff(shown, _hidden(before, shown, first), _hidden(after, shown, found))
        if write:
            _write_atomically(path, after)


def _fix_text(path, shown: str, text: str, settings, unsafe: bool):
    """Fix, check again, repeat: (text, fixes applied, first and last diagnostics, result)."""
    from xspec.lint.runner import lint_file

    applied, first = 0, None
    for _ in range(MAX_PASSES):
        found, result = lint_file(path, settings, text)
        first = first if first is not None else found
        text, count = apply(text, wanted(found, shown, unsafe))
        if count == 0:
            return text, applied, first, found, result
        applied += count
    found, result = lint_file(path, settings, text)
    return text, applied, first, found, result


def _hidden(text: str, shown: str, found: list[Diagnostic]) -> str:
    """``text`` with its secrets masked, so that a printed diff does not leak them."""
    from xspec.lint.secrets import redact
    from xspec.source import SourceFile

    return redact({shown: SourceFile(shown, text)}, found)[shown].text


def _write_atomically(path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.xspec-fix.tmp")
    temporary.write_text(text, encoding="utf-8", newline="")
    temporary.replace(path)
