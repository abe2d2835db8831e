"""`xspec reproduce RUN_DIR`: run a recorded job again from its bundle, compare the outputs.

The reproduction runs in a *workspace*, a new folder made like this:

- the bundle's project (``bundle/project/``: the spec files, ``xspec.lock``, ``xspec.toml``)
  is copied in, so the spec and lock are the run's, never the working tree's;
- every other top-level entry of the source project (its code and data: the folder the
  run was launched from, or ``--project``) is linked in, except ``runs/`` and hidden
  entries; a folder that also holds bundled files is made for real and its other entries
  are linked one level down.

Before running, the inputs the run recorded are hashed again in the source project
(RUN005 when they differ: the comparison then says little), and the bundled spec and lock
are compiled: each job must come out with the recorded params, seed, argv and variables
(RUN010). The jobs then run through the local executor (the same job runner), in
``<workspace>/runs/<experiment>/<id>/``, and each output's sha256 is compared with the
record's and with the file in the run folder (RUN009). Nothing in the run folder is written.

A bundle is untrusted input (``trust.py``): a bundle with a symlink, a special file or a
manifest path leaving its folder is refused before anything is copied (RUN020); the
bundle, manifest and records are verified against the crate before anything runs, and any
difference there, or in the compiled spec, lock or jobs (RUN003, RUN010), refuses the
reproduction (RUN021) unless ``trust_modified``. The commands are shown before they run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xspec.run.findings import Finding
from xspec.run.inputs import hash_inputs
from xspec.run.layout import RUNS_DIR, RunDir, RunError, sha256_of
from xspec.run.records import IDENTITY_FIELDS, JobRecord, job_identity, read_record

NEVER_LINKED = (RUNS_DIR, "xspec.lock", "xspec.toml", "pyproject.toml")
MAX_SHOWN = 5                  # differences shown per job and field


@dataclass
class JobComparison:
    index: int
    outputs: int = 0
    findings: list[Finding] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)    # where it ran differently (not a finding)

    @property
    def identical(self) -> bool:
        return not self.findings


@dataclass
class Reproduction:
    run: RunDir
    workspace: Path
    new_run: RunDir | None = None
    findings: list[Finding] = field(default_factory=list)      # inputs, compilation
    jobs: list[JobComparison] = field(default_factory=list)
    refused: bool = False          # differences before running, and no --trust-modified

    @property
    def identical(self) -> bool:
        return not self.findings and all(j.identical for j in self.jobs)

    @property
    def modified(self) -> list[Finding]:
        """The findings that say the bundle is not what ran (changed inputs are expected)."""
        return [f for f in self.findings if f.code != "RUN005"]


def reproduce(run: RunDir, jobs: list[int] | None, project: Path | None, into: Path | None,
              parallel: int, say, isolated: bool = False, trust_modified: bool = False,
              dry_run: bool = False) -> Reproduction:
    """Verify the bundle, show its commands, and (unless refused or ``dry_run``) run them."""
    from xspec.run.local import run_locally

    result, plan, records = prepare(run, jobs, project, into, say)
    result.refused = bool(result.modified) and not trust_modified
    if result.refused or dry_run:
        return result
    local = run_locally(plan, parallel, isolated, say)
    result.new_run = local.run
    result.jobs = [_compare(run, index, records[index], local.run) for index in sorted(records)]
    return result


def prepare(run: RunDir, jobs: list[int] | None, project: Path | None, into: Path | None, say):
    """Everything before running: the bundle checked and verified, the workspace made, the
    bundled spec compiled and compared with the records, the commands shown."""
    manifest = run.manifest()
    refuse_unsafe(run, manifest)
    records = _records(run, manifest, jobs)
    source = _source_project(manifest, project)
    modified = _modified(run, source)
    result = Reproduction(run, _workspace(into, manifest["experiment"]))
    say(f"reproducing {manifest['experiment']}/{manifest['run_id']} "
        f"job{'s' * (len(records) != 1)} {', '.join(map(str, records))} in {result.workspace} "
        f"(spec and lock from the bundle, code and data from {source})")
    data = [p for p, info in manifest["inputs"].items() if info.get("kind") == "data"]
    build_workspace(result.workspace, run.bundle_project, source, data)
    result.findings += modified + _input_findings(manifest, source)
    plan = _plan(result, manifest, sorted(records))
    reused = set((manifest.get("cache") or {}).get("reused") or {})
    result.findings += _identity_findings(plan, records, reused)
    show_commands(plan, say)
    return result, plan, records


def refuse_unsafe(run: RunDir, manifest: dict) -> None:
    """RunError listing every RUN020 path: such a bundle is not even copied."""
    from xspec.run.trust import unsafe_paths

    found = unsafe_paths(run, manifest)
    if found:
        raise RunError(f"{run.path}: the bundle is refused, nothing was copied or run:\n"
                       + "\n".join(f"  {f.line()}" for f in found))


def _modified(run: RunDir, source: Path) -> list[Finding]:
    """What `xspec verify` finds changed in the bundle, the manifest or the records."""
    from xspec.run.trust import modified
    from xspec.run.verify import verify_run

    return modified(verify_run(run, source))


def show_commands(plan, say) -> None:
    """Each job's argv, as it will run, before anything runs (control characters escaped)."""
    import shlex

    from xspec.lint.secrets import mask_tokens
    from xspec.report.printable import printable_line

    for job in plan.experiment["jobs"]:
        if job["index"] in plan.jobs:
            say(f"job {job['index']} will run: {printable_line(mask_tokens(shlex.join(job['argv'])))}")


