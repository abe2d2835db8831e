"""Which importer reads a file: by its name, then (for generic names) by a look inside."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from xspec.init.context import Context
from xspec.init.draft import Draft

KINDS = ("requirements", "conda", "pyproject", "mlproject", "python_env", "dvc", "dvcfile",
         "params", "hydra", "sbatch")
_EXACT = {"pyproject.toml": "pyproject", "mlproject": "mlproject", "mlproject.yaml": "mlproject",
          "mlproject.yml": "mlproject", "dvc.yaml": "dvc", "dvc.yml": "dvc",
          "params.yaml": "params", "params.yml": "params", "python_env.yaml": "python_env",
          "python_env.yml": "python_env"}
_SCRIPT_SUFFIXES = (".sh", ".sbatch", ".slurm", ".job", ".bash")
_TOP_KEY = "^{}:"


def kind_of(path: Path) -> str | None:
    """The kind of source ``path`` is, or None when neither its name nor its text says."""
    name = path.name.lower()
    if path.is_dir():
        return "hydra"
    if name in _EXACT:
        return _EXACT[name]
    if name.endswith(".dvc"):
        return "dvcfile"
    if name.endswith((".txt", ".in")):
        return "requirements"
    if name.endswith((".yml", ".yaml")):
        return _yaml_kind(_peek(path))
    if name.endswith(_SCRIPT_SUFFIXES) or "#SBATCH" in _peek(path):
        return "sbatch"
    return None


def _peek(path: Path) -> str:
    try:
        from xspec.source import open_regular   # a FIFO is skipped, not waited on

        with open_regular(path) as handle:
            return handle.read(4 * 65536).decode("utf-8", errors="replace")[:65536]
    except OSError:
        return ""


def _yaml_kind(text: str) -> str:
    def has(key: str) -> bool:
        return re.search(_TOP_KEY.format(key), text, re.M) is not None
    if has("dependencies") and (has("channels") or has("name") or not has("python")):
        return "conda"
    if has("dependencies") and has("python"):
        return "python_env"
    if has("defaults"):
        return "hydra"
    return "params"


def importer(kind: str) -> Callable[[Path, Context], Draft]:
    """The ``load(path, ctx) -> Draft`` function of a kind; modules load only when used."""
    from xspec.init import conda, dvc, dvcdata, hydra, mlproject, params, pyproject, requirements, sbatch

    return {"requirements": requirements.load, "conda": conda.load, "pyproject": pyproject.load,
            "mlproject": mlproject.load, "python_env": mlproject.load_python_env, "dvc": dvc.load,
            "dvcfile": dvcdata.load_dvc_file, "params": params.load, "hydra": hydra.load,
            "sbatch": sbatch.load}[kind]
