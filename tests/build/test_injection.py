"""Hostile values stay data in every target: tests/build/conftest.py builds hostile.xspec.

The job runner is run with bash (fake scheduler variables, `printargs.py` as the
program) for every job, and what the program received is compared with the IR;
the flake is evaluated by Nix, the Dockerfile by buildah, %environment by sh.
Nothing a value contains may run: no file named PWNED may ever appear.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.build.support import NIX_CONFIG, compile_files
from tests.conftest import require_tool

HOSTILE = "hostile.xspec"


@pytest.fixture(scope="module")
def hostile(built):
    item = built[HOSTILE]
    return item, json.loads((item.out / "ir" / "hostile.json").read_text())["experiments"][0]


def run_job(script: Path, project: Path, env: dict, args=()) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": str(project), "LC_ALL": "C.UTF-8"}
    return subprocess.run(["bash", str(script), *args], cwd=project, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def check_job(job: dict, job_dir: Path) -> None:
    """What the program got and what the record says, against the IR's job."""
    got = json.loads((job_dir / "printargs.json").read_text())
    assert got["argv"] == job["argv"][2:]
    assert Path(got["cwd"]) == job_dir
    expected_env = {k: v for k, v in job["env"].items() if k.startswith(("XSPEC_", "VAR_", "ENV_", "PROFILE_"))}
    assert {k: got["env"].get(k) for k in expected_env} == expected_env
    assert set(got["env"]) - set(expected_env) <= {"XSPEC_PROJECT_ROOT", "XSPEC_RUNS_DIR", "XSPEC_RUN_ID",
                                                   "XSPEC_DETERMINISM"}   # the start-up hook's profile
    record = json.loads((job_dir / "xspec-provenance.json").read_text())
    assert (record["params"], record["argv"], record["exit_code"]) == (job["params"], job["argv"], 0)
    assert record["job"] == {"index": job["index"], "replicate": job["replicate"], "seed": job["seed"]}
    ok = "sha256:" + hashlib.sha256(b"ok\n").hexdigest()
    assert record["outputs"] == {job["outputs"][0]: ok}
    assert (job_dir / job["outputs"][0]).read_text() == "ok\n"


def assert_nothing_ran(root: Path) -> None:
    assert not list(root.rglob("PWNED")), "a value ran as code"


def test_every_job_of_the_slurm_script_gets_its_values_as_data(hostile):
    item, experiment = hostile
    project = item.spec.parent
    script = item.out / "slurm" / "hostile.sbatch"
    for job in experiment["jobs"]:
        result = run_job(script, project, {"SLURM_SUBMIT_DIR": str(project), "SLURM_ARRAY_JOB_ID": "77",
                                           "SLURM_ARRAY_TASK_ID": str(job["index"])})
        assert result.returncode == 0, result.stderr
        check_job(job, project / "runs" / "hostile" / "77" / str(job["index"]))
    assert_nothing_ran(project.parent)


@pytest.mark.parametrize("target", ["docker", "apptainer", "nix", "k8s"])
def test_the_other_runners_agree(hostile, target, tmp_path):
    item, experiment = hostile
    project = item.spec.parent
    if target == "k8s":
        documents = list(yaml.safe_load_all((item.out / "k8s" / "hostile.yaml").read_text()))
        script = tmp_path / "xspec-job.sh"
        script.write_text(documents[0]["data"]["xspec-job.sh"])
    else:
        script = item.out / target / "hostile" / "xspec-job.sh"
    for job in experiment["jobs"][::7]:
        env = {"XSPEC_PROJECT_ROOT": str(project), "XSPEC_RUNS_DIR": str(tmp_path / "runs"),
               "XSPEC_RUN_ID": target, "JOB_COMPLETION_INDEX": str(job["index"])}
        result = run_job(script, project, env, [] if target == "k8s" else [str(job["index"])])
        assert result.returncode == 0, result.stderr
        check_job(job, tmp_path / "runs" / "hostile" / target / str(job["index"]))
    assert_nothing_ran(tmp_path.parent)
    assert_nothing_ran(project.parent)


def test_the_kubernetes_yaml_holds_the_values_verbatim(hostile):
    item, _ = hostile
    from xspec.backends.k8s import PLATFORM
    from xspec.backends.runner import runner_body

    ir = json.loads((item.out / "ir" / "hostile.json").read_text())
    documents = list(yaml.safe_load_all((item.out / "k8s" / "hostile.yaml").read_text()))
    assert documents[0]["data"]["xspec-job.sh"].endswith(runner_body(ir, ir["experiments"][0], PLATFORM))
    assert documents[1]["spec"]["template"]["spec"]["nodeSelector"] == {"evil.example/key": "on", "x.io/n": "0x10"}


