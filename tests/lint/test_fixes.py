"""--fix, --unsafe-fixes and --diff: what they change, what they leave, and that the
result is a valid spec."""

from __future__ import annotations

import hashlib
import textwrap

import pytest

from tests.lint.cli_support import xspec
from tests.lint.support import lint
from xspec.diagnostics import Edit, Fix
from xspec.lint.fixes import apply
from xspec.lint.rules.cor003_string_run import argv
from xspec.types.model import Placeholder, Template

BEFORE = '''\
import "std/determinism" as det
import "std/k8s" as k8s

env e {
  python = "3.11"  # xspec: ignore[PIN002]
  image  = "docker.io/library/python:3.11.9-slim@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317"
  vars   = { PYTHONHASHSEED = "random" }
}

experiment x {
  env = e
  determinism = det.numpy
  param lr: float = 0.1
  let unused = 1
  run = "python train.py --lr ${lr} --seed ${seed}"
}
'''

AFTER_SAFE = '''\
xspec 1

import "std/determinism" as det

env e {
  python = "3.11.9"
  image  = "docker.io/library/python:3.11.9-slim@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317"
  vars   = { PYTHONHASHSEED = "random" }
}

experiment x {
  env = e
  determinism = det.numpy
  param lr: float = 0.1
  run = ["python", "train.py", "--lr", lr, "--seed", seed]
}
'''


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "s.xspec"
    path.write_text(BEFORE)
    return path


def test_fix_applies_every_safe_fix_and_leaves_the_rest(spec):
    done = xspec("check", "--fix", str(spec))
    assert spec.read_text() == AFTER_SAFE
    assert "Fixed 6 problems in 1 file" in done.stdout
    assert "DET011" in done.stdout and "DET001" in done.stdout     # unsafe: reported, not fixed
    assert done.returncode == 1


def test_fix_is_idempotent(spec):
    xspec("check", "--fix", str(spec))
    again = xspec("check", "--fix", str(spec))
    assert spec.read_text() == AFTER_SAFE
    assert "Fixed 0 problems in 0 files" in again.stdout


def test_unsafe_fixes_need_their_flag(spec):
    xspec("check", "--fix", "--unsafe-fixes", str(spec))
    text = spec.read_text()
    assert 'PYTHONHASHSEED = "0"' in text
    assert "seed = " in text.split("experiment x {")[1]          # DET001 added a seed
    fixable = ("DET001", "DET011", "PIN008", "COR003", "COR005", "COR006", "COR009")
    assert lint(text, spec.parent, name="again.xspec", select=fixable) == []


def test_diff_prints_and_writes_nothing(spec):
    done = xspec("check", "--diff", str(spec))
    assert spec.read_text() == BEFORE
    assert done.returncode == 1
    assert "+xspec 1" in done.stdout and '-import "std/k8s" as k8s' in done.stdout
    assert "Would fix 6 problems" in done.stderr


def test_diff_with_nothing_to_fix_exits_0(tmp_path):
    path = tmp_path / "ok.xspec"
    path.write_text('xspec 1\n\nenv e {\n  python = "3.11.9"\n}\n')
    done = xspec("check", "--diff", str(path))
    assert done.returncode == 0 and done.stdout == ""


def test_unsafe_data_hash_fix_records_the_file_hash(tmp_path):
    (tmp_path / "points.csv").write_bytes(b"x,y\n1,2\n")
    path = tmp_path / "d.xspec"
    path.write_text('xspec 1\n\ndata points {\n  path = "points.csv"\n}\n')
    xspec("check", "--fix", "--unsafe-fixes", str(path))
    digest = hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert path.read_text() == f'xspec 1\n\ndata points {{\n  path = "points.csv"\n  sha256 = "{digest}"\n}}\n'


def test_fix_never_touches_a_file_it_cannot_parse(tmp_path):
    path = tmp_path / "broken.xspec"
    path.write_text("xspec 1\nenv e {\n")
    xspec("check", "--fix", str(path))
    assert path.read_text() == "xspec 1\nenv e {\n"


def test_fix_does_not_add_a_header_to_an_xml_file(tmp_path):
    path = tmp_path / "suite.xspec"
    text = '<?xml version="1.0"?>\n<x:description xmlns:x="http://www.jenitennison.com/xslt/xspec"/>\n'
    path.write_text(text)
    done = xspec("check", "--fix", str(path))
    assert path.read_text() == text and "E006" in done.stdout


# ---- applying edits ------------------------------------------------------------------------

def test_overlapping_fixes_wait_for_the_next_pass():
    first = Fix("a", (Edit(0, 3, "ABC"),))
    overlapping = Fix("b", (Edit(2, 5, "xyz"),))
    later = Fix("c", (Edit(6, 7, "G"),))
    assert apply("abcdefg", [first, overlapping, later]) == ("ABCdefG", 2)


def test_insertions_at_the_same_point_do_not_both_apply():
    assert apply("ab", [Fix("x", (Edit(1, 1, "X"),)), Fix("y", (Edit(1, 1, "Y"),))]) == ("aXb", 1)


def test_a_fix_applies_all_its_edits_or_none():
    both = Fix("both", (Edit(0, 1, "A"), Edit(4, 5, "E")))
    blocker = Fix("blocker", (Edit(3, 5, "__"),))
    assert apply("abcde", [blocker, both]) == ("abc__", 1)


P = Placeholder


@pytest.mark.parametrize("parts,expected", [
    (("python train.py",), ['"python"', '"train.py"']),
    (("python a.py --lr ", P("param", "lr")), ['"python"', '"a.py"', '"--lr"', "lr"]),
    (("python a.py --lr=", P("param", "lr")), ['"python"', '"a.py"', '"--lr=${lr}"']),
    (("a --data ", P("data", "d", "path"), " --out x/", P("builtin", "job_index"), ".json"),
     ['"a"', '"--data"', "d.path", '"--out"', '"x/${job_index}.json"']),
    (("python a.py | tee log",), None),
    (("python a.py > out",), None),
    (("echo $HOME",), None),
    (("echo 'quoted words'",), None),
    (("ls *.csv",), None),
    (("   ",), None),
])
def test_string_run_to_argv(parts, expected):
    assert argv(Template(parts)) == expected


def test_fixed_string_run_checks_clean(tmp_path):
    text = textwrap.dedent('''
        xspec 1

        env e {
          python = "3.11.9"
        }

        experiment x {
          env = e
          seed = 1
          param out: str = "runs"
          run = "python a.py --seed ${seed} --out ${out}/r${replicate}.json"
        }
        ''').lstrip()
    path = tmp_path / "r.xspec"
    path.write_text(text)
    xspec("check", "--fix", str(path))
    assert 'run = ["python", "a.py", "--seed", seed, "--out", "${out}/r${replicate}.json"]' in path.read_text()
    assert "COR003" not in xspec("check", str(path)).stdout
