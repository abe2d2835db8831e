"""`xspec diff A B`: what differs between two specs, two locks or two runs, by meaning.

Specs are compared by their compiled IR (so formatting and comments never show up), locks
by their packages, images and data, runs by their manifests, bundled IR and lock, inputs
and per-job records (exit codes, output hashes). Differences are grouped into sections:
spec, lock, params, sweeps, seeds, env, packages, determinism, data, vars, resources,
command, targets, jobs, inputs, outputs, exit codes, git, run. Job differences that are
the same in many jobs are shown once, with the jobs they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xspec.run.changes import MISSING, changes
from xspec.run.layout import BUNDLE_IR, CRATE, MANIFEST, RunDir, RunError, read_json

# IR experiment field -> section; env.packages is its own section.
SECTIONS = {"params": "params", "sweeps": "sweeps", "seed": "seeds", "seed_mode": "seeds",
            "replicates": "seeds", "job_count": "jobs", "env": "env", "determinism": "determinism",
            "data": "data", "vars": "vars", "secret_vars": "vars", "secrets": "vars",
            "resources": "resources", "run": "command", "outputs": "command", "workdir": "command",
            "targets": "targets", "description": "description", "name": "description"}
ORDER = ("spec", "lock", "params", "sweeps", "seeds", "env", "packages", "determinism", "data", "vars",
         "resources", "command", "targets", "description", "experiments", "jobs", "inputs", "outputs",
         "environment", "exit codes", "git", "run")
JOB_FIELDS = ("params", "seed", "argv", "env")


@dataclass
class Side:
    kind: str           # spec, lock, run
    label: str
    data: dict


@dataclass
class Difference:
    rows: dict[str, list[str]] = field(default_factory=dict)     # section -> lines

    def add(self, section: str, text: str) -> None:
        from xspec.lint.secrets import mask_tokens

        self.rows.setdefault(section, []).append(mask_tokens(text))    # a diff never shows a token

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.rows.values())

    def sections(self) -> list[tuple[str, list[str]]]:
        return sorted(self.rows.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER))


def diff_paths(a: Path, b: Path) -> tuple[Side, Side, Difference]:
    left, right = load_side(a), load_side(b)
    if left.kind != right.kind:
        raise RunError(f"cannot compare a {left.kind} ({a}) with a {right.kind} ({b})")
    compare = {"spec": diff_irs, "lock": diff_locks, "run": diff_runs}[left.kind]
    result = Difference()
    compare(left.data, right.data, result)
    return left, right, result


# ---- loading ---------------------------------------------------------------------------------

def load_side(path: Path) -> Side:
    if path.is_dir() or path.name in (MANIFEST, CRATE):
        from xspec.run.layout import open_run

        run = open_run(path)
        return Side("run", str(path), {"run": run, "manifest": run.manifest()})
    if path.suffix == ".xspec":
        from xspec.run.plan import compile_checked

        return Side("spec", str(path), compile_checked(path).ir)
    return Side("lock", str(path), lock_data(path))


def lock_data(path: Path) -> dict:
    from xspec.lock.lockfile import LockError, read_lock

    try:
        lock = read_lock(path)
    except LockError as e:
        raise RunError(f"{path}: not a spec, lock or run folder ({e})") from None
    envs = {name: {"python": e.python, "platforms": e.platforms, "image": e.image,
                   "image_digest": e.image_digest, "nixpkgs": e.nixpkgs, "nixpkgs_rev": e.nixpkgs_rev,
                   "nixpkgs_nar_hash": e.nixpkgs_nar_hash, "system": e.system, "index_url": e.index_url,
                   "packages": {_package_key(p): p.version for p in e.packages}}
            for name, e in lock.envs.items()}
    data = {name: {"sha256": d.sha256, "size": d.size, "url": d.url, "path": d.path, "version": d.version}
            for name, d in lock.data.items()}
    return {"digest": lock.digest, "envs": envs, "data": data, "specs": lock.specs}


def _package_key(package) -> str:
    return package.name + (f" ; {package.markers}" if package.markers else "")


# ---- specs (IR) ---------------------------------------------------------------------------------

def diff_irs(a: dict, b: dict, out: Difference) -> None:
    _rows(out, "spec", changes(a["spec"]["digest"], b["spec"]["digest"], "digest"))
    files_a = {f["path"]: f["sha256"] for f in a["spec"]["files"]}
    files_b = {f["path"]: f["sha256"] for f in b["spec"]["files"]}
    _rows(out, "spec", changes(files_a, files_b, "file"))
    _rows(out, "lock", changes((a["lock"] or {}).get("digest"), (b["lock"] or {}).get("digest"), "digest"))
    _rows(out, "run", changes(a["xspec_version"], b["xspec_version"], "xspec_version"))
    experiments_a = {e["name"]: e for e in a["experiments"]}
    experiments_b = {e["name"]: e for e in b["experiments"]}
    for name in sorted(set(experiments_a) | set(experiments_b)):
        if name not in experiments_a or name not in experiments_b:
            out.add("experiments", f"{name}: {'added' if name in experiments_b else 'removed'}")
            continue
        _experiment(experiments_a[name], experiments_b[name], out, len(experiments_a) > 1)


def _experiment(a: dict, b: dict, out: Difference, qualify: bool) -> None:
    prefix = f"{a['name']}." if qualify else ""
    for key in sorted(set(a) | set(b)):
        if key == "jobs":
            continue
        old, new = _readable(key, a.get(key, MISSING)), _readable(key, b.get(key, MISSING))
        for where, x, y in changes(old, new, key):
            out.add(_section(where), f"{prefix}{where}: {_text(x, where)} -> {_text(y, where)}")
    _jobs(a["jobs"], b["jobs"], out, prefix)


def _section(where: str) -> str:
    if where.startswith("env.packages"):
        return "packages"
    return SECTIONS.get(where.split(".")[0].split("[")[0], "description")


def _readable(key: str, value):
    """Templates as `results/${job_index}/metrics.json` text rather than lists of parts."""
    if key in ("run", "outputs") and isinstance(value, list):
        return [_template(t) for t in value]
    if key == "workdir" and isinstance(value, list):
        return _template(value)
    if key == "vars" and isinstance(value, dict):
        return {name: _template(t) for name, t in value.items()}
    return value


def _template(parts: list[dict]) -> str:
    pieces = []
    for part in parts:
        if "text" in part:
            pieces.append(part["text"])
        else:
            pieces.append("${" + (part.get("param") or part.get("builtin")) + "}")
    return "".join(pieces)


def _jobs(a: list[dict], b: list[dict], out: Difference, prefix: str) -> None:
    """Per-job differences, each distinct change once with the jobs it applies to."""
    jobs_a, jobs_b = {j["index"]: j for j in a}, {j["index"]: j for j in b}
    grouped: dict[tuple, list[int]] = {}
    for index in sorted(set(jobs_a) & set(jobs_b)):
        for name in JOB_FIELDS:
            for where, x, y in changes(jobs_a[index].get(name), jobs_b[index].get(name), name):
                grouped.setdefault((where, _text(x, where), _text(y, where)), []).append(index)
    for (where, x, y), indices in sorted(grouped.items(), key=lambda kv: (kv[1][0], kv[0])):
        out.add("jobs", f"{prefix}{where}: {x} -> {y} ({_jobs_text(indices)})")
    extra = sorted(set(jobs_a) ^ set(jobs_b))
    if extra:
        out.add("jobs", f"{prefix}jobs only on one side: {_jobs_text(extra)}")


def _jobs_text(indices: list[int]) -> str:
    from xspec.run.plan import array_text

    return f"job{'s' * (len(indices) != 1)} {array_text(sorted(indices))}"


# ---- locks --------------------------------------------------------------------------------------

def diff_locks(a: dict, b: dict, out: Difference) -> None:
    _rows(out, "lock", changes(a["digest"], b["digest"], "digest"))
    for where, x, y in changes(a["envs"], b["envs"], "env"):
        out.add("packages" if ".packages" in where else "env", f"{where}: {_text(x, where)} -> {_text(y, where)}")
    _rows(out, "data", changes(a["data"], b["data"], "data"))
    _rows(out, "spec", changes(a["specs"], b["specs"], "locked spec"))


# ---- runs -----------------------------------------------------------------------------------------

def diff_runs(a: dict, b: dict, out: Difference) -> None:
    run_a, run_b, m_a, m_b = a["run"], b["run"], a["manifest"], b["manifest"]
    diff_irs(_bundled_ir(run_a), _bundled_ir(run_b), out)
    lock_a, lock_b = _bundled_lock(run_a, m_a), _bundled_lock(run_b, m_b)
    if lock_a and lock_b:
        inner = Difference()
        diff_locks(lock_a, lock_b, inner)
        inner.rows.pop("lock", None)            # the digest is in the spec section already
        for section, lines in inner.rows.items():
            for line in lines:
                out.add(section, line)
    _rows(out, "inputs", changes(_hashes(m_a["inputs"]), _hashes(m_b["inputs"]), "input"))
    _rows(out, "git", changes(m_a.get("git"), m_b.get("git"), "git"))
    for key in ("executor", "host"):
        _rows(out, "run", changes(m_a.get(key), m_b.get(key), key))
    _records(run_a, m_a, run_b, m_b, out)


def _bundled_ir(run: RunDir) -> dict:
    return read_json(run.path / BUNDLE_IR, "bundled IR")


def _bundled_lock(run: RunDir, manifest: dict) -> dict | None:
    if not manifest["lock"]:
        return None
    return lock_data(run.bundle_project / manifest["lock"]["path"])


def _hashes(inputs: dict) -> dict:
    return {path: info.get("sha256") for path, info in inputs.items()}


def _records(run_a: RunDir, m_a: dict, run_b: RunDir, m_b: dict, out: Difference) -> None:
    from xspec.run.environment import environment_changes
    from xspec.run.records import read_record

    environment: dict[str, list[int]] = {}       # one line per change, with the jobs it concerns
    for index in sorted(set(m_a["jobs"]) & set(m_b["jobs"])):
        ra, rb = read_record(run_a, index), read_record(run_b, index)
        if ra is None or rb is None:
            if (ra is None) != (rb is None):
                out.add("exit codes", f"job {index}: {'no record' if ra is None else 'recorded'} -> "
                                      f"{'no record' if rb is None else 'recorded'}")
            continue
        if ra.exit_code != rb.exit_code:
            out.add("exit codes", f"job {index}: {ra.exit_code} -> {rb.exit_code}")
        for where, x, y in changes(ra.outputs, rb.outputs, ""):
            out.add("outputs", f"job {index} {where.lstrip('.')}: {_text(x)} -> {_text(y)}")
        _files_on_disk(out, index, (run_a, ra), (run_b, rb))
        for line in environment_changes(ra, rb):
            environment.setdefault(line, []).append(index)
    for line, indices in environment.items():
        out.add("environment", f"{line} ({_jobs_text(indices)})")
    only = sorted(set(m_a["jobs"]) ^ set(m_b["jobs"]))
    if only:
        out.add("jobs", f"run on one side only: {_jobs_text(only)}")


def _files_on_disk(out: Difference, index: int, *sides) -> None:
    """The outputs as they are now in each run folder: a file changed after its run (its record
    still has the old hash) shows, and so does a difference between the two folders' files."""
    from xspec.run.layout import sha256_of

    now = []
    for run, record in sides:
        folder = run.job_dir(index)
        files = {path: sha256_of(folder / path) if (folder / path).is_file() else None
                 for path in record.outputs}
        now.append(files)
        for path, digest in sorted(files.items()):
            if digest != record.outputs[path]:
                out.add("outputs", f"job {index} {path}: {run.path.name}'s file is {_file_text(digest)}, its "
                                   f"record says {_file_text(record.outputs[path])} (changed after the run)")
    for path in sorted(set(now[0]) & set(now[1])):
        recorded_equal = sides[0][1].outputs[path] == sides[1][1].outputs[path]
        if recorded_equal and now[0][path] != now[1][path]:
            out.add("outputs", f"job {index} {path} (files now): {_file_text(now[0][path])} -> "
                               f"{_file_text(now[1][path])}")


def _file_text(digest: str | None) -> str:
    return "(missing)" if digest is None else _text(digest)


# ---- text ---------------------------------------------------------------------------------------

def _rows(out: Difference, section: str, found) -> None:
    for where, x, y in found:
        out.add(section, f"{where}: {_text(x, where)} -> {_text(y, where)}")


def _text(value, where: str = "") -> str:
    """A value as a row shows it; under a secret-like name (`vars.DB_PASSWORD`), masked."""
    import json

    from xspec.lint.secrets import mask_secrets, mask_value
    from xspec.run.findings import short_hash

    if value is MISSING or value == MISSING:
        return "(none)"
    if isinstance(value, str):
        text = mask_value(where.rsplit(".", 1)[-1].split("[")[0], value)
    else:
        text = mask_secrets(json.dumps(value, sort_keys=True))
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):    # a bare sha256
        return short_hash("sha256:" + text).removeprefix("sha256:")
    return short_hash(text)
