"""The xspec language server: a thin shell of pygls over the core API.

Document text goes to the core in-process (``features.diagnostics.check``), the
result is kept as an ``Analysis`` per open document, and each feature module turns an
analysis into LSP types (ruff_server's lint.rs and esbonio's features/ have this shape).
Every handler is guarded: a bug on odd input answers "nothing here" and is logged; it
never takes the server down or stops it answering.
"""

from __future__ import annotations

import functools
import gc
import inspect
import logging
import os
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from xspec import __version__
from xspec.lsp.analyser import Analyser
from xspec.lsp.convert import UTF16, LineIndex
from xspec.lsp.documents import Analysis, Request, uri_to_path
from xspec.lsp.features import diagnostics
from xspec.source import MAX_SOURCE_BYTES

log = logging.getLogger("xspec.lsp")

CONFIG_FILES = ("pyproject.toml", "xspec.toml")


class XspecServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("xspec", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.analyser = Analyser(diagnostics.check, self.publish, self.encoding)

    def encoding(self) -> str:
        try:
            encoding = self.workspace.position_encoding
        except Exception:  # noqa: BLE001 - before initialize there is no workspace
            return UTF16
        return str(getattr(encoding, "value", encoding) or UTF16)

    @property
    def root(self) -> Path:
        try:
            root = self.workspace.root_path
        except Exception:  # noqa: BLE001
            root = None
        return Path(root) if root else Path.cwd()

    def request(self, uri: str) -> Request:
        document = self.workspace.get_text_document(uri)
        return Request(uri, document.version, document.source, uri_to_path(uri, self.root))

    def text_index(self, uri: str) -> LineIndex:
        """The document's newest text, which may be newer than its last analysis. One
        over the parser's limit reads as empty: its only answer is the E020 diagnostic
        (colouring 22 MB token by token took minutes)."""
        text = self.workspace.get_text_document(uri).source
        return LineIndex("" if len(text) > MAX_SOURCE_BYTES else text, self.encoding())

    def publish(self, analysis: Analysis) -> None:
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=analysis.uri, version=analysis.request.version,
            diagnostics=diagnostics.to_lsp(analysis)))

    def check(self, uri: str) -> None:
        self.analyser.submit(self.request(uri))

    def start_io(self, stdin=None, stdout=None) -> None:
        """pygls's stdio server with lsp/transport.py's framing; a broken stream ends
        the process with status 1."""
        import asyncio
        import threading

        from pygls.io_ import StdoutWriter

        from xspec.lsp import transport

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = transport.Reader(stdin or sys.stdin.buffer, self.thread_pool)
        intact = True
        try:
            intact = asyncio.run(transport.serve(self._stop_event, reader, self.protocol))
        except BrokenPipeError:
            log.error("the client closed the connection")
        except (KeyboardInterrupt, SystemExit):
            pass
        if not intact:   # a pool thread may be blocked on a body that never came: shutdown would wait
            sys.stdout.flush()
            os._exit(1)
        self.shutdown()


def guarded(default=None):
    """Answer ``default`` (and log the bug) when a handler raises, instead of failing."""
    def wrap(handler):
        if inspect.iscoroutinefunction(handler):
            @functools.wraps(handler)
            async def run_async(*args):
                try:
                    return await handler(*args)
                except Exception:  # noqa: BLE001 - see the module docstring
                    log.exception("%s failed", handler.__name__)
                    return default
            return run_async

        @functools.wraps(handler)
        def run(*args):
            try:
                return handler(*args)
            except Exception:  # noqa: BLE001
                log.exception("%s failed", handler.__name__)
                return default
        return run
    return wrap


def _register_documents(server: XspecServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(params: lsp.DidOpenTextDocumentParams):
        server.check(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(params: lsp.DidChangeTextDocumentParams):
        server.check(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(params: lsp.DidSaveTextDocumentParams):
        # Open specs that import this one read it from disk: now they see the saved text.
        server.check(params.text_document.uri)
        server.analyser.recheck_importers(server.request(params.text_document.uri).path.resolve())

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        server.analyser.close(uri)
        server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _register_workspace(server: XspecServer) -> None:
    @server.feature(lsp.INITIALIZE)
    @guarded()
    def initialize(params: lsp.InitializeParams):
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("docsUrl"), str):
            diagnostics.docs_base = options["docsUrl"].rstrip("/")

    @server.feature(lsp.INITIALIZED)
    @guarded()
    def initialized(params: lsp.InitializedParams):
        _watch_files(server)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def watched_files_changed(params: lsp.DidChangeWatchedFilesParams):
        names = {change.uri.rsplit("/", 1)[-1] for change in params.changes}
        if names & set(CONFIG_FILES):
            diagnostics.forget_config()
            server.analyser.recheck_all()
            return
        for change in params.changes:        # specs changed on disk: re-check their importers
            server.analyser.recheck_importers(uri_to_path(change.uri, server.root).resolve())

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded()
    def configuration_changed(params: lsp.DidChangeConfigurationParams):
        diagnostics.forget_config()
        server.analyser.recheck_all()

    @server.feature(lsp.SHUTDOWN)
    @guarded()
    def shutdown(params):
        server.analyser.shutdown()


def _watch_files(server: XspecServer) -> None:
    """Ask the client to tell us when [tool.xspec] files or specs change on disk."""
    supported = server.client_capabilities.workspace
    watched = supported and supported.did_change_watched_files
    if not (watched and watched.dynamic_registration):
        return
    globs = [f"**/{name}" for name in CONFIG_FILES] + ["**/*.xspec"]
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in globs])
    registration = lsp.Registration(id="xspec-watch-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                    register_options=options)
    server.client_register_capability(lsp.RegistrationParams(registrations=[registration]))


def build() -> XspecServer:
    from xspec.lsp.features import actions, completion, formatting, hover, navigate, outline, tokens

    server = XspecServer()
    _register_documents(server)
    _register_workspace(server)
    for feature in (hover, completion, navigate, outline, formatting, actions, tokens):
        feature.register(server, guarded)
    return server


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="xspec lsp: %(levelname)s %(message)s")
    # Each check allocates tens of thousands of short-lived nodes; with the default
    # thresholds the collector runs full passes over every open document's tree mid-check
    # (the 100 ms+ outliers in bench/lsp.py). mypy raises its thresholds for the same reason.
    gc.set_threshold(20_000, 50, 100)
    gc.freeze()
    # While a check holds the GIL, the threads that read the client's messages wait up to
    # the switch interval for each read (5 ms by default, several per message), so a burst
    # of keystrokes would queue up behind it; a shorter interval keeps intake prompt.
    sys.setswitchinterval(0.0005)
    build().start_io()
