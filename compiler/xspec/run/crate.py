"""The run's bundle as a Workflow Run RO-Crate (the Process Run Crate profile, 0.5).

One ``CreateAction`` per job that ran: ``instrument`` is the script that ran it (the
bundled job runner or sbatch script), ``object`` its inputs (data and program files, with
their sha256) and its params and seed (``PropertyValue``), ``result`` its outputs (with the
sha256 its record gives), ``startTime``/``endTime``, ``actionStatus`` (and ``error`` with
the exit code when it failed), ``environment`` (its variables, secrets never included),
``containerImage`` when it ran in one, ``additionalProperty`` what it ran on (the
interpreter, OS, CPU, GPUs, the installed packages' digest and whether they match the lock,
and each framework's determinism switches at exit, from the record's ``environment`` and
``determinism``), and ``subjectOf`` its provenance record. The root
lists every file of the folder with its sha256: the manifest, the bundled spec files, the
lock, the IR, the runner, the logs and the records.

The crate is deterministic apart from the times it records: entities are sorted by
``@id``, lists are in a fixed order, and ``datePublished`` is the last job's end time.
It is written once, by the run that made the folder (or by `xspec jobs` for Slurm runs);
an existing crate is never replaced.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from xspec.backends.runner import PROVENANCE
from xspec.run.layout import BUNDLE, MANIFEST, RunDir, RunError, read_json, sha256_of, write_new
from xspec.run.records import JobRecord, read_records

PROFILE = "https://w3id.org/ro/wfrun/process/0.5"
WFRUN_CONTEXT = "https://w3id.org/ro/terms/workflow-run/context"
WFRUN = "https://w3id.org/ro/terms/workflow-run#"
COMPLETED = "http://schema.org/CompletedActionStatus"
FAILED = "http://schema.org/FailedActionStatus"


def write_crate(run: RunDir, notes: dict[int, str] | None = None) -> Path:
    """Write ``ro-crate-metadata.json`` for the run (never over an existing one)."""
    document = build_crate(run.listed(), notes or {})
    write_new(run.crate_path, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return run.crate_path


def read_crate(run: RunDir) -> dict:
    if not run.crate_path.is_file():
        raise RunError(f"{run.path} has no {run.crate_path.name} yet: the run has not finished, "
                       "or (for a Slurm run) has not been collected; run `xspec jobs` to collect it")
    crate = read_json(run.crate_path, "RO-Crate")
    if not isinstance(crate.get("@graph"), list):
        raise RunError(f"{run.crate_path}: not an RO-Crate (no @graph)")
    return crate


def file_path(identifier: str) -> str:
    """The run-folder path a crate file's ``@id`` names. ``@id`` is a URI reference, so
    rocrate percent-encodes spaces and non-ASCII characters (`a%20b.txt`); decode them."""
    from urllib.parse import unquote

    return unquote(identifier)


def entities(crate: dict) -> dict[str, dict]:
    return {e["@id"]: e for e in crate["@graph"] if isinstance(e, dict) and "@id" in e}


def build_crate(run: RunDir, notes: dict[int, str]) -> dict:
    """The crate as a JSON-LD document, from the folder's manifest and records."""
    from rocrate.rocrate import ROCrate

    manifest = run.manifest()
    records = read_records(run, manifest["jobs"])
    crate = ROCrate(gen_preview=False)
    crate.metadata.extra_contexts.append(WFRUN_CONTEXT)
    _Builder(crate, run, manifest, records, notes).build()
    document = crate.metadata.generate()
    document["@graph"] = sorted(document["@graph"], key=lambda e: e["@id"])
    return document


