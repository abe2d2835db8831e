"""`xspec lock [PATH...]`: pin every package, image, nixpkgs commit and data file.

Exit codes: 0 locked (or up to date with --check), 1 problems in the specs or drift
found by --check, 2 usage errors, an unreadable lock or bad lock settings.
"""

from __future__ import annotations

import sys

import click


@click.command("lock")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 and say what moved when the lock is out of date.")
@click.option("--upgrade", is_flag=True, help="Re-resolve everything instead of keeping existing pins.")
@click.option("--upgrade-package", "upgrade_packages", multiple=True, metavar="NAME",
              help="Re-resolve this package (repeatable); other pins are kept.")
@click.option("--fetch", is_flag=True, help="Download remote data to hash it.")
@click.option("--find-links", "find_links", multiple=True, type=click.Path(exists=True, file_okay=False),
              metavar="DIR", help="Also look for wheels in this folder (repeatable).")
@click.option("--no-index", is_flag=True, help="Use only --find-links folders, no package index.")
@click.option("--platform", "platforms", multiple=True, metavar="PLATFORM",
              help="Resolve for this uv --python-platform (repeatable; default: "
                   "x86_64-manylinux_2_28 and aarch64-manylinux_2_28).")
def command(paths, check, upgrade, upgrade_packages, fetch, find_links, no_index, platforms) -> int:
    """Write xspec.lock at the project root (PATH: spec files or folders; default: .)."""
    from xspec.lock.lockfile import LockError
    from xspec.lock.config import ConfigError

    try:
        return _lock(paths or (".",), check, fetch, dict(
            platforms=platforms, find_links=find_links, no_index=no_index, upgrade=upgrade,
            upgrade_packages=upgrade_packages))
    except (LockError, ConfigError) as e:
        click.echo(f"error: {e}", err=True)
        return 2


def _lock(paths, check: bool, fetch: bool, settings: dict) -> int:
    from xspec import api
    from xspec.lock.project import load_projects

    files = api.expand_paths(list(paths))
    if not files:
        raise click.UsageError("no .xspec files found in " + ", ".join(paths))
    if not check:
        from xspec.outputs import refusal

        refused = refusal(files, "write a lock")
        if refused:
            click.echo(f"error: {refused}", err=True)
            return 2
    loaded = load_projects(files)
    if loaded.bag.has_errors:
        return _show(loaded.bag.sorted(), loaded.sources)
    worst = 0
    for project in loaded.projects:
        run = _check_project if check else _lock_project
        worst = max(worst, run(project, loaded, fetch, settings))
    return worst


def _check_project(project, loaded, fetch, settings) -> int:
    from xspec.lock.config import resolve_options
    from xspec.lock.drift import spec_drift
    from xspec.lock.lockfile import read_lock

    where = _display(project.lock_path)
    if not project.lock_path.is_file():
        click.echo(f"{where} does not exist; run `xspec lock` to create it")
        return 1
    rows = [r for r in spec_drift(project, read_lock(project.lock_path),
                                  resolve_options(project.root, **settings)) if not r.ok]
    if not rows:
        click.echo(f"{where} is up to date")
        return 0
    click.echo(f"{where} is out of date with the specs:")
    for row in rows:
        click.echo(f"  - {row.detail}")
    click.echo("run `xspec lock` to update it")
    return 1


def _lock_project(project, loaded, fetch, settings) -> int:
    from xspec.diagnostics import DiagnosticBag
    from xspec.lock.config import resolve_options
    from xspec.lock.locker import Locker
    from xspec.lock.lockfile import read_lock

    old = read_lock(project.lock_path) if project.lock_path.is_file() else None
    options = resolve_options(project.root, **settings)
    bag = DiagnosticBag()
    lock = Locker(project, old, options, bag, fetch, _progress).build()
    if bag.has_errors:
        _show(bag.sorted(), loaded.sources)
        click.echo(f"error: {_display(project.lock_path)} was not written", err=True)
        return 1
    return _write(project.lock_path, lock, old is not None)


def _current(path) -> bytes | None:
    from xspec.source import read_regular

    try:
        return read_regular(path)
    except OSError:   # a FIFO or a folder: write_lock replaces it or reports why not
        return None


def _write(path, lock, existed: bool) -> int:
    """Write the lock unless the file already holds exactly these bytes."""
    from xspec.lock.lockfile import dumps, write_lock

    where = _display(path)
    if existed and _current(path) == dumps(lock).encode("utf-8"):
        click.echo(f"{where} is up to date ({_counts(lock)})", err=True)
        return 0
    try:
        write_lock(path, lock)
    except OSError as e:
        click.echo(f"error: cannot write {where}: {e.strerror or e}", err=True)
        return 2
    click.echo(f"wrote {where} ({_counts(lock)})", err=True)
    return 0


def _counts(lock) -> str:
    packages = sum(len(e.packages) for e in lock.envs.values())
    return (f"{len(lock.envs)} env{'s' * (len(lock.envs) != 1)}, {packages} package"
            f"{'s' * (packages != 1)}, {len(lock.data)} data entr{'ies' if len(lock.data) != 1 else 'y'}")


def _show(diagnostics, sources) -> int:
    from xspec.report.human import render, use_color

    from xspec.diagnostics import errors

    sys.stdout.write(render(errors(diagnostics), sources, color=use_color(sys.stdout)))
    return 1


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


def _display(path) -> str:
    from xspec.resolve.loader import display_path

    return display_path(path)
