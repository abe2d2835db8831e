"""`xspec check PATH...`: every problem in every spec, all at once: checker errors and
lint findings, with fixes, in the format asked for.

Exit codes: 0 nothing at or above `fail-on`, 1 problems found (or, with --diff,
fixes that would apply), 2 usage, configuration or internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xspec.report import FORMATS

_MACHINE_FORMATS = ("json", "sarif", "github")


def _codes(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip() for v in value for c in v.split(",") if c.strip())


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True), required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="full",
              show_default=True, help="How to print diagnostics.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules (codes, prefixes or names, comma-separated); replaces "
                   "`select` from the configuration.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to add to `select`.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to turn off.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, writing the files.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (with --fix/--diff) unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--statistics", is_flag=True, help="Count diagnostics per code instead of listing them.")
@click.option("--no-cache", is_flag=True, help="Check every file, ignoring .xspec-cache/.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this configuration file instead of the nearest one.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (0: one per core).")
@click.option("--variant", metavar="NAME", help="Check and lint each spec as its `variant NAME` "
                                                "makes it (without it, every variant is checked).")
def command(paths, output_format, select, extend_select, ignore, fix, unsafe_fixes, diff,
            statistics, no_cache, config_file, jobs, variant) -> int:
    """Check and lint specs (files, or folders searched for *.xspec)."""
    from xspec.lint.config import ConfigError, Overrides

    overrides = Overrides(_codes(select) or None, _codes(extend_select), _codes(ignore), config_file)
    try:
        files, found = _files(paths, overrides)
    except ConfigError as e:
        click.echo(f"error: {e}", err=True)
        return 2
    if not files:
        click.echo("warning: every file given is excluded by `exclude`", err=True)
        return 0
    if variant is None:
        return _run(files, found, overrides, output_format, fix, unsafe_fixes, diff, statistics,
                    no_cache, jobs)
    if fix or diff:
        raise click.UsageError("--fix and --diff change the file itself; give them without --variant")
    from xspec.types.variants import UnknownVariant

    try:
        return _run(files, found, overrides, output_format, False, False, False, statistics,
                    no_cache, jobs, variant)
    except UnknownVariant as e:     # imported here: a fully cached check imports no checker
        click.echo(f"error: {e}", err=True)
        return 2


def _files(paths, overrides):
    """The specs to check, with the settings of each (validated here, before any work starts)."""
    from xspec.lint.config import settings_for_many
    from xspec.lint.runner import expand_paths

    found = expand_paths(list(paths))
    if not found:
        raise click.UsageError("no .xspec files found in " + ", ".join(paths))
    settings = settings_for_many(found, overrides)
    kept = [p for p in found if not settings[p].is_excluded(p)]
    return kept, {p: settings[p] for p in kept}


def _run(files, found, overrides, output_format, fix, unsafe, diff, statistics, no_cache, jobs,
         variant=None):
    from xspec.lint.runner import Options, lint_paths

    options = Options(overrides, use_cache=not (no_cache or fix or diff), settings=found, variant=variant)
    settings = {os.path.relpath(p): s for p, s in found.items()}
    outcome = lint_paths(files, options, jobs)
    diagnostics, sources = outcome.diagnostics, outcome.sources
    fixed = None
    if fix or diff:
        from xspec.lint.fixes import fix_files

        fixed = fix_files(files, diagnostics, sources, settings, unsafe, write=not diff)
        diagnostics, sources = fixed.diagnostics, fixed.sources
    if diff:
        sys.stdout.write(fixed.diff)
        click.echo(fixed.summary(dry_run=True), err=True)
        return 1 if fixed.applied else 0
    _print(diagnostics, sources, output_format, statistics, fixed, unsafe)
    return 1 if _fails(diagnostics, settings) else 0


def _print(diagnostics, sources, output_format, statistics, fixed, unsafe) -> None:
    from xspec.lint.secrets import redact
    from xspec.report import renderer
    from xspec.report.human import use_color

    if statistics:
        from xspec.report.statistics import render_statistics

        sys.stdout.write(render_statistics(diagnostics, output_format))
        return
    render = renderer(output_format)
    sys.stdout.write(render(diagnostics, redact(sources, diagnostics), color=use_color(sys.stdout)))
    if output_format not in _MACHINE_FORMATS:
        _print_fix_summary(diagnostics, fixed, unsafe)


def _print_fix_summary(diagnostics, fixed, unsafe) -> None:
    if fixed is not None:
        click.echo(fixed.summary(dry_run=False))
        return
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    risky = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    if safe:
        click.echo(f"[*] {safe} fixable with the `--fix` option.")
    if risky and not unsafe:
        click.echo(f"{risky} more fixable with `--fix --unsafe-fixes`.")


def _fails(diagnostics, settings) -> bool:
    from xspec.diagnostics import Severity

    for d in diagnostics:
        own = settings.get(d.span.path)
        if d.severity is Severity.ERROR or (own.fails(d.severity) if own else False):
            return True
    return False
