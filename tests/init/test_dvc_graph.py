"""dvc.yaml stages that read what other stages write: `after`, named outputs, references.

The fixture `dvc_graph` is prepare -> train -> evaluate, where evaluate reads train's
model and prepare's test split; its scripts are tiny standard-library stand-ins, so the
draft is run for real. The other cases are small dvc.yaml files written by each test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.init.support import argv, errors, project, run_init


def needs(experiment) -> list[tuple[str, str]]:
    return [(n.step, n.shape) for n in experiment.needs]


def outputs(experiment) -> dict[str, str]:
    return {name: str(path) for name, path in experiment.output_names.items()}


def init_dvc(tmp_path, text: str):
    """`xspec init --from dvc.yaml` of ``text``; the draft must check without errors."""
    root = project(tmp_path)
    (root / "dvc.yaml").write_text(text)
    run = run_init(root, "--from", "dvc.yaml")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == [], run.spec.read_text()
    return run


@pytest.fixture
def graph_run(tmp_path):
    run = run_init(project(tmp_path, "dvc_graph"), "--from", "dvc.yaml")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    return run


def test_deps_written_by_another_stage_become_after_and_references(graph_run):
    steps = graph_run.module.experiments
    assert needs(steps["prepare"]) == []
    assert needs(steps["train"]) == [("prepare", "all")]
    assert needs(steps["evaluate"]) == [("train", "all"), ("prepare", "all")]
    assert outputs(steps["prepare"]) == {"train": "data/train.csv", "test": "data/test.csv"}
    assert outputs(steps["train"]) == {"model": "model.json"}
    assert argv(steps["train"]) == ["python", "src/train.py", "${prepare.outputs.train}",
                                    "model.json"]
    assert argv(steps["evaluate"]) == ["python", "src/evaluate.py", "${train.outputs.model}",
                                       "${prepare.outputs.test}", "--out", "scores/metrics.json"]
    assert [d.name for d in steps["train"].data] == []      # no data block for a stage's output
    assert list(graph_run.module.data) == ["points_csv"]
    assert graph_run.notes("INI100") == set()               # the whole graph is carried


def test_an_output_nobody_reads_stays_a_list(graph_run):
    evaluate = graph_run.module.experiments["evaluate"]
    assert evaluate.output_names == {}
    assert [str(o) for o in evaluate.outputs] == ["scores/metrics.json"]


def test_the_draft_runs_the_graph_in_order(graph_run):
    root = graph_run.project
    environment = {**os.environ, "PYTHONPATH": str(REPO / "compiler")}
    result = subprocess.run([sys.executable, "-m", "xspec", "run", "experiment.xspec"], cwd=root,
                            env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 steps: prepare -> train -> evaluate" in result.stderr
    folders = [os.path.relpath(line, root).split(os.sep) for line in result.stdout.splitlines()]
    run_id = folders[0][2]
    assert folders == [["runs", step, run_id] for step in ("prepare", "train", "evaluate")]

    def job(step: str):
        return root / "runs" / step / run_id / "0"

    # by hand from data/points.csv: points 4 and 8 are the test set (every 4th), the six
    # others lie on y = 2x, so the slope is 2; the test points are off by 1 and -1
    assert (job("prepare") / "data" / "test.csv").read_text().splitlines() == ["x,y", "4,9", "8,15"]
    assert json.loads((job("train") / "model.json").read_text()) == {"slope": 2.0, "points": 6}
    assert json.loads((job("evaluate") / "scores" / "metrics.json").read_text()) == {
        "mse": 1.0, "points": 2}
    assert not (root / "model.json").exists() and not (root / "data" / "train.csv").exists()


def test_stages_in_any_order_give_the_same_graph(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  evaluate:
    cmd: python evaluate.py model.pkl
    deps: [model.pkl]
  train:
    cmd: python train.py model.pkl
    outs: [model.pkl]
""")
    steps = run.module.experiments
    assert needs(steps["evaluate"]) == [("train", "all")]
    assert argv(steps["evaluate"]) == ["python", "evaluate.py", "${train.outputs.model}"]


