"""When documents are checked: at once when idle, only the newest text when busy."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from xspec.lsp.analyser import Analyser
from xspec.lsp.documents import Request

pytestmark = pytest.mark.asyncio


class SlowCheck:
    """A check that blocks until released, recording the texts it was given."""

    def __init__(self):
        self.texts: list[str] = []
        self.release = threading.Event()

    def __call__(self, path, text):
        self.texts.append(text)
        self.release.wait(10)
        return None, []


def _request(version: int) -> Request:
    return Request("file:///t.xspec", version, f"text {version}", Path("/t.xspec"))


async def test_edits_made_during_a_check_collapse_into_one_check_of_the_newest_text():
    check, published = SlowCheck(), []
    analyser = Analyser(check, published.append, lambda: "utf-16")
    analyser.submit(_request(1))
    for version in range(2, 11):
        analyser.submit(_request(version))
    check.release.set()
    analysis = await analyser.current("file:///t.xspec")
    assert check.texts == ["text 1", "text 10"]
    assert [a.request.version for a in published] == [10]     # never the stale "text 1"
    assert analysis.request.version == 10
    analyser.shutdown()


async def test_a_failing_check_is_reported_not_raised():
    def broken(path, text):
        raise RecursionError("deep")

    published = []
    analyser = Analyser(broken, published.append, lambda: "utf-16")
    analyser.submit(_request(1))
    analysis = await analyser.current("file:///t.xspec")
    assert analysis.result is None and "RecursionError: deep" in analysis.error
    assert published == [analysis]
    analyser.shutdown()


async def test_a_closed_document_is_forgotten():
    check = SlowCheck()
    check.release.set()
    analyser = Analyser(check, lambda a: None, lambda: "utf-16")
    analyser.submit(_request(1))
    await analyser.current("file:///t.xspec")
    analyser.close("file:///t.xspec")
    assert await analyser.current("file:///t.xspec") is None
    await asyncio.sleep(0)
    analyser.shutdown()
