"""The sbatch scripts on a real single-node Slurm (CI starts one with .ci/slurm/start.sh).

`sbatch --test-only` checks the #SBATCH directives; the tiny example and
fixtures/build/slurm/cluster.xspec are then really submitted and run as job arrays.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.build.support import BUILD_FIXTURES, compile_files, copy_project
from tests.conftest import SPECS, require_slurm

# What a directive the CI node cannot satisfy is told (rc 1). A malformed directive
# makes sbatch exit 255 instead, which these tests never accept.
SITE_SPECIFIC = re.compile(r"invalid partition|Invalid generic resource|Requested node configuration"
                           r"|Invalid account|Invalid qos|Memory required|More processors")
POLL_SECONDS = 120


@pytest.fixture(scope="module")
def slurm():
    require_slurm()


def sbatch_test_only(script: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sbatch", "--test-only", *options, str(script)], capture_output=True, text=True,
                          timeout=60)


def test_example_directives_are_understood(slurm, built, spec_name):
    for script in built[spec_name].files("slurm", ".sbatch"):
        result = sbatch_test_only(script)
        assert result.returncode in (0, 1), result.stderr
        if result.returncode == 1:      # valid, but asks for what this one node does not have
            assert SITE_SPECIFIC.search(result.stderr), result.stderr


def test_example_directives_pass_on_this_cluster_once_its_site_values_are_swapped(slurm, built, spec_name,
                                                                                   tmp_path):
    for script in built[spec_name].files("slurm", ".sbatch"):
        fitted = tmp_path / script.name
        fitted.write_text(fit_to_ci_node(script.read_text()))
        result = sbatch_test_only(fitted)
        assert result.returncode == 0, result.stderr


def fit_to_ci_node(text: str) -> str:
    """Replace what names a site (partition, GPUs, features, sizes) with what the CI node has."""
    site = ("--partition=", "--account=", "--qos=", "--constraint=", "--gres=", "--switches=", "--nodes=",
            "--ntasks-per-node=", "--mem=", "--tmp=", "--cpus-per-task=")
    lines = [line for line in text.splitlines() if not line.startswith(tuple(f"#SBATCH {s}" for s in site))]
    index = lines.index(next(line for line in lines if line.startswith("#SBATCH")))
    lines[index:index] = ["#SBATCH --partition=debug", "#SBATCH --mem=64M", "#SBATCH --cpus-per-task=1"]
    return "\n".join(lines) + "\n"


def test_fixture_directives_pass_as_written(slurm, tmp_path):
    compiled = compile_files(BUILD_FIXTURES / "slurm" / "cluster.xspec", ["slurm"])
    for name, text in compiled.files.items():
        script = tmp_path / Path(name).name
        script.write_text(text)
        result = sbatch_test_only(script)
        assert result.returncode == 0, f"{name}: {result.stderr}"


# ---- real runs ---------------------------------------------------------------------------------

def submit(script: Path, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(["sbatch", "--parsable", str(script)], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(";")[0]


def wait(job_id: str) -> dict[int, tuple[str, str]]:
    """Poll until the array is done; then task -> (JobState, ExitCode) from `scontrol show job`."""
    deadline = time.monotonic() + POLL_SECONDS
    while subprocess.run(["squeue", "-h", "-j", job_id], capture_output=True, text=True).stdout.strip():
        assert time.monotonic() < deadline, f"job {job_id} still queued after {POLL_SECONDS} s"
        time.sleep(0.5)
    shown = subprocess.run(["scontrol", "show", "job", job_id], capture_output=True, text=True).stdout
    tasks = {}
    for record in shown.split("\n\n"):
        task = re.search(r"ArrayTaskId=(\d+)", record)
        if task:
            state = re.search(r"JobState=(\S+)", record).group(1)
            tasks[int(task.group(1))] = (state, re.search(r"\bExitCode=(\S+)", record).group(1))
    return tasks


def build_slurm(spec: Path, out: Path) -> dict[str, Path]:
    compiled = compile_files(spec, ["slurm"])
    assert not compiled.failed, compiled.diagnostics
    scripts = {}
    for name, text in compiled.files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        scripts[path.stem] = path
    return scripts


def test_the_tiny_example_runs_as_an_array(slurm, tmp_path):
    spec = copy_project(tmp_path, SPECS / "tiny" / "tiny.xspec")
    root = spec.parent
    script = build_slurm(spec, root / "build")["tiny_sgd"]
    job_id = submit(script, root)
    tasks = wait(job_id)
    assert tasks == {i: ("COMPLETED", "0:0") for i in range(6)}
    ir = compile_files(spec, ["ir"]).ir["experiments"][0]
    for job in ir["jobs"]:
        folder = root / "runs" / "tiny_sgd" / job_id / str(job["index"])
        record = json.loads((folder / "xspec-provenance.json").read_text())
        assert (record["exit_code"], record["params"], record["argv"]) == (0, job["params"], job["argv"])
        assert record["scheduler"]["ids"]["SLURM_ARRAY_TASK_ID"] == str(job["index"])
        assert record["job"]["seed"] == job["seed"]
        metrics = folder / job["outputs"][0]
        assert record["outputs"][job["outputs"][0]] == "sha256:" + _sha256(metrics)
        assert json.loads(metrics.read_text())      # train.py ran and wrote its metrics


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def cluster(slurm, tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster") / "slurm"
    import shutil

    shutil.copytree(BUILD_FIXTURES / "slurm", root)
    return root, build_slurm(root / "cluster.xspec", root / "build")


def test_a_failing_task_records_its_status_and_fails_in_slurm(cluster):
    root, scripts = cluster
    job_id = submit(scripts["exits"], root)
    tasks = wait(job_id)
    assert tasks[0] == ("COMPLETED", "0:0") and tasks[1] == ("FAILED", "3:0")
    for task, status in ((0, 0), (1, 3)):
        record = json.loads((root / "runs" / "exits" / job_id / str(task) / "xspec-provenance.json").read_text())
        assert record["exit_code"] == status


def test_replicates_run_with_their_seeds(cluster):
    root, scripts = cluster
    job_id = submit(scripts["directives"], root)
    assert wait(job_id) == {i: ("COMPLETED", "0:0") for i in range(3)}
    seeds = {(root / "runs" / "directives" / job_id / str(i) / "seed.txt").read_text() for i in range(3)}
    assert len(seeds) == 3


def test_only_the_secret_crosses_from_the_submitting_shell(cluster):
    root, scripts = cluster
    job_id = submit(scripts["secret_env"], root, {"XSPEC_TEST_TOKEN": "s3cr3t value", "NOT_FOR_JOBS": "x"})
    assert wait(job_id) == {0: ("COMPLETED", "0:0")}
    env = json.loads((root / "runs" / "secret_env" / job_id / "0" / "env.json").read_text())
    assert env["TOKEN"] == "s3cr3t value" and "NOT_FOR_JOBS" not in env
    record = (root / "runs" / "secret_env" / job_id / "0" / "xspec-provenance.json").read_text()
    assert "s3cr3t" not in record


def test_a_missing_secret_fails_on_the_record(cluster):
    root, scripts = cluster
    environment = {k: v for k, v in os.environ.items() if k != "XSPEC_TEST_TOKEN"}
    result = subprocess.run(["sbatch", "--parsable", str(scripts["secret_env"])], cwd=root, capture_output=True,
                            text=True, env=environment, timeout=60)
    job_id = result.stdout.strip().split(";")[0]
    assert wait(job_id) == {0: ("FAILED", "78:0")}
    record = json.loads((root / "runs" / "secret_env" / job_id / "0" / "xspec-provenance.json").read_text())
    assert record["exit_code"] == 78


# ---- container modes, with stand-in tools ----------------------------------------------------
# Neither apptainer nor nix is installed on the CI node, so each is a stand-in executable
# that records its argv (one JSON file per call) and runs the command it was given the way
# the real tool would: `apptainer exec --cleanenv` passes only APPTAINERENV_* variables
# (prefix removed) and starts in --pwd; `nix develop ... --command` keeps the environment.

CONTAINER_SPEC = """xspec 1

