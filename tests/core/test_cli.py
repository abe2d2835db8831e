"""The command line, run as a user runs it: a subprocess, exit codes, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

CLEAN = 'xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n'


def xspec(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "xspec", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_check_clean_file_exits_0(tmp_path):
    (tmp_path / "ok.xspec").write_text(CLEAN)
    done = xspec("check", str(tmp_path / "ok.xspec"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_reports_every_error_and_exits_1():
    done = xspec("check", str(FIXTURES / "check" / "units.xspec"))
    assert done.returncode == 1
    assert done.stdout.count("error[E204]") == 3
    assert "Traceback" not in done.stdout + done.stderr


def test_check_json_is_machine_readable():
    done = xspec("check", "--format", "json", str(FIXTURES / "check" / "header_version.xspec"))
    records = json.loads(done.stdout)
    assert [(r["code"], r["line"], r["column"]) for r in records] == [("E102", 1, 1)]


def test_check_a_folder_recurses(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "bad.xspec").write_text("env x { python = 3 }\n")
    done = xspec("check", str(tmp_path))
    assert done.returncode == 1 and "E101" in done.stdout and "E203" in done.stdout


@pytest.mark.parametrize("args", [["check"], ["check", "/no/such/path"], ["nosuchcommand"],
                                  ["check", "--format", "xml", "."]])
def test_usage_errors_exit_2(args):
    done = xspec(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_fmt_check_diff_and_write(tmp_path):
    spec = tmp_path / "messy.xspec"
    spec.write_text('xspec 1\nenv   py{python="3.11.9"}\n')
    assert xspec("fmt", "--check", str(spec)).returncode == 1
    diff = xspec("fmt", "--diff", str(spec))
    assert diff.returncode == 1 and '+  python = "3.11.9"' in diff.stdout
    assert xspec("fmt", str(spec)).returncode == 0
    assert spec.read_text() == 'xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n'
    assert xspec("fmt", "--check", str(spec)).returncode == 0


def test_fmt_refuses_a_file_with_syntax_errors(tmp_path):
    spec = tmp_path / "broken.xspec"
    spec.write_text("xspec 1\nenv py {\n")
    done = xspec("fmt", str(spec))
    assert done.returncode == 1 and "E001" in done.stderr
    assert spec.read_text() == "xspec 1\nenv py {\n"


def test_version():
    done = xspec("--version")
    assert done.returncode == 0 and "xspec" in done.stdout


def test_many_files_in_parallel_match_one_process(tmp_path):
    for n in range(70):
        (tmp_path / f"s{n}.xspec").write_text(CLEAN if n % 7 else "xspec 1\nenv e { python = 3 }\n")
    parallel = xspec("check", "--format", "json", "-j", "2", str(tmp_path))
    serial = xspec("check", "--format", "json", "-j", "1", str(tmp_path))
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)) == 10
