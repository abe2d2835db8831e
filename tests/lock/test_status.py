"""`xspec status`: drift between spec, lock, data on disk and installed packages."""

from __future__ import annotations

import json
import os

from tests.lock.conftest import run_cli
from xspec.lock.drift import applies, installed_drift
from xspec.lock.lockfile import Lock, LockedEnv, LockedPackage


def status_json(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = run_cli("status", "--format", "json", *args)
    return code, json.loads(capsys.readouterr().out)


def rows(document) -> dict[tuple[str, str], dict]:
    return {(r["kind"], r["name"]): r for p in document["projects"] for r in p["rows"]}


def test_a_fresh_lock_shows_no_drift(project, uv, capsys):
    assert run_cli("lock") == 0
    code, document = status_json(capsys)
    assert code == 0 and document["drift"] is False
    found = rows(document)
    assert found[("disk", "points")]["state"] == "ok"
    assert found[("disk", "shards")]["state"] == "ok"
    assert found[("env", "app")]["state"] == "ok"


def test_a_tampered_data_file_is_caught(project, uv, capsys):
    assert run_cli("lock") == 0
    target = project / "data" / "shards" / "sub" / "b.txt"
    target.write_text("shard TWO\n")
    code, document = status_json(capsys)
    assert code == 1 and document["drift"] is True
    row = rows(document)[("disk", "shards")]
    assert row["state"] == "changed"
    assert "data shards" in row["detail"] and "changed on disk" in row["detail"]


def test_a_tampered_file_with_its_old_mtime_is_caught_by_verify(project, uv, capsys):
    target = project / "data" / "points.csv"
    old = 1_600_000_000 * 10**9
    os.utime(target, ns=(old, old))
    assert run_cli("lock") == 0
    with open(target, "r+b") as handle:        # same size, same inode ...
        handle.write(b"X")
    os.utime(target, ns=(old, old))            # ... and the old mtime
    assert status_json(capsys)[0] == 0         # the stat cache cannot see it
    code, document = status_json(capsys, "--verify")
    assert code == 1 and rows(document)[("disk", "points")]["state"] == "changed"


def test_a_missing_data_file_is_drift(project, uv, capsys):
    assert run_cli("lock") == 0
    (project / "data" / "points.csv").unlink()
    code, document = status_json(capsys)
    assert code == 1 and rows(document)[("disk", "points")]["state"] == "missing"


def test_without_a_lock_status_says_so_and_still_checks_declared_hashes(project, capsys):
    (project / "data" / "points.csv").write_text("other\n")
    code, document = status_json(capsys)
    found = rows(document)
    assert code == 1
    assert found[("lock", "xspec.lock")]["state"] == "missing"
    assert found[("disk", "points")]["state"] == "changed"
    assert found[("disk", "shards")]["state"] == "unlocked"


def test_the_table_lists_what_moved(project, uv, capsys):
    assert run_cli("lock") == 0
    (project / "data" / "points.csv").write_text("x,y\n0,1\n1,3\n2,6\n")
    capsys.readouterr()
    assert run_cli("status") == 1
    out = capsys.readouterr().out
    assert "  disk      points     changed" in out
    assert "  - data points: data/points.csv changed on disk" in out
    assert out.endswith("drift found\n")


def test_env_compares_installed_packages(project, uv, capsys):
    assert run_cli("lock") == 0
    code, document = status_json(capsys, "--env-name", "app")
    found = rows(document)
    assert code == 1
    assert found[("installed", "app/alpha")]["state"] == "missing"     # the wheels are not installed
    assert found[("python", "app")]["locked"] == "3.11.7"
    assert ("python", "bare") not in found
    code, document = status_json(capsys, "--env", ".")
    assert ("python", "bare") in rows(document)


def _lock_with(*packages: LockedPackage, python="3.11") -> Lock:
    return Lock(envs={"e": LockedEnv("e", python=python, packages=list(packages))})


def test_installed_versions_are_compared_exactly():
    lock = _lock_with(LockedPackage("numpy", "1.26.4"), LockedPackage("scipy", "1.13.1"),
                      LockedPackage("torch", "2.3.1"))
    found = {r.name: r for r in installed_drift(lock, ["e"], {"numpy": "1.26.4", "scipy": "1.14.0"},
                                                python="3.11.7")}
    assert found["e/numpy"].state == "ok"
    assert found["e/scipy"].state == "changed" and found["e/scipy"].actual == "1.14.0"
    assert found["e/torch"].state == "missing"
    assert found["e"].state == "ok"                     # 3.11.7 is a 3.11


def test_a_different_python_is_drift():
    found = installed_drift(_lock_with(python="3.11.9"), ["e"], {}, python="3.11.7")
    assert [(r.kind, r.state) for r in found] == [("python", "changed")]


def test_packages_for_other_platforms_are_skipped(monkeypatch):
    import platform
    import sys

    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    assert applies(f"platform_machine == 'x86_64' and sys_platform == '{sys.platform}'")
    assert not applies(f"platform_machine == 'aarch64' and sys_platform == '{sys.platform}'")
    assert applies(f"(platform_machine == 'aarch64' and sys_platform == 'linux') or "
                   f"(platform_machine == 'x86_64' and sys_platform == '{sys.platform}')")
    assert applies(None)
