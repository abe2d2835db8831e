"""Hover: what a name means, where it comes from, and what a field or code is for."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from xspec.lint.secrets import mask_secrets
from xspec.lsp.documents import Analysis
from xspec.lsp.features import describe
from xspec.lsp.features.diagnostics import docs_url, rule_docs
from xspec.lsp.features.locate import enclosing_blocks, path_at
from xspec.lsp.features.names import occurrence_at, occurrences
from xspec.lsp.features.scope import field_spec, schema_of
from xspec.syntax import ast
from xspec.types import schema as S

_CODE = re.compile(r"\b[A-Z]{1,5}[0-9]{3}\b")


def register(server, guarded) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded()
    async def on_hover(params: lsp.HoverParams):
        analysis = await server.analyser.current(params.text_document.uri)
        return hover(analysis, params.position) if analysis else None


def hover(analysis: Analysis, position: lsp.Position) -> lsp.Hover | None:
    module = analysis.module
    if module is None:
        return None
    offset = analysis.index.offset(position)
    found = _code_in_comment(analysis, position) or _symbol(analysis, offset) or _node(analysis, offset)
    if found is None:
        return None
    text, span_range = found
    text = mask_secrets(text)          # a hover quotes source: never a credential in full
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=span_range)


def _code_in_comment(analysis: Analysis, position: lsp.Position):
    """A diagnostic code inside a comment, e.g. in `# xspec: ignore[PIN003] reason`."""
    line = analysis.index.line_text(position.line)
    column = analysis.index.column(position.line, position.character)
    hash_at = line.find("#")
    for match in _CODE.finditer(line):
        if 0 <= hash_at < match.start() and match.start() <= column <= match.end():
            code = match.group(0)
            text = describe.rule(code, rule_docs(code), docs_url(code))
            start = lsp.Position(position.line, analysis.index.character(position.line, match.start()))
            end = lsp.Position(position.line, analysis.index.character(position.line, match.end()))
            return text, lsp.Range(start, end)
    return None


def _symbol(analysis: Analysis, offset: int):
    occurrence = occurrence_at(occurrences(analysis), offset)
    if occurrence is None:
        return None
    symbol = occurrence.symbol
    program = analysis.result.program
    home = program.modules.get(symbol.key)
    if home is None:
        return None
    text = _describe_symbol(symbol, home, program)
    return (text, analysis.index.span_range(occurrence.span)) if text else None


def _describe_symbol(symbol, home, program) -> str | None:
    node = symbol.node
    if symbol.kind == "param":
        return describe.param(home, node)
    if symbol.kind == "let":
        return describe.let(home, node)
    if symbol.kind == "secret":
        return describe.secret(home, node)
    if symbol.kind == "import":
        return describe.imported(home, node, program.modules.get(home.imports.get(symbol.name)))
    if symbol.kind == "module":
        return "\n\n".join(p for p in (f"`{node.key}`", describe.module_doc(node)) if p)
    return describe.block(home, node)


def _node(analysis: Analysis, offset: int):
    chain = path_at(analysis.module.tree, offset)
    node, parent = chain[-1], chain[-2] if len(chain) > 1 else None
    text = None
    if isinstance(node, ast.Quantity):
        text = describe.unit(node.unit, node)
    elif isinstance(node, ast.Ident):
        text = _ident(node, parent, chain)
    return (text, analysis.index.span_range(node.span)) if text else None


def _ident(ident: ast.Ident, parent, chain) -> str | None:
    blocks = enclosing_blocks(chain)
    if isinstance(parent, ast.Block):
        return _block_word(ident, parent, blocks)
    if isinstance(parent, ast.Field) and ident is parent.key and not _in_map(chain):
        spec, where = field_spec(blocks, ident.text)
        return describe.field(spec, where) if spec else None
    if isinstance(parent, ast.TypeExpr):
        return describe.TYPE_DOCS.get(ident.text)
    if isinstance(parent, ast.Call):
        return S.FUNCTIONS.get(ident.text)
    if isinstance(parent, ast.Ref):
        return _ref_word(ident, parent)
    return None


def _in_map(chain) -> bool:
    return any(isinstance(n, ast.MapExpr) for n in chain)


def _block_word(ident, block: ast.Block, blocks) -> str | None:
    parent = blocks[-2] if len(blocks) > 1 else None
    schema = schema_of(block, parent)
    if ident is block.kind and schema is not None:
        return describe.block_kind(schema)
    if ident is block.name and block.kind.text in ("target", "sweep") and schema is not None:
        return describe.block_kind(schema)
    return None


def _ref_word(ident, ref: ast.Ref) -> str | None:
    index = ref.parts.index(ident)
    if index == 0 and ident.text in S.BUILTIN_NAMES:
        return f"**{ident.text}** (builtin): {S.BUILTIN_NAMES[ident.text]}"
    if index > 0 and ident.text in S.DATA_ATTRIBUTES:
        return f"**.{ident.text}** (data attribute): {S.DATA_ATTRIBUTES[ident.text]}"
    return None
