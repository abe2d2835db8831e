"""`xspec fmt PATH...`: rewrite specs in the canonical layout."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(exists=True), required=True)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def command(paths: tuple[str, ...], check: bool, diff: bool) -> int:
    """Rewrite specs in the canonical layout (files, or folders searched for *.xspec)."""
    from xspec import api
    from xspec.report.human import render_one

    files = api.expand_paths(list(paths))
    if not files:
        raise click.UsageError("no .xspec files found in " + ", ".join(paths))
    if not (check or diff):
        from xspec.outputs import refusal

        refused = refusal(files, "reformat specs")
        if refused:
            click.echo(f"error: {refused}", err=True)
            return 2
    changed, failed = [], False
    for path in files:
        outcome = _format_file(path, api, render_one)
        if outcome is None:
            failed = True
            continue
        original, formatted = outcome
        if formatted == original:
            continue
        changed.append(path)
        if diff:
            sys.stdout.writelines(difflib.unified_diff(
                original.splitlines(True), formatted.splitlines(True), f"a/{path}", f"b/{path}"))
        elif not check:
            _write_atomically(path, formatted)
    _report(changed, len(files), check or diff)
    return 1 if failed or ((check or diff) and changed) else 0


def _format_file(path: Path, api, render_one):
    from xspec.source import SourceFile, SourceTooLarge

    try:
        source = SourceFile.read(path)
    except SourceTooLarge as e:
        from xspec.diagnostics import DiagnosticBag

        shown = SourceFile(str(path), "")
        too_large = DiagnosticBag().add("E020", shown.whole(), f"{path} is {e.strerror}")
        click.echo(render_one(too_large, shown), err=True)
        return None
    except (OSError, UnicodeDecodeError) as e:
        click.echo(f"error: cannot read {path}: {e}", err=True)
        return None
    formatted, diagnostics = api.format_text(source.text, str(path))
    if formatted is None:
        for d in diagnostics:
            click.echo(render_one(d, source), err=True)
        click.echo(f"error: {path} was not formatted: it has syntax errors", err=True)
        return None
    return source.text, formatted


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file's contents in one rename, keeping its permissions; a symbolic
    link stays a link: the file it points at is the one replaced."""
    import os

    target = Path(os.path.realpath(path))
    mode = os.stat(target).st_mode & 0o7777
    temporary = target.with_name(f".{target.name}.xspec-fmt.tmp")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                  encoding="utf-8", newline="") as handle:
            os.fchmod(handle.fileno(), mode)   # created 0600: never more open than the spec
            handle.write(text)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _report(changed, total, dry_run) -> None:
    verb = "would be reformatted" if dry_run else "reformatted"
    for path in changed:
        if dry_run:
            click.echo(f"Would reformat: {path}", err=True)
    unchanged = total - len(changed)
    click.echo(f"{len(changed)} file{'s' * (len(changed) != 1)} {verb}, "
               f"{unchanged} file{'s' * (unchanged != 1)} left unchanged", err=True)