def test_a_file_inside_an_output_folder_is_a_path_under_the_reference(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  prepare:
    cmd: python prepare.py data/prepared
    outs: [data/prepared]
  train:
    cmd: python train.py --data data/prepared/train.csv
    deps: [data/prepared/train.csv]
""")
    train = run.module.experiments["train"]
    assert needs(train) == [("prepare", "all")]
    assert argv(train) == ["python", "train.py", "--data", "${prepare.outputs.prepared}/train.csv"]
    assert run.notes("INI100") == set()


def test_a_dep_folder_holding_another_stages_output_is_reported(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  prepare:
    cmd: python prepare.py data/prepared
    outs: [data/prepared]
  train:
    cmd: python train.py data
    deps: [data]
""")
    train = run.module.experiments["train"]
    assert needs(train) == [("prepare", "all")]              # the order, at least, is kept
    assert argv(train) == ["python", "train.py", "${data.path}"]
    assert run.notes("INI100") == {("dvc.yaml", 7)}
    assert "dep `data` of stage `train` holds outputs of other stages: `data/prepared` of " \
           "stage `prepare`" in run.stdout


def test_a_per_item_output_is_read_after_every_job_and_reported(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  train:
    foreach: [forest, boosting]
    do:
      cmd: python train.py model-${item}.pkl
      outs:
        - model-${item}.pkl
  compare:
    cmd: python compare.py model-forest.pkl model-boosting.pkl
    deps: [model-forest.pkl, model-boosting.pkl]
""")
    compare = run.module.experiments["compare"]
    assert needs(compare) == [("train", "all")]               # all-to-one
    assert argv(compare) == ["python", "compare.py", "model-forest.pkl", "model-boosting.pkl"]
    assert run.notes("INI100") == {("dvc.yaml", 10)}
    assert "dep `model-forest.pkl` of stage `compare` is the output `model-${item}.pkl` of " \
           "stage `train`, a path that `${...}` makes" in run.stdout
    assert run.module.experiments["train"].output_names == {}   # nobody can name it


def test_a_dep_the_command_does_not_name_is_reported(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  prepare:
    cmd: python prepare.py
    outs: [data/train.csv]
  train:
    cmd: python train.py
    deps: [data/train.csv]
""")
    assert needs(run.module.experiments["train"]) == [("prepare", "all")]
    assert run.notes("INI100") == {("dvc.yaml", 6)}
    assert "does not name its dep `data/train.csv`, written by stage `prepare`" in run.stdout


def test_outputs_with_the_same_stem_get_distinct_names(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  train:
    cmd: python train.py a/model.pkl b/model.pkl
    outs: [a/model.pkl, b/model.pkl]
  evaluate:
    cmd: python evaluate.py a/model.pkl b/model.pkl
    deps: [a/model.pkl, b/model.pkl]
""")
    assert outputs(run.module.experiments["train"]) == {
        "a_model_pkl": "a/model.pkl", "b_model_pkl": "b/model.pkl"}
    assert argv(run.module.experiments["evaluate"]) == [
        "python", "evaluate.py", "${train.outputs.a_model_pkl}", "${train.outputs.b_model_pkl}"]


def test_a_renamed_stage_keeps_its_references(tmp_path):
    """A stage called `base` clashes with the env; its readers follow the rename."""
    run = init_dvc(tmp_path, """\
stages:
  base:
    cmd: python base.py out.csv
    outs: [out.csv]
  train:
    cmd: python train.py out.csv
    deps: [out.csv]
""")
    train = run.module.experiments["train"]
    assert "base_experiment" in run.module.experiments
    assert needs(train) == [("base_experiment", "all")]
    assert argv(train) == ["python", "train.py", "${base_experiment.outputs.out}"]


def test_a_stage_in_a_wdir_matches_paths_from_its_folder(tmp_path):
    run = init_dvc(tmp_path, """\
stages:
  prepare:
    wdir: work
    cmd: python ../prepare.py split.csv
    outs: [split.csv]
  train:
    cmd: python train.py work/split.csv
    deps: [work/split.csv]
""")
    assert needs(run.module.experiments["train"]) == [("prepare", "all")]
    assert argv(run.module.experiments["train"]) == [
        "python", "train.py", "${prepare.outputs.split}"]
