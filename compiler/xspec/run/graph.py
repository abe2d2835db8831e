"""Running a graph of steps (docs/running.md, "Steps"): every step, in dependency order.

All steps of one graph run share a run id, so step S's folder is ``runs/S/<run id>``, and
each step's folder links ``upstream/<STEP>`` to the folder of every step it needs: the
paths the IR gives for `STEP.outputs.NAME` (``../upstream/STEP/<job>/<path>``, ir/steps.py)
resolve from inside any of its job folders. A step starts once every step it needs has
succeeded entirely; when one has not, it and everything after it are not run, and say why.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from xspec.run.layout import RUNS_DIR, RunDir, RunError

UPSTREAM = "upstream"


def has_graph(ir: dict) -> bool:
    return any(e.get("needs") for e in ir["experiments"])


def graph_order(ir: dict, chosen: str | None) -> list[dict]:
    """The steps to run, in dependency order (ties in the spec's order): every step, or
    ``chosen`` and the steps it needs, directly or not. The checker has refused cycles."""
    steps = {e["name"]: e for e in ir["experiments"]}
    if chosen is not None and chosen not in steps:
        raise RunError(f"the spec has no experiment {chosen!r} (it has {', '.join(steps)})")
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for need in steps[name].get("needs", []):
            visit(need["step"])
        order.append(name)

    for name in ([chosen] if chosen else steps):
        visit(name)
    return [steps[name] for name in order]


def free_run_id(root: Path, steps: list[str], prefix: str = "local") -> str:
    """A run id whose folder exists for none of ``steps`` (claimed later, one by one)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for n in range(1, 1000):
        run_id = f"{prefix}-{stamp}" + (f"-{n}" if n > 1 else "")
        if not any((root / RUNS_DIR / step / run_id).exists() for step in steps):
            return run_id
    raise RunError(f"cannot find a run id free for every step under {root / RUNS_DIR}")


def link_upstream(run: RunDir, experiment: dict, run_ids: dict[str, str] | None = None) -> None:
    """``upstream/<STEP>`` -> ``../../../<STEP>/<its run id>``, relative, so a moved project
    keeps its links. ``run_ids``: step -> run id where they differ (Slurm: job ids); by
    default every step has this run's id."""
    needs = experiment.get("needs", [])
    if not needs:
        return
    (run.path / UPSTREAM).mkdir()
    for need in needs:
        step = need["step"]
        os.symlink(Path("..", "..", "..", step, (run_ids or {}).get(step, run.path.name)),
                   run.path / UPSTREAM / step, target_is_directory=True)


def upstream_inputs(root: Path, experiment: dict, run_id: str) -> dict[str, dict]:
    """The upstream outputs a step reads, hashed when it starts, as run inputs keyed by
    their project-relative path (`runs/STEP/<run id>/<job>/<path>`); ``word`` is how the
    job's argv names it, so the crate ties it to the jobs that read it."""
    from xspec.run.inputs import hash_inputs

    found = {}
    for need in experiment.get("needs", []):
        for job in range(need["job_count"] or 0):
            for name, path in need["reads"].items():
                found[f"{RUNS_DIR}/{need['step']}/{run_id}/{job}/{path}"] = {
                    "kind": "upstream", "step": need["step"], "job": job, "output": name,
                    "word": f"../{UPSTREAM}/{need['step']}/{job}/{path}"}
    return hash_inputs(root, found) if found else {}


@dataclass
class StepResult:
    name: str
    run: object = None               # local.LocalRun, or None when not run
    blocked_by: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.run is not None and not self.run.interrupted and all(
            o.status == 0 for o in self.run.outcomes)


def run_graph(spec: Path, compiled, chosen: str | None, parallel: int | None, isolated: bool,
              say, allow_other_python: bool = False, reuse=None) -> list[StepResult]:
    """Run every step in order; stops at Ctrl-C, skips the dependents of a failed step.
    ``reuse`` (`--resume`, run/cache.py): each step takes what it can from earlier runs."""
    from xspec.resolve.loader import project_root
    from xspec.run.cache import manifest_keys
    from xspec.run.local import run_locally
    from xspec.run.plan import Plan

    root = project_root(spec.resolve())
    steps = graph_order(compiled.ir, chosen)
    run_id = free_run_id(root, [s["name"] for s in steps])
    say(f"graph {run_id}: {len(steps)} steps: " + " -> ".join(s["name"] for s in steps))
    results: dict[str, StepResult] = {}
    interrupted = False
    for step in steps:
        result = results[step["name"]] = StepResult(step["name"])
        result.blocked_by = [n["step"] for n in step.get("needs", []) if not results[n["step"]].ok]
        if interrupted:
            continue
        if result.blocked_by:
            say(f"step {step['name']}: not run: it needs {', '.join(result.blocked_by)}, "
                "which did not succeed")
            continue
        plan = Plan(spec, root, compiled.ir, step, list(range(step["job_count"])), compiled.files)
        say(f"step {step['name']}:")
        upstream_keys = {n["step"]: manifest_keys(results[n["step"]].run.run) for n in step.get("needs", [])}
        result.run = run_locally(plan, parallel or _local_parallel(step), isolated, say, allow_other_python,
                                 run_id=run_id, reuse=reuse, upstream_keys=upstream_keys)
        interrupted = result.run.interrupted
    return list(results.values())


def _local_parallel(step: dict) -> int:
    """Without --parallel, each step's own `target local { max_parallel }`, else 1."""
    target = step["targets"].get("local") or {}
    return int(target.get("settings", {}).get("max_parallel") or 1)


def summary(results: list[StepResult], say, step_summary) -> int:
    """One block per step (``step_summary``: the single-run summary); the exit status:
    130 interrupted, 1 a step failed or was not run, 0 every step succeeded."""
    interrupted = any(r.run is not None and r.run.interrupted for r in results)
    for result in results:
        if result.run is not None:
            say(f"step {result.name}:")
            step_summary(result.run)
        elif result.blocked_by:
            say(f"step {result.name}: not run (needs {', '.join(result.blocked_by)})")
        else:
            say(f"step {result.name}: not run (interrupted)")
    if interrupted:
        return 130
    return 0 if all(r.ok for r in results) else 1


# ---- Slurm ------------------------------------------------------------------------------

def dependency(step: dict, job_ids: dict[str, list[str]], array: int = 0) -> list[str]:
    """The --dependency terms of one of a step's arrays (``array``: its number, from 0) for
    its `needs`; ``job_ids``: step -> the job ids of its arrays. The all shape waits for
    every array of the step it needs to succeed (`afterok`), `.each` pairs task i with task i
    (`aftercorr`) of the array at the same offset (the build checks both steps are cut into
    the same arrays, run/slurm.py check_lined_up)."""
    terms = []
    for need in step.get("needs", []):
        ids = job_ids[need["step"]]
        terms.append(f"aftercorr:{ids[array]}" if need["shape"] == "each" else "afterok:" + ":".join(ids))
    return terms


def submit_graph(spec: Path, compiled, chosen: str | None, sbatch_args: tuple[str, ...],
                 say) -> list[tuple[str, object]]:
    """Submit every step as an array, in order, each depending on the arrays it needs;
    returns (step, run folder) pairs. If one submission fails, the arrays already
    submitted are cancelled: a graph is submitted whole or not at all."""
    from xspec.resolve.loader import project_root
    from xspec.run.plan import Plan
    from xspec.run.slurm import array_ids, cancel, check_lined_up, check_site_limit, submit

    root = project_root(spec.resolve())
    job_ids: dict[str, list[str]] = {}
    runs: list[tuple[str, object]] = []
    plans = [Plan(spec, root, compiled.ir, step, list(range(step["job_count"])), compiled.files)
             for step in graph_order(compiled.ir, chosen)]
    check_lined_up(plans)           # both before the first array is submitted
    check_site_limit(plans)
    try:
        for plan in plans:
            step = plan.experiment
            upstream = {n["step"]: job_ids[n["step"]][0] for n in step.get("needs", [])}
            run = submit(plan, sbatch_args, upstream, job_ids)
            job_ids[step["name"]] = array_ids(run)
            runs.append((step["name"], run))
            say(f"submitted {step['name']} as Slurm job {run.path.name} ({step['job_count']} "
                f"task{'s' * (step['job_count'] != 1)})"
                + (f", after {', '.join(f'{s} ({j})' for s, j in upstream.items())}" if upstream else ""))
    except BaseException:
        for name, run in runs:
            for job_id in array_ids(run):
                cancel(job_id)
            say(f"cancelled {name} (Slurm job {run.path.name}): the graph was not submitted whole")
        raise
    return runs
