"""The Dockerfile target, built and run for real: no Docker engine, no registry.

The base image is made from Debian packages with mmdebstrap (which reads the machine's
own apt sources, so no mirror is named here) and imported into buildah, with vfs storage
in this test's own folder. It stands in for the official `python:3.11` image, so it has
what that image has: `python` and pip, and no EXTERNALLY-MANAGED marker. The spec's env
asks for Debian 12's Python (3.11.2) and one package, served from a loopback index of a
wheel built here (`index_url` on 127.0.0.1, PEP 503 layout, http.server). The spec is
locked (uv reads the same index), compiled with `xspec build --base-image` (a `FROM
...@sha256:` reference cannot match a local image), built with `buildah bud`, and one
job runs inside the image; its provenance and output hashes must equal a local run of
the same job.

The base image tar takes about 70 s to make. It is kept in $XSPEC_TEST_CACHE when that
is set (.ci/run sets it to .ci/cache/ in the CI checkout), so CI makes it once.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import os
import shutil
import subprocess
import threading
import zipfile
from functools import partial
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.run.conftest import run_dir_of, xspec

DEBIAN_PACKAGES = "python3,python3-venv,python3-pip,python-is-python3,ca-certificates"
BASE = "localhost/xspec-test-debian-python:bookworm"
IMAGE = "localhost/xspec-test-boxed:1"
DEBIAN_PYTHON = "3.11.2"      # bookworm's python3
PACKAGE, VERSION = "xspec-demo", "1.0"

SPEC = """xspec 1

env debian {
  python    = "DEBIAN_PYTHON"
  image     = "docker.io/library/python:3.11.2-slim-bookworm@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  index_url = "INDEX"
  packages  = { xspec-demo = "==1.0" }
}

