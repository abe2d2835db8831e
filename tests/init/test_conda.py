"""environment.yml: conda pins in PEP 440, the pip section as requirements, channels reported."""

from __future__ import annotations

from tests.init.support import errors, project, run_init

# By hand from fixtures/init/conda/environment.yml and requirements-pip.txt.
EXPECTED_PACKAGES = {
    "numpy": "==1.26.*",          # conda `=1.26` means any 1.26.x
    "scipy": ">=1.11,<1.14",
    "pandas": "==2.2.2",          # build string py310hf9f9076_0 reported
    "torch": "==2.3.1",           # pytorch::pytorch, renamed for PyPI
    "matplotlib": "==3.8.4",      # `matplotlib-base 3.8.4`, renamed
    "biopython": "==1.83",
    "einops": "==0.8.0",          # from `-r requirements-pip.txt` in the pip section
    "ml-collections": "==0.1.1",
    "wandb": "==0.17.4",
    "fair-esm[esmfold]": "==2.0.0",
    "openfold": "@ git+https://github.com/aqlaboratory/openfold.git"
                "@f434a27877cd5f2e1f4e1b0cbd2c4a9d5c2f0a11#egg=openfold",
}
EXPECTED_NOTES = {
    ("environment.yml", 3),    # channels
    ("environment.yml", 12),   # pandas' build string
    ("environment.yml", 13),   # the pytorch:: channel
    ("environment.yml", 14),   # conda-only, listed once: pytorch-cuda, cudatoolkit, pip itself
    ("environment.yml", 27),   # prefix
}


def test_packages_python_and_variables(tmp_path):
    run = run_init(project(tmp_path, "conda"), "--from", "environment.yml")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    env = run.module.envs["fold-baseline"]
    assert env.packages == EXPECTED_PACKAGES
    assert env.python == "3.10.14"
    assert env.vars == {"OMP_NUM_THREADS": 8, "TORCH_HOME": "/scratch/torch"}


def test_conda_only_parts_are_reported(tmp_path):
    run = run_init(project(tmp_path, "conda"), "--from", "environment.yml")
    assert run.notes("INI100") == EXPECTED_NOTES
    assert run.notes("INI102") == {("environment.yml", 8)}   # the pins translated, listed once


def test_a_pip_section_that_is_not_a_list_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("name: x\ndependencies:\n  - python=3.11\n  - pip:\n"
                                          "      numpy: 1\n")
    run = run_init(root, "--from", "environment.yml")
    assert run.code == 1
    assert "environment.yml:5:7: INI004 `pip:` must be a list of requirements" in run.stdout


def test_yaml_syntax_errors_name_the_line(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("name: x\ndependencies:\n  - numpy=1.2\n   - bad: [\n")
    run = run_init(root, "--from", "environment.yml")
    assert run.code == 1
    assert "environment.yml:4:9: INI003 environment.yml is not valid YAML" in run.stdout


def test_an_or_pin_has_no_pep440_form(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("dependencies:\n  - python=3.11.9\n  - numpy 1.25|1.26\n"
                                          "  - scipy=1.13.1\n")
    run = run_init(root, "--from", "environment.yml")
    assert run.notes("INI100") == {("environment.yml", 3)}
    # carried without a pin, so PIN001 shows it is not pinned and `xspec lock` can resolve it
    assert run.module.envs["base"].packages == {"numpy": "", "scipy": "==1.13.1"}


def test_a_conda_export_keeps_exact_versions_and_sorts_out_conda_only_packages(tmp_path):
    run = run_init(project(tmp_path, "conda_export"), "--from", "environment.yml")
    assert run.code == 0, run.stdout + run.stderr
    env = run.module.envs["tiles"]
    assert env.python == "3.9.7"                     # `python=3.9.7=h12debd9_1`
    assert env.packages == {"blinker": "==1.4",      # a build string names one exact version
                            "numpy": "==1.21.2", "pillow": "==8.4.0", "torch": "==1.9.1",
                            "six": "==1.16.0", "tqdm": "==4.62.3"}
    assert list(env.system) == ["bash", "curl"]
    # one note each for the conda-only packages and for the build strings, not one a line
    assert run.notes("INI100") == {("environment.yml", 3), ("environment.yml", 6),
                                   ("environment.yml", 7)}
    conda_only = next(line for line in run.stdout.splitlines() if "conda-only packages" in line)
    for name in ("_libgcc_mutex", "cudatoolkit", "jpeg", "libgcc-ng", "libpng", "openssl", "zlib"):
        assert f"`{name}=" in conda_only
    assert "9d" not in run.spec.read_text()


def test_a_conda_pin_without_pep440_form_is_reported_and_left_out(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("dependencies:\n  - python=3.11.9\n  - tzlocal=2.1a\n"
                                          "  - jupyterlab=3.x\n")
    run = run_init(root, "--from", "environment.yml")
    assert run.code == 0, run.stdout + run.stderr
    assert run.notes("INI100") == {("environment.yml", 3), ("environment.yml", 4)}
    assert run.module.envs["base"].packages == {"tzlocal": "", "jupyterlab": ""}


def test_a_python_range_gets_a_version_the_pins_install_on(tmp_path):
    run = run_init(project(tmp_path, "conda_range"), "--from", "environment.yml")
    assert run.code == 0, run.stdout + run.stderr
    assert run.module.envs["seg"].python == "3.9"
    assert 'python = "3.9"  # `torch==1.9.1` has wheels up to Python 3.9, within `>=3.8`' \
        in run.spec.read_text()


def test_pins_for_old_pythons_outside_the_range_are_said(tmp_path):
    root = project(tmp_path)
    (root / "environment.yml").write_text("dependencies:\n  - python>=3.10\n  - pytorch=1.9.1\n")
    run = run_init(root, "--from", "environment.yml")
    assert ("environment.yml", 2) in run.notes("INI101")
    assert "has wheels up to Python 3.9; it is NOT within `>=3.10`" in run.stdout