def _records(run: RunDir, manifest: dict, wanted: list[int] | None) -> dict[int, JobRecord]:
    indices = wanted if wanted is not None else manifest["jobs"]
    found = {}
    for index in indices:
        if index not in manifest["jobs"]:
            raise RunError(f"job {index} is not part of this run (it ran jobs {_ranges(manifest['jobs'])})")
        record = read_record(run, index)
        if record is None:
            if wanted is not None:
                raise RunError(f"job {index} has no provenance record: there is nothing to compare with")
            continue
        found[index] = record
    if not found:
        raise RunError(f"{run.path}: no job of this run has a provenance record")
    return found


def _ranges(jobs: list[int]) -> str:
    from xspec.run.plan import array_text

    return array_text(jobs)


def _source_project(manifest: dict, project: Path | None) -> Path:
    if project is None and not isinstance(manifest["project"], str):
        raise RunError(f"the manifest's project ({manifest['project']!r}) is not a folder; pass --project")
    source = Path(project or manifest["project"])
    if not source.is_dir():
        raise RunError(f"the project the run was launched from ({source}) is not here; pass "
                       "--project with the folder holding its code and data")
    return source.resolve()


def _workspace(into: Path | None, experiment: str) -> Path:
    if into is None:
        return Path(tempfile.mkdtemp(prefix=f"xspec-reproduce-{experiment}-"))
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise RunError(f"--into {into}: give a new or empty folder")
    into.mkdir(parents=True, exist_ok=True)
    return into.resolve()


def build_workspace(workspace: Path, bundled: Path, source: Path, data: list[str]) -> None:
    """The bundle's project, copied; the data, hard-linked (or copied); the source
    project's other entries, symlinked."""
    shutil.copytree(bundled, workspace, dirs_exist_ok=True)
    if not any((workspace / m).is_file() for m in ("xspec.toml", "pyproject.toml")):
        (workspace / "xspec.toml").write_text("")     # the workspace is its own project root
    for path in data:
        _materialize(workspace, source, path)
    _link_missing(workspace, source, top=True)


def _materialize(workspace: Path, source: Path, path: str) -> None:
    """Local data as real files in the workspace. Lowering resolves a data path to decide
    where it lies; through a symlink it would leave the workspace and the compiled argv
    would change."""
    origin, target = source / path, workspace / path
    if not target.resolve().is_relative_to(workspace.resolve()):      # refused earlier (RUN020)
        raise RunError(f"{path}: a data path from the bundle leaves the workspace")
    if not origin.exists() or target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if origin.is_dir():
        shutil.copytree(origin, target, copy_function=_link_or_copy)
    else:
        _link_or_copy(origin, target)


def _link_or_copy(origin, target) -> None:
    try:
        os.link(origin, target)
    except OSError:
        shutil.copy2(origin, target)


def _link_missing(target: Path, source: Path, top: bool) -> None:
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or (top and entry.name in NEVER_LINKED):
            continue
        here = target / entry.name
        if not here.exists() and not here.is_symlink():
            os.symlink(entry, here)
        elif here.is_dir() and not here.is_symlink() and entry.is_dir():
            _link_missing(here, entry, top=False)


