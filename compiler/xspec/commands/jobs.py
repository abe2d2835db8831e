"""`xspec jobs [PATH]`: the state of a project's runs, local and Slurm.

PATH is a project folder (or a spec in it; default: the current folder's project) for a
table of its runs, or a run folder for its jobs one by one. Runs that have ended and have
no crate yet are collected (their crate is written) on the way. Exit codes: 0 listed,
2 usage errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("jobs")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="How to print the states.")
@click.option("--no-collect", is_flag=True, help="Write no crates, only report.")
@guarded
def command(path: Path | None, output_format: str, no_collect: bool) -> int:
    """Show the state of every run of a project (or of every job of one run)."""
    from xspec.run.layout import MANIFEST, open_run
    from xspec.run.runs import collect, run_state

    path = path or Path(".")
    if (path / MANIFEST).is_file() or path.name == MANIFEST:
        states = [run_state(open_run(path))]
        detail = True
    else:
        states = _readable_states(_project_runs(path))
        detail = False
    collected = [s for s in states if not no_collect and collect(s)]
    if output_format == "json":
        click.echo(json.dumps([_as_json(s) for s in states], indent=2))
    elif detail:
        print_run_detail(states[0])
    else:
        _print_table(states)
    for state in collected:
        click.echo(f"collected {state.manifest['experiment']}/{state.manifest['run_id']}: wrote its crate", err=True)
    return 0


def _project_runs(path: Path):
    from xspec.resolve.loader import project_root
    from xspec.run.layout import find_runs

    root = project_root((path / "x").resolve() if path.is_dir() else path.resolve())
    return find_runs(root)


def _readable_states(runs) -> list:
    """The state of every run; one with a damaged manifest is named, not fatal."""
    from xspec.run.layout import RunError
    from xspec.run.runs import run_state

    states = []
    for run in runs:
        try:
            states.append(run_state(run))
        except RunError as e:
            click.echo(f"warning: skipped {e}", err=True)
    return sorted(states, key=lambda s: s.manifest.get("launched", ""))


def _print_table(states) -> None:
    if not states:
        click.echo("no runs (runs/<experiment>/<run id>/xspec-run.json) in this project")
        return
    rows = [("RUN", "EXECUTOR", "JOBS", "DONE", "FAILED", "ACTIVE", "STATE", "LAUNCHED")]
    for s in states:
        m = s.manifest
        active = s.count("running") + s.count("pending")
        rows.append((f"{m['experiment']}/{m['run_id']}{_variant_note(m)}", m["executor"], str(len(s.jobs)), str(s.count("done")),
                     str(s.count("failed")), str(active), s.summary, m.get("launched", "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def print_run_detail(state, only_problems: bool = False) -> None:
    from xspec.run.report import failure_lines

    m = state.manifest
    if not only_problems:
        click.echo(f"{m['experiment']}/{m['run_id']}{_variant_note(m)} ({m['executor']}): {state.summary}")
        for job in state.jobs:
            click.echo(f"  job {job.index:<4} {job.state:<8} {job.detail}".rstrip())
    problems = [j for j in state.jobs if j.state not in ("done", "running", "pending")]
    if problems:
        click.echo("problems:", err=True)
        for job in problems:
            for line in failure_lines(state.run, job.index, job.detail or job.state):
                click.echo(line, err=True)


def _variant(manifest: dict) -> str | None:
    return ((manifest.get("spec") or {}).get("variant") or {}).get("name")


def _variant_note(manifest: dict) -> str:
    """` [variant smoke]` after a run of a variant, so a table never shows it as the real one."""
    name = _variant(manifest)
    return f" [variant {name}]" if name else ""


def _as_json(state) -> dict:
    m = state.manifest
    return {"run": str(state.run.path), "experiment": m["experiment"], "run_id": m["run_id"],
            "executor": m["executor"], "variant": _variant(m), "state": state.summary,
            "collected": state.collected,
            "jobs": [{"index": j.index, "state": j.state, "exit_code": j.exit_code, "detail": j.detail}
                     for j in state.jobs]}
