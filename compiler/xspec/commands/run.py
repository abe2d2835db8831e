"""`xspec run SPEC`: run the experiment's jobs on this machine, through the compiled job runner.

Prints the run folder on standard output; progress, per-job status and the failure
summary go to standard error. Exit codes: 0 every job succeeded, 1 a job failed (or the
spec has errors), 2 usage errors, 130 interrupted (143 SIGTERM, 129 SIGHUP).
"""

from __future__ import annotations

from pathlib import Path

import click

from xspec.run.report import guarded

ANY_RUN = "\0any"      # `--resume` without RUN_DIR: every earlier run of the project


@click.command("run")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--experiment", "-e", metavar="NAME", help="The experiment to run, when the spec has several.")
@click.option("--job", "job", type=click.IntRange(min=0), metavar="I", help="Run job I only.")
@click.option("--jobs", "jobs", metavar="LIST", help="Run these jobs: `0-7`, `1,3,5-6`.")
@click.option("--parallel", "-j", type=click.IntRange(min=1), metavar="N",
              help="Jobs at a time (default: the spec's `target local { max_parallel }`, else 1).")
@click.option("--variant", metavar="NAME", help="Run the spec as its `variant NAME { ... }` makes it; "
                                                "the run's records and crate name the variant.")
@click.option("--isolated", is_flag=True,
              help="Run in a venv made by uv from xspec.lock (exact packages, checked hashes).")
@click.option("--allow-other-python", is_flag=True,
              help="Run even when the jobs' Python is not the version the spec's env names.")
@click.option("--resume", "resume", is_flag=False, flag_value=ANY_RUN, default=None, metavar="[RUN_DIR]",
              help="Skip every job an earlier run already did with the same cache key (outputs "
                   "re-hashed); with RUN_DIR, take only from that run (its failed and missing jobs run).")
@guarded
def command(spec: Path, experiment: str | None, job: int | None, jobs: str | None, parallel: int | None,
            variant: str | None, isolated: bool, allow_other_python: bool, resume: str | None) -> int:
    """Run SPEC's jobs here, each with exactly the variables, seed and argv the compiled
    targets give it; record provenance and an RO-Crate in runs/<experiment>/<run id>/."""
    from xspec.run.graph import has_graph
    from xspec.run.local import run_locally
    from xspec.run.plan import compile_checked
    from xspec.run.report import say

    if job is not None and jobs is not None:
        raise click.UsageError("give --job or --jobs, not both")
    spec, resume = _spec_after_resume(spec, resume)
    compiled = compile_checked(spec, variant=variant)
    reuse = _reuse(spec, compiled.ir, resume)
    if has_graph(compiled.ir):
        return _run_graph(spec, compiled, experiment, job is not None or jobs is not None, parallel,
                          isolated, allow_other_python, reuse)
    plan = _plan(spec, compiled, experiment, str(job) if job is not None else jobs)
    outcome = run_locally(plan, parallel or _default_parallel(plan.experiment), isolated, say,
                          allow_other_python, reuse=reuse)
    click.echo(outcome.run.path)
    return _summary(outcome)


def _plan(spec: Path, compiled, experiment: str | None, jobs: str | None):
    """What `make_plan` gives, from the compiled spec already in hand."""
    from xspec.resolve.loader import project_root
    from xspec.run.plan import Plan, choose_experiment, parse_jobs

    chosen = choose_experiment(compiled.ir, experiment, spec)
    return Plan(spec, project_root(spec.resolve()), compiled.ir, chosen,
                parse_jobs(jobs, chosen["job_count"]), compiled.files)


def _spec_after_resume(spec: Path | None, resume: str | None) -> tuple[Path, str | None]:
    """`xspec run --resume SPEC`: click reads SPEC as RUN_DIR; it is the spec, and the
    resume is from any run."""
    if spec is not None:
        return spec, resume
    if resume not in (None, ANY_RUN) and Path(resume).is_file():
        return Path(resume), ANY_RUN
    raise click.UsageError("Missing argument 'SPEC'.")


def _reuse(spec: Path, ir: dict, resume: str | None):
    """Where `--resume` takes earlier results from: every run, or the run RUN_DIR names."""
    from xspec.resolve.loader import project_root
    from xspec.run.cache import Reuse, resume_run_id

    if resume is None:
        return None
    if resume == ANY_RUN:
        return Reuse()
    steps = [e["name"] for e in ir["experiments"]]
    return Reuse(resume_run_id(project_root(spec.resolve()), Path(resume), steps))


def _run_graph(spec: Path, compiled, experiment: str | None, some_jobs: bool, parallel: int | None,
               isolated: bool, allow_other_python: bool, reuse) -> int:
    """A spec with `after`: every step (or --experiment and what it needs), in order."""
    from xspec.run.graph import run_graph, summary
    from xspec.run.report import say

    if some_jobs:
        raise click.UsageError("--job and --jobs choose jobs of one experiment; a spec with steps "
                               "runs every job of each step")
    results = run_graph(spec, compiled, experiment, parallel, isolated, say, allow_other_python, reuse)
    for result in results:
        if result.run is not None:
            click.echo(result.run.run.path)
    return summary(results, say, _summary)


def _default_parallel(experiment: dict) -> int:
    target = experiment["targets"].get("local")
    return int((target or {}).get("settings", {}).get("max_parallel") or 1)


def _retried(outcome) -> list[str]:
    """`job 0 (attempt 2 of 3: ok)` for each job that needed more than one attempt."""
    from xspec.run.records import read_record

    found = []
    for o in outcome.outcomes:
        record = read_record(outcome.run, o.index) if o.status is not None else None
        attempt = (record.data.get("attempt") or {}) if record else {}
        if attempt.get("number", 1) > 1:
            state = "ok" if record.ok else f"exit {record.exit_code}"
            found.append(f"job {o.index} (attempt {attempt['number']} of {attempt.get('of')}: {state})")
    return found


def _summary(outcome) -> int:
    from xspec.run.records import read_record
    from xspec.run.report import failure_lines, say, shown

    failed = [o for o in outcome.outcomes if o.status not in (0, None)]
    skipped = [o for o in outcome.outcomes if o.status is None]
    reused = [o for o in outcome.outcomes if o.reused]
    ok = len(outcome.outcomes) - len(failed) - len(skipped)
    counts = f"{len(outcome.outcomes)} jobs: {ok} ok" + (f" ({len(reused)} reused)" if reused else "") + (
        f", {len(failed)} failed") + (f", {len(skipped)} not started" if skipped else "")
    say(counts)
    retried = _retried(outcome)
    if retried:
        say("retried: " + ", ".join(retried))
    if failed:
        say("failed:")
        for o in failed:
            record = read_record(outcome.run, o.index)
            what = f"exit {o.status}" + ("" if record else ", no provenance record")
            for line in failure_lines(outcome.run, o.index, what):
                say(line)
    say(f"crate: {shown(outcome.run.crate_path)}")
    if outcome.interrupted:
        say("interrupted")
        return 128 + (outcome.stopped_by or 2)     # 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP
    return 1 if failed else 0
