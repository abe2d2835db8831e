"""Every spec string that reaches an output is checked by the grammar of its slot:
one error with its code on the string's own span, and good values stay clean."""

from __future__ import annotations

import pytest

from tests.build.lowering import write_spec
from tests.build.support import compile_files
from tests.conftest import REPO
from xspec import api
from xspec.codes import SLOTS
from xspec.types import slots

DIGEST = "sha256:" + "a" * 64
SPEC = """xspec 1
env e {{
  python = "3.11.9"
  {env}
}}
experiment x {{
  env = e
  run = ["p"]
  {experiment}
}}
"""

BAD = [
    # (env fields, experiment fields, code, the text the span covers)
    (f'image = "python\\nRUN touch /tmp/P\\nFROM python@{DIGEST}"', "", "E231",
     f'"python\\nRUN touch /tmp/P\\nFROM python@{DIGEST}"'),
    ('image = "Python:3.11"', "", "E231", '"Python:3.11"'),
    ('image = "python:3.11 AS x"', "", "E231", '"python:3.11 AS x"'),
    ('packages = { foo = "banana" }', "", "E233", '"banana"'),
    ('packages = { jpeg = "==9d.*" }', "", "E233", '"==9d.*"'),
    ('packages = { p = "==1.0\\n--index-url https://attacker.invalid/simple" }', "", "E233",
     '"==1.0\\n--index-url https://attacker.invalid/simple"'),
    ('packages = { p = "==1.0 --find-links /tmp" }', "", "E233", '"==1.0 --find-links /tmp"'),
    ('packages = { "p q" = "==1.0" }', "", "E232", '"p q"'),
    ('packages = { "-e" = "==1.0" }', "", "E232", '"-e"'),
    ('packages = { "p\u2028q" = "==1.0" }', "", "E232", '"p\u2028q"'),
    ('packages = { "p[\\nx]" = "==1.0" }', "", "E232", '"p[\\nx]"'),
    ('system = ["curl; touch /tmp/P"]', "", "E234", '"curl; touch /tmp/P"'),
    ('index_url = "https://pypi.example/simple\\nRUN touch /tmp/P"', "", "E236",
     '"https://pypi.example/simple\\nRUN touch /tmp/P"'),
    ('index_url = "https://pypi.example/$(id)/simple"', "", "E236", '"https://pypi.example/$(id)/simple"'),
    ('index_url = "--find-links /tmp"', "", "E236", '"--find-links /tmp"'),
    ('vars = { "A B" = "x" }', "", "E230", '"A B"'),
    ("", 'secret tok from env("HOME}$(touch /tmp/P)")\n  vars = { T = tok }', "E230",
     '"HOME}$(touch /tmp/P)"'),
    ("", 'secret tok from env("A\\nB")\n  vars = { T = tok }', "E230", '"A\\nB"'),
    ("", 'secret tok from k8s("Creds", "key")\n  vars = { T = tok }', "E235", '"Creds"'),
    ("", 'secret tok from k8s("creds", "a b")\n  vars = { T = tok }', "E235", '"a b"'),
    ("", 'vars = { "X$(id)" = "x" }', "E230", '"X$(id)"'),
    ("", 'target slurm { partition = "gpu\\n#SBATCH --wrap=id" }', "E235", '"gpu\\n#SBATCH --wrap=id"'),
    ("", 'target slurm { account = "a b" }', "E235", '"a b"'),
    ("", 'target slurm { modules = ["cuda", "a;b"] }', "E235", '"a;b"'),
    ("", 'target slurm { extra_args = ["--mail-user=$(id)"] }', "E235", '"--mail-user=$(id)"'),
    ("", 'resources { gpu_type = "a100:2" }', "E235", '"a100:2"'),
    ("", 'target k8s { namespace = "Research" }', "E235", '"Research"'),
    ("", 'target k8s { node_selector = { "a b" = "x" } }', "E235", '"a b"'),
    ("", 'target k8s { node_selector = { "kubernetes.io/os" = "linux os" } }', "E235", '"linux os"'),
    ("", 'target k8s { image_pull_secrets = ["ok", "not ok"] }', "E235", '"not ok"'),
    ("", 'target k8s { gpu_resource = "nvidia.com/gpu\\n" }', "E235", '"nvidia.com/gpu\\n"'),
    ("", 'target k8s { tolerations = [{ key = "k", operator = "Sometimes" }] }', "E235",
     '{ key = "k", operator = "Sometimes" }'),
]


def check(tmp_path, env: str, experiment: str):
    spec = write_spec(tmp_path, SPEC.format(env=env, experiment=experiment), full=True)
    return spec, api.check(spec)


@pytest.mark.parametrize("env, experiment, code, covered", BAD)
def test_a_bad_value_is_one_error_on_its_own_span(tmp_path, env, experiment, code, covered):
    spec, result = check(tmp_path, env, experiment)
    errors = [d for d in result.diagnostics if d.severity.name == "ERROR"]
    assert [d.code for d in errors] == [code], [f"{d.code} {d.message}" for d in errors]
    text = spec.read_text()
    assert text[errors[0].span.start:errors[0].span.end] == covered
    assert errors[0].hints


