"""`xspec init`: a spec from what a project already has (docs/migrating.md).

``import_sources(paths, output)`` reads each source with its importer (one module
per format), merges what they say (``merge.py``) and prints the spec
(``writer.py``). Nothing here writes files or prints: the command does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xspec.diagnostics import Diagnostic
from xspec.init.context import Context, Origin
from xspec.init.draft import Draft
from xspec.init.sources import importer, kind_of
from xspec.source import Span


@dataclass
class Imported:
    """The spec's text (None when a source had errors), and every note about the sources."""

    text: str | None
    diagnostics: list[Diagnostic]
    sources: dict = field(default_factory=dict)
    draft: Draft | None = None

    @property
    def has_errors(self) -> bool:
        from xspec.diagnostics import has_errors

        return has_errors(self.diagnostics)


def import_sources(paths: list[Path], output: Path) -> Imported:
    ctx = Context(spec_dir=output.parent if str(output.parent) else Path("."))
    drafts = [_import_one(path, ctx) for path in dict.fromkeys(paths)]
    ctx.report_tallies()
    if ctx.has_errors:
        return Imported(None, ctx.bag.sorted(), ctx.sources)
    from xspec.init.merge import merge
    from xspec.init.writer import render

    draft = merge([d for d in drafts if d is not None], ctx, _first_origin(ctx, paths))
    draft.comments = header(paths, ctx) + draft.comments
    return Imported(render(draft), ctx.bag.sorted(), ctx.sources, draft)


def _import_one(path: Path, ctx: Context) -> Draft | None:
    if not path.exists():
        ctx.bag.add("INI002", Span(str(path), 1, 1, 1, 1), str(path), "no such file or folder")
        return None
    kind = kind_of(path)
    if kind is None:
        ctx.bag.add("INI001", Span(str(path), 1, 1, 1, 1), str(path), hints=[
            "name it like its format (requirements.txt, environment.yml, pyproject.toml, "
            "MLproject, dvc.yaml, x.dvc, params.yaml, a Hydra config folder, x.sbatch)"])
        return None
    return importer(kind)(path, ctx)


def _first_origin(ctx: Context, paths: list[Path]) -> Origin:
    from xspec.source import SourceFile

    first = next(iter(ctx.sources.values()), None) or SourceFile(str(paths[0]), "")
    return Origin(first, 1)


def header(paths: list[Path], ctx: Context) -> list[str]:
    shown = ", ".join(ctx.relative(p) for p in paths)
    return [f"Written by `xspec init` from {shown}.",
            "What it could not carry over was reported then, line by line; `xspec check` shows "
            "what is left to pin."]
