"""Data hashing: streaming SHA-256, folders, parallel hashing, the stat cache."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from xspec.lock import data as D
from xspec.lock.data import DataError, Hasher, StatCache, manifest_digest, sha256_file

OLD = 1_600_000_000 * 10**9        # an mtime well outside the racy window


def write(path: Path, content: bytes, mtime_ns: int = OLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def count_reads(monkeypatch) -> list[Path]:
    reads: list[Path] = []
    real = D.sha256_file

    def counting(path, buffer=None):
        reads.append(path)
        return real(path, buffer)

    monkeypatch.setattr(D, "sha256_file", counting)
    return reads


@pytest.mark.parametrize("size", [0, 1, D.BLOCK - 1, D.BLOCK, D.BLOCK + 1, 3 * D.BLOCK + 17])
def test_streaming_hash_equals_hashlib_at_block_edges(tmp_path, size):
    content = os.urandom(size)
    hashed = sha256_file(write(tmp_path / "f", content))
    assert hashed.sha256 == hashlib.sha256(content).hexdigest()
    assert hashed.size == size


def test_folder_hash_is_the_hash_of_a_sha256sum_manifest(tmp_path):
    write(tmp_path / "d" / "b.txt", b"two\n")
    write(tmp_path / "d" / "a" / "x.bin", b"\x00one")
    result = Hasher(tmp_path).digest_all({"d": tmp_path / "d"})["d"]
    lines = sorted([(hashlib.sha256(b"\x00one").hexdigest(), "a/x.bin"),
                    (hashlib.sha256(b"two\n").hexdigest(), "b.txt")], key=lambda t: t[1])
    manifest = "".join(f"{h}  {name}\n" for h, name in lines)
    assert result.sha256 == hashlib.sha256(manifest.encode()).hexdigest()
    assert result.size == 8


def test_many_files_in_parallel_give_the_serial_answers(tmp_path):
    targets = {f"f{i}": write(tmp_path / f"f{i}", os.urandom(1000 + i)) for i in range(40)}
    parallel = Hasher(tmp_path, workers=2).digest_all(targets)
    serial = Hasher(tmp_path, verify=True, workers=1).digest_all(targets)
    assert parallel == serial
    assert parallel["f3"].sha256 == hashlib.sha256(targets["f3"].read_bytes()).hexdigest()


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    targets = {"a": write(tmp_path / "a", b"alpha"), "d": tmp_path / "d"}
    write(tmp_path / "d" / "1", b"one")
    write(tmp_path / "d" / "2", b"two")
    first = Hasher(tmp_path).digest_all(targets)
    reads = count_reads(monkeypatch)
    assert Hasher(tmp_path).digest_all(targets) == first
    assert reads == []
    assert (tmp_path / ".xspec-cache" / "stat-cache.json").is_file()


def test_a_changed_file_is_read_again_and_its_new_hash_returned(tmp_path, monkeypatch):
    path = write(tmp_path / "a", b"alpha")
    Hasher(tmp_path).digest_all({"a": path})
    write(path, b"ALPHA", mtime_ns=OLD + 10**9)
    reads = count_reads(monkeypatch)
    assert Hasher(tmp_path).digest_all({"a": path})["a"].sha256 == hashlib.sha256(b"ALPHA").hexdigest()
    assert reads == [path]


def test_tampering_that_keeps_size_and_mtime_needs_verify(tmp_path):
    path = write(tmp_path / "a", b"alpha")
    original = Hasher(tmp_path).digest_all({"a": path})["a"].sha256
    with open(path, "r+b") as handle:           # same inode, same size
        handle.write(b"ALPHA")
    os.utime(path, ns=(OLD, OLD))                # and the old mtime put back
    assert Hasher(tmp_path).digest_all({"a": path})["a"].sha256 == original   # the cache trusts stat
    verified = Hasher(tmp_path, verify=True).digest_all({"a": path})["a"].sha256
    assert verified == hashlib.sha256(b"ALPHA").hexdigest()


def test_recently_written_files_are_not_trusted_from_the_cache(tmp_path):
    path = tmp_path / "fresh"
    path.write_bytes(b"just now")
    Hasher(tmp_path).digest_all({"f": path})
    assert StatCache(tmp_path).entries == {}


def test_a_broken_cache_only_costs_rehashing(tmp_path):
    path = write(tmp_path / "a", b"alpha")
    (tmp_path / ".xspec-cache").mkdir()
    (tmp_path / ".xspec-cache" / "stat-cache.json").write_text("{not json")
    assert Hasher(tmp_path).digest_all({"a": path})["a"].size == 5


def test_missing_files_are_returned_as_errors(tmp_path):
    result = Hasher(tmp_path).digest_all({"gone": tmp_path / "gone"})["gone"]
    assert isinstance(result, DataError)
    assert "No such file" in str(result)


def test_manifest_of_nothing_is_the_hash_of_nothing():
    assert manifest_digest({}).sha256 == hashlib.sha256(b"").hexdigest()


def test_fetch_hashes_while_streaming(monkeypatch):
    import io
    import urllib.request

    content = os.urandom(D.BLOCK + 5)
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(content))
    hashed = D.fetch_sha256("https://example.org/x")
    assert (hashed.sha256, hashed.size) == (hashlib.sha256(content).hexdigest(), len(content))
