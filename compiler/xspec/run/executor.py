"""The local executor: jobs as subprocesses of the compiled job runner, on this machine.

Each job is ``bash bundle/xspec-job.sh <index>``: the same runner every target embeds
(``xspec.backends.runner``), with a `local` platform, so argv, variables, seeds, the job
folder and the provenance record are made by the same code as on Slurm. Only where the
index, the project and the run id come from differs (the command line and two variables
instead of Slurm's).

Each job runs in a process group of its own: Ctrl-C in the terminal reaches xspec only,
which then stops the running jobs with SIGTERM (the runner still writes their records,
with the status the signal gave) and starts no more. SIGTERM and SIGHUP to xspec do the
same (a closed terminal, `kill`, a batch system's time limit): no job is left running.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from xspec.backends.common import BackendError, comment_block, header_lines
from xspec.backends.runner import Platform, runner_body
from xspec.run.layout import SHARED, RunDir, RunError
from xspec.run.plan import Plan

RUNNER_NAME = "xspec-job.sh"
WAKE_SECONDS = 1.0        # the longest a wait for the next ending job blocks signals' handling
STOP_GRACE_SECONDS = 10.0

LOCAL = Platform(
    name="local", index='"${1:-}"',
    project='"${XSPEC_PROJECT_ROOT:?run this script with xspec run, or set XSPEC_PROJECT_ROOT}"',
    runs='"$xspec_project/runs"',
    run_id='"${XSPEC_RUN_ID:?run this script with xspec run, or set XSPEC_RUN_ID}"',
    id_vars=("XSPEC_RUN_ID",), shared=f'"$xspec_runs/$xspec_experiment/$xspec_run_id/{SHARED}"')


def local_runner(plan: Plan) -> str:
    """The job runner for this machine, as a script (bundled with the run)."""
    ir, experiment = plan.one_experiment_ir, plan.experiment
    how = ["", "Run by `xspec run`; by hand: XSPEC_PROJECT_ROOT=<project> XSPEC_RUN_ID=<id> bash <this file> <index>"]
    try:
        body = runner_body(ir, experiment, LOCAL)
    except BackendError as e:
        raise RunError(f"{e.code}: {e.message}") from None
    return "#!/bin/bash\n" + comment_block(header_lines(ir, experiment) + how) + "set -euo pipefail\n" + body


@dataclass
class JobOutcome:
    index: int
    status: int | None          # the runner's exit status; None: never started
    seconds: float = 0.0
    reused: bool = False        # not run: taken from an earlier run (`--resume`, run/cache.py)


@dataclass
class _Running:
    process: subprocess.Popen
    started: float
    log: object


class LocalExecutor:
    """Runs jobs, at most ``parallel`` at a time, and reports each as it ends."""

    def __init__(self, run: RunDir, runner: Path, root: Path, env: dict[str, str], progress):
        self.run, self.runner, self.root = run, runner, root
        self.env, self.progress = env, progress
        self.running: dict[int, _Running] = {}
        self.outcomes: dict[int, JobOutcome] = {}
        self.interrupted = False
        self.stopped_by = 0             # the signal that stopped the run (SIGINT, SIGTERM, SIGHUP)
        # Each job has a thread blocked in wait() that reports its end here: the loop wakes the
        # moment a job ends instead of polling (a poll interval is a delay on every short job).
        self.ended: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()

    def execute(self, jobs: list[int], parallel: int) -> list[JobOutcome]:
        pending = deque(jobs)
        previous = _stop_on_signals()
        try:
            while pending or self.running:
                while pending and len(self.running) < parallel:
                    self._start(pending.popleft())
                self._reap(WAKE_SECONDS)
        except KeyboardInterrupt as stop:
            self.interrupted = True
            self.stopped_by = getattr(stop, "signal", signal.SIGINT)
            self._stop()
        finally:
            _restore_signals(previous)
            self.progress.close()
        return [self.outcomes.get(i, JobOutcome(i, None)) for i in jobs]

    def _start(self, index: int) -> None:
        log = open(self.run.log(index), "xb")
        process = subprocess.Popen(["bash", str(self.runner), str(index)], cwd=self.root, env=self.env,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.running[index] = _Running(process, time.monotonic(), log)
        threading.Thread(target=lambda: self.ended.put((index, process.wait())), daemon=True).start()
        self.progress.started(index)

    def _reap(self, timeout: float) -> None:
        """Wait up to ``timeout`` for a job to end, then take every job that has ended."""
        try:
            ended = [self.ended.get(timeout=timeout)]
        except queue.Empty:
            return
        while True:
            try:
                ended.append(self.ended.get_nowait())
            except queue.Empty:
                break
        for index, status in ended:
            self._finish(index, self.running[index], status)

    def _finish(self, index: int, job: _Running, status: int) -> None:
        job.log.close()
        del self.running[index]
        # A signal shows as a negative status in Python; the shell's 128+N is what a record says.
        status = 128 - status if status < 0 else status
        self.outcomes[index] = JobOutcome(index, status, time.monotonic() - job.started)
        self.progress.finished(index, status, self.outcomes[index].seconds)

    def _stop(self) -> None:
        """SIGTERM every running job's group, wait a little, then SIGKILL what is left."""
        self.progress.message(f"interrupted: stopping {len(self.running)} running job(s)")
        self._signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        try:
            while self.running and time.monotonic() < deadline:
                self._reap(max(0.0, deadline - time.monotonic()))
        except KeyboardInterrupt:
            pass
        self._signal(signal.SIGKILL)
        for index, job in list(self.running.items()):
            self._finish(index, job, job.process.wait())

    def _signal(self, which: int) -> None:
        for job in self.running.values():
            try:
                os.killpg(job.process.pid, which)
            except (ProcessLookupError, PermissionError):
                pass


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP reached xspec: stopped like Ctrl-C, so no job is left an orphan."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal = signal_number


def _raise_stopped(signal_number, _frame):
    raise Stopped(signal_number)


def _stop_on_signals() -> dict:
    """SIGTERM and SIGHUP stop the run as Ctrl-C does (the jobs run in sessions of their own,
    so only xspec gets them). Signal handlers can only be set from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.signal(s, _raise_stopped) for s in (signal.SIGTERM, signal.SIGHUP)}


def _restore_signals(previous: dict) -> None:
    for which, handler in previous.items():
        signal.signal(which, handler)


def job_environment(root: Path, run_id: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, plus where the runner finds the project and the run id."""
    env = dict(os.environ)
    env.update(extra or {})
    env.update({"XSPEC_PROJECT_ROOT": str(root), "XSPEC_RUN_ID": run_id})
    return env
