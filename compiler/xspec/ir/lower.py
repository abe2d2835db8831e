"""Lowering: a checked spec (and its lock, when there is one) becomes the IR.

Sweeps are expanded into jobs (docs/ir.md gives the order), seeds derived
(``seeds.py``), the lock applied (exact packages with hashes, image digests,
the nixpkgs narHash, data hashes), and every per-job value filled in. Problems
that only show here (a secret spliced into argv, say) are diagnostics with
spans, like the checker's. Nothing here depends on the working directory: paths
are relative to the project root.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from xspec import __version__
from xspec.diagnostics import DiagnosticBag
from xspec.ir import IR_VERSION
from xspec.ir import model as IR
from xspec.ir.environment import lower_env, lower_profile
from xspec.ir.seeds import draw, seed_for_job, unit_bits
from xspec.ir.steps import expand_argument, lower_needs, output_parts
from xspec.resolve.loader import project_root
from xspec.types import model as M

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
URL_DATA_DIR = "data"


def lower_program(result, lock=None, bag: DiagnosticBag | None = None) -> dict:
    """The IR of the entry spec of ``result`` (a checked ``api.Result`` without errors)."""
    bag = bag if bag is not None else DiagnosticBag()
    entry = result.program.entries[0]
    root = project_root(entry)
    spec = spec_identity(result, entry, root)
    lowering = _Lowering(result, lock, bag, root, spec["digest"])
    module = result.modules[entry]
    return {
        "ir_version": IR_VERSION,
        "xspec_version": __version__,
        "spec": spec,
        "lock": None if lock is None else {"digest": lock.digest},
        "experiments": [lowering.experiment(e) for e in module.experiments.values()],
    }


# ---- the spec's identity ------------------------------------------------------------

def spec_identity(result, entry: Path, root: Path) -> dict:
    """The entry spec and the project modules it imports, with the digest of them all.

    The digest is SHA-256 of a `sha256sum`-style manifest: one line
    ``<hex>  <path>`` per file, sorted by path (docs/ir.md shows how to recompute it).
    A spec built with a variant adds one last line, ``variant <name> <hex>``, the hex being
    the SHA-256 of the variant block's text: the same files give another digest for each
    variant, and none of them is the digest of the spec without one.
    """
    files = []
    for key in _project_closure(result, entry):
        data = key.read_bytes()
        files.append({"path": _relative(key, root), "sha256": hashlib.sha256(data).hexdigest()})
    files.sort(key=lambda f: f["path"].encode("utf-8"))
    manifest = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
    variant = getattr(result, "variant", None)
    if variant is not None:
        manifest += f"variant {variant.name} {variant.sha256}\n"
    identity: dict[str, object] = {"path": _relative(entry, root), "digest": "sha256:" + _sha256(manifest),
                                   "files": files}
    if variant is not None:     # only then, so the IR of a spec built without one is unchanged
        identity["variant"] = {"name": variant.name, "sha256": variant.sha256}
    return identity


def _project_closure(result, entry: Path) -> list[Path]:
    seen, todo = [], [entry]
    while todo:
        key = todo.pop()
        module = result.program.modules.get(key)
        if key in seen or module is None or module.is_stdlib:
            continue
        seen.append(key)
        todo.extend(module.imports.values())
    return seen


def _relative(path: Path, root: Path) -> str:
    path = Path(path).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- one experiment ------------------------------------------------------------------

class _Lowering:
    def __init__(self, result, lock, bag: DiagnosticBag, root: Path, spec_digest: str):
        self.result, self.lock, self.bag, self.root = result, lock, bag, root
        self.spec_digest = spec_digest
        self.module_dirs = {m.source.path: k.parent for k, m in result.program.modules.items()}
        self.steps = result.modules[result.program.entries[0]].experiments

    def experiment(self, exp: M.Experiment) -> dict:
        data = [self.data_entry(d) for d in exp.data]
        templates = _Templates(self, exp, {d["name"]: d for d in data})
        sweeps = [_sweep(s, exp) for s in exp.sweeps]
        all_points = points(sweeps)
        lowered = {
            "name": exp.name, "description": exp.description,
            "seed": exp.seed, "seed_mode": exp.seeds, "replicates": exp.replicates,
            "job_count": len(all_points) * exp.replicates,
            "env": lower_env(exp.env, self.lock), "determinism": lower_profile(exp.determinism),
            "data": data, "params": [_param(p) for p in exp.params.values()], "sweeps": sweeps,
            "resources": _resources(exp.resources), "secrets": [_secret(s) for s in exp.secrets.values()],
            "targets": {n: _target(t) for n, t in sorted(exp.targets.items())},
            **templates.all(),
        }
        if exp.needs:               # only for steps with `after`, so other specs keep their IR
            lowered["needs"] = lower_needs(exp, self.steps)
        if exp.retries:             # likewise only with `retries`
            lowered["retries"] = {"count": exp.retries, "on": sorted(set(exp.retry_on))}
        self._check_variable_names(exp, lowered)
        lowered["vars"], lowered["secret_vars"] = _environment(lowered, self.spec_digest)
        lowered["jobs"] = _jobs(exp, lowered, all_points)
        return lowered

    def _check_variable_names(self, exp: M.Experiment, lowered: dict) -> None:
        """The env's and the profile's vars become `export NAME=...` lines: names must be names."""
        owners: list[tuple[Any, dict]] = [(exp.env, lowered["env"]["vars"]),
                  (exp.determinism, (lowered["determinism"] or {}).get("vars", {}))]
        for owner, variables in owners:
            for name in [n for n in variables if not ENV_NAME.match(n)]:
                node = owner.node.field("vars") if owner.node is not None else None
                self.bag.add("BLD003", (node or owner.node).span, name)
                del variables[name]

    def data_entry(self, entry: M.DataEntry) -> dict:
        locked = self.lock.data.get(entry.name) if self.lock is not None else None
        return {"name": entry.name, "url": entry.url, "path": self._data_source(entry),
                "sha256": entry.sha256 or (locked.sha256 if locked else None),
                "size": entry.size if entry.size is not None else (locked.size if locked else None),
                "version": entry.version, "job_path": self._job_path(entry)}

    def _data_source(self, entry: M.DataEntry) -> str | None:
        """A local data path, relative to the project root (it is relative to its spec)."""
        if entry.path is None:
            return None
        folder = self.module_dirs.get(entry.module, self.root)
        return _relative((folder / entry.path).resolve(), self.root)

    def _job_path(self, entry: M.DataEntry) -> str:
        if entry.path is not None:
            return self._data_source(entry)
        name = posixpath.basename(unquote(urlparse(entry.url or "").path))
        return f"{URL_DATA_DIR}/{entry.name}/{name if name not in ('', '.', '..') else entry.name}"


def _param(p: M.ParamDecl) -> dict:
    return {"name": p.name, "type": p.type, "default": p.default if p.has_default else None,
            "doc": p.doc}


def _sweep(sweep: M.Sweep, exp: M.Experiment) -> dict:
    if sweep.kind != "random":
        return {"kind": sweep.kind, "axes": {k: list(v) for k, v in sweep.axes.items()}}
    return {"kind": "random", "trials": sweep.trials, "seed": _random_seed(sweep, exp),
            "distributions": {k: {"kind": d.kind, "args": list(d.args)}
                              for k, d in sweep.distributions.items()}}


def _random_seed(sweep: M.Sweep, exp: M.Experiment) -> int:
    return sweep.seed if sweep.seed is not None else (exp.seed or 0)


def _resources(r: M.Resources | None) -> dict:
    r = r or M.Resources()
    return {"cpus": r.cpus, "gpus": r.gpus, "gpu_type": r.gpu_type, "memory_bytes": r.memory,
            "time_seconds": r.time, "nodes": r.nodes, "tasks_per_node": r.tasks_per_node,
            "scratch_bytes": r.scratch}


def _secret(s: M.Secret) -> dict:
    if s.source.kind == "env":
        return {"name": s.name, "source": "env", "variable": s.source.args[0]}
    return {"name": s.name, "source": "k8s", "secret": s.source.args[0], "key": s.source.args[1]}


def _target(t: M.Target) -> dict:
    return {"preset": t.preset.name if t.preset else None,
            "settings": {k: t.settings[k] for k in sorted(t.settings)}}


# ---- templates: run, outputs, vars, workdir ------------------------------------------

class _Templates:
    """Turns the checked model's argv/strings with placeholders into IR templates."""

    def __init__(self, lowering: _Lowering, exp: M.Experiment, data: dict[str, dict]):
        self.lowering, self.exp, self.data, self.bag = lowering, exp, data, lowering.bag

    def all(self) -> dict:
        vars_, secret_vars = self.vars()
        lowered = {"run": self.run(), "outputs": [self.parts(o.parts, "outputs") for o in self.exp.outputs],
                   "workdir": self.workdir(), "vars": vars_, "secret_vars": secret_vars}
        if self.exp.metrics:        # only when declared, so specs without metrics keep their IR
            lowered["metrics"] = [self.parts(m.parts, "metrics") for m in self.exp.metrics]
        return lowered

    def run(self) -> list[list[dict]]:
        run = self.exp.run
        if isinstance(run, M.Template):
            return [[{"text": "/bin/sh"}], [{"text": "-c"}], self.parts(run.parts, "run", quote="sh")]
        args = []
        for arg in run or []:
            many = expand_argument(arg, self.exp, self.lowering.steps)
            args += [self.parts(a, "run") for a in many] if many else [self.parts(arg, "run")]
        return args

    def workdir(self) -> list[dict]:
        workdir = self.exp.workdir
        if workdir is None:
            return [{"text": "."}]
        parts = workdir.parts if isinstance(workdir, M.Template) else (workdir,)
        return self.parts(parts, "workdir")

    def parts(self, raw, field: str, quote: str | None = None) -> list[dict]:
        parts: list[dict] = []
        for piece in raw:
            if isinstance(piece, M.Placeholder) and piece.kind == "output":
                found = output_parts(piece, self.exp, self.lowering.steps, quote)
            else:
                found = [self.part(piece, field, quote)]
            for part in found:
                if part is None:
                    continue
                if "text" in part and parts and "text" in parts[-1]:
                    parts[-1] = {"text": parts[-1]["text"] + part["text"]}
                else:
                    parts.append(part)
        return parts or [{"text": ""}]

    def part(self, piece, field: str, quote: str | None) -> dict | None:
        if isinstance(piece, str):
            return {"text": piece}
        if piece.kind == "data":
            text = self.data_attribute(piece, field)
            return {"text": text if quote is None else shlex.quote(text)}
        if piece.kind == "secret":
            self.bag.add("BLD001", self.span(field), piece.name, f"`{field}`",
                         hints=["pass the secret through `vars`: vars = { NAME = " + piece.name + " }"])
            return None
        key = "param" if piece.kind == "param" else "builtin"
        return {key: piece.name, **({"quote": quote} if quote else {})}

    def data_attribute(self, piece: M.Placeholder, field: str) -> str:
        """`d.path` is where the job finds the data; the others are the entry's fields."""
        entry = self.data[piece.name]
        value = entry["job_path"] if piece.attr == "path" else entry.get(piece.attr)
        if value is None:
            self.bag.add("BLD002", self.span(field), piece.name, piece.attr)
            return ""
        return str(value)

    def vars(self) -> tuple[dict, dict]:
        values, secrets = {}, {}
        for name, value in self.exp.vars.items():
            if not ENV_NAME.match(name):
                self.bag.add("BLD003", self.span("vars"), name)
                continue
            if isinstance(value, M.Placeholder) and value.kind == "secret":
                secrets[name] = value.name
                continue
            raw = value.parts if isinstance(value, M.Template) else (value,) \
                if isinstance(value, M.Placeholder) else (_scalar_text(value),)
            values[name] = self.parts(raw, "vars")
        return values, secrets

    def span(self, field: str):
        node = self.exp.node
        found = node.field(field) if node is not None else None
        return (found or node).span


