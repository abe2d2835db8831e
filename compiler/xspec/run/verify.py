"""`xspec verify RUN_DIR`: does what the run recorded still match what is on disk?

Four checks, each reporting findings (``findings.py``), not stopping at the first:

1. every file the crate lists (outputs, records, logs, the bundled spec, lock, IR, runner,
   the manifest) still has the sha256 the crate gives (RUN001 for outputs, RUN003 for the
   rest, RUN002 when gone); a symlink or special file in the bundle, or a manifest path
   leaving its folder, is RUN020;
2. every job's provenance record agrees with the crate (outputs, exit status) and with the
   manifest (spec and lock digests) (RUN004); failed jobs (RUN007) and jobs without a
   record (RUN008) are noted, not counted as differences;
3. the inputs (data and program files) in the project still hash as when the run started
   (RUN005; RUN011 when the project is not where the run was launched: pass --project);
4. the project's spec files and lock are still the ones the run bundled (RUN006);
5. each job's framework had, at exit, what its determinism profile switches on (RUN022).

The crate itself is the reference: a crate edited to match edited files is not detected
(sign or archive crates for that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xspec.run.crate import COMPLETED, entities, file_path, read_crate
from xspec.run.findings import Finding
from xspec.run.inputs import hash_inputs
from xspec.run.layout import RunDir, sha256_of
from xspec.run.records import determinism_problems, read_record


@dataclass
class Verification:
    run: RunDir
    manifest: dict
    checked: dict[str, int] = field(default_factory=dict)   # what was compared (singular) -> how many
    findings: list[Finding] = field(default_factory=list)

    @property
    def differences(self) -> list[Finding]:
        return [f for f in self.findings if f.is_difference]


def verify_run(run: RunDir, project: Path | None = None) -> Verification:
    crate = read_crate(run)
    result = Verification(run, run.manifest())
    graph = entities(crate)
    _check_paths(result)
    _check_files(result, graph)
    _check_records(result, graph)
    _check_inputs(result, project)
    _check_project(result, project)
    return result


# ---- 1. files -------------------------------------------------------------------------------

def _check_paths(result: Verification) -> None:
    """A symlinked bundle file hashes as its target: it would be called unchanged (RUN020)."""
    from xspec.run.trust import unsafe_paths

    result.findings += unsafe_paths(result.run, result.manifest)


def _check_files(result: Verification, graph: dict[str, dict]) -> None:
    outputs = {ref["@id"] for e in graph.values() if _is_action(e) for ref in _refs(e.get("result"))}
    files = {i: e for i, e in graph.items() if _is_local_file(i, e)}
    for identifier, entity in sorted(files.items()):
        rel = file_path(identifier)
        path = result.run.path / rel
        recorded = "sha256:" + entity["sha256"]
        if not path.is_file():
            result.findings.append(Finding("RUN002", (rel,)))
        elif (now := sha256_of(path)) != recorded:
            result.findings.append(Finding("RUN001" if identifier in outputs else "RUN003", (rel, recorded, now)))
    result.checked["file"] = len(files)
    result.checked["output"] = len(outputs)


def _is_local_file(identifier: str, entity: dict) -> bool:
    kinds = entity.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    relative = not identifier.startswith(("#", "/")) and "://" not in identifier and ".." not in identifier
    return "File" in kinds and relative and "sha256" in entity


def _is_action(entity: dict) -> bool:
    return entity.get("@type") == "CreateAction"


def _refs(value) -> list[dict]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


# ---- 2. records --------------------------------------------------------------------------------

def _check_records(result: Verification, graph: dict[str, dict]) -> None:
    actions = {e["@id"]: e for e in graph.values() if _is_action(e)}
    checked = 0
    for index in result.manifest["jobs"]:
        action = actions.get(f"#job-{index}")
        record = read_record(result.run, index)
        if action is None and record is None:
            continue
        checked += 1
        for problem in _record_problems(result, index, action, record, graph):
            result.findings.append(Finding("RUN004", (problem,)))
        if record is None:
            result.findings.append(Finding("RUN008", (index, (action or {}).get("error", "it did not run"))))
        elif not record.ok:
            result.findings.append(Finding("RUN007", (index, f"exit {record.exit_code}")))
        if record is not None:
            for problem in determinism_problems(record):
                result.findings.append(Finding("RUN022", (index, problem)))
        if str(index) in _reused(result.manifest):
            result.findings += _reuse_findings(result, index)
    result.checked["record"] = checked


def _reused(manifest: dict) -> dict[str, dict]:
    return (manifest.get("cache") or {}).get("reused") or {}


def _reuse_findings(result: Verification, index: int) -> list[Finding]:
    """A reused job (`--resume`): its record is the one taken (the hash the manifest kept)
    under the key the run computed for it; the earlier run is named, and compared when it
    is still there (its record may not have changed since)."""
    entry = _reused(result.manifest)[str(index)]
    keys = (result.manifest.get("cache") or {}).get("keys") or {}
    source = f"{entry['run']} job {entry['job']}"
    found = [Finding("RUN023", (index, f"reused from {source} (cache key {entry['key']})"))]
    problems = []
    if keys.get(str(index)) != entry["key"]:
        problems.append("the reused job's cache key is not the key the run computed for it")
    record = result.run.record_path(index)
    if record.is_file() and sha256_of(record) != entry["record_sha256"]:
        problems.append(f"its record is not the one taken from {source}")
    origin = Path(result.manifest["project"]) / entry["run"]
    if origin.is_dir():
        earlier = RunDir(origin).record_path(entry["job"])
        if not earlier.is_file() or sha256_of(earlier) != entry["record_sha256"]:
            problems.append(f"the record of {source} changed after it was reused")
    found += [Finding("RUN024", (index, problem)) for problem in problems]
    return found


def _record_problems(result: Verification, index: int, action, record, graph) -> list[str]:
    if action is None:
        return [f"job {index} has a provenance record but no action in the crate"]
    if record is None:
        return [] if action.get("actionStatus", {}).get("@id") != COMPLETED else \
            [f"job {index}: the crate says it completed, but its provenance record is gone"]
    problems = []
    ok = action.get("actionStatus", {}).get("@id") == COMPLETED
    if ok != record.ok:
        problems.append(f"job {index}: the record says exit {record.exit_code}, the crate "
                        f"{'completed' if ok else 'failed'}")
    folder = result.run.relative(result.run.job_dir(index))
    crate_outputs = {file_path(ref["@id"]).removeprefix(folder + "/"): "sha256:" + graph.get(ref["@id"], {}).get("sha256", "")
                     for ref in _refs(action.get("result"))}
    recorded = {k: v for k, v in record.outputs.items() if v}
    if crate_outputs != recorded:
        problems.append(f"job {index}: its record's output hashes differ from the crate's")
    spec = record.data.get("spec") or {}
    lock = result.manifest["lock"]["digest"] if result.manifest["lock"] else None
    # A reused job ran from an earlier spec or lock, with the same cache key (_reuse_findings).
    if str(index) not in _reused(result.manifest) and \
            (spec.get("digest"), spec.get("lock_digest")) != (result.manifest["spec"]["digest"], lock):
        problems.append(f"job {index}: its record names another spec or lock than the run's manifest")
    return problems


# ---- 3. inputs, 4. the project ------------------------------------------------------------------

def _project(result: Verification, project: Path | None) -> Path | None:
    folder = Path(project or result.manifest["project"])
    return folder if folder.is_dir() else None


def _check_inputs(result: Verification, project: Path | None) -> None:
    folder = _project(result, project)
    inputs = result.manifest["inputs"]
    if folder is None:
        if inputs:
            result.findings.append(Finding("RUN011", (result.manifest["project"], "the project folder is not "
                                                      "here, so its inputs were not compared; pass --project")))
        return
    now = hash_inputs(folder, {p: {} for p in inputs}, verify=True)
    for path, info in sorted(inputs.items()):
        if now[path].get("missing"):
            result.findings.append(Finding("RUN005", (path, info.get("sha256"), "missing")))
        elif info.get("sha256") != now[path]["sha256"]:
            result.findings.append(Finding("RUN005", (path, info.get("sha256"), now[path]["sha256"])))
    result.checked["input"] = len(inputs)


def _check_project(result: Verification, project: Path | None) -> None:
    folder = _project(result, project)
    if folder is None:
        return
    m = result.manifest
    pairs = [(f["path"], "sha256:" + f["sha256"]) for f in m["spec"]["files"]]
    if m["lock"]:
        pairs.append((m["lock"]["path"], m["lock"]["digest"]))
    for rel, recorded in pairs:
        path = folder / rel
        now = sha256_of(path) if path.is_file() else "nothing (deleted)"
        if now != recorded:
            result.findings.append(Finding("RUN006", (rel, recorded, now)))
    if not m["lock"] and (folder / "xspec.lock").is_file():
        result.findings.append(Finding("RUN006", ("xspec.lock", "no lock", sha256_of(folder / "xspec.lock"))))
    result.checked["project file"] = len(pairs)
