"""Completion in-process, one case per line: the text with `|` for the cursor, what is offered.

The server-level tests (test_features.py) cover the protocol; these cover the contexts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xspec.lsp.convert import LineIndex
from xspec.lsp.documents import Request, analyse
from xspec.lsp.features.completion import complete
from xspec.lsp.features.diagnostics import check

from tests.lsp.conftest import REPO

HEAD = ('xspec 1\n\nimport "std/determinism" as det\n\n'
        'data points { path = "p.csv" }\nenv py { python = "3.11.9" }\n\n')
EXPERIMENT = (HEAD + 'experiment x {\n  env = py\n  param lr: float = 0.1\n'
              '  param opt: enum("sgd", "adamw") = "sgd"\n  secret key from env("K")\n')


def labels(text: str, name: str = "t.xspec") -> list[str]:
    """Labels offered at the `|` in ``text`` (which is taken out first)."""
    at = text.index("|")
    text = text[:at] + text[at + 1:]
    path = REPO / "fixtures" / "lsp" / "project" / name
    analysis = analyse(Request(path.as_uri(), 1, text, path), "utf-16", check)
    index = LineIndex(text)
    return [item.label for item in complete(index, index.position(at), analysis, path)]


@pytest.mark.parametrize("text, expected", [
    ("|", ["xspec 1", "import", "let", "data", "env", "experiment", "profile", "preset", "variant"]),
    (EXPERIMENT + "  target |", ["slurm", "k8s", "local"]),
    (EXPERIMENT + "  sweep |", ["grid", "zip", "random"]),
    (EXPERIMENT + "  secret b from |", ["env", "k8s"]),
    ('xspec 1\nimport "std/slurm" |', ["as"]),
    (EXPERIMENT + '  param b: |', ["int", "float", "str", "bool", "enum", "path", "duration", "size"]),
    (EXPERIMENT + '  param c: enum("a", "b") = |', ['"a"', '"b"']),
    (EXPERIMENT + '  param c: enum("a", "b") = "|', ["a", "b"]),
    (EXPERIMENT + "  seeds = |", ['"shared"', '"per_job"']),
    (EXPERIMENT + '  seeds = "|', ["shared", "per_job"]),
    (EXPERIMENT + "  data = [|", ["points"]),
    (EXPERIMENT + "  run = [points.|", ["path", "sha256", "url", "version", "name"]),
    (EXPERIMENT + "  sweep grid {\n    opt = [|", ['"sgd"', '"adamw"']),
    (EXPERIMENT + "  sweep random {\n    lr = |", ["uniform", "loguniform", "randint", "choice"]),
    (EXPERIMENT + "  sweep random {\n    opt = choice(|", ['"sgd"', '"adamw"']),
    (EXPERIMENT + "  resources { memory = 8|", ["B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB",
                                                "TiB", "PiB"]),
    (EXPERIMENT + "  resources { time = 30|", ["s", "m", "min", "h", "d", "w"]),
    (EXPERIMENT + '  run = "x"|', []),                         # after a closed string
    (EXPERIMENT + "  # just a |", []),
    (EXPERIMENT + '  let v = "unterminated |', []),
])
def test_offers(text, expected):
    assert labels(text) == expected


def test_placeholders_in_run_and_in_interpolations():
    in_run = labels(EXPERIMENT + '  run = ["python", |')
    assert in_run[:3] == ["lr", "opt", "key"]
    assert {"seed", "replicate", "job_index", "points.path"} <= set(in_run)
    assert labels(EXPERIMENT + '  outputs = ["out/${|') == in_run


def test_an_overlay_in_a_variant_offers_the_experiment_fields():
    closed = EXPERIMENT + '  run = ["t"]\n}\n\n'
    offered = labels(closed + "variant smoke {\n  experiment x {\n    |")
    assert {"replicates", "seed", "env"} <= set(offered)
    assert labels(closed + "variant smoke {\n  experiment x {\n    resources { |") == \
        labels(EXPERIMENT + "  resources { |")


def test_fields_already_set_are_not_offered_again():
    offered = labels(EXPERIMENT + "  |")
    assert "env" not in offered and "seed" in offered and "param" in offered


def test_a_sweep_offers_the_params_not_yet_swept():
    assert labels(EXPERIMENT + "  sweep grid {\n    lr = [0.1]\n    |") == ["opt"]


def test_profiles_from_an_import_filtered_by_the_field_type():
    offered = labels(EXPERIMENT + "  determinism = |")
    assert "det.pytorch_strict" in offered and all(o.startswith("det.") for o in offered)
    assert "pytorch_strict" in labels(EXPERIMENT + "  determinism = det.pyt|")


def test_rule_codes_in_a_suppression_comment():
    offered = labels(EXPERIMENT + "  seed = 1  # xspec: ignore[DET001, PI|")
    assert "PIN001" in offered and all(not code.startswith("E") for code in offered)


def test_import_paths_list_the_stdlib_and_project_files():
    offered = labels('xspec 1\nimport "|')
    assert offered[:3] == ["std/determinism", "std/k8s", "std/slurm"]
    assert "./envs.xspec" in offered and "./train.xspec" in offered


def test_a_preset_offers_the_fields_of_its_scheduler():
    offered = labels('xspec 1\npreset p {\n  scheduler = "slurm"\n  |')
    assert "partition" in offered and "namespace" not in offered


def test_completion_edits_replace_the_typed_prefix(tmp_path: Path):
    text = EXPERIMENT + "  determinism = det.pyt"
    path = tmp_path / "t.xspec"
    analysis = analyse(Request(path.as_uri(), 1, text, path), "utf-16", check)
    index = LineIndex(text)
    [item] = [i for i in complete(index, index.position(len(text)), analysis, path)
              if i.label == "pytorch_strict"]
    assert item.text_edit.range.start == index.position(len(text) - 3)
    assert item.text_edit.new_text == "pytorch_strict"