class _Builder:
    def __init__(self, crate, run: RunDir, manifest: dict, records: dict[int, JobRecord | None],
                 notes: dict[int, str]):
        self.crate, self.run, self.manifest = crate, run, manifest
        self.records, self.notes = records, notes

    def build(self) -> None:
        self._root()
        files = self._files()
        self.instrument = files[self.manifest["bundle"]["runner"]]
        self.inputs = self._inputs()
        self.image = self._container_image()
        actions = [self._action(i) for i in self.manifest["jobs"] if self._ran(i)]
        self.crate.root_dataset["mentions"] = actions

    # ---- the root and its files --------------------------------------------------------------

    def _root(self) -> None:
        m, root = self.manifest, self.crate.root_dataset
        ran = sum(1 for i in m["jobs"] if self._ran(i))
        variant = (m["spec"].get("variant") or {}).get("name")
        shown = f" (variant {variant})" if variant else ""
        root["name"] = f"{m['experiment']} run {m['run_id']}{shown}"
        root["identifier"] = m["run_id"]
        root["description"] = (f"xspec {m['executor']} run of experiment {m['experiment']} from "
                               f"{m['spec']['path']}{shown} ({m['spec']['digest']}): {ran} of "
                               f"{len(m['jobs'])} jobs ran.")
        if variant:     # a smoke run can never pass for the real one
            root["keywords"] = [f"xspec-variant:{variant}"]
        root["datePublished"] = self._last_time()
        root["conformsTo"] = self._add("#profile", PROFILE, "CreativeWork", name="Process Run Crate",
                                       version="0.5")
        if m.get("git"):
            root["isBasedOn"] = self._add("#source", None, "SoftwareSourceCode", **_git(m["git"]))

    def _last_time(self) -> str:
        ends = [r.data.get("finished") for r in self.records.values() if r and r.data.get("finished")]
        return max(ends) if ends else self.manifest["launched"]

    def _files(self) -> dict:
        """Every file of the folder the crate describes, except outputs (added per job)."""
        found = {MANIFEST: "the run's manifest: what was run, from where, with which inputs"}
        for path in sorted((self.run.path / BUNDLE).rglob("*")):
            if path.is_file():
                found[self.run.relative(path)] = _bundle_description(self.run.relative(path), self.manifest)
        for index, record in sorted(self.records.items()):
            if self.run.log(index).is_file():
                found[self.run.relative(self.run.log(index))] = f"standard output and error of job {index}"
            if record is not None:
                found[self.run.relative(self.run.record_path(index))] = f"provenance record of job {index}"
            found.update(_earlier_attempts(self.run, index))
        return {rel: self._file(rel, description=text) for rel, text in found.items()}

    def _file(self, rel: str, sha256: str | None = None, **properties):
        path = self.run.path / rel
        props = {k: v for k, v in properties.items() if v is not None}
        if path.is_file():
            props["contentSize"] = path.stat().st_size
            sha256 = sha256 or sha256_of(path)
        if sha256:
            props["sha256"] = sha256.removeprefix("sha256:")
        if rel == self.manifest["bundle"]["runner"]:
            props["@type"] = ["File", "SoftwareApplication"]
            props["encodingFormat"] = "text/x-shellscript"
        return self.crate.add_file(None, dest_path=rel, properties=props)

    def _add(self, key: str, identifier: str | None, kind, **properties):
        from rocrate.model import ContextEntity

        props = {"@type": kind, **{k: v for k, v in properties.items() if v is not None}}
        return self.crate.add(ContextEntity(self.crate, identifier or key, properties=props))

    # ---- inputs, image -------------------------------------------------------------------------

    def _inputs(self) -> dict:
        found = {}
        for path, info in sorted(self.manifest["inputs"].items()):
            found[path] = self._add(f"#input/{path}", None, "File", name=path,
                                    description=_input_description(info),
                                    sha256=(info.get("sha256") or "").removeprefix("sha256:") or None,
                                    contentSize=info.get("size"))
        return found

    def _container_image(self):
        image = self.manifest.get("container_image")
        if not image:
            return None
        kind = {"docker": "DockerImage", "sif": "SIFImage"}.get(image.get("kind"), "DockerImage")
        return self._add("#container-image", None, "ContainerImage",
                         additionalType={"@id": WFRUN + kind}, name=image.get("name"),
                         registry=image.get("registry"), tag=image.get("tag"),
                         sha256=(image.get("digest") or "").removeprefix("sha256:") or None)

    # ---- one job ----------------------------------------------------------------------------------

    def _ran(self, index: int) -> bool:
        return self.records.get(index) is not None or index in self.notes

    def _action(self, index: int):
        record = self.records.get(index)
        properties = {"name": f"{self.manifest['experiment']} job {index}"}
        if record is None:
            properties.update(actionStatus={"@id": FAILED}, error=self.notes[index])
            return self.crate.add_action(self.instrument, identifier=f"#job-{index}",
                                         properties=properties)
        data = record.data
        properties.update(
            description=shlex.join(data.get("argv") or []), startTime=data.get("started"),
            endTime=data.get("finished"), actionStatus={"@id": COMPLETED if record.ok else FAILED},
            environment=self._environment(index, data.get("env") or {}),
            additionalProperty=self._runtime(index, data) or None,
            subjectOf=self.crate.get(self.run.relative(self.run.record_path(index))))
        if not record.ok:
            properties["error"] = f"exit code {record.exit_code}"
        if self.image is not None:
            properties["containerImage"] = self.image
        return self.crate.add_action(self.instrument, identifier=f"#job-{index}",
                                     object=self._objects(index, data), result=self._results(index, record),
                                     properties=properties)

    def _objects(self, index: int, data: dict) -> list:
        words = set(data.get("argv") or [])
        used = [entity for path, entity in self.inputs.items()
                if _used(self.manifest["inputs"][path], words)]
        values = [("param/" + name, name, value) for name, value in (data.get("params") or {}).items()]
        job = data.get("job") or {}
        values += [("seed", "seed", str(job.get("seed"))), ("replicate", "replicate", job.get("replicate"))]
        return used + [self._add(f"#job-{index}/{key}", None, "PropertyValue", name=name, value=value)
                       for key, name, value in values]

    def _results(self, index: int, record: JobRecord) -> list:
        folder = self.run.relative(self.run.job_dir(index))
        return [self._file(f"{folder}/{path}", sha256=digest, description=f"output of job {index}")
                for path, digest in sorted(record.outputs.items()) if digest]

    def _environment(self, index: int, env: dict) -> list:
        return [self._add(f"#job-{index}/env/{name}", None, "PropertyValue", name=name, value=value)
                for name, value in sorted(env.items())]

    def _runtime(self, index: int, data: dict) -> list:
        pairs = runtime_summary(data)
        attempts = len(self.run.attempt_dirs(index))
        if attempts > 1 or data.get("attempt"):
            pairs.append(("attempts", str(attempts)))
        cache = self.manifest.get("cache") or {}
        pairs.append(("cache key", (cache.get("keys") or {}).get(str(index))))
        reused = (cache.get("reused") or {}).get(str(index))
        if reused:
            pairs.append(("reused from", f"{reused['run']} job {reused['job']} (not run again: same cache key)"))
        return [self._add(f"#job-{index}/ran-on/{name}", None, "PropertyValue", name=name, value=value)
                for name, value in pairs if value is not None]


