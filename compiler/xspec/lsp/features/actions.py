"""Code actions: the linter's fixes, all safe fixes at once, and suppressions with a reason."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from xspec.codes import LINT_CODES
from xspec.diagnostics import Diagnostic
from xspec.lsp import convert
from xspec.lsp.documents import Analysis
from xspec.lsp.features.diagnostics import docs_url

FIX_ALL = lsp.CodeActionKind.SourceFixAll.value + ".xspec"
REASON = "<why this is fine here>"
_DIRECTIVE = re.compile(r"#[ \t]*xspec:[ \t]*ignore\[(?P<codes>[^\]]*)\]")


def register(server, guarded) -> None:
    kinds = [lsp.CodeActionKind.QuickFix, FIX_ALL]

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=kinds))
    @guarded([])
    async def on_code_action(params: lsp.CodeActionParams):
        analysis = await server.analyser.current(params.text_document.uri)
        if analysis is None or analysis.request.text != server.text_index(analysis.uri).text:
            return []      # edits computed for other text would corrupt the document
        return code_actions(analysis, params.range, params.context.only)


def code_actions(analysis: Analysis, wanted: lsp.Range, only=None) -> list[lsp.CodeAction]:
    here = [d for d in analysis.diagnostics if _overlaps(analysis.index.span_range(d.span), wanted)]
    actions = []
    if not only or lsp.CodeActionKind.QuickFix in only:
        actions += [_fix(analysis, d) for d in here if d.fix is not None]
        actions += [_suppress(analysis, d) for d in here if d.code in LINT_CODES]
    if not only or any(FIX_ALL.startswith(k) for k in only):
        actions += _fix_all(analysis)
    return actions


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p):
        return (p.line, p.character)
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _lsp(analysis: Analysis, d: Diagnostic) -> lsp.Diagnostic:
    return convert.diagnostic(d, analysis.index, docs_url)


def _edit(analysis: Analysis, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
    return lsp.WorkspaceEdit(changes={analysis.uri: edits})


def _fix(analysis: Analysis, d: Diagnostic) -> lsp.CodeAction:
    edits = [convert.text_edit(e, analysis.index) for e in d.fix.edits]
    title = d.fix.message + ("" if d.fix.safe else " (changes meaning: review it)")
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[_lsp(analysis, d)],
                          edit=_edit(analysis, edits), is_preferred=d.fix.safe)


def _fix_all(analysis: Analysis) -> list[lsp.CodeAction]:
    """Every safe fix whose edits do not clash with an earlier one's, as `--fix` applies them."""
    chosen, taken = list[lsp.TextEdit](), list[tuple[int, int]]()
    for d in analysis.diagnostics:
        if d.fix is None or not d.fix.safe:
            continue
        spans = [(e.start, e.end) for e in d.fix.edits]
        if any(_clash(a, b) for a in spans for b in taken):
            continue
        taken += spans
        chosen += [convert.text_edit(e, analysis.index) for e in d.fix.edits]
    if not chosen:
        return []
    return [lsp.CodeAction(title="Apply all safe xspec fixes", kind=FIX_ALL, edit=_edit(analysis, chosen))]


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Edits overlap, or insert at the same point (their order would be undefined)."""
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0]


def _suppress(analysis: Analysis, d: Diagnostic) -> lsp.CodeAction:
    """`# xspec: ignore[CODE] reason` on the diagnostic's line, or CODE added to one there."""
    line = d.span.line - 1
    text = analysis.index.line_text(line)
    existing = _DIRECTIVE.search(text)
    if existing is not None:
        start = end = existing.end("codes")
        new_text = f", {d.code}"
    else:
        start, end = len(text.rstrip()), len(text)
        new_text = f"  # xspec: ignore[{d.code}] {REASON}"
    span = lsp.Range(lsp.Position(line, analysis.index.character(line, start)),
                     lsp.Position(line, analysis.index.character(line, end)))
    return lsp.CodeAction(title=f"Suppress {d.code} on this line (then write the reason)",
                          kind=lsp.CodeActionKind.QuickFix, diagnostics=[_lsp(analysis, d)],
                          edit=_edit(analysis, [lsp.TextEdit(range=span, new_text=new_text)]))
