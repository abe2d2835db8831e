"""Shared by the run commands: turning errors into exit codes, and summarising failures."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from xspec.run.layout import RunDir, RunError

LOG_TAIL_LINES = 6


def guarded(command=None, *, failed: str = "nothing was run"):
    """RunError and OSError -> `error: ...` (exit 2); spec errors -> diagnostics and
    `error: FAILED` (exit 1). `@guarded` or `@guarded(failed="...")`."""
    if command is None:
        return functools.partial(guarded, failed=failed)

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from xspec.run.plan import PlanFailed

        try:
            return command(*args, **kwargs)
        except RunError as e:
            click.echo(f"error: {e}", err=True)
            return 2
        except PlanFailed as e:
            _render(e.diagnostics)
            click.echo(f"error: {failed}", err=True)
            return 1
        except OSError as e:          # a folder that cannot be written, a disk that is full
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"error: {where}{e.strerror or e}", err=True)
            return 2
    return wrapper


def _render(diagnostics) -> None:
    from xspec.report import sources_for
    from xspec.report.human import render

    click.echo(render(diagnostics, sources_for(diagnostics)), err=True, nl=False)


def say(text: str) -> None:
    click.echo(text, err=True)


def shown(path: Path) -> str:
    from xspec.resolve.loader import display_path

    return display_path(path)


def failure_lines(run: RunDir, index: int, what: str) -> list[str]:
    """`job 3 (exit 3): runs/.../logs/3.out` and the last lines of that log."""
    log = run.log(index)
    lines = [f"  job {index} ({what}): {shown(log) if log.is_file() else 'no log'}"]
    if log.is_file():
        text = log.read_bytes()[-8192:].decode("utf-8", "replace")
        lines += [f"    | {line}" for line in text.splitlines()[-LOG_TAIL_LINES:]]
    return lines
