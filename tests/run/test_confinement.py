"""Outputs stay inside the job folder, the workdir inside the project: checker, build, runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness import codes
from tests.run.conftest import xspec

SPEC = """\
xspec 1
env e {{ python = "3.11.7" }}
experiment x {{
  env = e
  seed = 1
  {extra}
  param where: str = "ok.txt" "Where the job writes"
  sweep grid {{ where = [{where}] }}
  run = ["python3", "-c", "import sys; open(sys.argv[1], 'w').write('x')", "${{where}}"]
  outputs = [{outputs}]
}}
"""


def spec(outputs='"${where}"', where='"a.txt"', extra=""):
    return SPEC.format(outputs=outputs, where=where, extra=extra)


@pytest.mark.parametrize("outputs, extra", [
    ('"../../etc/shadow"', ""), ('"/etc/passwd"', ""), ('"a/${job_index}/../../.."', ""),
    ('"${where}"', 'workdir = "../../../../etc"'), ('"${where}"', 'workdir = "/etc"'),
])
def test_the_checker_refuses_paths_that_leave_the_job_folder_or_the_project(outputs, extra):
    assert codes(spec(outputs, extra=extra)) == ["E214"]


@pytest.mark.parametrize("outputs, extra", [
    ('"out/../fine.txt"', ""), ('"..${job_index}.txt"', ""), ('"${where}"', 'workdir = "sub/.."'),
])
def test_paths_that_stay_inside_are_fine(outputs, extra):
    assert codes(spec(outputs, extra=extra)) == []


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "s.xspec").write_text(text)
    return tmp_path


def test_an_output_that_only_a_param_value_makes_escape_is_refused_by_the_build_and_run(tmp_path):
    project = _project(tmp_path, spec(where='"ok.txt", "../../../escaped.txt"'))
    assert codes(spec(where='"ok.txt", "../../../escaped.txt"')) == []    # the checker cannot see it
    result = xspec(["run", "s.xspec"], cwd=project)
    assert result.returncode == 2 and "BLD006" in result.stderr and "leaves the job's folder" in result.stderr
    assert not (project / "runs").exists() and not (tmp_path.parent / "escaped.txt").exists()
    built = xspec(["build", "s.xspec", "--target", "slurm", "-o", tmp_path / "out"], cwd=project)
    assert built.returncode != 0 and "BLD006" in built.stdout + built.stderr


def test_the_runner_itself_refuses_an_escaping_output_or_workdir(tmp_path, monkeypatch):
    """Defence in depth: the bash runner checks again, whatever made its job table."""
    from xspec.backends import runner
    from xspec.run.plan import make_plan
    from xspec.run.executor import local_runner

    project = _project(tmp_path, spec(where='"../../../escaped.txt"'))
    monkeypatch.setattr(runner, "_check_confined", lambda experiment: None)
    script = tmp_path / "job.sh"
    script.write_text(local_runner(make_plan(project / "s.xspec")))
    env = {"XSPEC_PROJECT_ROOT": str(project), "XSPEC_RUN_ID": "r1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["bash", str(script), "0"], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 64 and "leaves the job folder" in done.stderr
    assert not (project / "runs" / "x" / "r1" / "0").exists()
