"""The document outline (symbols) and folding ranges, from the tree of what parses."""

from __future__ import annotations

from lsprotocol import types as lsp

from xspec.lsp.convert import LineIndex
from xspec.lsp.documents import Analysis
from xspec.syntax import ast

SK = lsp.SymbolKind
_BLOCK_KINDS = {"data": SK.File, "env": SK.Package, "experiment": SK.Class, "profile": SK.Struct,
                "preset": SK.Object, "sweep": SK.Array, "resources": SK.Struct, "target": SK.Interface}


def register(server, guarded) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    async def on_symbols(params: lsp.DocumentSymbolParams):
        analysis = await server.analyser.current(params.text_document.uri)
        return document_symbols(analysis) if analysis else []

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded([])
    async def on_folding(params: lsp.FoldingRangeParams):
        analysis = await server.analyser.current(params.text_document.uri)
        return folding_ranges(analysis) if analysis else []


def document_symbols(analysis: Analysis) -> list[lsp.DocumentSymbol]:
    module = analysis.module
    if module is None:
        return []
    return [s for item in module.tree.items if (s := _symbol(item, analysis.index)) is not None]


def _symbol(node, index: LineIndex) -> lsp.DocumentSymbol | None:
    if isinstance(node, ast.Block):
        return _block(node, index)
    named = {ast.Import: (lambda n: n.alias, SK.Module, "import"),
             ast.Let: (lambda n: n.name, SK.Constant, "let"),
             ast.Param: (lambda n: n.name, SK.Variable, "param"),
             ast.Secret: (lambda n: n.name, SK.Key, "secret"),
             ast.Field: (lambda n: n.key, SK.Property, None)}.get(type(node))
    if named is None:
        return None
    name_of, kind, detail = named
    name = name_of(node)
    return lsp.DocumentSymbol(name=name.text or "?", kind=kind, detail=detail,
                              range=index.span_range(node.span),
                              selection_range=index.span_range(name.span))


def _block(block: ast.Block, index: LineIndex) -> lsp.DocumentSymbol:
    label = block.kind.text + (f" {block.name.text}" if block.name else "")
    selection = (block.name or block.kind).span
    children = [s for m in block.members if (s := _symbol(m, index)) is not None]
    return lsp.DocumentSymbol(name=label, kind=_BLOCK_KINDS.get(block.kind.text, SK.Object),
                              range=index.span_range(block.span),
                              selection_range=index.span_range(selection), children=children)


def folding_ranges(analysis: Analysis) -> list[lsp.FoldingRange]:
    module = analysis.module
    if module is None:
        return []
    from xspec.syntax.ast import walk

    folds = [_fold(n) for n in walk(module.tree) if isinstance(n, (ast.Block, ast.ListExpr, ast.MapExpr))]
    folds += _comment_folds(module.tree.comments) + _import_fold(module.tree)
    return [f for f in folds if f is not None]


def _fold(node) -> lsp.FoldingRange | None:
    """Fold a bracketed node's inside, leaving its closing line visible."""
    start, end = node.span.line - 1, node.span.end_line - 2
    return lsp.FoldingRange(start_line=start, end_line=end) if end > start else None


def _comment_folds(comments) -> list[lsp.FoldingRange]:
    folds, run = list[list[int]](), list[int]()   # runs of consecutive comment lines
    for comment in sorted(comments, key=lambda c: c.span.line):
        if run and comment.span.line != run[-1] + 1:
            folds.append(run)
            run = []
        run.append(comment.span.line)
    folds.append(run)
    return [lsp.FoldingRange(start_line=r[0] - 1, end_line=r[-1] - 1, kind=lsp.FoldingRangeKind.Comment)
            for r in folds if len(r) > 1]


def _import_fold(tree: ast.Module) -> list[lsp.FoldingRange]:
    imports = tree.imports
    if len(imports) < 2:
        return []
    return [lsp.FoldingRange(start_line=imports[0].span.line - 1, end_line=imports[-1].span.end_line - 1,
                             kind=lsp.FoldingRangeKind.Imports)]
