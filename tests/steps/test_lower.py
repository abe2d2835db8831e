"""The IR of a graph of steps: `needs`, and output references lowered to paths that
the run folder's `upstream/` links make real (docs/ir.md, "Templates")."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
from xspec import api
from xspec.ir.lower import lower_program

from tests.conftest import FIXTURES

PIPELINE = FIXTURES / "run/steps/pipeline.xspec"


def _ir() -> dict:
    result = api.check(PIPELINE)
    assert not result.has_errors
    return {e["name"]: e for e in lower_program(result)["experiments"]}


def test_needs_carry_step_shape_and_size():
    ir = _ir()
    assert "needs" not in ir["prepare"]
    assert ir["train"]["needs"] == [{"step": "prepare", "shape": "all", "job_count": 1,
                                     "reads": {"train": "train.txt"}}]
    assert ir["evaluate"]["needs"] == [{"step": "train", "shape": "each", "job_count": 3,
                                        "reads": {"model": "model.txt"}}]
    assert ir["aggregate"]["needs"] == [{"step": "evaluate", "shape": "all", "job_count": 3,
                                         "reads": {"score": "score.txt"}}]


def test_one_to_all_reads_the_only_job():
    argvs = [job["argv"][4] for job in _ir()["train"]["jobs"]]
    assert argvs == ["../upstream/prepare/0/train.txt"] * 3


def test_index_to_index_reads_the_paired_job():
    argvs = [job["argv"][4] for job in _ir()["evaluate"]["jobs"]]
    assert argvs == [f"../upstream/train/{i}/model.txt" for i in range(3)]


def test_all_to_one_gets_one_argument_per_job():
    (job,) = _ir()["aggregate"]["jobs"]
    assert job["argv"][4:] == [f"../upstream/evaluate/{i}/score.txt" for i in range(3)]


def test_string_run_quotes_the_path_parts(tmp_path):
    spec = tmp_path / "s.xspec"
    spec.write_text(PIPELINE.read_text().replace(
        'run     = ["bash", "-c", "cat \\"$@\\" > all.txt", "aggregate", evaluate.outputs.score]',
        'run = "cat ${prepare.outputs.train}"\n  after = [prepare]').replace(
        "after = [evaluate]", "").replace('outputs = { train = "train.txt" }',
                                          'outputs = { train = "my train.txt" }'))
    result = api.check(spec)
    assert not result.has_errors, [d.message for d in result.diagnostics if d.code.startswith("E")]
    (job,) = next(e for e in lower_program(result)["experiments"] if e["name"] == "aggregate")["jobs"]
    assert job["argv"][2] == "cat '../upstream/prepare/0/my train.txt'"


def test_graph_ir_validates_against_the_schema():
    schema = json.loads(files("xspec.ir").joinpath("schema.json").read_text())
    ir = lower_program(api.check(PIPELINE))
    jsonschema.Draft202012Validator(schema).validate(ir)
    ir["experiments"][1]["needs"][0]["shape"] = "some"
    assert not jsonschema.Draft202012Validator(schema).is_valid(ir)


def test_the_sbatch_script_of_a_step_says_to_submit_the_graph(tmp_path):
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    compiled = compile_spec(PIPELINE, ["slurm"], Options(build_dir=str(tmp_path)))
    assert not compiled.failed
    assert "sbatch <this file>" in compiled.files["slurm/prepare.sbatch"]
    evaluate = compiled.files["slurm/evaluate.sbatch"]
    assert "A step after train: submit the graph with `xspec submit`" in evaluate
    assert "sbatch <this file>" not in evaluate


def test_kubernetes_refuses_a_step_with_after_and_builds_the_others(tmp_path):
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    compiled = compile_spec(PIPELINE, ["k8s"], Options(build_dir=str(tmp_path), allow_unlocked=True))
    refused = [d for d in compiled.diagnostics if d.code == "BLD005"]
    assert sorted(d.message.split("`")[1] for d in refused) == ["aggregate", "evaluate", "train"]
    assert "k8s/prepare.yaml" in compiled.files
