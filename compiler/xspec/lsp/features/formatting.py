"""Formatting: the same formatter as `xspec fmt`, as one whole-document edit."""

from __future__ import annotations

from lsprotocol import types as lsp

from xspec import api
from xspec.lsp.convert import LineIndex


def register(server, guarded) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @guarded([])
    async def on_formatting(params: lsp.DocumentFormattingParams):
        uri = params.text_document.uri
        index = server.text_index(uri)
        path = server.request(uri).path
        formatted = await server.analyser.run(format_document, index.text, str(path))
        return edits(index, formatted)


def format_document(text: str, path: str) -> str | None:
    """The formatted text, or None when the spec has syntax errors (fmt refuses those)."""
    formatted, _diagnostics = api.format_text(text, path)
    return formatted


def edits(index: LineIndex, formatted: str | None) -> list[lsp.TextEdit]:
    if formatted is None or formatted == index.text:
        return []
    return [lsp.TextEdit(range=index.whole(), new_text=formatted)]
