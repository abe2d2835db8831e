"""`xspec lock` end to end on the fixture project, offline."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import jsonschema
import pytest

from tests.lock.conftest import run_cli
from tests.lock.wheels import sha256_of
from xspec.lock.lockfile import read_lock, schema


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def test_lock_pins_packages_and_data(project, uv, capsys):
    assert run_cli("lock") == 0
    lock = read_lock(project / "xspec.lock")
    app = lock.envs["app"]
    assert {(p.name, p.version) for p in app.packages if p.markers is None} == {
        ("alpha", "1.0"), ("beta", "1.2"), ("gamma", "2.0"), ("delta", "0.5")}
    assert {p.version for p in app.packages if p.name == "epsilon"} == {"0.9", "1.0"}
    assert app.requirements == {"alpha": "==1.0", "delta": ">=0.1", "epsilon": ""}
    assert app.spec == "envs.xspec" and lock.data["points"].spec == "main.xspec"
    assert next(p for p in app.packages if p.name == "beta").hashes == [
        sha256_of(project / "wheels" / "beta-1.2-py3-none-any.whl")]
    assert lock.envs["bare"].packages == []
    points = (project / "data" / "points.csv").read_bytes()
    assert (lock.data["points"].sha256, lock.data["points"].size) == (
        hashlib.sha256(points).hexdigest(), len(points))
    assert lock.data["points"].declared and not lock.data["shards"].declared
    assert lock.data["shards"].size == len("shard one\n") + len("shard two\n")
    assert set(lock.specs) == {"main.xspec", "envs.xspec"}
    assert "wrote xspec.lock" in capsys.readouterr().err


def test_the_written_lock_validates_against_the_schema(project, uv):
    assert run_cli("lock") == 0
    document = tomllib.loads((project / "xspec.lock").read_text())
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_relocking_an_unchanged_project_gives_the_same_bytes(project, uv, capsys):
    assert run_cli("lock") == 0
    first = (project / "xspec.lock").read_bytes()
    (project / ".xspec-cache").rename(project / "old-cache")      # hash everything again, too
    assert run_cli("lock") == 0
    assert (project / "xspec.lock").read_bytes() == first
    assert "is up to date" in capsys.readouterr().err


def test_check_passes_right_after_locking(project, uv, capsys):
    assert run_cli("lock") == 0
    assert run_cli("lock", "--check") == 0
    assert "up to date" in capsys.readouterr().out


def test_check_without_a_lock_fails(project, capsys):
    assert run_cli("lock", "--check") == 1
    assert "does not exist" in capsys.readouterr().out


@pytest.mark.parametrize("file, old, new, words", [
    ("envs.xspec", 'delta = ">=0.1"', 'delta = ">=0.2"',
     "env app: package delta changed from >=0.1 to >=0.2"),
    ("envs.xspec", 'epsilon = ""', 'epsilon = "", gamma = "==2.0"', "env app: package gamma ==2.0 was added"),
    ("envs.xspec", 'python   = "3.11.7"\n  packages', 'python   = "3.11.9"\n  packages',
     "env app: python changed from 3.11.7 (lock) to 3.11.9 (spec)"),
    ("envs.xspec", "env bare {", "env other {", "env other is in the spec but not in the lock"),
    ("envs.xspec", "env bare {", "env other {", "env bare is in the lock but no longer in envs.xspec"),
    ("main.xspec", 'size   = 16B', 'size   = 17B', "data points: size changed from 16 (lock) to 17 (spec)"),
    ("main.xspec", 'path = "data/shards"', 'path = "data/shards/sub"',
     "data shards: path changed from data/shards (lock) to data/shards/sub (spec)"),
])
def test_check_names_what_changed(project, uv, capsys, file, old, new, words):
    assert run_cli("lock") == 0
    edit(project / file, old, new)
    capsys.readouterr()
    assert run_cli("lock", "--check") == 1
    out = capsys.readouterr().out
    assert words in out
    assert f"spec {file}: its envs or data changed" in out


def test_comment_and_whitespace_edits_do_not_invalidate_the_lock(project, uv):
    assert run_cli("lock") == 0
    edit(project / "envs.xspec", "env bare {", "# a new comment\nenv   bare   {")
    assert run_cli("lock", "--check") == 0


def test_a_hand_edited_pin_is_caught_by_check(project, uv, capsys):
    assert run_cli("lock") == 0
    edit(project / "xspec.lock", 'name = "alpha"\nversion = "1.0"', 'name = "alpha"\nversion = "1.1"')
    assert run_cli("lock", "--check") == 1
    assert "the lock has alpha 1.1, which the spec's '==1.0' does not allow" in capsys.readouterr().out


def test_a_hand_edited_version_outside_a_range_is_caught_by_check(project, uv, capsys):
    assert run_cli("lock") == 0
    edit(project / "xspec.lock", 'name = "delta"\nversion = "0.5"', 'name = "delta"\nversion = "0.0.5"')
    assert run_cli("lock", "--check") == 1
    assert "the lock has delta 0.0.5, which the spec's '>=0.1' does not allow" in capsys.readouterr().out


def test_a_corrupt_lock_is_an_error_with_its_line(project, uv, capsys):
    assert run_cli("lock") == 0
    lock = project / "xspec.lock"
    text = lock.read_text().replace("[data.points]", "[data.points")
    lock.write_text(text)
    line = text.splitlines().index("[data.points") + 1
    capsys.readouterr()
    assert run_cli("lock", "--check") == 2
    assert f"error: {lock}:{line}: not valid TOML" in capsys.readouterr().err
    assert run_cli("lock") == 2 and run_cli("status") == 2
    assert lock.read_text() == text                    # left alone for the user to look at


def test_adding_a_package_keeps_the_other_pins(project, uv):
    assert run_cli("lock") == 0
    from tests.lock.wheels import write_wheel

    write_wheel(project / "wheels", "gamma", "2.5")
    edit(project / "envs.xspec", 'epsilon = ""', 'epsilon = "", delta2 = ""')
    write_wheel(project / "wheels", "delta2", "1.0")
    assert run_cli("lock") == 0
    versions = {p.name: p.version for p in read_lock(project / "xspec.lock").envs["app"].packages}
    assert versions["gamma"] == "2.0" and versions["delta2"] == "1.0"
    assert run_cli("lock", "--upgrade-package", "gamma") == 0
    versions = {p.name: p.version for p in read_lock(project / "xspec.lock").envs["app"].packages}
    assert versions["gamma"] == "2.5"


def test_a_file_that_does_not_match_its_declared_hash_stops_the_lock(project, uv, capsys):
    (project / "data" / "points.csv").write_text("x,y\n0,1\n1,3\n2,6\n")
    assert run_cli("lock") == 1
    out = capsys.readouterr().out
    assert "error[LCK004]: data 'points': the content's sha256 is" in out
    assert "main.xspec:7:" in out
    assert not (project / "xspec.lock").exists()


def test_remote_data_needs_a_hash_or_fetch(project, capsys, monkeypatch):
    edit(project / "main.xspec", 'path = "data/shards"', 'url = "https://example.org/shards.tar"')
    assert run_cli("lock", "--platform", "x86_64-manylinux_2_28") == 1
    out = capsys.readouterr().out
    assert "error[LCK007]: data 'shards' is remote and has no sha256 to lock" in out
    assert "pass --fetch" in out

    import io
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"remote bytes"))
    assert run_cli("lock", "--fetch") == 0
    shards = read_lock(project / "xspec.lock").data["shards"]
    assert shards.sha256 == hashlib.sha256(b"remote bytes").hexdigest()
    assert shards.url == "https://example.org/shards.tar"


def test_the_same_env_name_in_two_modules_is_an_error(project, capsys):
    (project / "more.xspec").write_text('xspec 1\n\nenv bare {\n  python = "3.12.1"\n}\n')
    assert run_cli("lock", "main.xspec", "more.xspec") == 1
    assert "error[LCK002]: env 'bare' is also defined in envs.xspec" in capsys.readouterr().out


def test_packages_without_python_cannot_be_locked(project, capsys):
    edit(project / "envs.xspec", 'python   = "3.11.7"\n  packages', 'image = "python@sha256:' + "0" * 64
         + '"\n  packages')
    assert run_cli("lock") == 1
    assert "error[LCK001]: env 'app' has packages but no `python` version" in capsys.readouterr().out


def test_a_missing_uv_is_named_with_how_to_install_it(project, capsys, monkeypatch):
    from xspec.lock import tools

    monkeypatch.setattr(tools, "find_tool", lambda name: None)
    assert run_cli("lock") == 1
    out = capsys.readouterr().out
    assert ("`uv` is not installed (needed to resolve Python packages); xspec depends on uv: "
            "reinstall xspec, or install it with `pip install uv`") in out


def test_uv_is_found_through_the_uv_package_when_it_is_not_on_path(monkeypatch):
    """pip puts uv's binary where it puts scripts (a --user or pipx install: not next to
    this Python, maybe not on PATH); the uv package, a dependency, knows where."""
    import uv

    from xspec.lock import tools

    monkeypatch.setattr(tools.shutil, "which", lambda name, path=None: None)
    assert tools.find_tool("uv") == uv.find_uv_bin()
    assert tools.find_tool("nix") is None


def test_locking_one_spec_keeps_the_entries_of_the_others(project, uv):
    (project / "other.xspec").write_text('xspec 1\n\nenv solo {\n  python = "3.12.1"\n}\n')
    assert run_cli("lock", ".") == 0
    assert run_cli("lock", "other.xspec") == 0
    lock = read_lock(project / "xspec.lock")
    assert sorted(lock.envs) == ["app", "bare", "solo"]
    (project / "other.xspec").unlink()
    assert run_cli("lock", ".") == 0
    assert sorted(read_lock(project / "xspec.lock").envs) == ["app", "bare"]


def test_specs_with_errors_are_not_locked(project, capsys):
    edit(project / "envs.xspec", "python = \"3.11.7\"\n}", "python = 3\n}")
    assert run_cli("lock") == 1
    assert "error[E203]" in capsys.readouterr().out
    assert not (project / "xspec.lock").exists()


def test_bad_lock_settings_are_a_one_line_error(project, capsys):
    (project / "xspec.toml").write_text("[tool.xspec.lock]\nplatforms = 3\n")
    assert run_cli("lock") == 2
    assert "[tool.xspec.lock] platforms has the wrong type" in capsys.readouterr().err


def test_each_project_root_gets_its_own_lock(project, uv):
    sub = project / "sub"
    sub.mkdir()
    (sub / "xspec.toml").write_text("")
    (sub / "solo.xspec").write_text('xspec 1\n\nenv solo {\n  python = "3.12.1"\n}\n')
    assert run_cli("lock", ".") == 0
    assert sorted(read_lock(project / "xspec.lock").envs) == ["app", "bare"]
    assert sorted(read_lock(sub / "xspec.lock").envs) == ["solo"]
    assert read_lock(sub / "xspec.lock").specs.keys() == {"solo.xspec"}
