"""`xspec check PATH...`: every problem in every spec, all at once."""

from __future__ import annotations

import sys

import click

from xspec.report import FORMATS


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True), required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="full",
              show_default=True, help="How to print diagnostics.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (0: one per core).")
def command(paths: tuple[str, ...], output_format: str, jobs: int) -> int:
    """Parse, resolve and type-check specs (files, or folders searched for *.xspec)."""
    from xspec import api
    from xspec.report import renderer
    from xspec.report.human import use_color

    files = api.expand_paths(list(paths))
    if not files:
        raise click.UsageError("no .xspec files found in " + ", ".join(paths))
    outcome = api.check_many(files, jobs=jobs)
    render = renderer(output_format)
    sys.stdout.write(render(outcome.diagnostics, outcome.sources, color=use_color(sys.stdout)))
    return 1 if outcome.has_errors else 0
