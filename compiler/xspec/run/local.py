"""`xspec run`: a run on this machine, from the plan to the crate.

The run folder, bundle and manifest are written before any job starts; the crate once
every job has ended (or been stopped). If the preparation fails, the fresh folder is
removed again: it holds nothing but what this call has just written.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from xspec.run.bundle import new_manifest, write_bundle, write_manifest
from xspec.run.cache import KEY_VERSION, Reuse, find_reusable, job_keys, take_over
from xspec.run.crate import write_crate
from xspec.run.executor import RUNNER_NAME, JobOutcome, LocalExecutor, job_environment, local_runner
from xspec.run.graph import link_upstream, upstream_inputs
from xspec.run.inputs import launch_inputs
from xspec.run.layout import BUNDLE, LOGS, SHARED, RunDir, claim_run_dir, new_run_dir
from xspec.run.plan import Plan
from xspec.run.progress import Progress, job_label
from xspec.run.records import read_record


@dataclass
class LocalRun:
    run: RunDir
    outcomes: list[JobOutcome]
    interrupted: bool
    stopped_by: int = 0          # the signal that interrupted it (SIGINT, SIGTERM, SIGHUP)


def run_locally(plan: Plan, parallel: int, isolated: bool, say, allow_other_python: bool = False,
                run_id: str | None = None, reuse: Reuse | None = None,
                upstream_keys: dict[str, dict[int, str]] | None = None) -> LocalRun:
    """``run_id``: the id a graph run shares among its steps (run/graph.py); else a new one.
    ``reuse``: `--resume`, where earlier results may come from; ``upstream_keys``: the
    cache keys of the steps this one needs (run/cache.py)."""
    from xspec.run.interpreter import check_interpreter
    from xspec.run.isolated import isolated_environment

    runner_text = local_runner(plan)
    extra_env, venv = isolated_environment(plan, say) if isolated else ({}, None)
    if not allow_other_python:
        check_interpreter(plan, extra_env)
    if run_id is None:
        run_id, run = new_run_dir(plan.root, plan.experiment["name"])
    else:
        run = claim_run_dir(plan.root, plan.experiment["name"], run_id)
    try:
        link_upstream(run, plan.experiment)
        reused = _prepare(plan, run, run_id, runner_text, parallel, venv, reuse, upstream_keys or {})
    except BaseException:
        shutil.rmtree(run.path, ignore_errors=True)
        raise
    to_run = [i for i in plan.jobs if i not in reused]
    say(f"run {plan.experiment['name']}/{run_id}: {len(plan.jobs)} job{'s' * (len(plan.jobs) != 1)}"
        + (f" ({len(reused)} reused from earlier runs)" if reused else "")
        + f", {min(parallel, max(len(to_run), 1))} at a time")
    jobs = {job["index"]: job for job in plan.experiment["jobs"]}
    progress = Progress(len(to_run), {i: job_label(jobs[i]) for i in to_run})
    executor = LocalExecutor(run, run.path / BUNDLE / RUNNER_NAME, plan.root,
                             job_environment(plan.root, run_id, extra_env), progress)
    ran = {o.index: o for o in executor.execute(to_run, parallel)}
    outcomes = [ran.get(i) or JobOutcome(i, 0, reused=True) for i in plan.jobs]
    write_crate(run, _unrecorded(run, outcomes))
    return LocalRun(run, outcomes, executor.interrupted, executor.stopped_by)


def _prepare(plan: Plan, run: RunDir, run_id: str, runner_text: str, parallel: int, venv,
             reuse: Reuse | None, upstream_keys: dict[str, dict[int, str]]) -> dict[int, dict]:
    """Bundle, inputs, cache keys, the jobs taken from earlier runs, the manifest; returns
    the reused jobs (index -> where from)."""
    write_bundle(run, plan, RUNNER_NAME, runner_text)
    (run.path / LOGS).mkdir()
    (run.path / SHARED).mkdir()
    inputs = {**launch_inputs(plan.root, plan.experiment, plan.jobs),
              **upstream_inputs(plan.root, plan.experiment, run_id)}
    keys = job_keys(plan.experiment, plan.jobs, inputs, upstream_keys)
    reused = {}
    if reuse is not None:
        found = find_reusable(plan.root, plan.experiment["name"], keys, reuse, run.path)
        reused = {i: take_over(run, i, found[i], keys[i]) for i in sorted(found)}
    cache = {"version": KEY_VERSION, "keys": {str(i): k for i, k in keys.items()},
             "reused": {str(i): entry for i, entry in reused.items()}}
    write_manifest(run, new_manifest(plan, run, run_id, "local", RUNNER_NAME, inputs,
                                     pid=os.getpid(), parallel=parallel, isolated=venv, cache=cache))
    return reused


def _unrecorded(run: RunDir, outcomes: list[JobOutcome]) -> dict[int, str]:
    """Jobs that started but wrote no record (killed, or refused before running)."""
    return {o.index: f"exit {o.status} without a provenance record (see logs/{o.index}.out)"
            for o in outcomes if o.status is not None and read_record(run, o.index) is None}
