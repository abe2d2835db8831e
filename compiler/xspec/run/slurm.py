"""`xspec submit --target slurm`: the compiled sbatch script, submitted with sbatch.

The array is submitted held (``--hold``): once Slurm has given it an id, xspec makes
``runs/<experiment>/<id>/`` (refusing one that exists), writes the bundle and manifest
there, and only then releases it, so every task finds its run folder ready and its log
goes to ``logs/<index>.out`` inside it. If anything fails before the release, the held
job is cancelled. Every Slurm command goes through ``run_tool``.

A sweep of more jobs than `max_array_size` is several arrays of the same script
(backends/slurm.py `arrays`): array k gets XSPEC_ARRAY_OFFSET (its first job's index) and
XSPEC_RUN_ID (the first array's id, so every task writes into the one run folder), and
logs to ``logs/from-<offset>/<task>.out``. The manifest lists the arrays; states,
waiting and cancelling go over all of them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from xspec.backends.slurm import OFFSET_VAR, RUN_ID_VAR, arrays, export_names, max_array_size
from xspec.lock.tools import ToolError, find_tool, run_tool
from xspec.run.bundle import new_manifest, write_bundle, write_manifest
from xspec.run.graph import dependency, link_upstream
from xspec.run.inputs import launch_inputs
from xspec.run.layout import BUNDLE, LOGS, RUNS_DIR, RunDir, RunError, claim_run_dir, write_new
from xspec.run.plan import Plan, array_text

ACTIVE = ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED",
          "STAGE_OUT", "SIGNALING", "REQUEUE_HOLD", "REQUEUE_FED", "SPECIAL_EXIT", "STOPPED")
POLL_SECONDS = 0.5
_TASK = re.compile(r"ArrayTaskId=(\d+)")
_MAX_ARRAY_SIZE = re.compile(r"^MaxArraySize\s*=\s*(\d+)\s*$", re.MULTILINE)


def submit(plan: Plan, sbatch_args: tuple[str, ...] = (), upstream: dict[str, str] | None = None,
           after: dict[str, list[str]] | None = None) -> RunDir:
    """Submit the plan's jobs as one array or several; returns the run folder (named by the
    first array's job id). ``upstream``: step -> run id of the steps a step of a graph needs,
    ``after``: step -> the job ids of their arrays (run/graph.py)."""
    name = plan.experiment["name"]
    script = plan.files[f"slurm/{name}.sbatch"]
    chunks = arrays(plan.experiment, plan.jobs)
    check_site_limit([plan])
    job_ids: list[str] = []
    run = None
    try:
        with tempfile.TemporaryDirectory(prefix="xspec-submit-") as folder:
            path = Path(folder) / f"{name}.sbatch"
            path.write_text(script, encoding="utf-8")
            # sbatch keeps its own copy of the script: the temporary file can go right after.
            for number, (offset, tasks) in enumerate(chunks):
                options = _array_options(plan, number, offset, tasks, job_ids, after or {}, len(chunks))
                job_ids.append(_sbatch_held(plan, path, [*options, *sbatch_args]))
                if run is None:
                    run = claim_run_dir(plan.root, name, job_ids[0])
        link_upstream(run, plan.experiment, upstream)
        for offset, _ in chunks:
            (run.path / _log_folder(offset)).mkdir(parents=True, exist_ok=True)
        write_bundle(run, plan, f"{name}.sbatch", script)
        if f"slurm/{name}.jobs" in plan.files:
            write_new(run.path / BUNDLE / f"{name}.jobs", plan.files[f"slurm/{name}.jobs"])
        inputs = launch_inputs(plan.root, plan.experiment, plan.jobs)
        listed = [{"job_id": job_id, "offset": offset, "tasks": array_text(tasks)}
                  for job_id, (offset, tasks) in zip(job_ids, chunks)]
        write_manifest(run, new_manifest(
            plan, run, job_ids[0], "slurm", f"{name}.sbatch", inputs,
            container_image=container_image(plan.experiment),
            slurm={"job_id": job_ids[0], "sbatch_args": list(sbatch_args), "arrays": listed,
                   "max_array_size": max_array_size(plan.experiment)}))
        _tool("scontrol", ["release", ",".join(job_ids)])
    except BaseException:
        for job_id in job_ids:
            cancel(job_id)
        if run is not None:     # nothing ran: the folder holds only what this call wrote
            shutil.rmtree(run.path, ignore_errors=True)
        raise
    return run


def _array_options(plan: Plan, number: int, offset: int, tasks: list[int], job_ids: list[str],
                   after: dict[str, list[str]], count: int) -> list[str]:
    """sbatch options of array ``number``; ``job_ids``: those of the arrays before it."""
    name = plan.experiment["name"]
    run_id = job_ids[0] if job_ids else "%A"
    options = ["--parsable", "--hold", f"--output={RUNS_DIR}/{name}/{run_id}/{_log_folder(offset)}/%a.out"]
    limit = _slurm_settings(plan.experiment).get("max_parallel")
    if count > 1 or plan.jobs != list(range(plan.experiment["job_count"])):
        options.append(f"--array={array_text(tasks)}" + (f"%{limit}" if limit else ""))
    if number:
        variables = [*export_names(plan.experiment), f"{OFFSET_VAR}={offset}", f"{RUN_ID_VAR}={job_ids[0]}"]
        options.append("--export=" + ",".join(variables))
    terms = dependency(plan.experiment, after, number)
    if number and limit:        # max_parallel holds for the sweep: one array at a time
        terms.append(f"afterany:{job_ids[-1]}")
    if terms:
        options.append("--dependency=" + ",".join(terms))
    if plan.experiment.get("needs"):
        options.append("--kill-on-invalid-dep=yes")
    return options


def _log_folder(offset: int) -> str:
    return LOGS if offset == 0 else f"{LOGS}/from-{offset}"


def _sbatch_held(plan: Plan, path: Path, options: list[str]) -> str:
    done = _tool("sbatch", [*options, str(path)], cwd=plan.root, label=f"sbatch {path.name}")
    job_id = done.stdout.strip().split(";")[0]
    if not job_id.isdigit():
        raise RunError(f"sbatch printed {done.stdout.strip()!r}, not a job id")
    return job_id


def check_site_limit(plans: list[Plan]) -> None:
    """RUN025 when an array would have a task index Slurm refuses: the spec's max_array_size
    is over the cluster's MaxArraySize. Checked before anything is submitted."""
    largest = max((tasks[-1] for plan in plans for _, tasks in arrays(plan.experiment, plan.jobs)), default=0)
    site = site_max_array_size()
    if largest < site:
        return
    wanted = max(max_array_size(plan.experiment) for plan in plans)
    raise RunError(f"RUN025: the spec's max_array_size ({wanted:,}) is larger than this cluster's "
                   f"MaxArraySize ({site:,}, `scontrol show config`): Slurm would refuse array index "
                   f"{largest:,}. Set `max_array_size = {site}` in `target slurm`; nothing was submitted")


