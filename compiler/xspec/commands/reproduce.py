"""`xspec reproduce RUN_DIR [--job I]`: re-run recorded jobs from the run's bundle (its spec
and lock, not the working tree's) and compare the new outputs' sha256 with the recorded ones.

A bundle is untrusted input: it is verified before anything runs, its commands are shown,
and a bundle changed since the run is refused (RUN021) unless `--trust-modified`; one with
a symlink or a path leaving its folder is refused outright (RUN020, exit 2).

Exit codes: 0 bitwise identical, 1 a difference (outputs, inputs, or the compiled jobs)
or a refusal, 2 usage errors and unsafe bundles, 130 interrupted.
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
@click.option("--trust-modified", is_flag=True,
              help="Run a bundle that differs from its record anyway (the differences are still reported).")
@click.option("--dry-run", is_flag=True, help="Verify the bundle and show the commands; run nothing.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="How to print the comparison.")
@click.option("--tolerance", "tolerances", multiple=True, metavar="rel=X|abs=X",
              help="Accept metrics files whose numbers agree within this (default: bitwise only).")
@guarded
def command(run_dir: Path, job: int | None, jobs: str | None, project: Path | None, into: Path | None,
            parallel: int, isolated: bool, trust_modified: bool, dry_run: bool, output_format: str,
            tolerances: tuple[str, ...] = ()) -> int:
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
    tolerance = _tolerance(tolerances)
    result = reproduce(run, wanted, project, into, parallel, say, isolated, trust_modified, dry_run)
    accepted = _within_tolerance(result, tolerance)
    if output_format == "json":
        click.echo(json.dumps(_with_tolerance(_as_json(result), accepted), indent=2))
    else:
        _print(result, accepted)
    if result.refused:
        click.echo(f"error: {refusal(result)}", err=True)
    return 0 if result.identical or _all_accepted(result, accepted) else 1


# ---- --tolerance (xspec.results.tolerance): metrics close enough count as reproduced ----------

def _tolerance(texts):
    from xspec.results.tolerance import parse_tolerance

    return parse_tolerance(list(texts))


def _within_tolerance(result, tolerance) -> dict[int, tuple[bool, str]]:
    from xspec.results.tolerance import within_tolerance

    return within_tolerance(result, tolerance) if tolerance is not None else {}


def _accepted(job, accepted: dict[int, tuple[bool, str]]) -> bool:
    return job.identical or accepted.get(job.index, (False, ""))[0]


def _all_accepted(result, accepted: dict[int, tuple[bool, str]]) -> bool:
    return not result.findings and all(_accepted(j, accepted) for j in result.jobs)


def _with_tolerance(data: dict, accepted: dict[int, tuple[bool, str]]) -> dict:
    for job in data["jobs"]:
        verdict = accepted.get(job["index"])
        job["within_tolerance"] = bool(verdict and verdict[0])
        if verdict:
            job["tolerance"] = verdict[1]
    return data


def refusal(result) -> str:
    from xspec.run.findings import Finding

    count = len(result.modified)
    why = (f"the bundle differs from its record in {count} place{'s' * (count != 1)} (above): "
           "nothing was run; read the commands shown, and pass --trust-modified to run them anyway")
    return Finding("RUN021", (why,)).line()


def _print(result, accepted: dict[int, tuple[bool, str]] | None = None) -> None:
    accepted = accepted or {}
    for finding in result.findings:
        click.echo(f"  {finding.line()}")
    if result.new_run is None:           # refused (said on stderr), or --dry-run
        if not result.refused:
            verdict = "matches its record" if not result.findings else "differs (above)"
            click.echo(f"--dry-run: the bundle {verdict}; nothing was run")
        return
    for job in result.jobs:
        if job.identical:
            click.echo(f"job {job.index}: bitwise identical ({job.outputs} output{'s' * (job.outputs != 1)})")
            continue
        if _accepted(job, accepted):
            click.echo(f"job {job.index}: {accepted[job.index][1]}")
            continue
        click.echo(f"job {job.index}: DIFFERENT")
        for finding in job.findings:
            click.echo(f"  {finding.line()}")
        if job.environment:
            click.echo("  where it ran differently (recorded -> reproduced):")
        for line in job.environment:
            click.echo(f"    {line}")
        if job.index in accepted:
            click.echo(f"  {accepted[job.index][1]}")
    same = sum(1 for j in result.jobs if _accepted(j, accepted))
    verdict = ("bitwise identical" if result.identical else "within tolerance"
               if same == len(result.jobs) else f"{len(result.jobs) - same} differ")
    click.echo(f"{len(result.jobs)} job{'s' * (len(result.jobs) != 1)} reproduced: {verdict}"
               + ("" if not result.findings else f" ({len(result.findings)} other difference(s) above)"))


def _as_json(result) -> dict:
    return {"run": str(result.run.path), "workspace": str(result.workspace),
            "reproduction": str(result.new_run.path) if result.new_run else None,
            "identical": result.identical, "refused": result.refused,
            "findings": [f.to_dict() for f in result.findings],
            "jobs": [{"index": j.index, "identical": j.identical, "outputs": j.outputs,
                      "findings": [f.to_dict() for f in j.findings], "environment": j.environment}
                     for j in result.jobs]}
