"""The checker proves the graph of steps (docs/language.md, "Steps"): each rule on the
smallest spec that breaks it, and the valid shapes that must pass."""

from __future__ import annotations

import re

from xspec import api
from xspec.codes import GRAPH
from xspec.types.graph import job_count

from tests.conftest import FIXTURES, REPO
from tests.harness import codes, expected_by_line

HEAD = 'xspec 1\nenv py { python = "3.11.9" }\n'
PREPARE = 'experiment prepare {\n env = py\n run = ["p"]\n outputs = { train = "t.csv" }\n}\n'


def _errors(text: str) -> list[str]:
    return [c for c in codes(HEAD + text) if c.startswith("E")]


def _sweep(name: str, after: str, values: str, run: str = '["t", lr]') -> str:
    return (f"experiment {name} {{\n env = py\n after = {after}\n param lr: float = 0.1\n"
            f" sweep grid {{ lr = [{values}] }}\n run = {run}\n outputs = {{ model = \"m\" }}\n}}\n")


def test_a_pipeline_of_every_shape_checks_clean():
    text = PREPARE + _sweep("train", "[prepare]", "0.1, 0.2", '["t", prepare.outputs.train, lr]')
    text += _sweep("evaluate", "[train.each, prepare]", "0.3, 0.4",
                   '["e", train.outputs.model, "--t=${prepare.outputs.train}", lr]')
    text += 'experiment agg {\n env = py\n after = [evaluate]\n run = ["a", evaluate.outputs.model]\n}\n'
    assert _errors(text) == []


def test_order_of_definitions_does_not_matter():
    text = _sweep("train", "[prepare]", "0.1", '["t", prepare.outputs.train, lr]') + PREPARE
    assert _errors(text) == []


def test_unknown_step_and_suffix():
    assert _errors(PREPARE + _sweep("t", "[prepar]", "0.1")) == ["E240"]
    assert _errors(PREPARE + _sweep("t", "[prepare.all]", "0.1")) == ["E240"]
    assert _errors(PREPARE + _sweep("t", '["prepare"]', "0.1")) == ["E240"]


def test_the_unknown_step_hint_names_the_near_miss():
    result = api.check("t.xspec", HEAD + PREPARE + _sweep("t", "[prepar]", "0.1"))
    (error,) = [d for d in result.diagnostics if d.code == "E240"]
    assert "did you mean `prepare`?" in error.hints


def test_a_step_of_another_file_is_not_in_the_graph(tmp_path):
    (tmp_path / "other.xspec").write_text(HEAD + PREPARE)
    spec = tmp_path / "main.xspec"
    spec.write_text(HEAD + 'import "./other" as other\n'
                    + _sweep("t", "[other]", "0.1", '["t", other.prepare.outputs.train, lr]'))
    found = [d for d in api.check(spec).diagnostics if d.code.startswith("E")]
    assert [d.code for d in found] == ["E240", "E240"]
    assert "is a module" in found[0].message


def test_cycles_of_one_two_and_three_steps():
    one = 'experiment a {\n env = py\n after = [a]\n run = ["x"]\n}\n'
    assert _errors(one) == ["E241"]
    three = "".join(f'experiment {n} {{\n env = py\n after = [{m}]\n run = ["x"]\n}}\n'
                    for n, m in (("a", "b"), ("b", "c"), ("c", "a")))
    result = api.check("t.xspec", HEAD + three)
    (cycle,) = [d for d in result.diagnostics if d.code == "E241"]
    assert "a -> b -> c -> a" in cycle.message


def test_undeclared_output_and_list_outputs_have_no_names():
    assert _errors(PREPARE + _sweep("t", "[prepare]", "0.1", '["t", prepare.outputs.test, lr]')) \
        == ["E242"]
    listed = 'experiment prepare {\n env = py\n run = ["p"]\n outputs = ["t.csv"]\n}\n'
    result = api.check("t.xspec", HEAD + listed
                       + _sweep("t", "[prepare]", "0.1", '["t", prepare.outputs.train, lr]'))
    (error,) = [d for d in result.diagnostics if d.code == "E242"]
    assert "with a map" in error.hints[0]


def test_each_needs_the_same_number_of_jobs_counting_replicates():
    train = _sweep("train", "[]", "0.1, 0.2")
    assert _errors(train + _sweep("ev", "[train.each]", "0.1, 0.2")) == []
    assert _errors(train + _sweep("ev", "[train.each]", "0.1")) == ["E243"]
    doubled = _sweep("ev", "[train.each]", "0.1").replace(" env = py\n", " env = py\n replicates = 2\n")
    assert _errors(train + doubled) == []


def test_reading_outputs_needs_after():
    assert _errors(PREPARE + _sweep("t", "[]", "0.1", '["t", prepare.outputs.train, lr]')) == ["E244"]


def test_outputs_of_many_jobs_only_as_a_whole_argument():
    train = _sweep("train", "[]", "0.1, 0.2")
    whole = 'experiment agg {\n env = py\n after = [train]\n run = ["a", train.outputs.model]\n}\n'
    inside = whole.replace("train.outputs.model", '"--m=${train.outputs.model}"')
    in_vars = whole.replace('run = ["a", train.outputs.model]', 'run = ["a"]\n vars = { M = train.outputs.model }')
    assert _errors(train + whole) == []
    assert _errors(train + inside) == ["E245"]
    assert _errors(train + in_vars) == ["E245"]


def test_output_references_only_in_run_and_vars():
    text = PREPARE + 'experiment t {\n env = py\n after = [prepare]\n run = ["x"]\n' \
        ' outputs = [prepare.outputs.train]\n}\n'
    assert _errors(text) == ["E214"]
    at_top = PREPARE + "let x = prepare.outputs.train\n"
    assert _errors(at_top) == ["E214"]


def test_job_count_is_points_times_replicates():
    result = api.check("t.xspec", HEAD + _sweep("t", "[]", "0.1, 0.2, 0.3").replace(
        " env = py\n", " env = py\n replicates = 2\n"))
    (module,) = [m for m in result.modules.values() if not m.is_stdlib]
    assert job_count(module.experiments["t"]) == 6


def test_every_graph_code_has_a_fixture_and_documentation():
    covered = {code for _, code in expected_by_line((FIXTURES / "check/steps.xspec").read_text())}
    assert set(GRAPH) <= covered
    docs = (REPO / "docs/language.md").read_text()
    for code in GRAPH.values():
        assert re.search(rf"\*\*{code.code} {code.name}\*\*", docs), code.code