def check_lined_up(plans: list[Plan]) -> None:
    """RUN026: `.each` pairs task i of one array with task i of another (`aftercorr`), so a
    step and the step it needs that way must be cut into the same arrays."""
    steps = {plan.experiment["name"]: plan.experiment for plan in plans}
    for step in steps.values():
        for need in step.get("needs", []):
            upstream = steps.get(need["step"])
            if need["shape"] == "each" and upstream is not None and arrays(upstream) != arrays(step):
                raise RunError(f"RUN026: `{step['name']}` runs after `{need['step']}.each`, but the two are "
                               f"cut into different Slurm arrays (max_array_size {max_array_size(upstream)} "
                               f"and {max_array_size(step)}); give both the same `max_array_size`. "
                               "Nothing was submitted")


def site_max_array_size() -> int:
    """The cluster's MaxArraySize, from `scontrol show config`."""
    shown = _tool("scontrol", ["show", "config"]).stdout
    found = _MAX_ARRAY_SIZE.search(shown)
    if found is None:
        raise RunError("RUN025: `scontrol show config` does not say MaxArraySize; nothing was submitted")
    return int(found.group(1))


def array_ids(run: RunDir) -> list[str]:
    """The job ids of a Slurm run's arrays, first to last."""
    return [a["job_id"] for a in _arrays_of(run.manifest()["slurm"])]


def _arrays_of(slurm: dict) -> list[dict]:
    """The manifest's arrays; a run submitted before there were several has one, at 0."""
    return slurm.get("arrays") or [{"job_id": slurm["job_id"], "offset": 0}]


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


def run_queue_states(slurm: dict) -> dict[int, str] | None:
    """Job index -> state (see queue_states) over every array of a run; ``slurm``: the
    manifest's `slurm` entry."""
    merged: dict[int, str] = {}
    for array in _arrays_of(slurm):
        states = queue_states(array["job_id"])
        if states is None:
            return None
        merged.update({array["offset"] + task: state for task, state in states.items()})
    return merged


def run_task_details(slurm: dict) -> dict[int, tuple[str, str, int]]:
    """Job index -> (JobState, ExitCode, Restarts) (see task_details) over every array of a run."""
    return {array["offset"] + task: details for array in _arrays_of(slurm)
            for task, details in task_details(array["job_id"]).items()}


def wait(slurm: dict, on_tick=None) -> None:
    """Poll squeue until none of the run's tasks is queued or running, in any of its arrays."""
    while True:
        states = run_queue_states(slurm)
        if states is None:
            raise RunError("squeue is not available here: cannot wait for the job")
        if not any(s in ACTIVE for s in states.values()):
            return
        if on_tick:
            on_tick(states)
        time.sleep(POLL_SECONDS)
