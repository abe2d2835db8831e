"""`xspec init` as a command: refusing to overwrite, scaffolding, formats, exit codes."""

from __future__ import annotations

import json

from tests.core.test_cli import xspec
from tests.init.support import errors, project, run_init
from xspec import api
from xspec.cli import main


def test_an_existing_output_is_not_overwritten_without_force(tmp_path):
    root = project(tmp_path, "requirements")
    (root / "experiment.xspec").write_text("precious\n")
    run = run_init(root, "--from", "requirements.txt")
    assert run.code == 1
    assert "experiment.xspec exists; pass --force" in run.stderr
    assert (root / "experiment.xspec").read_text() == "precious\n"


def test_force_overwrites_and_leaves_no_temporary_file(tmp_path):
    root = project(tmp_path, "requirements")
    (root / "experiment.xspec").write_text("precious\n")
    run = run_init(root, "--from", "requirements.txt", "--force")
    assert run.code == 0, run.stdout + run.stderr
    assert run.spec.read_text().startswith("xspec 1\n")
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_the_output_must_be_a_spec_file(capsys):
    assert main(["init", "--from", "requirements.txt", "-o", "out.txt"]) == 2
    assert "must be a .xspec file" in capsys.readouterr().err


def test_an_unknown_source_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "notes.md").write_text("# hello\n")
    run = run_init(root, "--from", "notes.md")
    assert run.code == 1
    assert "INI001 cannot tell what kind of file notes.md is" in run.stdout


def test_the_written_spec_is_already_formatted(tmp_path):
    run = run_init(project(tmp_path, "dvc"), "--from", "dvc.yaml")
    text = run.spec.read_text()
    assert api.format_text(text, str(run.spec))[0] == text


def test_json_notes_are_one_machine_readable_document(tmp_path):
    root = project(tmp_path, "sbatch")
    done = xspec("init", "--from", "train_array.sbatch", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert {"INI100", "DET001"} <= {r["code"] for r in records}
    assert ("train_array.sbatch", 14) in {(r["path"], r["line"]) for r in records}


def test_bad_input_never_shows_a_traceback(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("dependencies: [numpy, {pip: 3}, [1, 2], null]\n")
    (root / "dvc.yaml").write_text("stages:\n  a: 3\n  b:\n    foreach: 7\n    do: {cmd: x}\n")
    (root / "MLproject").write_text("- a\n- b\n")
    done = xspec("init", "--from", "environment.yml", "--from", "dvc.yaml", "--from", "MLproject",
                 cwd=root)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stderr
    assert done.stdout.count("error[") >= 4


# ---- without --from: the scaffold ------------------------------------------------------

def test_yes_scaffolds_a_spec_that_checks_clean_and_an_xspec_toml(tmp_path):
    done = xspec("init", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    result = api.check(tmp_path / "experiment.xspec")
    assert errors(result) == []
    assert (tmp_path / "xspec.toml").read_text().count("fail-on") == 1


def test_yes_appends_tool_xspec_to_an_existing_pyproject(tmp_path):
    original = '[project]\nname = "demo"\nversion = "1"\n'
    (tmp_path / "pyproject.toml").write_text(original)
    done = xspec("init", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original) and "\n[tool.xspec]\n" in text
    assert not (tmp_path / "xspec.toml").exists()
    import tomllib

    assert tomllib.loads(text)["tool"]["xspec"]["select"] == ["ALL"]


def test_existing_settings_are_left_alone(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.xspec]\nignore = ["DET001"]\n')
    done = xspec("init", "--yes", cwd=tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "pyproject.toml").read_text() == '[tool.xspec]\nignore = ["DET001"]\n'


def test_the_questions_fill_in_the_spec(tmp_path):
    answers = "\n".join(["resnet", "latest", "3.11.9", "torch==2.3.1, numpy>=1.26",
                         "python -m trainer.fit --fast", "slurm", "y"]) + "\n"
    run = run_init(tmp_path, stdin=answers)
    assert run.code == 0, run.stdout + run.stderr
    assert "write a version like 3.11.9" in run.stdout     # `latest` was asked again
    module = run.module
    env = module.envs["main"]
    assert (env.python, env.packages) == ("3.11.9", {"torch": "==2.3.1", "numpy": ">=1.26"})
    experiment = module.experiments["resnet"]
    assert [str(a[0]) for a in experiment.run[:4]] == ["python", "-m", "trainer.fit", "--fast"]
    assert experiment.targets["slurm"].preset.name == "cpu"


def test_a_missing_source_is_an_error(tmp_path):
    run = run_init(project(tmp_path), "--from", "requirements.txt", "--from", "conf/")
    assert run.code == 1
    assert "requirements.txt:1:1: INI002 cannot read requirements.txt: no such file or folder" in run.stdout
    assert "INI002 cannot read conf" in run.stdout


def test_a_folder_that_is_no_hydra_config_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "conf").mkdir()
    (root / "conf" / "a.yaml").write_text("x: 1\n")
    (root / "conf" / "b.yaml").write_text("y: 2\n")
    run = run_init(root, "--from", "conf")
    assert run.code == 1
    assert "INI001 cannot tell what kind of file conf/ is" in run.stdout


def test_every_init_code_is_documented():
    from tests.conftest import REPO
    from xspec.codes import INIT

    text = (REPO / "docs" / "migrating.md").read_text()
    for code in INIT.values():
        assert f"**{code.code} {code.name}** ({code.severity})" in text, code.code
