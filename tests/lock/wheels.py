"""Tiny wheels written by hand, so resolver tests need no index and no network."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def write_wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = (),
                tag: str = "py3-none-any") -> Path:
    """A valid pure-Python wheel ``name-version-tag.whl`` with its dependencies declared."""
    dist = f"{name}-{version}.dist-info"
    metadata = "".join([f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                        *(f"Requires-Dist: {r}\n" for r in requires)])
    files = {
        f"{name}/__init__.py": f"__version__ = {version!r}\n",
        f"{dist}/METADATA": metadata,
        f"{dist}/WHEEL": f"Wheel-Version: 1.0\nGenerator: xspec-tests\nRoot-Is-Purelib: true\nTag: {tag}\n",
    }
    record = "".join(f"{p},{_record_hash(t.encode())},{len(t.encode())}\n" for p, t in files.items())
    files[f"{dist}/RECORD"] = record + f"{dist}/RECORD,,\n"
    path = folder / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, text)
    return path


def sha256_of(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def standard_wheels(folder: Path) -> dict[str, Path]:
    """alpha needs beta, beta needs gamma; gamma has two versions; delta stands alone."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "alpha": write_wheel(folder, "alpha", "1.0", ("beta>=1.0",)),
        "beta": write_wheel(folder, "beta", "1.2", ("gamma<3",)),
        "gamma2": write_wheel(folder, "gamma", "2.0"),
        "gamma3": write_wheel(folder, "gamma", "3.0"),
        "delta": write_wheel(folder, "delta", "0.5"),
    }
