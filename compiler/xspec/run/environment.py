"""What differed in the environment between two records of a job (for `diff` and `reproduce`).

A record's ``environment`` (written by the runner's ``startup/environment.py``) and
``determinism`` (the start-up hook's framework states) say where a job ran. Two records of
the same job are compared on what explains a different result: GPU model, driver and CUDA
driver, the interpreter, each package's version, the frameworks' own versions (CUDA
runtime, cuDNN) and determinism switches at exit, the OS kernel, the CPU, and the job's
variables. Each difference is one line, ``what: old -> new``.
"""

from __future__ import annotations

from xspec.run.records import JobRecord

# (label, path into the record's `environment`)
_FIELDS = (
    ("GPU model", ("gpus", "models")), ("GPU count", ("gpus", "count")),
    ("GPU driver", ("gpus", "driver")), ("CUDA driver", ("gpus", "cuda_driver")),
    ("interpreter", ("interpreter", "path")), ("Python", ("interpreter", "version")),
    ("Python implementation", ("interpreter", "implementation")),
    ("OS", ("os", "name")), ("kernel", ("os", "kernel")), ("CPU model", ("cpu", "model")),
    ("CPU count", ("cpu", "usable")), ("container", ("container",)),
)


def environment_changes(a: JobRecord, b: JobRecord) -> list[str]:
    """Each difference in where the two records' jobs ran, as `what: old -> new`."""
    env_a, env_b = a.data.get("environment") or {}, b.data.get("environment") or {}
    lines = []
    for label, path in _FIELDS:
        x, y = _get(env_a, path), _get(env_b, path)
        if x != y:
            lines.append(f"{label}: {_shown(x)} -> {_shown(y)}")
    lines += _package_changes(env_a.get("packages") or {}, env_b.get("packages") or {})
    lines += _framework_changes(_frameworks(a), _frameworks(b))
    lines += _variable_changes(a.data.get("env") or {}, b.data.get("env") or {})
    return lines


def _get(data, path):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _shown(value) -> str:
    if value is None:
        return "(unknown)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items()) if v is not None)
    return str(value)


def _package_changes(a: dict, b: dict) -> list[str]:
    if a.get("digest") == b.get("digest"):
        return []
    old, new = a.get("installed") or {}, b.get("installed") or {}
    return [f"package {name}: {old.get(name, '(not installed)')} -> {new.get(name, '(not installed)')}"
            for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]


def _frameworks(record: JobRecord) -> dict:
    """framework -> its state in the job's first process that imported it."""
    found: dict = {}
    for process in (record.data.get("determinism") or {}).get("processes") or []:
        for name, state in (process.get("frameworks") or {}).items():
            found.setdefault(name, state)
    return found


_FRAMEWORK_FIELDS = ("version", "cuda", "cudnn", "device", "deterministic_algorithms", "warn_only",
                     "cudnn_benchmark", "cudnn_deterministic", "op_determinism", "jaxlib", "xla_flags")


def _framework_changes(a: dict, b: dict) -> list[str]:
    lines = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name) or {}, b.get(name) or {}
        for field in _FRAMEWORK_FIELDS:
            if x.get(field) != y.get(field):
                lines.append(f"{name} {field}: {_shown(x.get(field))} -> {_shown(y.get(field))}")
    return lines


def _variable_changes(a: dict, b: dict) -> list[str]:
    return [f"variable {name}: {a.get(name, '(unset)')} -> {b.get(name, '(unset)')}"
            for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
