"""requirements.txt: pins kept as written, everything else reported line by line."""

from __future__ import annotations

from tests.init.support import errors, project, run_init

# Written by hand from fixtures/init/requirements/*.txt, in the order pip reads them:
# the `-r requirements-base.txt` on line 6 comes before the lines after it.
EXPECTED_PACKAGES = {
    "numpy": "==1.26.4",
    "scipy": "==1.13.1",
    "pandas[performance]": "==2.2.2",
    "Pillow": ">=10.3",
    "torch[cuda]": "==2.3.1",
    "torchvision": "==0.18.1",
    "pytorch-lightning": ">=2.2,<2.4",
    "hydra-core": "~=1.3.2",
    "wandb": "",
    "segmentation_models_pytorch":
        "@ git+https://github.com/qubvel/segmentation_models.pytorch@3bf4d6ef2bc9d41c2ab3436838aa22375dd0f23a",
    "fastmri": "@ https://files.example.org/wheels/fastmri-0.3.0-py3-none-any.whl",
    "black": "==24.4.2",
}
# (file, line) of what is not carried over.
EXPECTED_NOTES = {
    ("requirements.txt", 4),    # --extra-index-url
    ("requirements.txt", 7),    # -c constraints.txt
    ("requirements.txt", 9),    # torch's marker: true on Linux, so kept without it
    ("requirements.txt", 13),   # tomli; python_version < "3.11": false for Python >= 3.11
    ("requirements.txt", 14),   # pywin32; sys_platform == "win32": false on Linux
    ("requirements.txt", 18),   # -e git+...#egg=labtools
    ("requirements.txt", 19),   # -e .
    ("requirements.txt", 20),   # ./vendor/nms_cuda
    ("requirements.txt", 21),   # black's --hash (on the continuation line)
}


def test_every_pin_is_kept_as_written(tmp_path):
    run = run_init(project(tmp_path, "requirements"), "--from", "requirements.txt")
    assert run.code == 0, run.stdout + run.stderr
    env = run.module.envs["base"]
    assert env.packages == EXPECTED_PACKAGES
    assert list(env.packages) == list(EXPECTED_PACKAGES)
    assert env.index_url == "https://pypi.org/simple"


def test_what_is_not_carried_over_is_reported_line_by_line(tmp_path):
    run = run_init(project(tmp_path, "requirements"), "--from", "requirements.txt")
    assert run.notes("INI100") == EXPECTED_NOTES
    assert "tomli" not in run.module.envs["base"].packages


def test_the_spec_checks_clean_and_says_where_python_came_from(tmp_path):
    import platform

    run = run_init(project(tmp_path, "requirements"), "--from", "requirements.txt")
    assert errors(run.result) == []
    assert run.module.envs["base"].python == platform.python_version()
    assert "the Python running `xspec init`" in run.spec.read_text()


def test_the_linter_shows_what_is_unpinned(tmp_path):
    run = run_init(project(tmp_path, "requirements"), "--from", "requirements.txt")
    unpinned = {line.split("'")[1] for line in run.stdout.splitlines() if " PIN001 " in line}
    assert unpinned == {"Pillow", "pytorch-lightning", "hydra-core", "wandb"}


def test_an_include_cycle_is_an_error_at_the_include(tmp_path):
    root = project(tmp_path)
    (root / "a.txt").write_text("numpy==1.26.4\n-r b.txt\n")
    (root / "b.txt").write_text("scipy==1.13.1\n\n-r a.txt\n")
    run = run_init(root, "--from", "a.txt")
    assert run.code == 1
    assert "b.txt:3:1: INI005 b.txt includes itself: a.txt -> b.txt -> a.txt" in run.stdout
    assert not run.spec.exists()


def test_a_missing_include_names_the_line_that_includes_it(tmp_path):
    root = project(tmp_path)
    (root / "requirements.txt").write_text("numpy==1.26.4\n-r nowhere.txt\n")
    run = run_init(root, "--from", "requirements.txt")
    assert run.code == 1
    assert "requirements.txt:2:1: INI002 cannot read nowhere.txt" in run.stdout


def test_a_broken_requirement_is_an_error_with_its_line(tmp_path):
    root = project(tmp_path)
    (root / "requirements.txt").write_text("# deps\nnumpy==1.26.4\ntorch>>=2.0\n")
    run = run_init(root, "--from", "requirements.txt")
    assert run.code == 1
    assert "requirements.txt:3:1: INI004 `torch>>=2.0` is not a valid requirement" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_a_hash_locked_file_gets_one_note_about_its_hashes(tmp_path):
    run = run_init(project(tmp_path, "requirements_hashed"), "--from", "requirements.txt")
    assert run.code == 0, run.stdout + run.stderr
    assert run.notes("INI100") == {("requirements.txt", 2)}
    assert "per-requirement `--hash` pins (12 in this file, the first here)" in run.stdout
    assert run.module.envs["base"].packages == {"certifi": "==2024.7.4", "idna": "==3.7",
                                                "numpy": "==1.26.4", "urllib3": "==2.2.2"}


def test_the_placeholder_run_is_flagged_until_it_is_replaced(tmp_path):
    run = run_init(project(tmp_path, "requirements_hashed"), "--from", "requirements.txt")
    assert run.code == 0, run.stdout + run.stderr
    assert 'run = ["TODO", "write the command this experiment runs"]' in run.spec.read_text()
    assert "COR011 `run` is still the placeholder `xspec init` wrote" in run.stdout
    from xspec.lint import lint_file

    text = run.spec.read_text().replace('["TODO", "write the command this experiment runs"]',
                                        '["python", "train.py"]')
    found, _ = lint_file(run.spec, text=text)
    assert "COR011" not in {d.code for d in found}
