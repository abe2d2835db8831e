"""A real `xspec lsp` server over stdio, driven by pytest-lsp.

Each test module gets one server (module scope, so mark the module with
``pytestmark = pytest.mark.asyncio(loop_scope="module")``) whose workspace is a
fresh copy of specs/ and fixtures/lsp/, so tests may edit files on disk.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
WAIT_LIMIT = 30.0   # a hang guard only: no test asserts how fast anything is


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "compiler"), env.get("PYTHONPATH")]))
    return env


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "xspec", "lsp"],
                            server_env=server_env())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(REPO / "specs", root / "specs")
    shutil.copytree(REPO / "fixtures" / "lsp", root / "lsp")
    return root


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient, workspace: Path):
    lsp_client.registrations = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: lsp.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")])
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


# ---- helpers the tests share ---------------------------------------------------------

class Doc:
    """One open document: its URI, text and version, edited the way an editor does."""

    def __init__(self, client: LanguageClient, path: Path, text: str | None = None):
        self.client, self.path = client, path
        self.uri = path.resolve().as_uri()
        self.text = path.read_text(encoding="utf-8") if text is None else text
        self.version = 1
        item = lsp.TextDocumentItem(uri=self.uri, language_id="xspec", version=1, text=self.text)
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))

    def replace(self, old: str, new: str) -> None:
        """An incremental edit: replace the first ``old`` with ``new``."""
        start = self.text.index(old)
        rng = lsp.Range(position(self.text, start), position(self.text, start + len(old)))
        self.text = self.text[:start] + new + self.text[start + len(old):]
        self.version += 1
        change = lsp.TextDocumentContentChangePartial(range=rng, text=new)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[change]))

    def at(self, needle: str, delta: int = 0) -> lsp.Position:
        """The position of ``needle`` in the text (plus ``delta`` characters)."""
        return position(self.text, self.text.index(needle) + delta)

    def close(self) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=self.uri)))

    def ident(self) -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(uri=self.uri)


def position(text: str, offset: int) -> lsp.Position:
    """The LSP (UTF-16) position of a code-point offset: computed independently of the server."""
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return lsp.Position(line, len(text[line_start:offset].encode("utf-16-le")) // 2)


async def until(client: LanguageClient, uri: str, predicate) -> list[lsp.Diagnostic]:
    """Wait until the diagnostics published for ``uri`` satisfy ``predicate``; return them."""
    async def poll():
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and predicate(list(found)):
                return list(found)
            await asyncio.sleep(0.02)
    return await asyncio.wait_for(poll(), WAIT_LIMIT)


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def offset(text: str, pos: lsp.Position) -> int:
    """The code-point offset of an LSP (UTF-16) position."""
    line_start = 0
    for _ in range(pos.line):
        line_start = text.index("\n", line_start) + 1
    units, index = 0, line_start
    while units < pos.character and index < len(text) and text[index] != "\n":
        units += len(text[index].encode("utf-16-le")) // 2
        index += 1
    return index


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP text edits to ``text``, last first, as an editor does."""
    spans = [(offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
