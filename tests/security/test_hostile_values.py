"""The hostile-value fuzz (tests/security/hostile.py) in CI: no value in any string field
becomes code in any target, nothing raises, and every runner that builds runs."""

from __future__ import annotations

import pytest
import yaml

from tests.build.lowering import write_spec
from tests.build.support import compile_files
from tests.security.hostile import CORPUS, DEFAULTS, FIELDS, Fuzz


def test_no_hostile_value_becomes_code(tmp_path):
    figures = Fuzz(tmp_path).run()
    print("\n".join(figures.lines()))
    assert figures.pairs == len(CORPUS) * len(FIELDS)
    assert not figures.tracebacks, figures.tracebacks[:5]
    assert not figures.injections, figures.injections[:5]
    assert not figures.failed_runs, figures.failed_runs[:5]
    # The fuzz did reach both sides: values refused by the checker, and runners executed.
    assert figures.refused_by_check > len(CORPUS) and figures.executions > 2 * len(CORPUS)


def test_the_fuzz_sees_an_injection(tmp_path):
    """A runner that runs a value as code is reported (the check can fail)."""
    fuzz = Fuzz(tmp_path, fields=["description"], corpus=["x"])
    fuzz.scripts["s"] = ("planted", "slurm", "mkdir -p a/b && touch a/b/XSPEC_CANARY\n", {})
    fuzz.scripts["y"] = ("planted", "k8s", "exit 0\n", {})
    fuzz.execute_all()
    assert fuzz.figures.injections == ["planted: slurm runner created the canary"]
    assert fuzz.shape("docker/x/Dockerfile", "FROM a\nRUN x\n").startswith("instructions")
    assert fuzz.shape("apptainer/x/x.def", "%labels\n%files\n%environment\n%post\n%post\n%runscript\n")


def test_every_field_default_builds_every_target(tmp_path):
    fuzz = Fuzz(tmp_path / "fuzz", fields=[], corpus=[])
    spec = fuzz.write(tmp_path / "p", "none", "")
    compiled = fuzz.compile(spec)
    assert not compiled.diagnostics, [f"{d.code} {d.message}" for d in compiled.diagnostics]
    assert {path.split("/")[0] for path in compiled.files} == {"ir", "slurm", "k8s", "docker", "apptainer", "nix"}
    assert set(DEFAULTS) | {"file_name"} == set(FIELDS)


@pytest.mark.parametrize("name", ["a\u2028b", "a\x85b", "a\u2029b", "a\nb", "a\rb"])
def test_a_line_break_in_the_file_name_stays_in_the_comments(tmp_path, name):
    spec = write_spec(tmp_path, 'xspec 1\nenv e { python = "3.11.9", image = "python@sha256:' + "a" * 64 +
                      '" }\nexperiment x {\n  env = e\n  run = ["p"]\n}\n', name=name + ".xspec", full=True)
    compiled = compile_files(spec, ["k8s", "slurm"], allow_unlocked=True)
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    documents = list(yaml.safe_load_all(compiled.files["k8s/x.yaml"]))
    assert [d["kind"] for d in documents] == ["ConfigMap", "Job"]
    assert documents[1]["metadata"]["annotations"]["xspec.dev/spec"] == name + ".xspec"
    files = {**compiled.files, "k8s/xspec-job.sh": documents[0]["data"]["xspec-job.sh"]}
    for path, text in files.items():
        header = text.splitlines()[1 if text.startswith("#!") else 0:][:4]    # Python's (and YAML's) lines
        if path.endswith((".yaml", ".sbatch", ".sh")):
            assert all(line.startswith("#") for line in header), (path, header)