def _scalar_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- jobs ----------------------------------------------------------------------------

def sweep_points(sweep: dict) -> list[dict]:
    """The points of one sweep, in order: grid last axis fastest, zip in step, random by trial."""
    if sweep["kind"] == "grid":
        names = list(sweep["axes"])
        return [dict(zip(names, combo)) for combo in itertools.product(*sweep["axes"].values())]
    if sweep["kind"] == "zip":
        names = list(sweep["axes"])
        return [dict(zip(names, combo)) for combo in zip(*sweep["axes"].values())]
    dists = sweep["distributions"]
    return [{name: draw(d["kind"], tuple(d["args"]), unit_bits(sweep["seed"], trial, name))
             for name, d in dists.items()} for trial in range(sweep["trials"])]


def points(sweeps: list[dict]) -> list[dict]:
    """Several sweeps combine as their cartesian product, in declared order, last fastest."""
    combined = []
    for combo in itertools.product(*(sweep_points(s) for s in sweeps)):
        point: dict = {}
        for part in combo:
            point.update(part)
        combined.append(point)
    return combined


def _jobs(exp: M.Experiment, lowered: dict, all_points: list[dict]) -> list[dict]:
    defaults = {p["name"]: p["default"] for p in lowered["params"]}
    types = IR.param_types(lowered)
    jobs = []
    for point_index, point in enumerate(all_points):
        for replicate in range(exp.replicates):
            index = point_index * exp.replicates + replicate
            seed = seed_for_job(exp.seed or 0, exp.seeds, index, replicate)
            job = {"index": index, "point": point_index, "replicate": replicate, "seed": seed,
                   "params": {**defaults, **point}}
            jobs.append(_fill_job(job, lowered, types))
    return jobs


