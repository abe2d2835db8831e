"""Variants (docs/language.md, "Variants"): the overlay by path, the checks on the merged
file, and the variant in the spec's identity (digest, IR, headers)."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib.resources import files

import jsonschema
import pytest
from xspec import api
from xspec.types.variants import UnknownVariant

from tests.build.support import compile_files, run_xspec
from tests.conftest import FIXTURES

FIT = FIXTURES / "run" / "variants"


@pytest.fixture
def fit(tmp_path):
    shutil.copytree(FIT, tmp_path / "fit")
    return tmp_path / "fit" / "fit.xspec"


def _ir(spec, variant=None) -> dict:
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    compiled = compile_spec(spec, ["ir"], Options(), variant=variant)
    assert not compiled.failed, [f"{d.code} {d.message}" for d in compiled.diagnostics]
    return compiled.ir


def _spec(text: str, tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    path = tmp_path / "s.xspec"
    path.write_text(text)
    return path


BASE = """xspec 1
env py { python = "3.11.9" }
experiment train {
  env = py
  param lr: float = 0.1
  param batch: int = 32
  sweep grid { lr = [0.1, 0.2, 0.3], batch = [32, 64] }
  resources { cpus = 4, memory = 8GiB, time = 1h }
  run = ["python3", "t.py", lr, batch]
  target slurm { partition = "gpu", max_parallel = 8 }
}
"""


def test_an_overlay_merges_fields_and_blocks_by_path(tmp_path):
    spec = _spec(BASE + """variant smoke {
  experiment train {
    replicates = 2
    sweep grid { lr = [0.5] }
    resources { time = 5m }
    target slurm { partition = "debug" }
    target local { max_parallel = 1 }
  }
}
""", tmp_path)
    result = api.check(spec, variant="smoke")
    assert not result.has_errors, result.diagnostics
    exp = result.experiments[0]
    assert exp.replicates == 2
    assert exp.sweeps[0].axes == {"lr": [0.5], "batch": [32, 64]}      # lr replaced, batch kept
    r = exp.resources
    assert (r.cpus, r.memory, r.time) == (4, 8 * 2**30, 300)          # time replaced, the rest kept
    assert exp.targets["slurm"].settings == {"partition": "debug", "max_parallel": 8}
    assert exp.targets["local"].settings == {"max_parallel": 1}        # added
    base = api.check(spec).experiments[0]
    assert (base.replicates, base.sweeps[0].axes["lr"], base.resources.time) == (1, [0.1, 0.2, 0.3], 3600)


def test_jobs_and_ir_follow_the_variant(fit):
    base, smoke = _ir(fit), _ir(fit, "smoke")
    assert (base["experiments"][0]["job_count"], smoke["experiments"][0]["job_count"]) == (18, 1)
    assert "variant" not in base["spec"]
    assert smoke["spec"]["variant"]["name"] == "smoke"
    job = smoke["experiments"][0]["jobs"][0]
    assert job["params"] == {"lr": 0.05, "epochs": 1}
    schema = json.loads(files("xspec.ir").joinpath("schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(smoke)


def test_the_digest_adds_the_variant_line_to_the_manifest(fit):
    """Recomputed here the way docs/ir.md says, from the file's bytes."""
    data = fit.read_bytes()
    text = data.decode()
    block = text[text.index("\nvariant smoke {") + 1:text.rindex("}") + 1]
    files_line = f"{hashlib.sha256(data).hexdigest()}  fit.xspec\n"
    block_hash = hashlib.sha256(block.encode()).hexdigest()
    smoke = _ir(fit, "smoke")["spec"]
    assert smoke["variant"] == {"name": "smoke", "sha256": block_hash}
    expected = hashlib.sha256(f"{files_line}variant smoke {block_hash}\n".encode()).hexdigest()
    assert smoke["digest"] == "sha256:" + expected
    assert _ir(fit)["spec"]["digest"] == "sha256:" + hashlib.sha256(files_line.encode()).hexdigest()


def test_every_job_sees_the_variant_digest(fit):
    smoke = _ir(fit, "smoke")
    job = smoke["experiments"][0]["jobs"][0]
    assert smoke["experiments"][0]["vars"]["XSPEC_SPEC_DIGEST"] == [{"text": smoke["spec"]["digest"]}]
    assert job["env"]["XSPEC_SPEC_DIGEST"] == smoke["spec"]["digest"] != _ir(fit)["spec"]["digest"]


def test_every_generated_file_names_the_variant(fit):
    compiled = compile_files(fit, ["slurm", "k8s", "ir"], allow_unlocked=True)
    assert not compiled.failed, compiled.diagnostics
    slurm = compiled.files["slurm/fit.sbatch"]
    assert "# variant: smoke\n" not in slurm
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    smoke = compile_spec(fit, ["slurm", "k8s", "docker"], Options(allow_unlocked=True), variant="smoke")
    assert not smoke.failed, smoke.diagnostics
    for name, text in smoke.files.items():
        if name.endswith((".sbatch", ".yaml", "Dockerfile")):
            assert "# variant: smoke\n" in text, name
    assert "xspec.dev/variant: smoke" in smoke.files["k8s/fit.yaml"]
    assert "dev.xspec.variant=" in smoke.files["docker/fit/Dockerfile"]


