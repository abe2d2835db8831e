"""The core API: everything the CLI, the LSP server and the tests call.

``check(path)`` runs the pipeline up to the checked model and returns a ``Result``
holding the model and every diagnostic. Nothing here prints or exits.
"""

from __future__ import annotations

from pathlib import Path

from xspec.diagnostics import Diagnostic, has_errors
from xspec.record import Record, new
from xspec.resolve.loader import Loader, Program
from xspec.types.model import CheckedModule

SPEC_GLOB = "*.xspec"


class Result(Record):
    """The outcome of checking one or more files."""

    program: Program
    modules: dict[Path, CheckedModule] = new(dict)
    diagnostics: list[Diagnostic] = new(list)
    variant: object = None      # types.variants.Chosen when checked with --variant NAME

    @property
    def has_errors(self) -> bool:
        return has_errors(self.diagnostics)

    def entry_modules(self) -> list[CheckedModule]:
        return [self.modules[k] for k in self.program.entries if k in self.modules]

    @property
    def experiments(self):
        return [e for m in self.entry_modules() for e in m.experiments.values()]


def load(path: str | Path, text: str | None = None, parse=None) -> Program:
    """Parse ``path`` (or ``text`` as if it were that file) and everything it imports.
    ``parse`` stands in for the parser (see ``resolve.loader.Loader``)."""
    program = Program()
    loader = Loader(program) if parse is None else Loader(program, parse)
    loader.load_entry(Path(path), text)
    return program


def check(path: str | Path, text: str | None = None, parse=None, variant: str | None = None) -> Result:
    """Load, resolve and type-check one spec; with ``variant``, the spec as that variant
    makes it (types/variants.py; raises ``UnknownVariant`` for a name the spec lacks)."""
    return _check_program(load(path, text, parse), variant)


def check_paths(paths: list[Path]) -> Result:
    """Check several specs in one program, sharing their imports."""
    program = Program()
    loader = Loader(program)
    for path in paths:
        loader.load_entry(path)
    return _check_program(program)


def _check_program(program: Program, variant: str | None = None) -> Result:
    from xspec.types import variants
    from xspec.types.check import Checker

    chosen = variants.choose(program, variant) if variant is not None else None
    checker = Checker(program)
    modules = checker.run()
    if chosen is None:
        variants.check_every_variant(program, checker, modules)
    return Result(program, modules, program.bag.sorted(), chosen)


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given, folders searched recursively for ``*.xspec`` (hidden, run and build
    folders skipped: see ``xspec.outputs``); sorted, no duplicates."""
    from xspec.outputs import find_specs

    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for spec in find_specs(path):
                found.setdefault(spec)
        else:
            found.setdefault(path)
    return list(found)


class Outcome(Record):
    """Diagnostics of many files, with the sources needed to show them."""

    diagnostics: list[Diagnostic]
    sources: dict

    @property
    def has_errors(self) -> bool:
        return has_errors(self.diagnostics)


PARALLEL_THRESHOLD = 64


def check_many(paths: list[Path], jobs: int = 0, chunk=None) -> Outcome:
    """Check many specs, on all cores when there are enough files to pay for it.

    Each spec is its own program (a spec's imports are its own business), so
    files are independent and can be split across processes. ``chunk`` (a picklable
    ``list[Path] -> Outcome``) replaces the per-file work, e.g. check + lint.
    """
    import os

    chunk = chunk or _check_chunk
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return chunk(paths)
    from concurrent.futures import ProcessPoolExecutor

    chunks = [paths[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(chunk, chunks))
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key)
    return Outcome(diagnostics, {k: v for r in results for k, v in r.sources.items()})


def _check_chunk(paths: list[Path]) -> Outcome:
    diagnostics, sources = [], {}
    for path in paths:
        result = check(path)
        diagnostics.extend(result.diagnostics)
        shown = {d.span.path for d in result.diagnostics}
        sources.update({m.source.path: m.source for m in result.program.modules.values()
                        if m.source.path in shown})
    return Outcome(diagnostics, sources)


def format_text(text: str, path: str = "<stdin>"):
    """Canonical formatting of one spec's text: (formatted or None, diagnostics)."""
    from xspec.fmt import format_source
    from xspec.source import SourceFile

    return format_source(SourceFile(path, text))
