"""`xspec run --variant`: a smoke run says so in every record, its manifest, its crate and
`xspec jobs`, under a spec digest that is not the real run's."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.run.conftest import record, run_dir_of, xspec


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The fit project run twice: `--variant smoke` (1 job) and without (job 0 of 18)."""
    root = tmp_path_factory.mktemp("variants") / "fit"
    shutil.copytree(FIXTURES / "run" / "variants", root)
    smoke = xspec(["run", "fit.xspec", "--variant", "smoke"], cwd=root)
    assert smoke.returncode == 0, smoke.stderr
    base = xspec(["run", "fit.xspec", "--job", "0"], cwd=root)
    assert base.returncode == 0, base.stderr
    return root, run_dir_of(smoke), run_dir_of(base)


def test_the_smoke_run_ran_the_variant_jobs(two_runs):
    _, smoke, _ = two_runs
    manifest = json.loads((smoke / "xspec-run.json").read_text())
    assert (manifest["jobs"], manifest["job_count"]) == ([0], 1)
    metrics = json.loads((smoke / "0" / "metrics.json").read_text())
    assert (metrics["lr"], metrics["epochs"]) == (0.05, 1)


def test_the_record_says_variant_smoke_and_the_digest_differs(two_runs):
    _, smoke, base = two_runs
    ran, real = record(smoke, 0), record(base, 0)
    assert ran["spec"]["variant"] == "smoke"
    assert "variant" not in real["spec"]
    assert ran["spec"]["digest"] != real["spec"]["digest"]
    assert ran["env"]["XSPEC_SPEC_DIGEST"] == ran["spec"]["digest"]
    assert real["env"]["XSPEC_SPEC_DIGEST"] == real["spec"]["digest"]
    smoke_manifest = json.loads((smoke / "xspec-run.json").read_text())
    base_manifest = json.loads((base / "xspec-run.json").read_text())
    assert smoke_manifest["spec"]["variant"]["name"] == "smoke"
    assert smoke_manifest["spec"]["digest"] == ran["spec"]["digest"]
    assert "variant" not in base_manifest["spec"]
    assert json.loads((smoke / "bundle" / "ir.json").read_text())["spec"]["variant"]["name"] == "smoke"
    assert "# variant: smoke\n" in (smoke / "bundle" / "xspec-job.sh").read_text()
    assert "# variant:" not in (base / "bundle" / "xspec-job.sh").read_text()


def test_the_crate_names_the_variant(two_runs):
    _, smoke, base = two_runs

    def root_of(run):
        crate = json.loads((run / "ro-crate-metadata.json").read_text())
        return next(e for e in crate["@graph"] if e["@id"] == "./")

    ran = root_of(smoke)
    assert ran["keywords"] == ["xspec-variant:smoke"]
    assert "(variant smoke)" in ran["name"] and "(variant smoke)" in ran["description"]
    real = root_of(base)
    assert "keywords" not in real and "variant" not in real["description"]


def test_jobs_lists_the_smoke_run_as_one(two_runs):
    root, smoke, base = two_runs
    listed = xspec(["jobs", "--no-collect"], cwd=root)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert "[variant smoke]" in lines[f"fit/{smoke.name}"]
    assert "[variant" not in lines[f"fit/{base.name}"]
    states = json.loads(xspec(["jobs", "--format", "json", "--no-collect"], cwd=root).stdout)
    assert {s["run_id"]: s["variant"] for s in states} == {smoke.name: "smoke", base.name: None}


def test_verify_accepts_the_smoke_run(two_runs):
    root, smoke, _ = two_runs
    checked = xspec(["verify", smoke], cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_reproduce_rebuilds_the_smoke_run_as_the_smoke_run(two_runs):
    """The recorded variant is applied again: the bundled spec gives the recorded digest."""
    root, smoke, _ = two_runs
    again = xspec(["reproduce", smoke], cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    said = again.stdout + again.stderr
    assert "--epochs 1 " in said and "1 job reproduced: bitwise identical" in said
    assert "RUN003" not in said


def test_submit_with_a_variant_on_the_real_slurm(slurm, tmp_path):
    root = tmp_path / "fit"
    shutil.copytree(FIXTURES / "run" / "variants", root)
    submitted = xspec(["submit", "fit.xspec", "--variant", "smoke", "--wait"], cwd=root, timeout=300)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip()
    run = root / "runs" / "fit" / job_id
    assert "(1 task)" in submitted.stderr
    found = record(run, 0)
    assert (found["spec"]["variant"], found["exit_code"]) == ("smoke", 0)
    assert json.loads((run / "0" / "metrics.json").read_text())["epochs"] == 1
    assert json.loads((run / "xspec-run.json").read_text())["spec"]["variant"]["name"] == "smoke"
