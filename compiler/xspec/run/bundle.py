"""What a run keeps of itself when it starts: the bundle and the manifest.

``bundle/project/`` holds the spec files (the entry spec and every project module it
imports), ``xspec.lock`` and the project marker (``xspec.toml`` or ``pyproject.toml``) at
their paths relative to the project root: a small project of its own, which is what
`xspec reproduce` compiles, so a reproduction never reads the spec or lock of the working
tree. ``bundle/ir.json`` is the compiled IR and ``bundle/<runner>`` the exact script that
runs each job. ``xspec-run.json``, the manifest, says what was run, from where and with
which inputs.
"""

from __future__ import annotations

import os
import shutil
import socket

from xspec.run.layout import (BUNDLE, BUNDLE_IR, BUNDLE_PROJECT, MANIFEST_VERSION, RunDir, RunError,
                              json_text, sha256_of, utc_now, write_new)
from xspec.run.plan import Plan

PROJECT_MARKERS = ("xspec.toml", "pyproject.toml")


def write_bundle(run: RunDir, plan: Plan, runner_name: str, runner_text: str) -> None:
    """Copy the spec files, lock and marker; write the IR and the runner."""
    for entry in plan.ir["spec"]["files"]:
        _copy_checked(plan, run, entry["path"], "sha256:" + entry["sha256"])
    if plan.lock_path is not None:
        _copy_checked(plan, run, plan.lock_path.name, plan.ir["lock"]["digest"])
    for marker in PROJECT_MARKERS:
        if (plan.root / marker).is_file():
            _copy_checked(plan, run, marker, None)
    write_new(run.path / BUNDLE_IR, json_text(plan.ir))
    write_new(run.path / BUNDLE / runner_name, runner_text, executable=True)


def _copy_checked(plan: Plan, run: RunDir, rel: str, expected: str | None) -> None:
    """Copy a project file into the bundle; it must still be what the IR was compiled from."""
    source, target = plan.root / rel, run.bundle_project / rel
    if target.exists():
        raise RunError(f"{target} exists already; a run never overwrites what an earlier one wrote")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if expected is not None and sha256_of(target) != expected:
        raise RunError(f"{source} changed while the run was starting; start it again")


def new_manifest(plan: Plan, run: RunDir, run_id: str, executor: str, runner_name: str,
                 inputs: dict, **extra) -> dict:
    """The manifest of a run that is about to start."""
    ir, experiment = plan.ir, plan.experiment
    manifest = {
        "xspec_run": MANIFEST_VERSION, "run_id": run_id, "experiment": experiment["name"],
        "executor": executor, "xspec_version": ir["xspec_version"], "project": str(plan.root),
        "host": socket.gethostname(), "launched": utc_now(),
        "spec": {"path": ir["spec"]["path"], "digest": ir["spec"]["digest"], "files": ir["spec"]["files"],
                 **({"variant": ir["spec"]["variant"]} if ir["spec"].get("variant") else {})},
        "lock": None if plan.lock_path is None else {"path": plan.lock_path.name,
                                                      "digest": ir["lock"]["digest"]},
        "bundle": {"project": BUNDLE_PROJECT, "ir": BUNDLE_IR, "runner": f"{BUNDLE}/{runner_name}"},
        "jobs": plan.jobs, "job_count": experiment["job_count"],
        "inputs": inputs, "git": git_state(plan.root), "container_image": None,
    }
    manifest.update(extra)
    return manifest


def write_manifest(run: RunDir, manifest: dict) -> None:
    write_new(run.manifest_path, json_text(manifest))


def git_state(root) -> dict | None:
    """The commit and dirty flag, as the job runner records them; None outside git."""
    from xspec.lock.tools import ToolError, find_tool, run_tool

    if find_tool("git") is None:
        return None
    try:
        commit = run_tool("git", ["-C", str(root), "rev-parse", "HEAD"], timeout=30).stdout.strip()
        status = run_tool("git", ["-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                          timeout=60).stdout
    except ToolError:
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def process_alive(pid: int | None) -> bool:
    """Whether the process that launched a local run is still there (this host only)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
