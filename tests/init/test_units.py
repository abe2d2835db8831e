"""The small pieces: quoting, command lines, conda and Poetry pins, Python versions, markers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xspec import api
from xspec.init import pyversion, writer
from xspec.init.draft import Ref, Template
from xspec.init.merge import marker_environment
from xspec.init.poetry import constraint
from xspec.init.shell import Command


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       .filter(lambda t: not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", t)))   # E022
def test_a_quoted_string_reads_back_as_the_same_text(text):
    spec = f"xspec 1\n\nenv e {{\n  python = \"3.11.9\"\n  description = {writer.quote(text)}\n}}\n"
    result = api.check("t.xspec", spec)
    assert [d.message for d in result.diagnostics] == []
    assert result.entry_modules()[0].envs["e"].description == text


@pytest.mark.parametrize("text, expected", [
    ("a $HOME b", r'"a \$HOME b"'), ('say "hi"', r'"say \"hi\""'), ("back\\slash", r'"back\\slash"'),
    ("tab\there", r'"tab\there"'), ("${x}", r'"\${x}"'),
])
def test_quote_escapes(text, expected):
    assert writer.quote(text) == expected


def test_template_writes_placeholders():
    assert writer.value(Template(("--out=", Ref("lr"), "/$x"))) == r'"--out=${lr}/\$x"'


@pytest.mark.parametrize("command, expected", [
    ("python train.py --lr 0.1", ["python", "train.py", "--lr", "0.1"]),
    ("python 'a b.py' \"--x=1 2\"", ["python", "a b.py", "--x=1 2"]),
    ("python t.py 'lit$eral'", ["python", "t.py", "lit$eral"]),
])
def test_plain_commands_become_argv(command, expected):
    assert Command().to_run(command) == (expected, False)


@pytest.mark.parametrize("command", [
    "python t.py > log", "a && b", "python t.py $HOME", "echo *.csv", "FOO=1 python t.py",
    "python t.py | tee x", "cd ~/x", "python t.py\npython u.py", "python `which t`",
])
def test_commands_that_need_a_shell_stay_strings(command):
    run, shell = Command().to_run(command)
    assert shell and isinstance(run, Template)


def test_placeholders_become_references():
    command = Command()
    text = f"python t.py --lr {command.ref('lr')} --out out-{command.ref('lr')}.json"
    assert command.to_run(text) == (["python", "t.py", "--lr", Ref("lr"), "--out",
                                     Template(("out-", Ref("lr"), ".json"))], False)


@pytest.mark.parametrize("text, expected", [
    ("^1.2.3", ">=1.2.3,<2.0.0"), ("^0.2.3", ">=0.2.3,<0.3.0"), ("^0.0.3", ">=0.0.3,<0.0.4"),
    ("~1.2.3", ">=1.2.3,<1.3.0"), ("~1.2", ">=1.2,<1.3"), ("1.2.3", "==1.2.3"), ("*", ""),
    (">=1.2,<2", ">=1.2,<2"), ("1.2.*", "==1.2.*"), ("^1.2 || ^2", None), ("^1.0a1", None),
])
def test_poetry_constraints(text, expected):
    assert constraint(text) == expected


@pytest.mark.parametrize("spec, expected", [
    ("3.11.9", "3.11.9"), ("==3.11.9", "3.11.9"), ("=3.11", "3.11"), ("3.11.*", "3.11"),
    (">=3.10", None), ("~=3.11", None),
])
def test_exact_python_versions(spec, expected):
    assert pyversion.exact(spec) == expected


def test_python_from_a_range():
    assert pyversion.choose(">=3.99")[0] == "3.99"                 # the lowest allowed
    here = pyversion.running()
    assert pyversion.choose(">=3.0")[0] == here                    # the running one fits
    assert "NOT" in pyversion.choose("<3.0")[1]                   # said plainly when it does not


def test_markers_see_linux_and_the_envs_python():
    from packaging.markers import Marker

    environment = marker_environment("3.10.14")
    assert Marker('python_version < "3.11" and sys_platform == "linux"').evaluate(environment)
    assert not Marker('platform_system == "Windows"').evaluate(environment)


@pytest.mark.parametrize("constraint, pins, expected", [
    (">=3.8", {"torch": "1.9.1"}, "3.9"),                    # torch 1.9 has wheels up to 3.9
    ("", {"torch": "1.9.1", "numpy": "1.18.5"}, "3.8"),      # the lowest cap wins
    (">=3.8,<3.9", {"torch": "1.9.1"}, "3.8"),               # within the range
    (">=3.6", {"tensorflow": "1.15.5"}, "3.7"),
    ("", {"numpy": "not-a-version"}, None),                  # unreadable pins cap nothing
])
def test_python_for_old_pins(constraint, pins, expected):
    version, why = pyversion.choose(constraint, pins)
    assert version == (expected or pyversion.running())
    if expected:
        assert "has wheels up to Python" in why


def test_python_for_old_pins_outside_the_range_is_said():
    version, why = pyversion.choose(">=3.10", {"torch": "1.9.1"})
    assert version == "3.9" and "NOT within `>=3.10`" in why


def test_conda_names_sorted_into_pypi_system_and_conda_only():
    from xspec.init.condanames import classify

    assert classify("pytorch") == ("pypi", "torch")
    assert classify("scikit-learn") == ("pypi", "scikit-learn")   # same name on PyPI
    assert classify("librosa") == ("pypi", "librosa")             # a PyPI name despite `lib`
    assert classify("curl") == ("system", "curl")
    assert classify("python-flatbuffers") == ("pypi", "flatbuffers")   # conda's Python half
    for name in ("libgcc-ng", "_openmp_mutex", "cudatoolkit", "cuda-nvcc", "jpeg", "xz",
                 "sqlite", "ld_impl_linux-64", "r-base", "mkl", "abseil-cpp", "aws-c-common",
                 "hdf5", "flatbuffers"):
        assert classify(name) == ("conda", None), name
