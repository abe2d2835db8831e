"""`xspec init [--from FILE ...] [-o NAME.xspec]`: a spec from what the project already has.

With `--from`, each file is read by its importer and everything it could not carry
over is reported line by line; the spec is written only when no source has errors
and the spec checks clean. Without `--from`, a commented example spec is scaffolded
(asking a few questions, or taking the defaults with `--yes`).
Exit codes: 0 written, 1 a source has errors or the output exists, 2 usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xspec.report import FORMATS

DEFAULT_OUTPUT = "experiment.xspec"


@click.command("init")
@click.option("--from", "sources", multiple=True, type=click.Path(path_type=Path),
              help="A file to import: requirements.txt, environment.yml, pyproject.toml, MLproject, "
                   "dvc.yaml, *.dvc, params.yaml, a Hydra config folder, an sbatch script. Repeatable.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"The spec to write [default: {DEFAULT_OUTPUT}].")
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
@click.option("--yes", "-y", is_flag=True, help="Without --from: take every default, ask nothing.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="full",
              show_default=True, help="How to print the notes about the sources.")
def command(sources: tuple[Path, ...], output: Path | None, force: bool, yes: bool,
            output_format: str) -> int:
    """Write a spec from existing project files, or scaffold an example spec."""
    output = output or Path(DEFAULT_OUTPUT)
    if output.suffix != ".xspec":
        raise click.UsageError(f"the output must be a .xspec file, not {output}")
    if output.exists() and not force:
        click.echo(f"error: {output} exists; pass --force to overwrite it", err=True)
        return 1
    if not sources:
        from xspec.init.scaffold import scaffold

        return scaffold(output, force, yes)
    return _import(list(sources), output, force, output_format)


def _import(sources: list[Path], output: Path, force: bool, output_format: str) -> int:
    from xspec.init import import_sources

    imported = import_sources(sources, output)
    if imported.text is None:
        _show(imported.diagnostics, imported.sources, output_format)
        click.echo(f"error: {output} was not written: fix the errors above", err=True)
        return 1
    return write_checked(output, imported.text, force, output_format, _summary(imported),
                         imported.diagnostics, imported.sources)


def write_checked(output: Path, text: str, force: bool, output_format: str, summary: str,
                  notes=(), note_sources=None) -> int:
    """Check ``text`` as ``output``; write it only when it has no errors.

    The report lists the notes about the sources, then what `xspec check` says about
    the new spec (lint warnings included), as one list.
    """
    from xspec.diagnostics import has_errors

    found, result = _check(output, text)
    sources = {**(note_sources or {}), **{m.source.path: m.source for m in result.program.modules.values()}}
    _show([*notes, *found], sources, output_format)
    if has_errors(found):
        click.echo(f"xspec: internal error: the spec for {output} does not check; nothing was "
                   "written. Please report this with the source files.", err=True)
        return 2
    status = _write(output, text, force)
    if status == 0:
        click.echo(f"Wrote {output}: {summary}", err=True)
    return status


def _write(output: Path, text: str, force: bool) -> int:
    from xspec.init.files import OutputExists, write_new

    try:
        write_new(output, text, force)
    except OutputExists:
        click.echo(f"error: {output} exists; pass --force to overwrite it", err=True)
        return 1
    except OSError as e:
        click.echo(f"error: cannot write {output}: {e.strerror or e}", err=True)
        return 1
    return 0


def _check(output: Path, text: str):
    """What `xspec check` would say about ``text`` written as ``output``: checker and linter."""
    from xspec import api
    from xspec.lint import lint_file
    from xspec.lint.config import ConfigError

    try:
        return lint_file(output, text=text)
    except ConfigError as e:
        click.echo(f"warning: lint settings not used: {e}", err=True)
        result = api.check(output, text)
        return result.diagnostics, result


def _show(diagnostics, sources, output_format: str) -> None:
    from xspec.report import renderer
    from xspec.report.human import use_color

    if diagnostics or output_format == "json":
        render = renderer(output_format)
        text = render(list(diagnostics), sources, color=use_color(sys.stdout))
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()   # before the summary on stderr


def _summary(imported) -> str:
    draft = imported.draft
    env = draft.env
    unpinned = sum(1 for p in env.packages if not p.spec.startswith(("==", "===", "@")))
    params = sum(len(e.params) for e in draft.experiments)
    notes = sum(1 for d in imported.diagnostics if d.code == "INI100")
    return (f"env `{env.name}` with {len(env.packages)} package{'s' * (len(env.packages) != 1)} "
            f"({unpinned} not pinned with ==), {len(draft.data)} data, "
            f"{len(draft.experiments)} experiment{'s' * (len(draft.experiments) != 1)}, "
            f"{params} param{'s' * (params != 1)}; {notes} thing{'s' * (notes != 1)} not carried over "
            "(INI100 above).")
