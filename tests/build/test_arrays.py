"""Sweeps larger than Slurm takes at once: `max_array_size` cuts a sweep into arrays (job i
is task i - offset of its array), and a large job table goes to a file beside the script,
which the script checks by its sha256 (docs/targets.md#arrays-and-the-job-table)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from xspec import api
from xspec.backends.common import Options
from xspec.backends.pipeline import compile_spec
from xspec.backends.slurm import arrays
from xspec.run.layout import RunError
from xspec.run.plan import Plan
from xspec.run.slurm import check_lined_up

SPEC = """xspec 1

env py {{ python = "3.11.7" }}

experiment {name} {{
  env   = py
  seed  = 11
  seeds = "per_job"
  param a: int = 0
  param b: int = 0
  sweep grid {{
    a = [{a}]
    b = [{b}]
  }}
  run     = ["sh", "-c", "exit 0", a, b, seed]
  outputs = ["out/${{job_index}}.txt"]
  target slurm {{ {slurm} }}
}}
"""


def _spec(folder: Path, rows: int, columns: int, slurm: str = "", name: str = "wide", extra: str = "") -> Path:
    (folder / "xspec.toml").write_text("")
    path = folder / "wide.xspec"
    path.write_text(SPEC.format(name=name, a=", ".join(map(str, range(rows))),
                                b=", ".join(map(str, range(0, 3 * columns, 3))), slurm=slurm) + extra)
    return path


def _compiled(path: Path):
    compiled = compile_spec(path, ["slurm"], Options())
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    return compiled


def test_arrays_cut_a_sweep_at_max_array_size():
    experiment = {"job_count": 250, "targets": {"slurm": {"settings": {"max_array_size": 100}}}}
    assert arrays(experiment) == [(0, list(range(100))), (100, list(range(100))), (200, list(range(50)))]
    assert arrays(experiment, [5, 150, 151, 249]) == [(0, [5]), (100, [50, 51]), (200, [49])]
    assert arrays({"job_count": 1001, "targets": {}}) == [(0, list(range(1001)))]      # Slurm's default
    assert [offset for offset, _ in arrays({"job_count": 1002, "targets": {}})] == [0, 1001]


def test_the_script_asks_for_its_first_array_and_says_how_the_rest_are_submitted(tmp_path):
    compiled = _compiled(_spec(tmp_path, 25, 10, "max_array_size = 100, max_parallel = 3"))
    script = compiled.files["slurm/wide.sbatch"]
    assert "#SBATCH --array=0-99%3\n" in script
    assert "submits this script as 3 arrays" in script and "XSPEC_ARRAY_OFFSET=k*100" in script


def test_a_max_array_size_slurm_cannot_take_is_refused(tmp_path):
    for value in ("0", "4000002"):
        result = api.check(_spec(tmp_path, 2, 2, f"max_array_size = {value}"))
        assert [d.code for d in result.diagnostics] == ["E235"], value
    assert [d.code for d in api.check(_spec(tmp_path, 2, 2, 'max_array_size = "9"')).diagnostics] == ["E203"]


def test_steps_paired_job_by_job_must_be_cut_into_the_same_arrays(tmp_path):
    """Checked by `xspec submit` before it submits any array (aftercorr pairs tasks)."""
    after = """
experiment later {{
  env   = py
  after = [wide.each]
  param a: int = 0
  param b: int = 0
  sweep grid {{
    a = [{a}]
    b = [0, 3]
  }}
  run = ["sh", "-c", "exit 0", a, b]
  target slurm {{ {slurm} }}
}}
"""
    rows = ", ".join(map(str, range(75)))
    path = _spec(tmp_path, 75, 2, "max_array_size = 100", extra=after.format(a=rows, slurm="max_array_size = 50"))
    with pytest.raises(RunError, match=r"^RUN026: `later` runs after `wide.each`, but the two are cut"):
        check_lined_up(_plans(path))
    path.write_text(path.read_text().replace("max_array_size = 50", "max_array_size = 100"))
    check_lined_up(_plans(path))


def _plans(path: Path) -> list[Plan]:
    compiled = _compiled(path)
    return [Plan(path, path.parent, compiled.ir, e, list(range(e["job_count"])), compiled.files)
            for e in compiled.ir["experiments"]]


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """A 100,000-job sweep compiled for Slurm, laid out as `xspec build` writes it."""
    folder = tmp_path_factory.mktemp("huge")
    compiled = _compiled(_spec(folder, 100, 1000))
    for name, text in compiled.files.items():
        (folder / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "build" / name).write_text(text)
    return folder, compiled


def _run_task(folder: Path, task: int, offset: int, job_id: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "SLURM_SUBMIT_DIR": str(folder), "SLURM_ARRAY_TASK_ID": str(task),
           "SLURM_ARRAY_JOB_ID": job_id, "XSPEC_ARRAY_OFFSET": str(offset)}
    return subprocess.run(["bash", str(folder / "build/slurm/wide.sbatch")], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_100000_job_script_stays_small_and_its_table_is_beside_it(huge):
    _, compiled = huge
    script, table = compiled.files["slurm/wide.sbatch"], compiled.files["slurm/wide.jobs"]
    assert len(script.encode()) < 64 * 1024
    assert table.count("\n") == 100_000
    assert hashlib.sha256(table.encode()).hexdigest() in script
    assert "#SBATCH --array=0-1000\n" in script


def test_a_task_of_a_later_array_runs_the_job_at_its_offset(huge):
    folder, compiled = huge
    job = compiled.ir["experiments"][0]["jobs"][54_321]
    done = _run_task(folder, 54_321 - 54 * 1001, 54 * 1001, "4711")
    assert done.returncode == 0, done.stderr
    record = json.loads((folder / "runs/wide/4711/54321/xspec-provenance.json").read_text())
    assert (record["job"]["index"], record["params"], record["job"]["seed"]) == (54_321, job["params"], job["seed"])
    assert record["argv"] == job["argv"]


def test_a_changed_table_stops_the_job_before_it_starts(huge, tmp_path):
    folder, _ = huge
    table = folder / "build/slurm/wide.jobs"
    original = table.read_text()
    try:
        table.write_text(original.replace("p_a=0 p_b=3 ", "p_a=0 p_b=4 ", 1))
        done = _run_task(folder, 1, 0, "4712")
        assert done.returncode == 66 and "has sha256" in done.stderr
        table.unlink()
        done = _run_task(folder, 1, 0, "4713")
        assert done.returncode == 66 and "no job table" in done.stderr
    finally:
        table.write_text(original)
    assert not (folder / "runs/wide/4712").exists() and not (folder / "runs/wide/4713").exists()


def test_values_with_line_breaks_stay_on_their_line_of_the_table():
    from xspec.backends.runner import line_word

    for text in ("plain", "two\nlines", "tab\there", "quote ' and \\ back", "\x01\x7f"):
        word = line_word(text)
        assert "\n" not in word
        shown = subprocess.run(["bash", "-c", f"v={word}; printf %s \"$v\""], capture_output=True, text=True)
        assert shown.stdout == text
