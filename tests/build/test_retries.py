"""`retries` in the compiled targets: the Kubernetes Job retries (backoffLimitPerIndex, a
podFailurePolicy for `retry_on`) and its runner does not loop but records the attempt
Kubernetes counts; the Slurm script's runner loops itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.build.support import compile_files
from tests.conftest import FIXTURES

RETRIES = FIXTURES / "run" / "retries"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(RETRIES, tmp_path / "retries")
    return tmp_path / "retries"


def _k8s(project: Path, experiment: str) -> list[dict]:
    compiled = compile_files(project / "retries.xspec", ["k8s"], allow_unlocked=True)
    assert not compiled.failed, compiled.diagnostics
    return list(yaml.safe_load_all(compiled.files[f"k8s/{experiment}.yaml"]))


def _run(script: str, project: Path, runs: Path, env: dict) -> subprocess.CompletedProcess:
    path = runs.parent / "xspec-job.sh"
    path.write_text(script)
    base = {"PATH": os.environ["PATH"], "HOME": str(project), "XSPEC_PROJECT_ROOT": str(project),
            "XSPEC_RUNS_DIR": str(runs), "XSPEC_RUN_ID": "uid", "JOB_COMPLETION_INDEX": "0"}
    return subprocess.run(["bash", str(path)], cwd=project, env={**base, **env}, capture_output=True,
                          text=True, timeout=60)


def test_the_job_retries_each_index_and_fails_other_codes_at_once(project):
    picky = _k8s(project, "picky")[1]["spec"]
    assert (picky["completionMode"], picky["backoffLimitPerIndex"]) == ("Indexed", 3)
    assert picky["template"]["spec"]["restartPolicy"] == "Never"
    assert picky["podFailurePolicy"]["rules"] == [
        {"action": "Count", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        {"action": "FailIndex", "onExitCodes": {"containerName": "job", "operator": "NotIn", "values": [75]}}]
    assert "podFailurePolicy" not in _k8s(project, "hopeless")[1]["spec"]      # no retry_on


def test_the_pod_runs_once_and_records_the_attempt_kubernetes_counts(project, tmp_path):
    documents = _k8s(project, "hopeless")
    env = {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"]
           for e in documents[1]["spec"]["template"]["spec"]["containers"][0]["env"] if "valueFrom" in e}
    assert env["XSPEC_INDEX_FAILURES"] == "metadata.annotations['batch.kubernetes.io/job-index-failure-count']"
    result = _run(documents[0]["data"]["xspec-job.sh"], project, tmp_path / "runs", {"XSPEC_INDEX_FAILURES": "1"})
    assert result.returncode == 3
    assert (project / "counts" / "hopeless").read_text() == "1\n"        # no loop in the pod
    record = json.loads((tmp_path / "runs" / "hopeless" / "uid" / "0" / "xspec-provenance.json").read_text())
    assert record["attempt"] == {"number": 2, "of": 3, "retry_on": []}


def test_the_slurm_script_loops_over_the_attempts_itself(project, tmp_path):
    compiled = compile_files(project / "retries.xspec", ["slurm"], allow_unlocked=True)
    script = compiled.files["slurm/hopeless.sbatch"]
    assert "xspec_attempts=3" in script and 'mv -- "$xspec_job_dir" "$xspec_job_dir-attempt$xspec_attempt"' in script
    assert "backoffLimitPerIndex" not in script
