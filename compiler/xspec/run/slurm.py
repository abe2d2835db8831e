"""`xspec submit --target slurm`: the compiled sbatch script, submitted with sbatch.

The array is submitted held (``--hold``): once Slurm has given it an id, xspec makes
``runs/<experiment>/<id>/`` (refusing one that exists), writes the bundle and manifest
there, and only then releases it, so every task finds its run folder ready and its log
goes to ``logs/<index>.out`` inside it. If anything fails before the release, the held
job is cancelled. Every Slurm command goes through ``run_tool``.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from xspec.lock.tools import ToolError, find_tool, run_tool
from xspec.run.bundle import new_manifest, write_bundle, write_manifest
from xspec.run.graph import link_upstream
from xspec.run.inputs import launch_inputs
from xspec.run.layout import LOGS, RUNS_DIR, RunDir, RunError, claim_run_dir
from xspec.run.plan import Plan, array_text

ACTIVE = ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED",
          "STAGE_OUT", "SIGNALING", "REQUEUE_HOLD", "REQUEUE_FED", "SPECIAL_EXIT", "STOPPED")
POLL_SECONDS = 0.5
_TASK = re.compile(r"ArrayTaskId=(\d+)")


def submit(plan: Plan, sbatch_args: tuple[str, ...] = (), upstream: dict[str, str] | None = None) -> RunDir:
    """Submit the plan's jobs as an array; returns the run folder (named by the job id).
    ``upstream``: step -> job id of the steps a step of a graph needs (run/graph.py)."""
    name = plan.experiment["name"]
    script = plan.files[f"slurm/{name}.sbatch"]
    job_id = _sbatch_held(plan, script, sbatch_args)
    try:
        run = claim_run_dir(plan.root, name, job_id)
        link_upstream(run, plan.experiment, upstream)
        (run.path / LOGS).mkdir()
        write_bundle(run, plan, f"{name}.sbatch", script)
        inputs = launch_inputs(plan.root, plan.experiment, plan.jobs)
        write_manifest(run, new_manifest(
            plan, run, job_id, "slurm", f"{name}.sbatch", inputs,
            container_image=container_image(plan.experiment),
            slurm={"job_id": job_id, "sbatch_args": list(sbatch_args)}))
        _tool("scontrol", ["release", job_id])
    except BaseException:
        cancel(job_id)
        raise
    return run


def _sbatch_held(plan: Plan, script: str, sbatch_args: tuple[str, ...]) -> str:
    name = plan.experiment["name"]
    options = ["--parsable", "--hold", f"--output={RUNS_DIR}/{name}/%A/{LOGS}/%a.out"]
    if plan.jobs != list(range(plan.experiment["job_count"])):
        limit = _slurm_settings(plan.experiment).get("max_parallel")
        options.append(f"--array={array_text(plan.jobs)}" + (f"%{limit}" if limit else ""))
    with tempfile.TemporaryDirectory(prefix="xspec-submit-") as folder:
        path = Path(folder) / f"{name}.sbatch"
        path.write_text(script, encoding="utf-8")
        # sbatch keeps its own copy of the script: the temporary file can go right after.
        done = _tool("sbatch", [*options, *sbatch_args, str(path)], cwd=plan.root,
                     label=f"sbatch {name}.sbatch")
    job_id = done.stdout.strip().split(";")[0]
    if not job_id.isdigit():
        raise RunError(f"sbatch printed {done.stdout.strip()!r}, not a job id")
    return job_id


def cancel(job_id: str) -> None:
    try:
        _tool("scancel", [job_id])
    except RunError:
        pass


def _tool(name: str, args: list[str], **kwargs):
    try:
        return run_tool(name, args, timeout=120, why="submit to Slurm", **kwargs)
    except ToolError as e:
        raise RunError(str(e)) from None


def _slurm_settings(experiment: dict) -> dict:
    target = experiment["targets"].get("slurm")
    return dict(target["settings"]) if target else {}


def container_image(experiment: dict) -> dict | None:
    """The image the Slurm jobs run in (`container = "apptainer"`), for the crate."""
    if _slurm_settings(experiment).get("container") != "apptainer":
        return None
    image = experiment["env"]["image"]
    registry, _, name = image["name"].partition("/")
    if "." not in registry and ":" not in registry:        # `library/python`: Docker Hub
        registry, name = "docker.io", image["name"]
    return {"kind": "docker", "registry": registry, "name": name, "tag": image["tag"],
            "digest": image["digest"], "ref": image["pinned"] or image["ref"]}


# ---- the queue ------------------------------------------------------------------------------

def queue_states(job_id: str) -> dict[int, str] | None:
    """Array task -> state for the tasks Slurm still has queued or running; None when
    squeue is not available here (the states are then unknown)."""
    if find_tool("squeue") is None:
        return None
    try:
        done = run_tool("squeue", ["-h", "-r", "-j", job_id, "-o", "%K %T"], timeout=60)
    except ToolError as e:
        if "Invalid job id" in str(e):        # finished long enough ago to be forgotten
            return {}
        return None
    states = {}
    for line in done.stdout.splitlines():
        task, _, state = line.strip().partition(" ")
        if task.isdigit():
            states[int(task)] = state.strip()
    return states


def final_states(job_id: str) -> dict[int, tuple[str, str]]:
    """Array task -> (JobState, ExitCode) from `scontrol show job`, while Slurm remembers it."""
    return {task: (state, code) for task, (state, code, _) in task_details(job_id).items()}


def task_details(job_id: str) -> dict[int, tuple[str, str, int]]:
    """Array task -> (JobState, ExitCode, Restarts) from `scontrol show job`, while Slurm
    remembers the job; Restarts counts how often it was requeued (its last attempt is
    number Restarts + 1)."""
    if find_tool("scontrol") is None:
        return {}
    try:
        shown = run_tool("scontrol", ["show", "job", job_id], timeout=60).stdout
    except ToolError:
        return {}
    tasks = {}
    for record in shown.split("\n\n"):
        task = _TASK.search(record)
        state = re.search(r"JobState=(\S+)", record)
        code = re.search(r"\bExitCode=(\S+)", record)
        restarts = re.search(r"\bRestarts=(\d+)", record)
        if task and state:
            tasks[int(task.group(1))] = (state.group(1), code.group(1) if code else "",
                                         int(restarts.group(1)) if restarts else 0)
    return tasks


def wait(job_id: str, on_tick=None) -> None:
    """Poll squeue until none of the array's tasks is queued or running."""
    while True:
        states = queue_states(job_id)
        if states is None:
            raise RunError("squeue is not available here: cannot wait for the job")
        if not any(s in ACTIVE for s in states.values()):
            return
        if on_tick:
            on_tick(states)
        time.sleep(POLL_SECONDS)