GOOD = [
    f'image = "docker.io/library/python:3.11.9-slim@{DIGEST}"',
    f'image = "registry.example.org:5000/lab/python:3.11.9-slim@{DIGEST}"',
    'image = "python:3.11"',
    'image = "ghcr.io/ourlab/mlflow-train__x/y-z:v1.0_rc"',
    'packages = { torch = "==2.3.1", "scikit-learn" = ">=1.5,<2", "jax[cuda12]" = "==0.4.30" }',
    'packages = { a = "", b = "*", c = "1.4", d = "~=1.4.2", e = "==1.26.*", f = "==1.8.1+cu101" }',
    'packages = { g = "!=1.0, >=0.9", h = "===weird", i = "==2.0rc1", j = "1!2.0.post1" }',
    'packages = { mylib = "@ git+https://github.com/lab/mylib@3f5e0c1d2b4a69788796a5b4c3d2e1f0a9b8c7d6" }',
    'packages = { w = "https://files.example.org/w-1.0-py3-none-any.whl#sha256=' + "b" * 64 + '" }',
    'packages = { direct = "direct @ https://files.example.org/direct-2.0.tar.gz" }',
    'system = ["libgomp1=12.2.0-14", "git", "libc6:amd64=2.36-9+deb12u4", "libGL"]',
    'vars = { _A1 = "x", OMP_NUM_THREADS = 4 }',
    'index_url = "https://pypi.lab.example:8443/simple/"',
    'index_url = "http://127.0.0.1:8000/simple"',
    'index_url = "file:///srv/wheels/simple"',
]
GOOD_EXPERIMENT = [
    'secret tok from env("WANDB_API_KEY")\n  secret hf from k8s("hf-credentials", "token.v1")\n'
    '  vars = { T = tok, H = hf }',
    'target slurm { partition = "gpu,debug", account = "ml-lab", qos = "normal", constraint = "a100&ib|[v100*2]",'
    ' modules = ["cuda/12.1", "gcc@11.2"], extra_args = ["--requeue", "--switches=1@00:10:00", "--gpus-per-task 1"] }',
    'resources { gpu_type = "a100" }',
    'target k8s { namespace = "research", node_selector = { "nvidia.com/gpu.present" = "true", "a" = "" },'
    ' tolerations = [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }],'
    ' service_account = "trainer", priority_class = "batch-low", image_pull_secrets = ["regcred"],'
    ' gpu_resource = "nvidia.com/gpu" }',
]


@pytest.mark.parametrize("env", GOOD)
def test_good_env_values_are_clean(tmp_path, env):
    _, result = check(tmp_path, env, "")
    assert not [d for d in result.diagnostics if d.severity.name == "ERROR"], result.diagnostics


@pytest.mark.parametrize("experiment", GOOD_EXPERIMENT)
def test_good_experiment_values_are_clean(tmp_path, experiment):
    _, result = check(tmp_path, "", experiment)
    assert not [d for d in result.diagnostics if d.severity.name == "ERROR"], result.diagnostics


def test_a_preset_value_is_checked_in_the_preset(tmp_path):
    spec = write_spec(tmp_path, 'xspec 1\npreset p {\n  scheduler = "slurm"\n  partition = "a b"\n}\n', full=True)
    errors = [d for d in api.check(spec).diagnostics if d.severity.name == "ERROR"]
    assert [(d.code, d.span.line) for d in errors] == [("E235", 4)]


# ---- the grammars against packaging ------------------------------------------------------

SPECIFIERS = ["==1", "==1.2.3", ">=1,<2", "== 1.0", "!=1.*", "==1.26.*", ">=1.26.*", "~=1", "~=1.2",
              "<1.0.0", ">1", "==1.0,", "==", "=1.0", "==1.0 ; python_version<'3'", "==1..2",
              "==01.2", "===x", ">=1.0rc1", "<=2!1.0"]


@pytest.mark.parametrize("text", SPECIFIERS)
def test_the_specifier_grammar_agrees_with_packaging(text):
    """(A specifier must start with its operator: `xspec lock` reads anything else as a
    bare version, so ",==1", which packaging reads, is refused.)"""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(text)
        valid = True
    except InvalidSpecifier:
        valid = False
    assert (slots.package_specifier("p", text) is None) == valid


@pytest.mark.parametrize("name, spec", [("torch", "==2.3.1"), ("a", ""), ("b", "1.4"), ("c", ">=1,<2"),
                                        ("jax[cuda12]", "==0.4.30"), ("m", "@ git+https://h/m@abc"),
                                        ("w", "https://h/w-1.0-py3-none-any.whl"), ("d", "d @ https://h/d.tgz")])
def test_requirement_lines_are_pep_508(name, spec):
    from packaging.requirements import Requirement

    assert slots.package_specifier(name, spec) is None
    requirement = Requirement(slots.requirement_line(name, spec))
    assert requirement.name == name.split("[")[0]


def test_an_unlocked_bare_version_is_written_as_an_exact_pin(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(env=f'image = "python@{DIGEST}"\n  packages = {{ foo = "1.4" }}',
                                            experiment=""), full=True)
    compiled = compile_files(spec, ["docker"], allow_unlocked=True)
    assert compiled.files["docker/x/requirements.lock"].splitlines()[1:] == ["foo==1.4"]


def test_every_slot_code_is_documented():
    language = (REPO / "docs" / "language.md").read_text()
    for code in SLOTS.values():
        assert f"**{code.code} {code.name}**" in language, code.code
