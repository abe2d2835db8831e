"""Lowering: sweeps expanded in the documented order, values formatted, env merged, lock applied."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import pytest

from tests.build.lowering import lower_spec, lower_text, write_spec
from tests.build.support import BUILD_FIXTURES, copy_project, write_test_lock
from tests.conftest import example_specs

SCHEMA = None


def ir_schema() -> dict:
    from importlib.resources import files

    return json.loads(files("xspec.ir").joinpath("schema.json").read_text())


def params(jobs, *names):
    return [tuple(j["params"][n] for n in names) for j in jobs]


# ---- job order -------------------------------------------------------------------------

def test_grid_last_axis_fastest_replicates_innermost(tmp_path):
    exp = lower_text(tmp_path, """
      param a: int = 0
      param b: str = "x"
      replicates = 2
      sweep grid { a = [1, 2], b = ["x", "y"] }
      run = ["p", a, b]
    """)
    assert params(exp["jobs"], "a", "b") == [(1, "x"), (1, "x"), (1, "y"), (1, "y"),
                                             (2, "x"), (2, "x"), (2, "y"), (2, "y")]
    assert [j["replicate"] for j in exp["jobs"]] == [0, 1] * 4
    assert [j["point"] for j in exp["jobs"]] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert [j["index"] for j in exp["jobs"]] == list(range(8)) and exp["job_count"] == 8


def test_zip_steps_together_and_sweeps_combine_in_declared_order(tmp_path):
    exp = lower_text(tmp_path, """
      param n: int = 0
      param steps: int = 0
      param scheme: str = "j"
      sweep zip { n = [256, 512, 1024], steps = [4, 2, 1] }
      sweep grid { scheme = ["j", "rb"] }
      run = ["p", n, steps, scheme]
    """)
    assert params(exp["jobs"], "n", "steps", "scheme") == [
        (256, 4, "j"), (256, 4, "rb"), (512, 2, "j"), (512, 2, "rb"), (1024, 1, "j"), (1024, 1, "rb")]


def test_no_sweep_is_one_job_with_the_defaults(tmp_path):
    exp = lower_text(tmp_path, """
      param lr: float = 0.1
      run = ["p", lr]
    """)
    assert exp["job_count"] == 1 and exp["jobs"][0]["params"] == {"lr": 0.1}


# ---- values ----------------------------------------------------------------------------------

def test_values_are_formatted_canonically(tmp_path):
    exp = lower_text(tmp_path, """
      param lr: float = 1e-5
      param big: float = 2.5e20
      param n: int = -3
      param on: bool = true
      param wait: duration = 30m
      param buffer: size = 64MiB
      param kind: enum("a", "b") = "b"
      param config: path = "config/x.toml"
      run = ["p", lr, big, n, on, wait, buffer, kind, config, "${lr}/${wait}", 30m, 2.0]
    """)
    assert exp["jobs"][0]["argv"] == ["p", "1e-05", "2.5e+20", "-3", "true", "1800", "67108864", "b",
                                      "config/x.toml", "1e-05/1800", "30m", "2.0"]
    assert exp["jobs"][0]["params"]["wait"] == 1800


def test_string_run_goes_through_sh_with_values_quoted(tmp_path):
    exp = lower_text(tmp_path, """
      param name: str = "a b'c"
      run = "echo ${name} > out.txt"
    """)
    assert exp["jobs"][0]["argv"] == ["/bin/sh", "-c", "echo 'a b'\"'\"'c' > out.txt"]
    assert exp["run"][2][1] == {"param": "name", "quote": "sh"}


def test_builtins_fill_templates(tmp_path):
    exp = lower_text(tmp_path, """
      seed = 3
      replicates = 2
      run = ["p", "--out", "r/${job_index}-${replicate}", seed]
      outputs = ["r/${job_index}-${replicate}/m.json"]
      workdir = "sub"
    """)
    first, second = exp["jobs"]
    assert second["argv"][:3] == ["p", "--out", "r/1-1"] and second["outputs"] == ["r/1-1/m.json"]
    assert second["env"]["XSPEC_JOB_INDEX"] == "1" and second["env"]["XSPEC_SEED"] == second["argv"][3]
    assert first["workdir"] == "sub"


# ---- data -----------------------------------------------------------------------------------

def test_data_paths(tmp_path):
    (tmp_path / "specs" / "d").mkdir(parents=True)
    path = write_spec(tmp_path, """\
      xspec 1
      data remote { url = "https://example.org/files/set%20one.tar.gz?x=1", sha256 = "HASH" }
      data local { path = "d/points.csv", size = 8B }
      env e { python = "3.11.9" }
      experiment x {
        env = e
        data = [remote, local]
        run = ["p", remote.path, local.path, remote.sha256, local.name]
      }
    """.replace("HASH", "a" * 64), name="specs/t.xspec", full=True)
    exp = lower_spec(path)[0]["experiments"][0]
    assert exp["jobs"][0]["argv"][1:] == ["data/remote/set one.tar.gz", "specs/d/points.csv", "a" * 64, "local"]
    assert exp["data"][1]["size"] == 8


# ---- environment variables --------------------------------------------------------------------

def test_variables_merge_env_then_profile_then_experiment_then_xspec(tmp_path):
    exp = lower_text(tmp_path, """\
      xspec 1
      env e { python = "3.11.9", vars = { A = "env", B = "env", C = "env" } }
      profile p { framework = "numpy", threads = 2, vars = { B = "profile", C = "profile", MKL_NUM_THREADS = "4" } }
      experiment x {
        env = e
        determinism = p
        param lr: float = 0.5
        vars = { C = "experiment ${lr}", XSPEC_SEED = "mine" }
        run = ["p"]
      }
    """, full=True)
    env = exp["jobs"][0]["env"]
    assert (env["A"], env["B"], env["C"]) == ("env", "profile", "experiment 0.5")
    assert env["OMP_NUM_THREADS"] == "2" and env["MKL_NUM_THREADS"] == "4"   # threads fills the gaps
    assert env["XSPEC_SEED"] == str(exp["jobs"][0]["seed"]) and env["XSPEC_JOB_COUNT"] == "1"
    assert list(env) == sorted(env)


def test_secrets_are_references_kept_out_of_the_values(tmp_path):
    exp = lower_text(tmp_path, """
      secret token from env("TOKEN_SOURCE")
      secret key from k8s("creds", "api-key")
      vars = { TOKEN = token, KEY = key }
      run = ["p"]
    """)
    assert exp["secret_vars"] == {"KEY": "key", "TOKEN": "token"}
    assert "TOKEN" not in exp["jobs"][0]["env"] and "KEY" not in exp["vars"]
    assert {"name": "token", "source": "env", "variable": "TOKEN_SOURCE"} in exp["secrets"]


@pytest.mark.parametrize("body, code", [
    ('secret t from env("T")\n  run = ["p", t]', "BLD001"),
    ('secret t from env("T")\n  run = ["p"]\n  outputs = ["${t}/x"]', "BLD001"),
])
def test_lowering_errors(tmp_path, body, code):
    _, diagnostics = lower_spec(write_spec(tmp_path, body))
    assert [d.code for d in diagnostics] == [code]


# ---- the spec's identity and the lock -----------------------------------------------------------

def test_spec_digest_is_the_sha256sum_manifest(tmp_path):
    path = write_spec(tmp_path, """\
      xspec 1
      import "./envs.xspec" as envs
      experiment x {
        env = envs.e
        run = ["p"]
      }
    """, full=True)
    (tmp_path / "envs.xspec").write_text('xspec 1\n\nenv e { python = "3.11.9" }\n')
    ir, _ = lower_spec(path)
    lines = [f"{hashlib.sha256((tmp_path / n).read_bytes()).hexdigest()}  {n}\n"
             for n in ("envs.xspec", "t.xspec")]        # sorted by path
    assert ir["spec"]["digest"] == "sha256:" + hashlib.sha256("".join(lines).encode()).hexdigest()
    assert [f["path"] for f in ir["spec"]["files"]] == ["envs.xspec", "t.xspec"]


def test_the_lock_supplies_hashes_digests_and_nar_hash(tmp_path):
    from xspec.lock.lockfile import read_lock

    spec = copy_project(tmp_path, example_specs()[[p.name for p in example_specs()].index("sklearn_kfold.xspec")])
    lock = read_lock(write_test_lock(spec))
    ir, _ = lower_spec(spec, lock)
    env = ir["experiments"][0]["env"]
    assert ir["lock"] == {"digest": lock.digest} and env["locked"]
    assert all(p["hashes"] and p["specifier"] == "==" + p["version"] for p in env["packages"])
    assert "--hash=sha256:" in env["requirements"]
    assert env["nixpkgs"]["nar_hash"].startswith("sha256-")
    assert env["image"]["pinned"].startswith("docker.io/library/python@sha256:")


def test_without_a_lock_the_spec_pins_are_used(tmp_path):
    spec = copy_project(tmp_path, example_specs()[[p.name for p in example_specs()].index("sklearn_kfold.xspec")])
    env = lower_spec(spec)[0]["experiments"][0]["env"]
    assert not env["locked"] and "scikit-learn==1.5.2\n" in env["requirements"]
    assert env["requirements"].startswith("# UNLOCKED")


# ---- the schema ------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", example_specs() + [BUILD_FIXTURES / "hostile" / "hostile.xspec"],
                         ids=lambda p: p.name)
def test_ir_validates_against_its_schema(spec):
    from xspec import api
    from xspec.ir.lower import lower_program
    from xspec.ir.model import dumps

    ir = json.loads(dumps(lower_program(api.check(spec))))
    jsonschema.Draft202012Validator(ir_schema()).validate(ir)


def test_the_schema_rejects_a_broken_ir(tmp_path):
    exp = lower_text(tmp_path, 'run = ["p"]')
    exp["jobs"][0]["seed"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(exp, {**ir_schema(), "$ref": "#/$defs/experiment"})


def test_spec_digest_recipe_in_the_docs_works():
    """docs/ir.md: `(cd ROOT && sha256sum FILES | LC_ALL=C sort -k2) | sha256sum`."""
    import subprocess

    from xspec import api
    from xspec.ir.lower import lower_program
    from tests.conftest import REPO, SPECS

    ir = lower_program(api.check(SPECS / "pytorch_cifar10.xspec"))
    files = [f["path"] for f in ir["spec"]["files"]]
    listing = subprocess.run(["sha256sum", *reversed(files)], cwd=REPO, capture_output=True, text=True).stdout
    ordered = subprocess.run(["sort", "-k2"], input=listing, capture_output=True, text=True,
                             env={"LC_ALL": "C"}).stdout
    digest = subprocess.run(["sha256sum"], input=ordered, capture_output=True, text=True).stdout.split()[0]
    assert ir["spec"]["digest"] == "sha256:" + digest
