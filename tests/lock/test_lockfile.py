"""The lockfile format: round trip, determinism, schema, clear errors, atomic writes."""

from __future__ import annotations

import os
import tomllib

import jsonschema
import pytest

from xspec.lock.lockfile import (Lock, LockedData, LockedEnv, LockedPackage, LockError, dumps,
                                 find_lock, loads, read_lock, requirements_text, schema, write_lock)

H1, H2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64


def sample() -> Lock:
    packages = [LockedPackage("zeta", "2.0", [H2, H1], False),
                LockedPackage("alpha", "1.0", [H1], True),
                LockedPackage("eps", "1.0", [H1], True, "platform_machine == 'x86_64' and sys_platform == 'linux'")]
    env = LockedEnv("app", python="3.11.7", platforms=["x86_64-manylinux_2_28", "aarch64-manylinux_2_28"],
                    packages=packages, image="python:3.11", image_digest="sha256:" + "a" * 64,
                    nixpkgs="github:NixOS/nixpkgs/" + "b" * 40, nixpkgs_rev="b" * 40,
                    nixpkgs_nar_hash="sha256-u17BGAl5d46FQbRGyZD3qjtGfQCa7AS3z4iSGURAH/c=",
                    spec="envs.xspec", requirements={"alpha": "==1.0", "eps": ""})
    data = LockedData("points", "c" * 64, 16, "main.xspec", path="data/points.csv", declared=True)
    return Lock(xspec_version="0.1.0", specs={"main.xspec": H1, "envs.xspec": H2},
                envs={"app": env}, data={"points": data})


def test_round_trip_keeps_every_field():
    lock = sample()
    again = loads(dumps(lock))
    assert again.envs["app"].packages[0].name == "alpha"          # sorted on write
    assert again.envs["app"].platforms == sorted(lock.envs["app"].platforms)
    assert again.envs["app"].nixpkgs_nar_hash == lock.envs["app"].nixpkgs_nar_hash
    assert again.data == lock.data
    assert again.specs == lock.specs


def test_same_lock_gives_same_bytes_whatever_the_input_order():
    shuffled = sample()
    shuffled.envs["app"].packages.reverse()
    shuffled.envs["app"].packages[0].hashes.reverse()
    shuffled.specs = dict(reversed(list(shuffled.specs.items())))
    assert dumps(shuffled) == dumps(sample())


def test_written_lock_matches_the_schema(tmp_path):
    path = tmp_path / "xspec.lock"
    write_lock(path, sample())
    document = tomllib.loads(path.read_text())
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_digest_is_of_the_file_bytes(tmp_path):
    import hashlib

    path = tmp_path / "xspec.lock"
    returned = write_lock(path, sample())
    expected = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert returned == expected == read_lock(path).digest


@pytest.mark.parametrize("edit, line, words", [
    (lambda t: t.replace("[data.points]", "[data.points"), "[data.points", "not valid TOML"),
    (lambda t: t.replace('version = "1.0"', "version = 101", 1), 'version = 101', "is not of type 'string'"),
    (lambda t: t.replace('size = 16', 'size = -3'), "size = -3", "minimum"),
    (lambda t: t.replace('image_digest = "sha256:', 'image_digest = "md5:'), "image_digest", "does not match"),
    (lambda t: t.replace("[data.points]", "[data.points]\ncolour = \"red\""), "[data.points]",
     "'colour' was unexpected"),
    (lambda t: t.replace("version = 1\n", "version = 7\n"), "version = 7", "newer than this xspec"),
])
def test_a_broken_lock_is_reported_with_its_line(tmp_path, edit, line, words):
    text = edit(dumps(sample()))
    path = tmp_path / "xspec.lock"
    path.write_text(text)
    with pytest.raises(LockError) as caught:
        read_lock(path)
    expected_line = next(i for i, text_line in enumerate(text.splitlines(), 1) if line in text_line)
    assert caught.value.line == expected_line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{path}:{expected_line}: ")


def test_a_lock_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "xspec.lock"
    path.write_bytes(b"version = 1\n\xff\xfe\n")
    with pytest.raises(LockError) as caught:
        read_lock(path)
    assert caught.value.line == 2


def test_an_interrupted_write_leaves_the_old_lock_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "xspec.lock"
    write_lock(path, sample())
    before = path.read_bytes()
    changed = sample()
    changed.xspec_version = "9.9.9"

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_lock(path, changed)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xspec.lock"]


def test_requirements_text_is_sorted_and_hash_pinned():
    text = requirements_text(sample().envs["app"])
    lines = text.splitlines()
    assert lines[0].startswith("#")
    pins = [line for line in lines if not line.startswith(("#", " "))]
    assert pins == ["alpha==1.0 \\",
                    "eps==1.0 ; platform_machine == 'x86_64' and sys_platform == 'linux' \\",
                    "zeta==2.0 \\"]
    assert f"    --hash={H1} \\" in lines and f"    --hash={H2}" in lines


def test_find_lock_looks_at_the_project_root(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "sub").mkdir()
    spec = tmp_path / "sub" / "a.xspec"
    spec.write_text("xspec 1\n")
    assert find_lock(spec) is None
    write_lock(tmp_path / "xspec.lock", sample())
    assert find_lock(spec) == tmp_path / "xspec.lock"
