"""pyproject.toml: [project] and Poetry dependencies, requires-python, the console script."""

from __future__ import annotations

from packaging.specifiers import SpecifierSet

from tests.init.support import argv, errors, project, run_init


def test_project_dependencies_python_and_script(tmp_path):
    run = run_init(project(tmp_path, "pyproject"), "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    env = run.module.envs["tabular-bench"]
    assert env.packages == {          # by hand from fixtures/init/pyproject/pyproject.toml
        "scikit-learn": "==1.5.2",
        "xgboost": ">=2.0,<3",
        "lightgbm": "==4.5.0",
        "openml[parquet]": "==0.14.2",
        "numpy": "",
        "typing-extensions": ">=4.8",   # its marker holds for the Pythons xspec supports
    }
    assert env.python in SpecifierSet(">=3.10")
    experiment = run.module.experiments["tabbench"]
    assert argv(experiment) == ["python", "-c", "import sys; from tabular_bench.cli import main; "
                                                "sys.exit(main())"]


def test_groups_and_other_scripts_are_reported(tmp_path):
    run = run_init(project(tmp_path, "pyproject"), "--from", "pyproject.toml")
    assert run.notes("INI100") == {
        ("pyproject.toml", 16),   # typing-extensions' marker
        ("pyproject.toml", 20),   # optional group gpu
        ("pyproject.toml", 21),   # optional group dev
        ("pyproject.toml", 25),   # the second console script
    }


def test_poetry_constraints_are_written_in_pep440(tmp_path):
    run = run_init(project(tmp_path, "poetry"), "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    env = run.module.envs["speech-asr"]
    assert env.packages == {
        "torch": "==2.3.1",
        "torchaudio": ">=2.3.0,<3.0.0",
        "librosa": ">=0.10.2,<0.11.0",
        "jiwer": "",
        "transformers[torch]": "==4.44.2",
        "ctcdecode": "@ git+https://github.com/parlance/ctcdecode.git@431408f22d93ef5ebc4422995111bbb081b971a9",
    }
    assert env.python in SpecifierSet(">=3.11.9,<3.12.0")     # `~3.11.9`
    assert run.notes("INI100") == {
        ("pyproject.toml", 15),   # kenlm from a local path
        ("pyproject.toml", 16),   # `>=0.12 || <0.11`
        ("pyproject.toml", 18),   # the dev group
    }
    assert argv(run.module.experiments["asr-train"])[:2] == ["python", "-c"]


def test_invalid_toml_is_an_error_with_its_line(tmp_path):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["numpy==1.26.4",\n'
                                         '  "scipy" "pandas"]\n')
    run = run_init(root, "--from", "pyproject.toml")
    assert run.code == 1
    assert "pyproject.toml:4:11: INI003 pyproject.toml is not valid TOML" in run.stdout


def test_a_pyproject_without_dependencies_tables_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    run = run_init(root, "--from", "pyproject.toml")
    assert run.code == 1
    assert "INI004 pyproject.toml has no [project] or [tool.poetry] table" in run.stdout


def test_poetry_optional_dependencies_are_reported_with_their_extras(tmp_path):
    run = run_init(project(tmp_path, "poetry_extras"), "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    env = run.module.envs["docparse"]
    assert env.packages == {
        "pydantic": "==2.8.2",
        "layoutkit": "@ git+https://github.com/example/monorepo.git"
                     "@0123456789abcdef0123456789abcdef01234567#subdirectory=packages/layoutkit",
        "scipy": "==1.10.1"}          # the constraint for Python 3.10; importlib-metadata is <3.8
    assert {("pyproject.toml", 11), ("pyproject.toml", 12), ("pyproject.toml", 13)} \
        <= run.notes("INI100")
    assert "`pytesseract>=0.3.10,<0.4.0` (installed only with the extras `ocr`, `all`)" in run.stdout
    assert "`rich==13.7.1` (no extra installs it)" in run.stdout
    assert "6 things not carried over" in run.stderr     # 3 optional, 3 markers decided


def test_dynamic_dependencies_are_read_from_the_files_setuptools_names(tmp_path):
    run = run_init(project(tmp_path, "pyproject_dynamic"), "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    assert run.module.envs["climate-emu"].packages == {
        "xarray": "==2024.6.0", "netCDF4": "==1.7.1", "torch": "==2.3.1"}


def test_dynamic_dependencies_without_a_file_are_reported(tmp_path):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndynamic = ["dependencies"]\n')
    run = run_init(root, "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    assert run.notes("INI100") == {("pyproject.toml", 3)}
    assert "the build backend computes the dependencies" in run.stdout


def test_a_constraint_with_no_pep440_form_is_reported_not_written(tmp_path):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\n'
                                         'python = "3.11.9"\nrequests = "2.31.x"\nrich = "13.7.1"\n')
    run = run_init(root, "--from", "pyproject.toml")
    assert run.code == 0, run.stdout + run.stderr
    assert run.module.envs["x"].packages == {"requests": "", "rich": "==13.7.1"}
    assert run.notes("INI100") == {("pyproject.toml", 6)}
    assert "the pin `2.31.x` of `requests` is not a PEP 440 version specifier" in run.stdout
