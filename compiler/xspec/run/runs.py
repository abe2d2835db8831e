"""The state of a project's runs, for `xspec jobs`, and collecting finished ones.

There is no separate index to keep in sync: the runs of a project are the folders
``runs/<experiment>/<run id>/`` holding an ``xspec-run.json``. A job's state comes from
its provenance record when it has one (done or failed, with its exit code); otherwise
from the scheduler (squeue and scontrol for Slurm runs, whether the launching process is
alive for local ones). A run none of whose jobs can still change is *collected*: its
crate is written, once.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from xspec.run.bundle import process_alive
from xspec.run.crate import write_crate
from xspec.run.layout import RunDir
from xspec.run.records import JobRecord, read_records

ACTIVE_STATES = ("pending", "running")


@dataclass
class JobState:
    index: int
    state: str                      # done, failed, pending, running, cancelled, not run, unknown
    exit_code: int | None = None
    detail: str = ""
    recorded: bool = False          # the state comes from the job's provenance record


@dataclass
class RunState:
    run: RunDir
    manifest: dict
    jobs: list[JobState] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(j.state in ACTIVE_STATES for j in self.jobs)

    @property
    def collected(self) -> bool:
        return self.run.crate_path.is_file()

    def count(self, state: str) -> int:
        return sum(1 for j in self.jobs if j.state == state)

    @property
    def summary(self) -> str:
        if self.active:
            return "running"
        if all(j.state == "done" for j in self.jobs):
            return "done"
        return "failed" if self.count("failed") else "incomplete"


def run_state(run: RunDir) -> RunState:
    manifest = run.manifest()
    records = read_records(run, manifest["jobs"])
    if manifest["executor"] == "slurm" and not run.crate_path.is_file():
        return RunState(run, manifest, _slurm_jobs(run, manifest["slurm"], records))
    unrecorded = [i for i, r in records.items() if r is None]
    others = _scheduler_states(run, manifest, unrecorded) if unrecorded else {}
    jobs = [_from_record(i, r) if r is not None else others[i] for i, r in records.items()]
    for job in jobs:
        _reused(job, manifest)
    return RunState(run, manifest, jobs)


def _from_record(index: int, record: JobRecord) -> JobState:
    """Done or failed, from the record; `attempt 2 of 3 (retried)` when `retries` ran it again."""
    attempt = record.data.get("attempt") or {}
    retried = f"attempt {attempt['number']} of {attempt.get('of')} (retried)" \
        if isinstance(attempt.get("number"), int) and attempt["number"] > 1 else ""
    if record.ok:
        return JobState(index, "done", 0, retried, recorded=True)
    return JobState(index, "failed", record.exit_code, "; ".join(filter(None, [f"exit {record.exit_code}", retried])),
                    recorded=True)


def _reused(job: JobState, manifest: dict) -> None:
    """A job `--resume` took from an earlier run says where from (docs/running.md)."""
    entry = ((manifest.get("cache") or {}).get("reused") or {}).get(str(job.index))
    if entry:
        job.detail = "; ".join(filter(None, [job.detail, f"reused from {entry['run']} job {entry['job']}"]))


def _scheduler_states(run: RunDir, manifest: dict, jobs: list[int]) -> dict[int, JobState]:
    if manifest["executor"] == "slurm":
        return _slurm_states(manifest["slurm"], jobs)
    alive = (manifest.get("host") == socket.gethostname() and not run.crate_path.is_file()
             and process_alive(manifest.get("pid")))
    if alive:
        return {i: JobState(i, "running", detail="local run in progress") for i in jobs}
    return {i: JobState(i, "not run", detail="no provenance record") for i in jobs}


def _slurm_states(slurm: dict, jobs: list[int]) -> dict[int, JobState]:
    """``slurm``: the manifest's entry, with the run's arrays (run/slurm.py)."""
    from xspec.run.slurm import run_queue_states, run_task_details

    queued = run_queue_states(slurm)
    if queued is None:
        return {i: JobState(i, "unknown", detail="squeue is not available here") for i in jobs}
    finished = ({i: (state, code) for i, (state, code, _) in run_task_details(slurm).items()}
                if any(i not in queued for i in jobs) else {})
    return {i: _unrecorded_state(i, queued, finished) for i in jobs}


def _unrecorded_state(i: int, queued: dict[int, str], finished: dict[int, tuple[str, str]]) -> JobState:
    """A Slurm task without a record for its last attempt, from what Slurm says of it."""
    from xspec.run.slurm import ACTIVE

    if i in queued and queued[i] in ACTIVE:
        return JobState(i, "running" if queued[i] == "RUNNING" else "pending", detail=queued[i])
    if i in finished and finished[i][0].startswith("CANCELLED") and finished[i][1] in ("", "0:0"):
        return JobState(i, "cancelled", detail=f"Slurm {finished[i][0]} before it started")
    if i in finished:
        state, code = finished[i]
        status = int(code.split(":")[0]) if code.split(":")[0].isdigit() else None
        return JobState(i, "failed", status, f"Slurm {state}, exit {code}, no provenance record")
    return JobState(i, "not run", detail="no provenance record; Slurm no longer knows the task")


def _slurm_jobs(run: RunDir, slurm: dict, records: dict[int, JobRecord | None]) -> list[JobState]:
    """The states of a Slurm run not yet collected. A record is only final when Slurm no
    longer has the task queued: a requeued task (`--requeue`, `scontrol requeue`,
    preemption) has its earlier attempt's record, yet it runs again, and its state is its
    last attempt's."""
    from xspec.run.slurm import ACTIVE, run_queue_states, run_task_details

    queued = run_queue_states(slurm)
    if queued is None:          # no squeue here: the records are all there is to go by
        return [_from_record(i, r) if r is not None else
                JobState(i, "unknown", detail="squeue is not available here") for i, r in records.items()]
    details = run_task_details(slurm) if any(i not in queued for i in records) else {}
    finished = {task: (state, code) for task, (state, code, _) in details.items()}
    jobs = []
    for index, record in records.items():
        attempt = run.restarts_recorded(index) + 1 if record is not None else 0
        active = index in queued and queued[index] in ACTIVE
        last = details[index][2] + 1 if index in details else attempt   # Slurm's last attempt
        if record is not None and not active and last <= attempt:
            jobs.append(_attempted(_from_record(index, record), attempt))
            continue
        found = _unrecorded_state(index, queued, finished)
        if record is not None:      # requeued: the record is an earlier attempt's
            found.detail += f" (attempt {attempt} has a record; Slurm requeued the task)"
        jobs.append(found)
    return jobs


def _attempted(state: JobState, attempt: int) -> JobState:
    if attempt > 1:
        state.detail = (state.detail + "; " if state.detail else "") + f"attempt {attempt} (requeued)"
    return state


def collect(state: RunState) -> bool:
    """Write the crate of a run that has ended and has none yet; True if written now."""
    if state.active or state.collected or any(j.state == "unknown" for j in state.jobs):
        return False
    # A job that failed without a record (Slurm says so) still ran: it gets an action.
    notes = {j.index: j.detail for j in state.jobs if j.state == "failed" and not j.recorded}
    write_crate(state.run, notes)
    return True