env system_python {
  python  = "3.11.2"
  image   = "docker.io/library/python:3.11"
  nixpkgs = "github:NixOS/nixpkgs/nixos-24.05"
}

experiment MODE {
  env  = system_python
  seed = 1
  param n: int = 0
  sweep grid { n = [1, 2] }
  resources { cpus = 1, memory = 64MiB, time = 1m }
  run     = ["python3", "-c", "import os, sys; open('out.txt', 'w').write(sys.argv[1] + os.environ['GREETING'])", n]
  outputs = ["out.txt"]
  vars    = { GREETING = " hello" }
  target slurm { partition = "debug", container = "MODE" }
}
"""

STAND_IN = r'''#!/usr/bin/env python3
import json, os, pathlib, sys
calls = pathlib.Path(__file__).resolve().parent / "calls"
calls.mkdir(exist_ok=True)
(calls / f"{os.getpid()}.json").write_text(json.dumps({"argv": sys.argv, "cwd": os.getcwd()}))
args = sys.argv[1:]
if pathlib.Path(sys.argv[0]).name == "apptainer":
    assert args[0] == "exec", args
    i, env, where = 1, {"PATH": os.environ["PATH"]}, None
    while args[i].startswith("-"):
        if args[i] == "--pwd":
            where = args[i + 1]
        i += 2 if args[i] in ("--bind", "--pwd") else 1
    if not os.path.isfile(args[i]):
        sys.exit(f"FATAL: could not open image {args[i]}")
    env.update({k[len("APPTAINERENV_"):]: v for k, v in os.environ.items() if k.startswith("APPTAINERENV_")})
    os.chdir(where or os.getcwd())
    os.execvpe(args[i + 1], args[i + 1:], env)
flake = args[args.index("develop") + 1]
if not (pathlib.Path(flake.removeprefix("path:")) / "flake.nix").is_file():
    sys.exit(f"error: path '{flake}' does not contain a 'flake.nix'")
command = args[args.index("--command") + 1:]
os.execvp(command[0], command)
'''


@pytest.fixture
def stand_ins(tmp_path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("apptainer", "nix"):
        (folder / name).write_text(STAND_IN)
        (folder / name).chmod(0o755)
    return folder


@pytest.mark.parametrize("mode", ["apptainer", "nix"])
def test_container_modes_run_every_task_through_the_tool(slurm, tmp_path, stand_ins, mode):
    root = tmp_path / "project"
    root.mkdir()
    (root / "xspec.toml").write_text("")
    (root / "c.xspec").write_text(CONTAINER_SPEC.replace("MODE", mode))
    script = build_slurm(root / "c.xspec", root / "build")[mode]
    artifact = root / "build" / mode / mode      # where `xspec build -t apptainer/nix` puts it
    artifact.mkdir(parents=True)
    (artifact / (f"{mode}.sif" if mode == "apptainer" else "flake.nix")).write_text("stand-in\n")
    # --export on the command line (over the script's NONE) only puts the stand-ins on PATH.
    result = subprocess.run(["sbatch", "--parsable", f"--export=PATH={stand_ins}:/usr/bin:/bin", str(script)],
                            cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    job_id = result.stdout.strip().split(";")[0]
    assert wait(job_id) == {0: ("COMPLETED", "0:0"), 1: ("COMPLETED", "0:0")}
    everything = [json.loads(p.read_text()) for p in sorted((stand_ins / "calls").glob("*.json"))]
    # Each task runs its program and, after it, the environment collector through the tool
    # (the record describes the container's interpreter, not the host's).
    collectors = [c for c in everything if ".xspec/environment.py" in c["argv"]]
    calls = [c for c in everything if c not in collectors]
    assert len(calls) == 2 and len(collectors) == 2
    assert sorted(c["cwd"] for c in collectors) == sorted(c["cwd"] for c in calls)
    for index, n in ((0, 1), (1, 2)):
        folder = root / "runs" / mode / job_id / str(index)
        assert (folder / "out.txt").read_text() == f"{n} hello"
        record = json.loads((folder / "xspec-provenance.json").read_text())
        assert record["exit_code"] == 0 and record["outputs"]["out.txt"] == "sha256:" + _sha256(folder / "out.txt")
        assert record["environment"]["interpreter"] is not None
        call = next(c for c in calls if c["argv"][-1] == str(n))
        assert call["cwd"] == str(folder)
        if mode == "apptainer":
            assert call["argv"][1:7] == ["exec", "--cleanenv", "--bind", str(root), "--pwd", str(folder)]
            assert call["argv"][7] == str(artifact / "apptainer.sif")
        else:
            assert call["argv"][1:5] == ["--extra-experimental-features", "nix-command flakes", "develop",
                                         f"path:{artifact}"]
            assert call["argv"][5] == "--command"