def test_an_unknown_variant_lists_the_known_ones(fit):
    with pytest.raises(UnknownVariant, match=r"has no variant 'smok' \(its variants: smoke\)"):
        api.check(fit, variant="smok")
    for command in (["check"], ["build", "-t", "ir"], ["run"], ["submit"]):
        result = run_xspec([*command, fit.name, "--variant", "smok"], cwd=fit.parent)
        assert result.returncode == 2, (command, result.stderr)
        assert "has no variant 'smok' (its variants: smoke)" in result.stderr, command
        assert not (fit.parent / "runs").exists() and not (fit.parent / "build").exists()


def test_check_with_a_variant_checks_that_variant_only(tmp_path):
    spec = _spec(BASE + """variant bad {
  experiment train { replicates = 0 }
}
variant fine {
  experiment train { replicates = 2 }
}
""", tmp_path)
    every = run_xspec(["check", "--no-cache", "--format", "concise", spec.name], cwd=tmp_path)
    assert every.returncode == 1 and "E214 replicates must be at least 1" in every.stdout
    fine = run_xspec(["check", "--format", "concise", "--variant", "fine", spec.name], cwd=tmp_path)
    assert "E214" not in fine.stdout, fine.stdout
    bad = run_xspec(["check", "--format", "json", "--variant", "bad", spec.name], cwd=tmp_path)
    found = [d for d in json.loads(bad.stdout) if d["code"] == "E214"]
    assert bad.returncode == 1 and [(d["line"], d["column"]) for d in found] == [(13, 35)]   # the `0` in the variant


def test_the_base_spec_is_checked_once_with_its_variants(tmp_path):
    """An error in the base is reported once, not again for each variant."""
    spec = _spec(BASE.replace("cpus = 4", "cpus = 0") + """variant a { experiment train { replicates = 2 } }
variant b { experiment train { replicates = 3 } }
""", tmp_path)
    codes = [(d.code, d.span.line, d.hints) for d in api.check(spec).diagnostics]
    assert codes == [("E214", 8, ())]


def test_a_variant_may_point_an_experiment_at_another_env(tmp_path):
    spec = _spec(BASE + """env py312 { python = "3.12.4" }
variant new { experiment train { env = py312 } }
variant wrong { experiment train { env = nowhere } }
""", tmp_path)
    result = api.check(spec, variant="new")
    assert result.experiments[0].env.name == "py312"
    wrong = [(d.code, d.span.line) for d in api.check(spec).diagnostics]
    assert wrong == [("E120", 14)]


STEPS = """xspec 1
env py { python = "3.11.9" }
experiment prepare {
  env = py
  run = ["python3", "p.py"]
  outputs = { data = "d.csv" }
}
experiment train {
  env = py
  after = [prepare]
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run = ["python3", "t.py", prepare.outputs.data, lr]
  outputs = { model = "m.txt" }
}
experiment evaluate {
  env = py
  after = [train.each]
  param lr: float = 0.1
  sweep grid { lr = [0.1, 0.2] }
  run = ["python3", "e.py", train.outputs.model]
}
"""


def test_checking_the_variants_leaves_the_files_own_steps_as_they_are(tmp_path):
    """The variants are checked beside the file, sharing the steps they do not change:
    nothing they find is recorded on the file's own model."""
    spec = _spec(STEPS + """variant loop { experiment prepare { after = [evaluate] } }
variant alone { experiment train { after = [] } }
""", tmp_path)
    result = api.check(spec)
    found = sorted((d.code, d.span.line, d.hints[-1]) for d in result.diagnostics)
    assert found == [("E241", 10, "with variant `loop` (`--variant loop`)"),   # closes prepare->evaluate->train->prepare
                     ("E244", 13, "with variant `alone` (`--variant alone`)")]
    steps = {e.name: [(n.step, n.shape) for n in e.needs] for e in result.experiments}
    assert steps == {"prepare": [], "train": [("prepare", "all")], "evaluate": [("train", "each")]}


def test_a_step_that_waits_for_a_changed_one_is_checked_again(tmp_path):
    spec = _spec(STEPS + """variant more { experiment train { sweep grid { lr = [0.1, 0.2, 0.3] } } }
variant both {
  experiment train { sweep grid { lr = [0.3] } }
  experiment evaluate { sweep grid { lr = [0.3] } }
}
""", tmp_path)
    found = [(d.code, d.span.line, d.hints[-1]) for d in api.check(spec).diagnostics]
    assert found == [("E243", 18, "with variant `more` (`--variant more`)")]   # evaluate: after = [train.each]


def test_a_variant_that_renames_an_output_breaks_its_readers(tmp_path):
    spec = _spec(STEPS + """variant renamed { experiment prepare { outputs = { table = "d.csv" } } }
variant same { experiment prepare { seed = 3 } }
""", tmp_path)
    found = [(d.code, d.span.line, d.hints[-1]) for d in api.check(spec).diagnostics]
    assert found == [("E242", 13, "with variant `renamed` (`--variant renamed`)")]


def test_an_experiment_lost_to_a_syntax_error_is_not_reported_again(tmp_path):
    spec = _spec(BASE.replace('run = ["python3"', 'run = = ["python3"') +
                 "variant smoke { experiment train { replicates = 1 } }\n", tmp_path)
    assert [d.code for d in api.check(spec).diagnostics] == ["E001"]
