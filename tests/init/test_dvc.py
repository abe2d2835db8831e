"""dvc.yaml, dvc.lock, .dvc files and params.yaml: stages, foreach/matrix sweeps, data, MD5s."""

from __future__ import annotations

import pytest

from tests.init.support import argv, errors, project, run_init

DVC_SOURCES = ("--from", "dvc.yaml", "--from", "data/data.xml.dvc",
               "--from", "data/lookup.parquet.dvc")


@pytest.fixture
def dvc_run(tmp_path):
    run = run_init(project(tmp_path, "dvc"), *DVC_SOURCES)
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    return run


def data_of(module) -> dict:
    return {name: (d.path, d.url, d.version, d.size, d.sha256) for name, d in module.data.items()}


def test_data_from_deps_and_dvc_files_keep_md5_as_version(dvc_run):
    assert data_of(dvc_run.module) == {    # by hand from the .dvc files and dvc.yaml's deps
        "data_xml": ("data/data.xml", None, "dvc-md5:22a1a2931c8370d3aeedd7183606fd7f", 14445097, None),
        "labels-forest_csv": ("data/labels-forest.csv", None, None, None, None),
        "labels-boosting_csv": ("data/labels-boosting.csv", None, None, None, None),
        "lookup_parquet": (None, "https://datasets.example.org/lookup/2024-06/lookup.parquet",
                           "dvc-md5:5e7ac1c1a8c3e2a4a4df3e1f7f2bcd01", 52428800, None),
    }
    text = dvc_run.spec.read_text()
    assert "An MD5 is not a SHA-256" in text and "sha256 =" not in text


def test_a_plain_stage(dvc_run):
    prepare = dvc_run.module.experiments["prepare"]
    assert prepare.description == "Split the raw Stack Overflow dump into train and test"
    assert [d.name for d in prepare.data] == ["data_xml"]
    assert argv(prepare) == ["python", "src/prepare.py", "${data_xml.path}"]
    assert {p.name: p.default for p in prepare.params.values()} == {
        "prepare_seed": 20170428, "prepare_split": 0.20}
    assert [str(o) for o in prepare.outputs] == ["data/prepared"]


def test_templating_becomes_param_references(dvc_run):
    featurize = dvc_run.module.experiments["featurize"]
    assert argv(featurize) == ["python", "src/featurization.py", "${prepare.outputs.prepared}",
                               "data/features", "--max-features", "${featurize_max_features}"]
    assert {p.name: p.default for p in featurize.params.values()} == {
        "featurize_max_features": 200, "featurize_ngrams": 2}


def test_foreach_over_a_list_is_a_grid(dvc_run):
    train = dvc_run.module.experiments["train"]
    assert [(s.kind, s.axes) for s in train.sweeps] == [("grid", {"item": ["forest", "boosting"]})]
    assert argv(train) == ["python", "src/train.py", "${featurize.outputs.features}",
                           "model-${item}.pkl", "--model", "${item}", "--n-est", "${train_n_est}"]
    assert [d.name for d in train.data] == ["labels-forest_csv", "labels-boosting_csv"]
    assert [str(o) for o in train.outputs] == ["model-${item}.pkl"]


def test_foreach_over_a_mapping_is_a_zip(dvc_run):
    evaluate = dvc_run.module.experiments["evaluate"]
    assert [(s.kind, s.axes) for s in evaluate.sweeps] == [("zip", {
        "key": ["us", "eu"], "item_threshold": [0.5, 0.6], "item_region": ["us-east", "eu-west"]})]
    assert argv(evaluate)[-6:] == ["--key", "${key}", "--threshold", "${item_threshold}",
                                   "--region", "${item_region}"]
    assert [str(o) for o in evaluate.outputs] == ["eval/${key}/metrics.json"]


def test_matrix_is_a_grid(dvc_run):
    tune = dvc_run.module.experiments["tune"]
    assert [(s.kind, s.axes) for s in tune.sweeps] == [("grid", {
        "item_lr": [0.01, 0.1], "item_depth": [4, 8]})]


def test_what_dvc_does_that_xspec_does_not_is_reported(dvc_run):
    assert dvc_run.notes("INI100") == {
        ("dvc.yaml", 46),                   # frozen
        ("dvc.yaml", 54),                   # top-level plots
        ("data/lookup.parquet.dvc", 2),     # frozen
    }
    assert dvc_run.notes("INI102") == {     # every MD5 carried as a version, where it was read
        ("data/data.xml.dvc", 2), ("data/lookup.parquet.dvc", 8), ("dvc.lock", 8)}


def test_params_yaml_alone_gives_typed_params_and_a_placeholder_run(tmp_path):
    run = run_init(project(tmp_path, "dvc"), "--from", "params.yaml")
    assert run.code == 0, run.stdout + run.stderr
    main = run.module.experiments["main"]
    assert {p.name: (p.type, p.default) for p in main.params.values()} == {
        "prepare_split": ("float", 0.2), "prepare_seed": ("int", 20170428),
        "featurize_max_features": ("int", 200), "featurize_ngrams": ("int", 2),
        "train_n_est": ("int", 50), "train_min_split": ("float", 0.01)}
    assert "param prepare_split: float = 0.20" in run.spec.read_text()   # as written
    assert "add ranges (`in [low, high]`)" in run.spec.read_text()
    assert run.notes("INI101") == {("params.yaml", 1)}      # the run is a placeholder


def test_a_dvc_yaml_without_stages_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "dvc.yaml").write_text("plots:\n  - a.png\n")
    run = run_init(root, "--from", "dvc.yaml")
    assert run.code == 1
    assert "dvc.yaml:1:1: INI004 dvc.yaml has no `stages` mapping" in run.stdout


def test_a_stage_without_cmd_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "dvc.yaml").write_text("stages:\n  train:\n    deps: [a.csv]\n")
    run = run_init(root, "--from", "dvc.yaml")
    assert run.code == 1
    assert "dvc.yaml:2:3: INI004 stage `train` has no `cmd`" in run.stdout


def test_a_stage_reading_and_writing_one_folder_runs(tmp_path):
    """DVC's usual layout: `data/in.csv` in, `data/prepared` out. The job must see its input
    and write its output into its own folder, never into the project's `data/`."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    root = project(tmp_path, "dvc_shared_folder")
    run = run_init(root, "--from", "dvc.yaml")
    assert run.code == 0, run.stdout + run.stderr
    assert argv(run.module.experiments["prepare"]) == [
        "python", "src/prepare.py", "${in_csv.path}", "data/prepared"]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "compiler")}
    result = subprocess.run([sys.executable, "-m", "xspec", "run", "experiment.xspec"], cwd=root,
                            env=environment, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    job = next((root / "runs" / "prepare").iterdir()) / "0"
    assert (job / "data" / "prepared" / "kept.csv").read_text().splitlines() == [
        "id,value", "2,1.5", "3,2.5"]
    assert (job / "data" / "in.csv").is_symlink()          # the input, linked in
    assert not (root / "data" / "prepared").exists()       # the project's folder untouched