def _fill_job(job: dict, lowered: dict, types: dict) -> dict:
    job["argv"] = [IR.fill(arg, job, types) for arg in lowered["run"]]
    job["workdir"] = IR.fill(lowered["workdir"], job, types)
    job["env"] = job_env(lowered, job, types)
    job["outputs"] = [IR.fill(o, job, types) for o in lowered["outputs"]]
    if "metrics" in lowered:
        job["metrics"] = [IR.fill(m, job, types) for m in lowered["metrics"]]
    return job


def job_env(lowered: dict, job: dict, types: dict) -> dict[str, str]:
    return {k: IR.fill(v, job, types) for k, v in lowered["vars"].items()}


def _environment(lowered: dict, spec_digest: str) -> tuple[dict, dict]:
    """Every variable a job gets, as templates: the env's vars, then the profile's, then
    the experiment's, then XSPEC_*; later ones win. Secrets are references, kept apart."""
    merged = {k: [{"text": v}] for k, v in lowered["env"]["vars"].items()}
    if lowered["determinism"] is not None:
        merged.update({k: [{"text": v}] for k, v in lowered["determinism"]["vars"].items()})
    merged.update(lowered["vars"])
    merged.update(builtin_vars(lowered, spec_digest))
    secrets = lowered["secret_vars"]
    return {k: merged[k] for k in sorted(merged) if k not in secrets}, dict(sorted(secrets.items()))


def builtin_vars(lowered: dict, spec_digest: str) -> dict[str, list[dict]]:
    return {"XSPEC_EXPERIMENT": [{"text": lowered["name"]}],
            "XSPEC_JOB_COUNT": [{"text": str(lowered["job_count"])}],
            "XSPEC_JOB_INDEX": [{"builtin": "job_index"}],
            "XSPEC_REPLICATE": [{"builtin": "replicate"}],
            "XSPEC_SEED": [{"builtin": "seed"}],
            "XSPEC_SPEC_DIGEST": [{"text": spec_digest}]}