experiment boxed {
  env  = debian
  seed = 5
  param word: str = "a"
  sweep grid { word = ["alpha", "beta"] }
  resources { cpus = 1, memory = 256MiB, time = 5m }
  run     = ["python3", "job.py", word, seed]
  outputs = ["out.txt"]
  vars    = { GREETING = "hello" }
}
"""
JOB = """import os, sys, xspec_demo
open("out.txt", "w").write(f"{xspec_demo.VALUE} {os.environ['GREETING']} {sys.argv[1]} {sys.argv[2]}\\n")
"""
# The fields that name where and when a job ran, not what it was.
PLACE_AND_TIME = ("scheduler", "host", "started", "finished")


def _cache_folder(tmp_path_factory) -> Path:
    folder = os.environ.get("XSPEC_TEST_CACHE")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory) -> Path:
    """The Debian base as a tar (made once per cache folder)."""
    tar = _cache_folder(tmp_path_factory) / f"debian-bookworm-{hashlib.sha256(DEBIAN_PACKAGES.encode()).hexdigest()[:12]}.tar"
    if tar.is_file():
        return tar
    tool = require_tool("mmdebstrap")
    partial_tar = tar.with_suffix(".partial")
    made = subprocess.run([tool, "--variant=minbase", "--format=tar", f"--include={DEBIAN_PACKAGES}",
                           "--customize-hook=rm -f \"$1\"/usr/lib/python3*/EXTERNALLY-MANAGED",
                           "bookworm", str(partial_tar)], capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stderr[-3000:]
    partial_tar.rename(tar)
    return tar


class Buildah:
    """buildah with its storage (vfs) in a folder of this test's own; no daemon."""

    def __init__(self, folder: Path):
        self.tool = require_tool("buildah")
        self.storage = ["--root", str(folder / "root"), "--runroot", str(folder / "runroot"),
                        "--storage-driver", "vfs"]

    def __call__(self, *args, timeout: float = 600) -> str:
        done = subprocess.run([self.tool, *self.storage, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"buildah {args[0]}: {done.stderr[-3000:]}"
        return done.stdout.strip()


@pytest.fixture(scope="module")
def buildah(rootfs, tmp_path_factory) -> Buildah:
    tool = Buildah(tmp_path_factory.mktemp("buildah"))
    container = tool("from", "scratch")
    tool("add", container, rootfs, "/")
    tool("config", "--cmd", "bash", container)
    tool("commit", "-q", container, BASE)
    tool("rm", container)
    return tool


# ---- a loopback package index ----------------------------------------------------------------

def wheel(folder: Path) -> Path:
    """A pure-Python wheel of `xspec_demo`, built here (files, METADATA, WHEEL, RECORD)."""
    name = f"xspec_demo-{VERSION}"
    files = {"xspec_demo/__init__.py": f'VALUE = "xspec-demo {VERSION}"\n',
             f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {VERSION}\n",
             f"{name}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: xspec-tests\nRoot-Is-Purelib: true\n"
                                         "Tag: py3-none-any\n"}
    record = [f"{path},sha256={_urlsafe_digest(text.encode())},{len(text.encode())}" for path, text in files.items()]
    files[f"{name}.dist-info/RECORD"] = "\n".join(record + [f"{name}.dist-info/RECORD,,"]) + "\n"
    path = folder / f"{name}-py3-none-any.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file, text in files.items():
            archive.writestr(zipfile.ZipInfo(file, (1980, 1, 1, 0, 0, 0)), text)
    path.write_bytes(buffer.getvalue())
    return path


def _urlsafe_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """`http://127.0.0.1:PORT/simple/`, a PEP 503 index holding the wheel."""
    root = tmp_path_factory.mktemp("index")
    (root / "files").mkdir()
    built = wheel(root / "files")
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    project = root / "simple" / PACKAGE
    project.mkdir(parents=True)
    (root / "simple" / "index.html").write_text(f'<a href="{PACKAGE}/">{PACKAGE}</a>\n')
    (project / "index.html").write_text(f'<a href="../../files/{built.name}#sha256={digest}">{built.name}</a>\n')
    handler = partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple", built
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# ---- the test --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def project(index, tmp_path_factory) -> Path:
    url, _ = index
    root = tmp_path_factory.mktemp("boxed") / "project"
    root.mkdir()
    (root / "xspec.toml").write_text("")
    (root / "job.py").write_text(JOB)
    (root / "boxed.xspec").write_text(SPEC.replace("DEBIAN_PYTHON", DEBIAN_PYTHON).replace("INDEX", url))
    locked = xspec(["lock", "boxed.xspec"], cwd=root, timeout=300)
    assert locked.returncode == 0, locked.stdout + locked.stderr
    return root


def test_the_dockerfile_builds_and_its_job_matches_a_local_run(project, buildah, index, tmp_path):
    built = xspec(["build", "boxed.xspec", "-t", "docker", "--base-image", BASE], cwd=project)
    assert built.returncode == 0, built.stderr
    context = project / "build" / "docker" / "boxed"
    dockerfile = (context / "Dockerfile").read_text()
    assert f"FROM {BASE}\n" in dockerfile and "--index-url" in dockerfile
    # --network host: the RUN steps reach the loopback index (chroot isolation, no runc).
    buildah("bud", "--pull=never", "--isolation", "chroot", "--network", "host", "-t", IMAGE,
            "-f", context / "Dockerfile", context, timeout=900)

    # Job 1 in the image, the project mounted at /work (as `docker run -v "$PWD":/work`;
    # root here, as `--user "$(id -u):$(id -g)"` would be for the root user).
    boxed = project / "boxed-run"
    shutil.copytree(project, boxed, ignore=shutil.ignore_patterns("build", "runs", "boxed-run"))
    container = buildah("from", "--pull=never", IMAGE)
    buildah("run", "--isolation", "chroot", "--user", "0:0", "--volume", f"{boxed}:/work",
            "--env", "XSPEC_RUN_ID=image", container, "--", "bash", "/opt/xspec/xspec-job.sh", "1")
    buildah("rm", container)
    in_image = boxed / "runs" / "boxed" / "image" / "1"

    # The same job here, with the same interpreter (Debian's) and the same wheel.
    site = tmp_path / "site"
    with zipfile.ZipFile(index[1]) as archive:
        archive.extractall(site)
    ran = xspec(["run", "boxed.xspec", "--jobs", "1"], cwd=project,
                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site)})
    assert ran.returncode == 0, ran.stderr
    here = run_dir_of(ran) / "1"

    image_record = json.loads((in_image / "xspec-provenance.json").read_text())
    local_record = json.loads((here / "xspec-provenance.json").read_text())
    assert image_record["scheduler"]["name"] == "docker" and local_record["scheduler"]["name"] == "local"
    differing = {k for k in image_record.keys() | local_record.keys() if image_record.get(k) != local_record.get(k)}
    assert differing <= set(PLACE_AND_TIME), differing
    assert image_record["exit_code"] == 0 and image_record["params"] == {"word": "beta"}
    assert (in_image / "out.txt").read_bytes() == (here / "out.txt").read_bytes() \
        == f"xspec-demo {VERSION} hello beta {image_record['job']['seed']}\n".encode()
    assert image_record["outputs"] == local_record["outputs"] == \
        {"out.txt": "sha256:" + hashlib.sha256((here / "out.txt").read_bytes()).hexdigest()}


def test_base_image_replaces_the_from_line_and_says_so(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "boxed.xspec").write_text(SPEC.replace("DEBIAN_PYTHON", DEBIAN_PYTHON)
                                          .replace("INDEX", "https://pypi.org/simple"))
    (tmp_path / "job.py").write_text(JOB)
    built = xspec(["build", "boxed.xspec", "-t", "docker", "-t", "apptainer", "--allow-unlocked",
                   "--base-image", BASE], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    dockerfile = (tmp_path / "build" / "docker" / "boxed" / "Dockerfile").read_text()
    definition = (tmp_path / "build" / "apptainer" / "boxed" / "boxed.def").read_text()
    assert f"\nFROM {BASE}\n" in dockerfile and f"\nFrom: {BASE}\n" in definition
    for text in (dockerfile, definition):
        assert f"# BASE IMAGE (--base-image): {BASE}, not the env's docker.io/library/python@sha256:" in text
        assert "--index-url https://pypi.org/simple " in text
    refused = xspec(["build", "boxed.xspec", "-t", "docker", "--base-image", "two words"], cwd=tmp_path)
    assert refused.returncode == 2 and "'two words' is not an image reference" in refused.stderr