# ---- before running ---------------------------------------------------------------------------

def _input_findings(manifest: dict, source: Path) -> list[Finding]:
    inputs = manifest["inputs"]
    now = hash_inputs(source, {p: {} for p in inputs}, verify=True)
    found = []
    for path, info in sorted(inputs.items()):
        current = "missing" if now[path].get("missing") else now[path]["sha256"]
        if current != info.get("sha256"):
            found.append(Finding("RUN005", (path, info.get("sha256"), current)))
    return found


def _plan(result: Reproduction, manifest: dict, jobs: list[int]):
    from xspec.run.plan import make_plan

    variant = (manifest["spec"].get("variant") or {}).get("name")    # a smoke run reproduces as one
    plan = make_plan(result.workspace / manifest["spec"]["path"], manifest["experiment"],
                     ",".join(map(str, jobs)), variant=variant)
    lock = manifest["lock"]["digest"] if manifest["lock"] else None
    compiled = (plan.ir["spec"]["digest"], plan.ir["lock"]["digest"] if plan.ir["lock"] else None)
    for what, recorded, now in zip(("spec", "lock"), (manifest["spec"]["digest"], lock), compiled):
        if recorded != now:
            result.findings.append(Finding("RUN003", (f"the bundled {what}", recorded, now)))
    return plan


def _identity_findings(plan, records: dict[int, JobRecord], reused: set[str]) -> list[Finding]:
    """``reused``: jobs `--resume` took from an earlier run with the same cache key, whose
    records may name an earlier spec (XSPEC_SPEC_DIGEST is not in the key, run/cache.py)."""
    from xspec.run.changes import changes

    jobs = {job["index"]: job for job in plan.experiment["jobs"]}
    found = []
    for index, record in sorted(records.items()):
        compiled, recorded = job_identity(jobs[index]), record.identity()
        if str(index) in reused and isinstance(recorded["env"], dict):
            recorded["env"] = {**recorded["env"], "XSPEC_SPEC_DIGEST": compiled["env"].get("XSPEC_SPEC_DIGEST")}
        for name in IDENTITY_FIELDS:
            if recorded[name] is None:          # a record from before the field existed
                continue
            for where, old, new in changes(recorded[name], compiled[name], name)[:MAX_SHOWN]:
                found.append(Finding("RUN010", (index, where, _shown(where, old), _shown(where, new))))
    return found


def _shown(where: str, value) -> str:
    """A recorded or compiled value as a finding shows it, a secret masked."""
    import json

    from xspec.lint.secrets import mask_secrets, mask_value

    if isinstance(value, str):
        return mask_value(where.rsplit(".", 1)[-1].split("[")[0], value)
    return mask_secrets(json.dumps(value))


# ---- after running ------------------------------------------------------------------------------

def _compare(run: RunDir, index: int, record: JobRecord, new_run: RunDir) -> JobComparison:
    comparison = JobComparison(index, outputs=len(record.outputs))
    new = read_record(new_run, index)
    if new is None:
        comparison.findings.append(Finding("RUN009", (index, "the reproduction", "wrote no provenance record")))
        return comparison
    if new.exit_code != record.exit_code:
        comparison.findings.append(Finding("RUN009", (index, "exit code",
                                                      f"recorded {record.exit_code}, reproduced {new.exit_code}")))
    for path in sorted(set(record.outputs) | set(new.outputs)):
        comparison.findings += _compare_output(run, index, path, record.outputs.get(path), new.outputs.get(path))
    from xspec.run.environment import environment_changes

    comparison.environment = environment_changes(record, new)
    return comparison


def _compare_output(run: RunDir, index: int, path: str, recorded: str | None, reproduced: str | None):
    from xspec.run.trust import escapes

    found = []
    if recorded != reproduced:
        found.append(Finding("RUN009", (index, path, f"recorded {recorded}, reproduced {reproduced}")))
    if why := escapes(path):                # a record's path is read from the untrusted run folder
        return found + [Finding("RUN020", (f"job {index} output", why))]
    on_disk = run.job_dir(index) / path
    if recorded and on_disk.is_file() and (now := sha256_of(on_disk)) != recorded:
        found.append(Finding("RUN009", (index, path, f"the run folder's file is {now}, "
                                                     f"not the recorded {recorded} (changed after the run)")))
    return found
