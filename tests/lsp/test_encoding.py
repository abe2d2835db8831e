"""A client that speaks UTF-8 positions (Neovim offers it) gets UTF-8 columns."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import SERVER, Doc, until

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(config=SERVER, scope="module")
async def utf8_client(lsp_client: LanguageClient, workspace):
    capabilities = lsp.ClientCapabilities(general=lsp.GeneralClientCapabilities(
        position_encodings=[lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf16]))
    result = await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=capabilities, root_uri=workspace.as_uri()))
    lsp_client.negotiated = result.capabilities.position_encoding
    yield
    await lsp_client.shutdown_session()


async def test_the_server_agrees_to_utf8(utf8_client):
    assert utf8_client.negotiated == lsp.PositionEncodingKind.Utf8


async def test_columns_count_utf8_bytes(utf8_client, workspace):
    doc = Doc(utf8_client, workspace / "lsp" / "unicode.xspec")
    [found] = await until(utf8_client, doc.uri, lambda ds: len(ds) == 1)
    line = doc.text.splitlines()[5]
    start = len(line[:line.index("colour")].encode("utf-8"))
    assert (found.range.start.line, found.range.start.character) == (5, start) == (5, 45)
    assert found.range.end.character == start + len("colour")
    doc.close()


async def test_a_utf8_position_finds_the_name_after_non_ascii_text(utf8_client, workspace):
    text = 'xspec 1\n\nlet base = 1\nlet both = ["é🚀", base]\n'
    doc = Doc(utf8_client, workspace / "lsp" / "utf8.xspec", text)
    column = len('let both = ["é🚀", '.encode("utf-8")) + 1        # inside `base`
    hover = await utf8_client.text_document_hover_async(lsp.HoverParams(
        text_document=doc.ident(), position=lsp.Position(3, column)))
    assert hover is not None and "let base = 1" in hover.contents.value
    assert (hover.range.start.character, hover.range.end.character) == (column - 1, column + 3)
    doc.close()


async def test_an_untitled_buffer_is_checked_too(utf8_client):
    uri = "untitled:Untitled-1"
    item = lsp.TextDocumentItem(uri=uri, language_id="xspec", version=1, text="env x { pyton = 1 }\n")
    utf8_client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
    found = await until(utf8_client, uri, lambda ds: len(ds) >= 2)
    assert {"E101", "E201"} <= {d.code for d in found}
