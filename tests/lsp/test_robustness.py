"""A broken document never crashes the server or stops it answering.

In-process, hypothesis mangles real specs (cuts them mid-token, splices in stray
brackets, quotes and non-ASCII text) and asks every feature about every kind of
position; the features themselves must not raise (the server's guard would hide it).
Over stdio, hostile documents go to the real server, which must keep answering.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp

from xspec.lsp.documents import Request, analyse
from xspec.lsp.features import actions, completion, hover, navigate, outline
from xspec.lsp.features.diagnostics import check, to_lsp

from tests.lsp.conftest import REPO, Doc, until

SPECS = sorted((REPO / "specs").rglob("*.xspec"))
FRAGMENTS = ["{", "}", "[", "]", "(", ")", '"', "${", "=", ".", ",", ":", "\n", "#", "param ",
             "sweep random {", "🚀", "é", "\t", "\r\n", "import ", "1e", "32G", "in {", "-"]


@st.composite
def mangled_spec(draw):
    path = draw(st.sampled_from(SPECS))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        text = text[:at] + draw(st.sampled_from(FRAGMENTS + [""])) + text[at + cut:]
    if draw(st.booleans()):
        text = text[:draw(st.integers(0, len(text)))]       # half-typed: cut off
    return path, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_spec(), st.data())
def test_every_feature_answers_on_mangled_specs(spec, data):
    path, text = spec
    analysis = analyse(Request(path.as_uri(), 1, text, path), "utf-16", check)
    assert analysis.error is None, analysis.error
    to_lsp(analysis)
    offsets = data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=6))
    for offset in offsets:
        position = analysis.index.position(offset)
        hover.hover(analysis, position)
        completion.complete(analysis.index, position, analysis, path, snippets=True)
        navigate.definition(analysis, position, "utf-16")
    outline.document_symbols(analysis)
    outline.folding_ranges(analysis)
    actions.code_actions(analysis, analysis.index.whole())


HOSTILE = {
    "empty": "",
    "unclosed": "xspec 1\nexperiment x {\n  param lr: float in [0, \n  run = [\"a\", ${\n",
    "brackets": "xspec 1\nlet deep = " + "[" * 300 + "]" * 300 + "\n",
    "long_line": "xspec 1\nlet s = \"" + "🚀é" * 20000 + "\"\n",
    "xml": '<?xml version="1.0"?>\n<x:description xmlns:x="http://www.jenitennison.com/xslt/xspec"/>\n',
    "control": "xspec 1\n\x00\x01\x7f env x { python = \"3.11\" }\n\u2028let a = 1\n",
    "interpolation": 'xspec 1\nlet a = "${"\nlet b = "${ . }"\nlet c = "\\q"\n',
}

server_test = pytest.mark.asyncio(loop_scope="module")


@server_test
@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_the_server_keeps_answering_hostile_documents(client, workspace, name):
    doc = Doc(client, workspace / "lsp" / f"hostile_{name}.xspec", HOSTILE[name])
    await until(client, doc.uri, lambda ds: True)
    lines = doc.text.count("\n") + 1
    for line in range(min(lines, 4)):
        for character in (0, 3, 40):
            position = lsp.Position(line, character)
            await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=position))
            await client.text_document_completion_async(
                lsp.CompletionParams(text_document=doc.ident(), position=position))
            await client.text_document_definition_async(
                lsp.DefinitionParams(text_document=doc.ident(), position=position))
    await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc.ident()))
    await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=doc.ident(), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    doc.close()
    errors = [m for m in client.messages if m.type == lsp.MessageType.Error]
    assert errors == []            # no "Error in server" shown to the user


@server_test
async def test_the_server_still_checks_after_the_hostile_documents(client, workspace):
    doc = Doc(client, workspace / "lsp" / "errors.xspec")
    found = await until(client, doc.uri, lambda ds: len(ds) == 3)
    assert sorted(d.code for d in found) == ["E120", "E201", "E203"]
    doc.close()


@server_test
async def test_a_document_over_the_size_limit_gets_e020_and_empty_answers(client, workspace):
    """A 22 MB document took 72 s and 1.75 GB: parsed piece by piece past the parser's
    limit, and coloured token by token."""
    from xspec.source import MAX_SOURCE_BYTES

    text = "xspec 1\n" + 'let a = "x"\n' * (MAX_SOURCE_BYTES // 12 + 1)
    doc = Doc(client, workspace / "lsp" / "huge.xspec", text)
    found = await until(client, doc.uri, lambda ds: len(ds) > 0)
    assert [d.code for d in found] == ["E020"]
    colours = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=doc.ident()))
    assert list(colours.data) == []
    doc.close()
