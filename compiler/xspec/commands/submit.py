"""`xspec submit SPEC --target slurm`: compile, submit with sbatch, print the job id.

The job id goes to standard output (so `JID=$(xspec submit ...)` works); the rest to
standard error. With `--wait`, waits for the array, collects the run (writes its crate)
and exits 1 if a task failed. Exit codes: 0 submitted (and, with --wait, every task
succeeded), 1 spec errors or a failed task, 2 usage errors or sbatch refused the job.
"""

from __future__ import annotations

from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("submit")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", "-t", type=click.Choice(("slurm",)), default="slurm", show_default=True,
              help="The scheduler to submit to.")
@click.option("--experiment", "-e", metavar="NAME", help="The experiment to submit, when the spec has several.")
@click.option("--jobs", "jobs", metavar="LIST", help="Submit these jobs only: `0-7`, `1,3,5-6`.")
@click.option("--sbatch-arg", "sbatch_args", multiple=True, metavar="ARG",
              help="One more option for sbatch, e.g. --sbatch-arg=--qos=short (repeatable).")
@click.option("--variant", metavar="NAME", help="Submit the spec as its `variant NAME { ... }` makes it; "
                                                "the run's records and crate name the variant.")
@click.option("--wait", is_flag=True, help="Wait for every task, then collect the run and report failures.")
@guarded
def command(spec: Path, target: str, experiment: str | None, jobs: str | None,
            sbatch_args: tuple[str, ...], variant: str | None, wait: bool) -> int:
    """Compile SPEC for Slurm and submit it as a job array (sbatch)."""
    from xspec.resolve.loader import project_root
    from xspec.run.graph import has_graph
    from xspec.run.plan import Plan, choose_experiment, compile_checked, parse_jobs
    from xspec.run.report import say, shown
    from xspec.run.slurm import array_ids, submit

    compiled = compile_checked(spec, (target,), variant=variant)
    if has_graph(compiled.ir):
        if jobs is not None:
            raise click.UsageError("--jobs chooses jobs of one experiment; a spec with steps "
                                   "submits every job of each step")
        return _submit_graph(spec, compiled, experiment, sbatch_args, wait)
    plan = Plan(spec, project_root(spec.resolve()), compiled.ir, chosen := choose_experiment(
        compiled.ir, experiment, spec), parse_jobs(jobs, chosen["job_count"]), compiled.files)
    run = submit(plan, sbatch_args)
    job_id = run.path.name
    count = len(plan.jobs)
    ids = array_ids(run)
    arrays = f", as {len(ids)} arrays: {', '.join(ids)}" if len(ids) > 1 else ""
    say(f"submitted {plan.experiment['name']} as Slurm job {job_id} ({count} task{'s' * (count != 1)}"
        f"{arrays}); runs in {shown(run.path)}")
    click.echo(job_id)
    return _wait(run) if wait else 0


def _submit_graph(spec: Path, compiled, experiment: str | None, sbatch_args, wait: bool) -> int:
    """A spec with `after`: one array per step, chained with --dependency; one job id a line."""
    from xspec.run.graph import submit_graph
    from xspec.run.report import say

    runs = submit_graph(spec, compiled, experiment, sbatch_args, say)
    for _, run in runs:
        click.echo(run.path.name)
    if not wait:
        return 0
    statuses = []
    for name, run in runs:
        say(f"step {name}:")
        statuses.append(_wait(run))
    return max(statuses)


def _wait(run) -> int:
    from xspec.commands.jobs import print_run_detail
    from xspec.run.report import say, shown
    from xspec.run.runs import collect, run_state
    from xspec.run.slurm import wait

    wait(run.manifest()["slurm"])
    state = run_state(run)
    if collect(state):
        say(f"crate: {shown(run.crate_path)}")
    print_run_detail(state, only_problems=True)
    return 0 if state.summary == "done" else 1
