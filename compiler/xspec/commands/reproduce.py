"""`xspec reproduce RUN_DIR [--job I]`: re-run recorded jobs from the run's bundle (its spec
and lock, not the working tree's) and compare the new outputs' sha256 with the recorded ones.

Exit codes: 0 bitwise identical, 1 a difference (outputs, inputs, or the compiled jobs),
2 usage errors, 130 interrupted.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("reproduce")
@click.argument("run_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--job", "job", type=click.IntRange(min=0), metavar="I", help="Reproduce job I only.")
@click.option("--jobs", "jobs", metavar="LIST", help="Reproduce these jobs: `0-7`, `1,3,5-6`.")
@click.option("--project", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The folder with the run's code and data (default: where the run was launched).")
@click.option("--into", type=click.Path(path_type=Path),
              help="The workspace to reproduce in: a new or empty folder (default: a new temporary one).")
@click.option("--parallel", "-j", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Jobs at a time.")
@click.option("--isolated", is_flag=True, help="Run in a venv made by uv from the bundled lock.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="How to print the comparison.")
@guarded
def command(run_dir: Path, job: int | None, jobs: str | None, project: Path | None, into: Path | None,
            parallel: int, isolated: bool, output_format: str) -> int:
    """Re-run RUN_DIR's jobs from its bundle and compare output hashes with the record."""
    from xspec.run.layout import open_run
    from xspec.run.plan import parse_jobs
    from xspec.run.report import say
    from xspec.run.reproduce import reproduce

    if job is not None and jobs is not None:
        raise click.UsageError("give --job or --jobs, not both")
    run = open_run(run_dir)
    wanted = [job] if job is not None else (
        parse_jobs(jobs, run.manifest()["job_count"]) if jobs is not None else None)
    result = reproduce(run, wanted, project, into, parallel, say, isolated)
    if output_format == "json":
        click.echo(json.dumps(_as_json(result), indent=2))
    else:
        _print(result)
    return 0 if result.identical else 1


def _print(result) -> None:
    for finding in result.findings:
        click.echo(f"  {finding.line()}")
    for job in result.jobs:
        if job.identical:
            click.echo(f"job {job.index}: bitwise identical ({job.outputs} output{'s' * (job.outputs != 1)})")
            continue
        click.echo(f"job {job.index}: DIFFERENT")
        for finding in job.findings:
            click.echo(f"  {finding.line()}")
        if job.environment:
            click.echo("  where it ran differently (recorded -> reproduced):")
        for line in job.environment:
            click.echo(f"    {line}")
    same = sum(1 for j in result.jobs if j.identical)
    verdict = "bitwise identical" if result.identical else f"{len(result.jobs) - same} differ"
    click.echo(f"{len(result.jobs)} job{'s' * (len(result.jobs) != 1)} reproduced: {verdict}"
               + ("" if not result.findings else f" ({len(result.findings)} other difference(s) above)"))


def _as_json(result) -> dict:
    return {"run": str(result.run.path), "workspace": str(result.workspace),
            "reproduction": str(result.new_run.path) if result.new_run else None,
            "identical": result.identical, "findings": [f.to_dict() for f in result.findings],
            "jobs": [{"index": j.index, "identical": j.identical, "outputs": j.outputs,
                      "findings": [f.to_dict() for f in j.findings], "environment": j.environment}
                     for j in result.jobs]}
