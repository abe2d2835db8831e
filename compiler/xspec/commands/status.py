"""`xspec status [PATH...]`: what matches and what moved between spec, lock, disk and env.

Exit codes: 0 nothing moved, 1 drift, 2 usage errors or an unreadable lock.
"""

from __future__ import annotations

import json
import sys

import click

HASH_WIDTH = 12


@click.command("status")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--env", "env", is_flag=True,
              help="Also compare the packages installed in this Python with every locked env.")
@click.option("--env-name", "env_names", multiple=True, metavar="NAME",
              help="Like --env, for this locked env only (repeatable).")
@click.option("--verify", is_flag=True, help="Re-hash every data file instead of trusting the stat cache.")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="How to print the report.")
@click.option("--runs", is_flag=True, help="Show the state of the project's runs instead (as `xspec jobs`).")
@click.pass_context
def command(ctx, paths, env, env_names, verify, output_format, runs) -> int:
    """Report drift between specs, xspec.lock, data on disk and installed packages."""
    if runs:
        return _runs(ctx, paths, output_format)
    from xspec.lock.config import ConfigError
    from xspec.lock.lockfile import LockError

    try:
        wanted = list(env_names) or (["*"] if env else None)
        return _status(paths or (".",), wanted, verify, output_format)
    except (LockError, ConfigError) as e:
        click.echo(f"error: {e}", err=True)
        return 2


def _runs(ctx, paths, output_format) -> int:
    from pathlib import Path

    from xspec.commands import jobs

    if len(paths) > 1:
        raise click.UsageError("--runs takes one project folder (or run folder)")
    path = Path(paths[0]) if paths else None
    return ctx.invoke(jobs.command, path=path, output_format=output_format, no_collect=False)


def _status(paths, env: list[str] | None, verify, output_format) -> int:
    from xspec import api
    from xspec.lock.project import load_projects

    files = api.expand_paths(list(paths))
    if not files:
        raise click.UsageError("no .xspec files found in " + ", ".join(paths))
    loaded = load_projects(files)
    if loaded.bag.has_errors:
        from xspec.diagnostics import errors
        from xspec.report.human import render

        sys.stdout.write(render(errors(loaded.bag.sorted()), loaded.sources))
        return 1
    reports = [_project_rows(p, env, verify) for p in loaded.projects]
    drift = any(not row.ok for _, rows in reports for row in rows)
    sys.stdout.write(_json(reports, drift) if output_format == "json" else _table(reports, drift))
    return 1 if drift else 0


def _project_rows(project, env, verify):
    from xspec.lock.config import resolve_options
    from xspec.lock.drift import Drift, disk_drift, installed_drift, spec_drift
    from xspec.lock.lockfile import read_lock

    if not project.lock_path.exists():   # a FIFO or a folder goes to read_lock, which refuses it
        lock, rows = None, [Drift("lock", _display(project.lock_path), "missing", detail=(
            f"{_display(project.lock_path)} does not exist; run `xspec lock`"))]
    else:
        lock = read_lock(project.lock_path)
        rows = spec_drift(project, lock, resolve_options(project.root))
    rows += disk_drift(project, lock, verify, progress=_progress)
    if env is not None and lock is not None:
        rows += installed_drift(lock, sorted(lock.envs) if env == ["*"] else env)
    return project, rows


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


def _table(reports, drift: bool) -> str:
    out = []
    for project, rows in reports:
        out.append(f"{_display(project.lock_path)}\n")
        width = max([len(r.name) for r in rows] + [4])
        out.append(f"  {'KIND':<9} {'NAME':<{width}} {'STATE':<9} {'LOCK':<{HASH_WIDTH}}  ACTUAL\n")
        for r in rows:
            out.append(f"  {r.kind:<9} {r.name:<{width}} {r.state:<9} "
                       f"{_short(r.locked):<{HASH_WIDTH}}  {_short(r.actual)}\n".rstrip() + "\n")
        moved = [r for r in rows if not r.ok]
        out += [f"  - {r.detail}\n" for r in moved]
        out.append(f"  {len(rows) - len(moved)} match, {len(moved)} moved\n")
    out.append("drift found\n" if drift else "no drift\n")
    return "".join(out)


def _short(value: str) -> str:
    # Hashes are long: 12 hex digits identify them in a table; --format json has them whole.
    text = value.removeprefix("sha256:")
    return text[:HASH_WIDTH] if len(text) == 64 else text


def _json(reports, drift: bool) -> str:
    document = {"drift": drift, "projects": [
        {"root": str(project.root), "lock": str(project.lock_path), "rows": [r.to_dict() for r in rows]}
        for project, rows in reports]}
    return json.dumps(document, indent=2) + "\n"


def _display(path) -> str:
    from xspec.resolve.loader import display_path

    return display_path(path)
