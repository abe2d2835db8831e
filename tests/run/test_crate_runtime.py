"""The crate says what each job ran on, from its record (the interpreter, OS, CPU, GPUs,
packages against the lock, the frameworks' determinism switches at exit)."""

from __future__ import annotations

from xspec.run.crate import runtime_summary

RECORD = {
    "environment": {
        "interpreter": {"implementation": "CPython", "version": "3.11.7", "path": "/usr/bin/python3"},
        "os": {"name": "Debian GNU/Linux 12 (bookworm)", "kernel": "6.1.0", "machine": "x86_64"},
        "cpu": {"model": "AMD EPYC 9654", "count": 192, "usable": 16},
        "gpus": {"count": 2, "models": ["NVIDIA H200", "NVIDIA H200"], "driver": "550.54.15",
                 "cuda_driver": "12.4"},
        "packages": {"count": 3, "digest": "sha256:abc", "lock": {"matches": False}},
        "container": {"runtime": "apptainer", "image": "/images/job.sif"},
    },
    "determinism": {"processes": [{"frameworks": {"pytorch": {
        "version": "2.11.0", "deterministic_algorithms": True, "cudnn_benchmark": False}}}]},
}


def test_the_summary_names_every_part_of_the_recorded_environment():
    assert dict(runtime_summary(RECORD)) == {
        "interpreter": "CPython 3.11.7",
        "interpreter path": "/usr/bin/python3",
        "os": "Debian GNU/Linux 12 (bookworm) 6.1.0 x86_64",
        "cpu": "AMD EPYC 9654 x192",
        "gpus": "NVIDIA H200, NVIDIA H200 driver 550.54.15 CUDA 12.4",
        "packages digest": "sha256:abc",
        "packages match the lock": "false",
        "container": "apptainer /images/job.sif",
        "pytorch at exit": "2.11.0 (cudnn_benchmark=False, deterministic_algorithms=True)",
    }


def test_a_record_without_an_environment_says_nothing():
    assert all(value is None for _, value in runtime_summary({}))


def test_a_real_run_puts_the_summary_on_each_job(tiny):
    import json

    from tests.run.conftest import run_dir_of, xspec

    result = xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny)
    assert result.returncode == 0, result.stderr
    crate = json.loads((run_dir_of(result) / "ro-crate-metadata.json").read_text())
    graph = {e["@id"]: e for e in crate["@graph"]}
    ran_on = {graph[ref["@id"]]["name"]: graph[ref["@id"]]["value"]
              for ref in graph["#job-0"]["additionalProperty"]}
    assert ran_on["interpreter"].startswith("CPython 3.")
    assert ran_on["packages digest"].startswith("sha256:")
