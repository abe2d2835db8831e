"""A spec with a lint error (a literal credential: SEC001) is never built, run or submitted:
no literal token can reach an output. Issue 12 item 6, issue 18 item 7."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SPECS
from tests.run.conftest import xspec

TOKEN = "hf_EXAMPLExxxxxxxxxxxxxxxxxxxxxxxxxxx"


@pytest.fixture
def leaky(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SPECS / "tiny", root, ignore=shutil.ignore_patterns(".xspec-cache", "runs"))
    spec = root / "tiny.xspec"
    spec.write_text(spec.read_text().replace(
        'python = "3.11.7"', f'python = "3.11.7"\n  vars = {{ HF_HUB = "{TOKEN}" }}'))
    return root


def every_file_text(folder):
    return "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("target", ["slurm", "docker", "ir"])
def test_build_refuses_a_spec_with_a_literal_token(leaky, target):
    out = leaky / "out"
    result = xspec(["build", "tiny.xspec", "-t", target, "-o", out, "--allow-unlocked"], cwd=leaky)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error[SEC001]" in result.stderr and "nothing was written" in result.stderr
    assert TOKEN not in result.stdout and not out.exists()


def test_run_and_submit_refuse_it_and_nothing_starts(leaky):
    for command in (["run", "tiny.xspec", "--job", "0"], ["submit", "tiny.xspec", "--jobs", "0"]):
        result = xspec(command, cwd=leaky)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "error[SEC001]" in result.stderr and "nothing was run" in result.stderr
    assert not (leaky / "runs").exists()


def test_a_rule_the_project_makes_a_warning_does_not_stop_the_build(leaky):
    (leaky / "xspec.toml").write_text('[severity]\nSEC001 = "warning"\n')
    result = xspec(["build", "tiny.xspec", "-t", "ir"], cwd=leaky)
    assert result.returncode == 0, result.stderr
