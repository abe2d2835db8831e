"""One analysis of one open document: the core's result for exactly that text."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from typing import TYPE_CHECKING

from xspec.diagnostics import Diagnostic
from xspec.lsp.convert import LineIndex
from xspec.resolve.loader import LoadedModule

if TYPE_CHECKING:
    from xspec.api import Result

log = logging.getLogger("xspec.lsp")


@dataclass(frozen=True, eq=False)
class Request:
    """A document's text at one version; compared by identity, so a re-check is a new one."""

    uri: str
    version: int | None
    text: str
    path: Path


@dataclass
class Analysis:
    request: Request
    index: LineIndex
    result: Result | None = None              # None when the core failed
    diagnostics: list[Diagnostic] = field(default_factory=list)   # this document's only
    error: str | None = None                  # the traceback when the core failed
    memo: dict = field(default_factory=dict)  # per-analysis caches of features

    @property
    def uri(self) -> str:
        return self.request.uri

    @property
    def text(self) -> str:
        return self.request.text

    @property
    def key(self) -> Path:
        return self.request.path.resolve()

    @property
    def module(self) -> LoadedModule | None:
        """This document as the loader saw it: its tree and resolved imports."""
        if self.result is None:
            return None
        return self.result.program.modules.get(self.key)

    def checked(self, key: Path | None = None):
        """The checked model of this document (or of one of its imports), if checking got there."""
        if self.result is None:
            return None
        return self.result.modules.get(key or self.key)


def analyse(request: Request, encoding: str, check) -> Analysis:
    """Run ``check(path, text) -> (result, diagnostics)``; a core failure becomes ``error``."""
    index = LineIndex(request.text, encoding)
    try:
        result, diagnostics = check(request.path, request.text)
    except Exception:  # noqa: BLE001 - a core bug must not take the editor's server down
        log.exception("checking %s failed", request.uri)
        return Analysis(request, index, error=traceback.format_exc(limit=8))
    return Analysis(request, index, result, diagnostics)


def uri_to_path(uri: str, root: Path) -> Path:
    """The file a document URI names; unsaved buffers are treated as files in ``root``."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if len(path) > 2 and path[0] == "/" and path[2] == ":":   # file:///C:/x on Windows
            path = path[1:]
        return Path(path)
    name = Path(unquote(parsed.path or "untitled")).name or "untitled"
    return root / (name if name.endswith(".xspec") else name + ".xspec")


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()