def runtime_summary(data: dict) -> list[tuple[str, str | None]]:
    """What a record says the job ran on, as (name, text) pairs; None where it does not say."""
    env = data.get("environment") or {}
    interpreter, system, cpu = env.get("interpreter") or {}, env.get("os") or {}, env.get("cpu") or {}
    packages, gpus = env.get("packages") or {}, env.get("gpus") or {}
    lock = packages.get("lock")
    pairs = [
        ("interpreter", _joined(interpreter.get("implementation"), interpreter.get("version"))),
        ("interpreter path", interpreter.get("path")),
        ("os", _joined(system.get("name"), system.get("kernel"), system.get("machine"))),
        ("cpu", _joined(cpu.get("model"), f"x{cpu['count']}" if cpu.get("count") else None)),
        ("gpus", _joined(", ".join(gpus.get("models") or []),
                         gpus.get("driver") and f"driver {gpus['driver']}",
                         gpus.get("cuda_driver") and f"CUDA {gpus['cuda_driver']}")),
        ("packages digest", packages.get("digest")),
        ("packages match the lock", None if lock is None else str(bool(lock.get("matches"))).lower()),
        ("container", _joined((env.get("container") or {}).get("runtime"),
                              (env.get("container") or {}).get("image"))),
    ]
    for process in (data.get("determinism") or {}).get("processes") or []:
        for framework, state in sorted((process.get("frameworks") or {}).items()):
            flags = ", ".join(f"{k}={v}" for k, v in sorted(state.items()) if isinstance(v, bool))
            pairs.append((f"{framework} at exit", _joined(state.get("version"), flags and f"({flags})")))
    return pairs


def _joined(*parts) -> str | None:
    text = " ".join(str(p) for p in parts if p)
    return text or None


def _earlier_attempts(run: RunDir, index: int) -> dict[str, str]:
    """The records of the job's attempts before its last (kept, and named): retried by the
    runner (`retries`, `<folder>-attempt<K>`) or requeued by Slurm (`<index>-restart<N>`)."""
    folders = run.attempt_dirs(index)
    found = {}
    for number, folder in enumerate(folders[:-1], start=1):
        if not (folder / PROVENANCE).is_file():
            continue
        why = "failed and run again, `retries`" if "-attempt" in folder.name else "Slurm requeued the task"
        found[run.relative(folder / PROVENANCE)] = (f"provenance record of job {index}, attempt {number} "
                                                    f"of {len(folders)} ({why}; its last attempt is "
                                                    "the job's result)")
    return found


def _git(git: dict) -> dict:
    dirty = {True: "with uncommitted changes", False: "clean", None: "unknown state"}[git.get("dirty")]
    return {"name": "the project's source (git)", "version": git.get("commit"),
            "description": f"git commit {git.get('commit')}, working tree {dirty} when the run started"}


def _bundle_description(rel: str, manifest: dict) -> str:
    if rel == manifest["bundle"]["runner"]:
        return "the script that ran each job (the compiled xspec job runner)"
    if rel == manifest["bundle"]["ir"]:
        return "the compiled IR the jobs came from"
    name = rel.removeprefix(manifest["bundle"]["project"] + "/")
    if name == manifest["spec"]["path"]:
        return "the spec, as it was when the run started"
    return f"{name}, as it was when the run started"


def _input_description(info: dict) -> str:
    where = "not in the crate: read from the project folder"
    if info.get("kind") == "data":
        return f"data {info.get('name')} ({where})"
    if info.get("kind") == "upstream":
        return f"output {info.get('output')} of job {info.get('job')} of step {info.get('step')} ({where})"
    return f"program file named in argv ({where})"


def _used(info: dict, argv: set[str]) -> bool:
    """Every job reads the experiment's data; a program file, when its argv names it."""
    return info.get("kind") == "data" or info.get("word") in argv
