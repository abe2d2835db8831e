"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a temporary git
repository, offline.

pre-commit installs a `language: python` hook by cloning the hook repository and
running `pip install .` in a fresh virtualenv. To do that with no network (the recipe
docs/linting.md gives): PIP_NO_INDEX=1; PIP_FIND_LINKS pointing at the wheels
virtualenv embeds (setuptools, to build xspec); PIP_NO_DEPS=1 with PYTHONPATH naming
the site-packages that already hold xspec's dependencies. The `repo: local` recipe,
which runs an installed xspec, is tested too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, require_tool

SHIPPED = ["pyproject.toml", "setup.py", "README.md", ".pre-commit-hooks.yaml", "compiler", "stdlib"]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
CLEAN = 'xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n'
LINTED = 'xspec 1\n\nenv py {\n  python = "3.11"\n}\n'
MESSY = 'xspec 1\nenv   py{python="3.11.9"}\n'


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def offline_env(home: Path) -> dict:
    import lark
    import virtualenv

    wheels = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    site = Path(lark.__file__).parents[1]
    return {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels), "PIP_NO_DEPS": "1", "PYTHONPATH": str(site),
            "NO_COLOR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding what `pip install .` needs, like a clone of xspec."""
    require_tool("git")
    require_tool("pre-commit")
    repo = tmp_path_factory.mktemp("xspec-hooks")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SHIPPED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "hooks", cwd=repo)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    return repo, rev


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repo(root: Path, config: dict, files: dict[str, str]) -> Path:
    root.mkdir()
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    for name, text in files.items():
        (root / name).write_text(text)
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    return root


def pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=root,
                          capture_output=True, text=True, env=offline_env(home), timeout=300)


def from_hook_repo(hook_repo) -> dict:
    repo, rev = hook_repo
    return {"repos": [{"repo": str(repo), "rev": rev,
                       "hooks": [{"id": "xspec-check"}, {"id": "xspec-fmt"}]}]}


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(REPO / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"xspec-check", "xspec-fmt"}
    for hook in hooks.values():
        assert hook["files"] == r"\.xspec$" and hook["language"] == "python"


def test_clean_specs_pass(tmp_path, hook_repo, home):
    root = user_repo(tmp_path / "u", from_hook_repo(hook_repo), {"a.xspec": CLEAN, "notes.txt": "x"})
    done = pre_commit(root, home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "xspec check" in done.stdout and "Passed" in done.stdout


def test_lint_findings_fail_the_check_hook(tmp_path, hook_repo, home):
    root = user_repo(tmp_path / "u", from_hook_repo(hook_repo), {"a.xspec": LINTED})
    done = pre_commit(root, home)
    assert done.returncode == 1
    assert "PIN008" in done.stdout and "Python version '3.11' is not a full version" in done.stdout


def test_fmt_hook_rewrites_and_fails(tmp_path, hook_repo, home):
    root = user_repo(tmp_path / "u", from_hook_repo(hook_repo), {"a.xspec": MESSY})
    done = pre_commit(root, home)
    assert done.returncode == 1 and "files were modified by this hook" in done.stdout
    assert (root / "a.xspec").read_text() == CLEAN


def test_xml_xspec_files_get_a_clear_message(tmp_path, hook_repo, home):
    xml = '<?xml version="1.0"?>\n<x:description xmlns:x="http://www.jenitennison.com/xslt/xspec"/>\n'
    root = user_repo(tmp_path / "u", from_hook_repo(hook_repo), {"suite.xspec": xml})
    done = pre_commit(root, home)
    assert "E006" in done.stdout and "XSpec XML test file" in done.stdout


def test_local_recipe_with_an_installed_xspec(tmp_path, home):
    require_tool("git")
    require_tool("pre-commit")
    entry = f"env PYTHONPATH={REPO / 'compiler'} {sys.executable} -m xspec"
    hooks = [{"id": f"xspec-{verb}", "name": f"xspec {verb}", "entry": f"{entry} {verb}",
              "language": "system", "files": r"\.xspec$", "require_serial": True}
             for verb in ("check", "fmt")]
    root = user_repo(tmp_path / "u", {"repos": [{"repo": "local", "hooks": hooks}]},
                     {"a.xspec": LINTED})
    done = pre_commit(root, home)
    assert done.returncode == 1 and "PIN008" in done.stdout
