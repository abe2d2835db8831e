"""Check + lint for files: one file, many files in parallel, with the cache.

``lint_file`` is what the CLI, the LSP server and the tests call for one spec;
``lint_paths`` runs many through ``api.check_many``'s process pool.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from xspec.diagnostics import Diagnostic
from xspec.lint.config import Overrides, Settings, settings_for
from xspec.record import Record
from xspec.source import SourceFile, read_regular

if TYPE_CHECKING:
    from xspec.api import Result


class Options(NamedTuple):
    overrides: Overrides = Overrides()
    use_cache: bool = True
    # Settings the caller has already found for some paths (the CLI needs them to apply
    # `exclude`): the nearest configuration is not searched for again, here or in a worker.
    settings: Mapping[Path, Settings] | None = None
    variant: str | None = None     # `check --variant NAME`: never cached

    def settings_for(self, path: Path) -> Settings:
        known = self.settings.get(path) if self.settings is not None else None
        return known if known is not None else settings_for(path, self.overrides)


def lint_file(path: str | Path, settings: Settings | None = None, text: str | None = None,
              parse=None, variant: str | None = None) -> tuple[list[Diagnostic], Result]:
    """Every diagnostic for one spec (checker errors and lint findings), and the
    ``api.Result`` they came from. ``text`` stands in for the file's content; ``parse``
    stands in for the parser; ``variant`` checks and lints the spec as that variant makes it."""
    from xspec import api
    from xspec.lint.engine import lint_result

    path = Path(path)
    settings = settings or settings_for(path)
    result = api.check(path, text, parse, variant)
    found = result.diagnostics + lint_result(result, settings)
    return sorted(found, key=lambda d: d.sort_key), result


class Outcome(Record):
    """Diagnostics of many files, with the sources needed to show them (as api.Outcome)."""

    diagnostics: list[Diagnostic]
    sources: dict[str, SourceFile]


def lint_paths(paths: list[Path], options: Options = Options(), jobs: int = 0) -> Outcome:
    """Check and lint many specs: cached results first, then the rest on all cores
    through ``api.check_many``. Nothing heavier than the cache is imported when every
    file is unchanged."""
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    misses = []
    for path in paths:
        hit = _cached(Path(path), options) if options.use_cache and not options.variant else None
        if hit is None:
            misses.append(path)
        else:
            diagnostics.extend(hit[0])
            sources.update(hit[1])
    if misses:
        from xspec import api
        from xspec.lint.registry import all_rules

        all_rules()   # once, here: worker processes forked from this one start with the rules loaded
        fresh = api.check_many(misses, jobs, chunk=partial(lint_chunk, options=options))
        diagnostics.extend(fresh.diagnostics)
        sources.update(fresh.sources)
    return Outcome(sorted(diagnostics, key=lambda d: d.sort_key), sources)


def lint_chunk(paths: list[Path], options: Options) -> Outcome:
    """Check, lint and (with the cache on) store each of ``paths``: a worker's share."""
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    for path in paths:
        path = Path(path)
        settings = options.settings_for(path)
        cache_at = _cache_slot(path, settings) if options.use_cache and not options.variant else None
        found, shown = _fresh(path, settings, cache_at, options.variant)
        diagnostics.extend(found)
        sources.update(shown)
    return Outcome(diagnostics, sources)


def _cache_slot(path: Path, settings: Settings):
    from xspec.lint.cache import Cache

    data = _read(path)
    root = _cache_root(path, settings)
    if data is None or _in_output(root):
        return None
    cache = Cache(root)
    return cache, cache.key(path, data, settings.fingerprint())


def _cached(path: Path, options: Options):
    """(diagnostics, sources) from the cache, or None."""
    slot = _cache_slot(path, options.settings_for(path))
    hit = slot[0].get(slot[1]) if slot is not None else None
    if hit is None:
        return None
    return hit[0], _sources(hit[0], hit[1])


def _fresh(path: Path, settings: Settings, cache_at, variant: str | None = None
           ) -> tuple[list[Diagnostic], dict]:
    found, result = lint_file(path, settings, variant=variant)
    modules = result.program.modules.values()
    shown = {d.span.path for d in found}
    sources = {m.source.path: m.source for m in modules if m.source.path in shown}
    if cache_at is not None:
        from xspec.lint.cache import file_hash
        from xspec.lint.config import project_root

        cache, key = cache_at
        entry = path.resolve()
        # The imported modules, and the project's lockfile, which the lock rules (PIN001, PIN020) read.
        depends = {m.key for m in modules if m.key != entry} | {project_root(entry) / "xspec.lock"}
        cache.put(key, found, {str(p): file_hash(p) for p in sorted(depends)},
                  {m.source.path: str(m.key) for m in modules})
    return found, sources


def _read(path: Path) -> bytes | None:
    try:
        return read_regular(path)   # a FIFO is refused, not waited on
    except OSError:
        return None


def _sources(found: list[Diagnostic], files: dict[str, str]) -> dict[str, SourceFile]:
    sources = {}
    for shown in {d.span.path for d in found}:
        real = files.get(shown)
        if real is not None:
            try:
                sources[shown] = SourceFile.read(real, shown)
            except (OSError, UnicodeDecodeError):
                pass
    return sources


def _cache_root(path: Path, settings: Settings) -> Path:
    if settings.path is not None:
        return settings.root
    from xspec.lint.config import project_root

    return project_root(path.resolve())


@functools.lru_cache(maxsize=None)
def _in_output(root: Path) -> bool:
    """A spec in a run or build folder is checked without caching: nothing is written there."""
    from xspec.outputs import output_dir_of

    return output_dir_of(root) is not None


def expand_paths(paths) -> list[Path]:
    """Files as given, folders searched recursively for ``*.xspec`` (hidden, run and build
    folders skipped); sorted, no duplicates. The same as ``api.expand_paths``, kept here
    so that a fully cached run never imports the parser."""
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
