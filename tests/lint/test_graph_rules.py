"""The rules on the graph of steps: DAT008's fix, and where it is withheld. What each
rule reports is in its fixture (fixtures/lint/COR012.xspec, DAT008.xspec)."""

from __future__ import annotations

from tests.lint.cli_support import xspec
from tests.lint.support import LINT_FIXTURES, by_line, diagnostics

STEPS = '''\
xspec 1

env py { python = "3.11.9" }

experiment train {
  env     = py
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run     = ["python3", "train.py", "--lr", lr]
  outputs = { model = "ckpt/model.pt" }
}
'''


def _upstream_findings(reader: str, tmp_path):
    return [d for d in diagnostics(STEPS + reader, tmp_path) if d.code == "DAT008"]


def test_unsafe_fix_replaces_the_path_with_the_reference(tmp_path):
    spec = tmp_path / "DAT008.xspec"
    spec.write_text((LINT_FIXTURES / "DAT008.xspec").read_text(encoding="utf-8"))
    xspec("check", "--fix", "--unsafe-fixes", "--no-cache", "--select", "DAT008", str(spec))
    text = spec.read_text(encoding="utf-8")
    assert '"train.py", prepare.outputs.train]  # expect' in text
    assert '"--model=${train.outputs.model}",  # expect' in text
    assert '           prepare.outputs.test]  # expect' in text
    # `report` is after nothing: its paths stay, and so do their findings.
    assert sorted(by_line(spec, "DAT008")) == [(28, "DAT008"), (29, "DAT008")]


def test_plain_fix_leaves_the_path(tmp_path):
    spec = tmp_path / "DAT008.xspec"
    before = (LINT_FIXTURES / "DAT008.xspec").read_text(encoding="utf-8")
    spec.write_text(before)
    xspec("check", "--fix", "--no-cache", "--select", "DAT008", str(spec))
    assert spec.read_text(encoding="utf-8") == before


def test_no_fix_when_the_reference_is_one_path_per_job(tmp_path):
    found = _upstream_findings('''
experiment evaluate {
  env   = py
  after = [train]
  run   = ["python3", "eval.py", "ckpt/model.pt"]
}
''', tmp_path)
    assert [(d.span.line, d.fix) for d in found] == [(16, None)]


def test_fix_when_jobs_are_paired(tmp_path):
    found = _upstream_findings('''
experiment evaluate {
  env   = py
  after = [train.each]
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run   = ["python3", "eval.py", "--lr", lr, "train/ckpt/model.pt"]
}
''', tmp_path)
    assert [e.text for d in found for e in d.fix.edits] == ["train.outputs.model"]
    assert not found[0].fix.safe


def test_no_fix_in_a_string_with_escapes(tmp_path):
    found = _upstream_findings('''
experiment evaluate {
  env   = py
  after = [train.each]
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run   = ["python3", "eval.py", "--lr", lr, "--name=\\"x\\" train/ckpt/model.pt"]
}
''', tmp_path)
    assert [(d.span.line, d.fix) for d in found] == [(18, None)]


def test_own_output_of_the_same_path_is_not_upstream(tmp_path):
    found = _upstream_findings('''
experiment evaluate {
  env     = py
  after   = [train.each]
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run     = ["python3", "eval.py", "--lr", lr, "--out", "ckpt/model.pt"]
  outputs = ["ckpt/model.pt"]
}
''', tmp_path)
    assert found == []
