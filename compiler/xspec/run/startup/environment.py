"""What environment a job ran in, as JSON on standard output (the runner puts it in the record).

Run by the job runner after the job, with the job's own interpreter and variables:
``python environment.py OUT LOCKED NVIDIA_SMI`` writes OUT, where LOCKED is a file of
``name==version`` lines (the env's lock; may be absent) and NVIDIA_SMI the output of
``nvidia-smi -q`` (run by the runner in the background while the job ran; may be absent). Standard library only,
Python 3.8 or newer; every part that cannot be read is null, and nothing here may fail.
"""

import hashlib
import json
import os
import sys


def main(argv):
    out, locked_file, smi_file = (argv + [None, None, None])[:3]
    distributions = _distributions()
    _write(out, {
        "interpreter": {"path": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3],
                        "implementation": _IMPLEMENTATIONS.get(sys.implementation.name, sys.implementation.name)},
        "packages": _packages(distributions, _read(locked_file)),
        "os": _os(), "cpu": _cpu(), "gpus": _gpus(_read(smi_file)),
        "container": _container(),
    })


_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM", "ironpython": "IronPython"}


def _write(path, document):
    text = json.dumps(document, sort_keys=True)      # dumps: the C encoder (dump is pure Python)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except (OSError, TypeError):
        return None


def _normal(name):
    """PEP 503: runs of `-`, `_` and `.` become one `-`, lower case."""
    name = name.lower().replace("_", "-").replace(".", "-")
    while "--" in name:
        name = name.replace("--", "-")
    return name


def _distributions():
    """name -> version of every distribution on sys.path, from the names of its ``.dist-info``
    (``name-version.dist-info``) and ``.egg-info`` folders, reading a metadata file only when a
    name has no version in it: a listing per folder, not importlib.metadata's parse of each
    METADATA (ten times slower). The first one on sys.path wins, as for an import."""
    found = {}
    for folder in sys.path:
        try:
            entries = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            if entry.endswith((".dist-info", ".egg-info")):
                name, version = _name_version(os.path.join(folder or ".", entry))
                if name:
                    found.setdefault(_normal(name), version)
    return dict(sorted(found.items()))


def _name_version(path):
    stem = os.path.basename(path).rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    if version and "-" not in version:
        return name, version
    fields = {}
    for metadata in ("METADATA", "PKG-INFO"):
        text = _read(os.path.join(path, metadata)) if os.path.isdir(path) else _read(path)
        for line in (text or "").splitlines():
            if not line.strip():
                break                    # the headers end at the first blank line
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
        if fields:
            break
    return fields.get("name") or name, fields.get("version") or version.split("-")[0] or None


def _packages(installed, locked_text):
    listing = "".join("%s==%s\n" % item for item in installed.items())
    packages = {"count": len(installed), "digest": "sha256:" + hashlib.sha256(listing.encode()).hexdigest(),
                "installed": installed, "lock": None}
    if locked_text is not None:
        packages["lock"] = _against_lock(installed, locked_text)
    return packages


def _against_lock(installed, locked_text):
    locked = {}
    for line in locked_text.splitlines():
        name, _, version = line.strip().partition("==")
        if name:
            locked[_normal(name)] = version
    missing = sorted(n for n in locked if n not in installed)
    different = [{"name": n, "locked": v, "installed": installed[n]}
                 for n, v in sorted(locked.items()) if n in installed and installed[n] != v]
    return {"matches": not missing and not different, "missing": missing, "different": different,
            "not_in_lock": sum(1 for n in installed if n not in locked)}


def _os():
    release = {}
    text = _read("/etc/os-release") or ""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        release[key] = value.strip().strip('"')
    uname = os.uname()
    return {"system": uname.sysname, "kernel": uname.release, "machine": uname.machine,
            "name": release.get("PRETTY_NAME")}


def _cpu():
    model = None
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            model = line.partition(":")[2].strip()
            break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"model": model, "count": os.cpu_count(), "usable": usable}


def _gpus(smi):
    """Model, driver and CUDA driver version from `nvidia-smi -q`; null when it is absent."""
    if not smi:
        return None
    import re

    driver = re.search(r"^Driver Version\s*:\s*(\S+)", smi, re.M)
    cuda = re.search(r"^CUDA Version\s*:\s*(\S+)", smi, re.M)
    models = re.findall(r"^\s+Product Name\s*:\s*(.+?)\s*$", smi, re.M)
    return {"count": len(models), "models": models, "driver": driver.group(1) if driver else None,
            "cuda_driver": cuda.group(1) if cuda else None}


def _container():
    apptainer = os.environ.get("APPTAINER_CONTAINER") or os.environ.get("SINGULARITY_CONTAINER")
    if apptainer:
        return {"runtime": "apptainer", "image": apptainer}
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return {"runtime": "docker" if os.path.exists("/.dockerenv") else "podman",
                "image": os.environ.get("XSPEC_IMAGE")}
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return {"runtime": "kubernetes", "image": os.environ.get("XSPEC_IMAGE")}
    return None


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as error:           # never fail the job: the record says what went wrong
        _write(sys.argv[1], {"error": "%s: %s" % (type(error).__name__, error)})
