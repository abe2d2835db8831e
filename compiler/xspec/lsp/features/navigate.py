"""Go-to-definition and find-references, across imports and into the bundled stdlib."""

from __future__ import annotations

import os
from pathlib import Path

from lsprotocol import types as lsp

from xspec import api
from xspec.lsp import incremental
from xspec.lsp.convert import LineIndex
from xspec.lsp.documents import Analysis, path_to_uri
from xspec.lsp.features.names import Occurrence, Resolver, Symbol, occurrence_at, occurrences

MAX_WORKSPACE_FILES = 2000
_SKIP_DIRS = {"node_modules", "__pycache__", "venv", "build", "dist"}


def register(server, guarded) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @guarded()
    async def on_definition(params: lsp.DefinitionParams):
        analysis = await server.analyser.current(params.text_document.uri)
        return definition(analysis, params.position, server.encoding()) if analysis else None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @guarded([])
    async def on_references(params: lsp.ReferenceParams):
        analysis = await server.analyser.current(params.text_document.uri)
        symbol = symbol_at(analysis, params.position) if analysis else None
        if symbol is None:
            return []
        sources = {a.request.path.resolve(): a.text for a in server.analyser.latest.values()}
        files = workspace_specs(server.root)
        return await server.analyser.run(references, analysis, symbol, files, sources,
                                         params.context.include_declaration, server.encoding())


def symbol_at(analysis: Analysis, position: lsp.Position) -> Symbol | None:
    if analysis.module is None:
        return None
    found = occurrence_at(occurrences(analysis), analysis.index.offset(position))
    return found.symbol if found else None


def definition(analysis: Analysis, position: lsp.Position, encoding: str) -> lsp.Location | None:
    symbol = symbol_at(analysis, position)
    if symbol is None:
        return None
    home = analysis.result.program.modules.get(symbol.key)
    if home is None:
        return None
    index = LineIndex(home.source.text, encoding)
    return lsp.Location(uri=path_to_uri(symbol.key), range=index.span_range(symbol.span))


def references(analysis: Analysis, symbol: Symbol, files: list[Path], sources: dict,
               include_declaration: bool, encoding: str) -> list[lsp.Location]:
    """Every occurrence of ``symbol`` in this program and in the workspace's other specs."""
    found: dict[tuple, tuple[Occurrence, str]] = {}
    programs = [analysis.result.program]
    seen = set(analysis.result.program.entries)
    for path in files:
        key = path.resolve()
        if key not in seen:
            programs.append(api.load(path, sources.get(key), incremental.parse))
    for program in programs:
        _collect(program, symbol, found)
    return [_location(o, text, encoding) for o, text in sorted(found.values(), key=_order)
            if include_declaration or (o.key, o.span.start) != (symbol.key, symbol.span.start)]


def _collect(program, symbol: Symbol, found: dict) -> None:
    resolver = Resolver(program)
    for module in program.modules.values():
        for occurrence in resolver.occurrences(module):
            if occurrence.symbol.id == symbol.id:
                found[(occurrence.key, occurrence.span.start)] = (occurrence, module.source.text)


def _order(entry) -> tuple:
    occurrence = entry[0]
    return (str(occurrence.key), occurrence.span.start)


def _location(occurrence: Occurrence, text: str, encoding: str) -> lsp.Location:
    index = LineIndex(text, encoding)
    return lsp.Location(uri=path_to_uri(occurrence.key), range=index.span_range(occurrence.span))


def workspace_specs(root: Path) -> list[Path]:
    """The workspace's specs, hidden and build folders skipped, at most MAX_WORKSPACE_FILES."""
    found: list[Path] = []
    from xspec.outputs import MARKER, RUN_MANIFEST

    for folder, dirs, files in os.walk(root):
        if folder != str(root) and (MARKER in files or RUN_MANIFEST in files):
            dirs[:] = []        # a run or build folder: never the project's sources (rename!)
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        found += [Path(folder, f) for f in sorted(files) if f.endswith(".xspec")]
        if len(found) >= MAX_WORKSPACE_FILES:
            return found[:MAX_WORKSPACE_FILES]
    return found
