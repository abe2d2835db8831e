"""The HTML report: self-contained, and checked in a real headless Chromium (Debian's
`chromium`): it loads with no console error, its script runs, and a screenshot shows
the plots (pixels in the plot colours)."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.results.conftest import RECORDED, results

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLOT_BLUE, PLOT_RED = (0x1F, 0x77, 0xB4), (0xD6, 0x27, 0x28)   # the first two series' colours


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    page = tmp_path_factory.mktemp("html") / "report.html"
    result = results([RECORDED, "--group", "--html", page])
    assert result.returncode == 0, result.stderr
    return page


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    binary = require_tool("chromium")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def console_errors(stderr: str) -> list[str]:
    """Chromium's `--enable-logging=stderr` lines for console messages and page errors."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_the_page_is_self_contained(report):
    text = report.read_text()
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"""\b(src|href)\s*=""", text), "the page must load nothing"
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", text)
    assert text.count("<svg") >= 6 + 1 + 1 + 1          # 3 metrics x 2 params, curves, states, durations


def test_the_page_lists_provenance(report):
    text = report.read_text()
    manifest = (RECORDED / "xspec-run.json").read_text()
    digest = re.search(r'"digest": "(sha256:[0-9a-f]{64})"', manifest)[1]
    assert digest in text and "git commit" in text and "env py311: python 3.11.7" in text


def test_console_error_detection_works(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><body><script>not_defined_anywhere();</script></body></html>")
    found = chromium(tmp_path, broken, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert any("not_defined_anywhere" in line for line in console_errors(found.stderr)), found.stderr[-2000:]


def test_chromium_loads_the_page_without_console_errors(report, tmp_path):
    found = chromium(tmp_path, report, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert found.returncode == 0, found.stderr[-2000:]
    assert 'data-xspec-report="ready"' in found.stdout           # the inline script ran to its end
    assert console_errors(found.stderr) == []


def test_the_screenshot_shows_the_plots(report, tmp_path):
    shot = tmp_path / "report.png"
    found = chromium(tmp_path, report, "--window-size=1200,1600", f"--screenshot={shot}")
    assert shot.is_file(), found.stderr[-2000:]
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    colours = {}
    for pixel in pixels:
        colours[pixel] = colours.get(pixel, 0) + 1
    assert len(colours) > 50                                      # not a blank page
    assert colours.get(PLOT_BLUE, 0) > 200 and colours.get(PLOT_RED, 0) > 200


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.setdefault(kind, []).append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    rows = _unfilter(raw, width * channels, height, channels)
    return width, height, [tuple(row[i:i + 3]) for row in rows for i in range(0, len(row), channels)]


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytes]:
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    guess = left + up - corner                                    # Paeth
    near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
    return near[2]


def test_report_into_a_missing_folder_is_an_error(tmp_path):
    result = results([RECORDED, "--html", tmp_path / "nope" / "report.html"])
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "nope").exists()
