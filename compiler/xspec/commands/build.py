"""`xspec build SPEC --target T`: compile a spec (and its lock) into the files clusters run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xspec.backends import TARGETS

DEFAULT_OUTPUT = "build"


@click.command("build")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", "-t", "targets", multiple=True, required=True,
              type=click.Choice((*TARGETS, "all")), help="What to build; repeat it, or `all`.")
@click.option("--output", "-o", "output", type=click.Path(file_okay=False, path_type=Path),
              help="The build folder (default: build/ in the project root). Each target writes "
                   "into its own subfolder.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file in the build folder "
                                            "differs from what would be written.")
@click.option("--locked", is_flag=True, help="Fail when the spec and xspec.lock disagree.")
@click.option("--allow-unlocked", is_flag=True,
              help="Without a lock, install from the spec's own pins, without hashes (and say so).")
@click.option("--variant", metavar="NAME", help="Build the spec as its `variant NAME { ... }` makes it; "
                                                "the variant is in the spec digest and every header.")
@click.option("--base-image", metavar="REF",
              help="Docker and Apptainer images start FROM REF instead of the env's image (a local "
                   "or mirrored copy of it); the files' header says so.")
def command(spec: Path, targets: tuple[str, ...], output: Path | None, check: bool, locked: bool,
            allow_unlocked: bool, variant: str | None, base_image: str | None) -> int:
    """Compile SPEC to IR, Slurm, Kubernetes, Docker, Apptainer, Nix or lock files."""
    from xspec.backends.common import Options
    from xspec.backends.pipeline import PipelineError, compile_spec
    from xspec.resolve.loader import project_root

    root = project_root(spec.resolve())
    folder = (output or root / DEFAULT_OUTPUT).resolve()
    options = Options(allow_unlocked=allow_unlocked, build_dir=Path(os.path.relpath(folder, root)).as_posix(),
                      base_image=_base_image(base_image))
    try:
        compiled = compile_spec(spec, list(targets), options, locked=locked, variant=variant)
    except PipelineError as e:
        click.echo(f"error: {e}", err=True)
        return 2
    if compiled.failed or not compiled.files:
        return _report_failure(compiled)
    for note in compiled.skipped:
        click.echo(f"skipped {note}", err=True)
    if set(targets) == {"ir"} and output is None and not check:
        sys.stdout.write(compiled.files[next(iter(compiled.files))])
        return 0
    return _check(folder, compiled.files) if check else _write(folder, compiled.files, root)


def _base_image(ref: str | None) -> str | None:
    """A FROM reference: one line, no spaces (the Dockerfile and %post read it as one word)."""
    if ref is not None and (not ref.strip() or any(c.isspace() or ord(c) < 32 for c in ref)):
        raise click.BadParameter(f"{ref!r} is not an image reference", param_hint="--base-image")
    return ref


def _report_failure(compiled) -> int:
    from xspec.report.human import render

    if not compiled.diagnostics:
        for note in compiled.skipped:
            click.echo(f"skipped {note}", err=True)
        click.echo("error: nothing to build: no target applies to this spec", err=True)
        return 2
    click.echo(render(compiled.diagnostics, _sources(compiled.diagnostics)), err=True, nl=False)
    click.echo("error: nothing was written", err=True)
    return 1


def _sources(diagnostics) -> dict:
    from xspec.report import sources_for

    return sources_for(diagnostics)


def _check(folder: Path, files: dict[str, str]) -> int:
    stale = [name for name, text in sorted(files.items()) if _current(folder / name) != text.encode("utf-8")]
    for name in stale:
        state = "missing" if not (folder / name).exists() else "out of date"
        click.echo(f"{state}: {_shown(folder / name)}", err=True)
    if stale:
        click.echo(f"{len(stale)} of {len(files)} files would change; run `xspec build` without --check",
                   err=True)
        return 1
    click.echo(f"{len(files)} files up to date in {_shown(folder)}", err=True)
    return 0


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(folder: Path, files: dict[str, str], root: Path) -> int:
    from xspec.outputs import mark, refusal

    refused = refusal([folder], "write build files")
    if refused:
        click.echo(f"error: {refused}; pass --output with a folder elsewhere", err=True)
        return 2
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not root.is_relative_to(folder):     # `-o .` must not hide the project itself
            mark(folder, "build")
        changed = {name: text.encode("utf-8") for name, text in sorted(files.items())
                   if _current(folder / name) != text.encode("utf-8")}
        _replace_all(folder, changed)
    except OSError as e:
        click.echo(f"error: cannot write {e.filename}: {e.strerror}", err=True)
        return 2
    written = len(changed)
    click.echo(f"wrote {written} file{'s' * (written != 1)} ({len(files) - written} unchanged) "
               f"in {_shown(folder)}", err=True)
    return 0


STAGING_PREFIX = ".xspec-staging-"


def _replace_all(folder: Path, changed: dict[str, bytes]) -> None:
    """Every changed file, or none: each is written in full to a staging folder inside
    ``folder`` (the same file system) first, then all are renamed into place with
    SIGINT, SIGTERM and SIGHUP held back, so an interrupted build leaves the old files."""
    import shutil
    import signal
    import tempfile

    for stale in folder.glob(STAGING_PREFIX + "*"):     # left by a build killed with SIGKILL
        shutil.rmtree(stale, ignore_errors=True)
    if not changed:
        return
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        for index, (name, data) in enumerate(changed.items()):
            (staging / str(index)).write_bytes(data)
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for index, name in enumerate(changed):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / str(index), folder / name)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _shown(path: Path) -> str:
    from xspec.resolve.loader import display_path

    return display_path(path)
