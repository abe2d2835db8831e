"""What the job runner puts into every job's ``.xspec/`` folder (docs/running.md#determinism).

``hook.py`` becomes the job's ``sitecustomize.py``: when the job imports a framework it has
``frameworks.py`` (``xspec_frameworks.py``) switch the framework's determinism on and write
what the framework had at exit. ``environment.py`` is
run by the runner after the job, with the job's interpreter, and describes the environment
that ran (interpreter, packages against the lock, OS, CPU, GPUs). Both use the standard
library only and run on any Python 3.8 or newer, so they work in every image and venv.
"""

from __future__ import annotations

from pathlib import Path

HOOK = Path(__file__).with_name("hook.py")                 # written as sitecustomize.py
FRAMEWORKS = Path(__file__).with_name("frameworks.py")     # written as xspec_frameworks.py
ENVIRONMENT = Path(__file__).with_name("environment.py")


def source(path: Path) -> str:
    return path.read_text(encoding="utf-8")