def test_the_flake_evaluates_the_values_as_strings(hostile):
    item, _ = hostile
    tool = require_tool("nix")
    flake = item.out / "nix" / "hostile"
    env = {**os.environ, "NIX_CONFIG": NIX_CONFIG}
    shell = subprocess.run([tool, "eval", "--json", f"path:{flake}#devShells.x86_64-linux.default",
                            "--override-input", "nixpkgs", f"path:{_stub()}", "--no-write-lock-file"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert shell.returncode == 0, shell.stderr
    values = json.loads(shell.stdout)
    assert values["ENV_NIX"] == '${builtins.abort "nix ran"} \'\'${x}'
    assert values["ENV_QUOTE"] == 'it\'s "quoted" \\ back'
    assert values["PROFILE_SUBST"] == "$(touch PWNED) `touch PWNED` ${HOME} $HOME"
    description = subprocess.run([require_tool("nix-instantiate"), "--eval", "--strict", "--json", "-E",
                                  f"(import {flake}/flake.nix).description"], capture_output=True, text=True,
                                 env=env, timeout=60)
    assert json.loads(description.stdout) == "evil \" description\n# $(touch PWNED) ${x} ''"


def _stub():
    from tests.build.support import NIX_STUB

    return NIX_STUB


def test_the_dockerfile_means_the_values(hostile, tmp_path):
    """buildah reads the LABEL and ENV lines back (FROM scratch: no network, nothing runs)."""
    item, experiment = hostile
    tool = require_tool("buildah")
    lines = (item.out / "docker" / "hostile" / "Dockerfile").read_text().splitlines()
    kept = _instructions(lines, ("LABEL", "ENV"))
    (tmp_path / "Containerfile").write_text("FROM scratch\n" + "\n".join(kept) + "\n")
    store = ["--root", str(tmp_path / "root"), "--runroot", str(tmp_path / "runroot"), "--storage-driver", "vfs"]
    built = subprocess.run([tool, *store, "bud", "--isolation", "chroot", "-q", "-t", "xspec-hostile",
                            "-f", str(tmp_path / "Containerfile"), str(tmp_path)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    config = json.loads(subprocess.run([tool, *store, "inspect", "--type", "image", "xspec-hostile"],
                                       capture_output=True, text=True).stdout)["OCIv1"]["config"]
    env = dict(e.split("=", 1) for e in config["Env"])
    expected = {**experiment["env"]["vars"], **experiment["determinism"]["vars"]}
    assert {k: env[k] for k in expected} == expected
    assert config["Labels"]["dev.xspec.spec-digest"].startswith("sha256:")


def _instructions(lines: list[str], keep: tuple[str, ...]) -> list[str]:
    """The Dockerfile instructions named in ``keep``, with their continuation lines."""
    kept, keeping = [], False
    for line in lines:
        if line and not line[0].isspace():
            keeping = line.split(" ", 1)[0] in keep
        if keeping:
            kept.append(line)
    return kept


def test_apptainer_environment_means_the_values(hostile, tmp_path):
    from tests.build.test_tools import apptainer_sections

    item, experiment = hostile
    sections = apptainer_sections((item.out / "apptainer" / "hostile" / "hostile.def").read_text())
    script = "\n".join(sections["environment"]) + "\nexec env -0\n"
    result = subprocess.run(["sh", "-c", script], capture_output=True, env={"PATH": os.environ["PATH"]},
                            cwd=tmp_path)
    env = dict(item.split("=", 1) for item in result.stdout.decode().split("\0") if "=" in item)
    expected = {**experiment["env"]["vars"], **experiment["determinism"]["vars"]}
    assert {k: env[k] for k in expected} == expected
    assert_nothing_ran(tmp_path)


# ---- what cannot be written is refused ------------------------------------------------------

def test_a_line_break_in_a_profile_var_is_refused_by_docker_only(tmp_path):
    spec = tmp_path / "p" / "t.xspec"
    spec.parent.mkdir()
    (spec.parent / "xspec.toml").write_text("")
    spec.write_text('xspec 1\nenv e { python = "3.11.9", image = "python@sha256:' + "a" * 64 + '" }\n'
                    'profile p { framework = "generic", vars = { X = "a\\nRUN touch PWNED" } }\n'
                    'experiment x {\n  env = e\n  determinism = p\n  run = ["p"]\n}\n')
    docker = compile_files(spec, ["docker"])
    assert [d.code for d in docker.diagnostics] == ["BLD006"] and not docker.files
    others = compile_files(spec, ["slurm", "k8s", "apptainer"])
    assert not others.failed and len(others.files) == 4


@pytest.mark.parametrize("setting", ['partition = "gpu\\n#SBATCH --wrap=id"', 'account = "a b"',
                                     'qos = "x;id"', 'extra_args = ["--a\\n--b"]', 'modules = ["a b"]'])
def test_unsafe_slurm_values_are_refused(tmp_path, setting):
    spec = tmp_path / "p" / "t.xspec"
    spec.parent.mkdir()
    (spec.parent / "xspec.toml").write_text("")
    spec.write_text('xspec 1\nenv e { python = "3.11.9" }\n'
                    f'experiment x {{\n  env = e\n  run = ["p"]\n  target slurm {{ {setting} }}\n}}\n')
    compiled = compile_files(spec, ["slurm"])
    assert [d.code for d in compiled.diagnostics] == ["E235"]      # the checker's; slurm.py refuses too
    assert compiled.diagnostics[0].span.line == 6 and not compiled.files


def test_a_failing_job_records_its_status_and_fails(hostile, tmp_path):
    item, experiment = hostile
    project = item.spec.parent
    env = {"SLURM_SUBMIT_DIR": str(project), "SLURM_ARRAY_JOB_ID": "fail", "SLURM_ARRAY_TASK_ID": "3",
           "PRINTARGS_EXIT": "3"}
    result = run_job(item.out / "slurm" / "hostile.sbatch", project, env)
    assert result.returncode == 3
    record = json.loads((project / "runs" / "hostile" / "fail" / "3" / "xspec-provenance.json").read_text())
    assert record["exit_code"] == 3


def test_a_job_folder_is_never_reused(hostile):
    item, _ = hostile
    project = item.spec.parent
    env = {"SLURM_SUBMIT_DIR": str(project), "SLURM_ARRAY_JOB_ID": "again", "SLURM_ARRAY_TASK_ID": "0"}
    assert run_job(item.out / "slurm" / "hostile.sbatch", project, env).returncode == 0
    first = (project / "runs" / "hostile" / "again" / "0" / "xspec-provenance.json").read_bytes()
    second = run_job(item.out / "slurm" / "hostile.sbatch", project, env)
    assert second.returncode == 73 and "never overwritten" in second.stderr
    assert (project / "runs" / "hostile" / "again" / "0" / "xspec-provenance.json").read_bytes() == first
    requeued = run_job(item.out / "slurm" / "hostile.sbatch", project, {**env, "SLURM_RESTART_COUNT": "1"})
    assert requeued.returncode == 0 and (project / "runs" / "hostile" / "again" / "0-restart1").is_dir()


def test_an_unknown_index_is_refused(hostile):
    item, _ = hostile
    project = item.spec.parent
    for index in ("60", "-1", "1; touch PWNED", ""):
        result = run_job(item.out / "slurm" / "hostile.sbatch", project,
                         {"SLURM_SUBMIT_DIR": str(project), "SLURM_ARRAY_TASK_ID": index})
        assert result.returncode == 64 and "no job" in result.stderr
    assert_nothing_ran(project.parent)


def test_variable_names_cannot_reach_the_runners_own_variables(tmp_path):
    """A job variable named like the runner's internals changes the program's env only."""
    spec = tmp_path / "p" / "t.xspec"
    spec.parent.mkdir()
    (spec.parent / "xspec.toml").write_text("")
    spec.write_text('xspec 1\nenv e { python = "3.11.9" }\n'
                    'experiment x {\n  env = e\n  param n: int = 1\n  sweep grid { n = [1, 2] }\n'
                    '  vars = { xspec_argv = "touch PWNED", p_n = "9", xspec_failure = "1", V = "${n}" }\n'
                    '  run = ["python3", "-c", "import json, os, sys; json.dump([sys.argv, dict(os.environ)], '
                    'open(\'got.json\', \'w\'))", n]\n}\n')
    compiled = compile_files(spec, ["slurm"])
    script = tmp_path / "x.sbatch"
    script.write_text(compiled.files["slurm/x.sbatch"])
    result = run_job(script, spec.parent, {"SLURM_SUBMIT_DIR": str(spec.parent), "SLURM_ARRAY_JOB_ID": "1",
                                           "SLURM_ARRAY_TASK_ID": "1"})
    assert result.returncode == 0, result.stderr
    argv, env = json.loads((spec.parent / "runs" / "x" / "1" / "1" / "got.json").read_text())
    assert argv[1:] == ["2"] and env["V"] == "2"
    assert (env["xspec_argv"], env["p_n"], env["xspec_failure"]) == ("touch PWNED", "9", "1")
    record = json.loads((spec.parent / "runs" / "x" / "1" / "1" / "xspec-provenance.json").read_text())
    assert record["params"] == {"n": 2} and record["exit_code"] == 0
    assert_nothing_ran(tmp_path)
