"""`xspec results RUN_DIR...`: a table per experiment of what the jobs produced (params,
replicate, seed, state, duration, metrics), optionally folded per sweep point, as text,
CSV, JSON or markdown, or an HTML report; `--compare` two runs; `--repeatability` over
many. Reads run folders only. Exit codes: 0 shown, 1 `--compare` found a difference,
2 usage errors.
"""

from __future__ import annotations

from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("results")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(("text", "csv", "json", "markdown")),
              default="text", show_default=True, help="How to print the tables.")
@click.option("--group", is_flag=True, help="Fold replicates: one row per sweep point (mean, std, min, max, n).")
@click.option("--sort", "sort_key", metavar="COLUMN", help="Sort by a column (`-COLUMN`: descending).")
@click.option("--where", "filters", multiple=True, metavar="EXPR",
              help="Keep jobs where EXPR holds: `lr=0.05`, `mse<0.1`, `state!=done` (repeatable).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a self-contained HTML report (table, plots, provenance) to FILE.")
@click.option("--compare", is_flag=True, help="Compare two runs job by job: the first is the baseline.")
@click.option("--repeatability", is_flag=True,
              help="Repeatability figures over the runs given (run folders, or projects: all their runs).")
@guarded
def command(paths: tuple[Path, ...], output_format: str, group: bool, sort_key: str | None,
            filters: tuple[str, ...], html_file: Path | None, compare: bool, repeatability: bool) -> int:
    """Show what RUN_DIRs' jobs produced: params, seeds, states, durations, metrics."""
    from xspec.results.load import load_runs
    from xspec.results.render import render

    if compare and repeatability:
        raise click.UsageError("give --compare or --repeatability, not both")
    if (compare or repeatability) and (html_file or group):
        raise click.UsageError("--html and --group go with the results table, not --compare or --repeatability")
    if repeatability and (filters or sort_key):
        raise click.UsageError("--where and --sort do not apply to --repeatability")
    runs = _ordered(load_runs(list(paths)), paths) if compare else load_runs(list(paths))
    _warn_unread_metrics(runs)
    if compare:
        return _compare(runs, output_format, sort_key, filters)
    if repeatability:
        from xspec.results.repeatability import repeatability as figures

        click.echo(render(figures(runs), output_format), nl=False)
        return 0
    found = _tables(runs)
    known = _all_columns(found, group)
    shown = [_shaped(t, group, sort_key, filters, known) for t in found]
    click.echo(render(shown, output_format), nl=False)
    if html_file is not None:
        _write_html(html_file, runs, shown)
    return 0


def _warn_unread_metrics(runs) -> None:
    """A job that succeeded but whose metrics cannot be read: said once per file, on stderr."""
    for run in runs:
        for row in run.rows:
            for problem in row.metrics.problems if row.state == "done" else ():
                click.echo(f"warning: {run.name} job {row.index}: {problem}", err=True)


def _tables(runs):
    from xspec.results.table import tables

    return tables(runs)


def _all_columns(tables, group: bool) -> dict[str, list[str]]:
    """The columns of every experiment's table, before and after folding: a filter or sort
    key is an error only when no table has it (the others then keep no row, or their order)."""
    from xspec.results.table import grouped

    return {"jobs": list(dict.fromkeys(c for t in tables for c in t.columns)),
            "shown": list(dict.fromkeys(c for t in tables for c in (grouped(t) if group else t).columns))}


def _shaped(table, group: bool, sort_key: str | None, filters, known: dict | None = None):
    from xspec.results.table import filtered, grouped, sorted_by

    known = known or {}
    table = filtered(table, list(filters), known.get("jobs"))
    table = grouped(table) if group else table
    return sorted_by(table, sort_key, known.get("shown")) if sort_key else table


def _ordered(runs, paths):
    """For --compare: exactly two run folders, in the order given (the first is the baseline)."""
    if len(paths) != 2 or len(runs) != 2:
        raise click.UsageError("--compare needs exactly two run folders: BASELINE OTHER")
    first = paths[0].resolve()
    return sorted(runs, key=lambda r: r.run.path != first and r.run.path != first.parent)


def _compare(runs, output_format: str, sort_key, filters) -> int:
    from xspec.results.compare import compare
    from xspec.results.render import render

    table = _shaped(compare(*runs), False, sort_key, filters)
    click.echo(render([table], output_format), nl=False)
    same = all(r.get("identical") is True for r in table.rows)
    return 0 if same else 1


def _write_html(path: Path, runs, shown) -> None:
    """Written beside its final name, then renamed: never a half-written report."""
    import os
    import tempfile

    from xspec.results.html import report

    from xspec.run.layout import RunError

    folder = path.resolve().parent
    if not folder.is_dir():
        raise RunError(f"--html {path}: the folder {folder} does not exist")
    page = report(runs, shown)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(page)
        os.chmod(temporary, 0o644)            # mkstemp makes it 0600; a report is for sharing
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    click.echo(f"report: {path}", err=True)
