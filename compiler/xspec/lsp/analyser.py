"""When documents are checked: at once, one at a time, newest text first.

The core runs on a single worker thread: the parser keeps per-parse state in its AST
builder and the incremental parser a cache of trees, neither thread-safe, and one thread keeps the event loop free to answer hovers and completions
while a check runs. Edits are coalesced rather than delayed by a timer: an edit to an
idle document is checked immediately (no latency added), and edits that arrive while
its check runs replace each other, so only the newest text is checked next and a stale
result is never published over a newer one.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from xspec.lsp.documents import Analysis, Request, analyse


class Analyser:
    def __init__(self, check, publish: Callable[[Analysis], None], encoding: Callable[[], str]):
        self._check = check
        self._publish = publish
        self._encoding = encoding
        self._core = ThreadPoolExecutor(1, thread_name_prefix="xspec-core")
        self.latest: dict[str, Analysis] = {}
        self._wanted: dict[str, Request] = {}
        self._running: set[str] = set()
        self._waiters: dict[str, list[asyncio.Future]] = {}

    def submit(self, request: Request) -> None:
        self._wanted[request.uri] = request
        if request.uri not in self._running:
            self._start(request.uri)

    def recheck_all(self) -> None:
        """Check every open document again (a config file or an imported file changed)."""
        for uri, old in list(self._wanted.items()):
            self.submit(Request(uri, old.version, old.text, old.path))

    def recheck_importers(self, key) -> None:
        """Check again the open documents whose last check read the file ``key``."""
        for uri, analysis in list(self.latest.items()):
            program = analysis.result.program if analysis.result is not None else None
            if program is not None and key in program.modules and analysis.key != key:
                old = self._wanted.get(uri)
                if old is not None:
                    self.submit(Request(uri, old.version, old.text, old.path))

    def close(self, uri: str) -> None:
        self._wanted.pop(uri, None)
        self.latest.pop(uri, None)
        self._wake(uri, None)

    def _start(self, uri: str) -> None:
        request = self._wanted[uri]
        self._running.add(uri)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._core, analyse, request, self._encoding(), self._check)
        future.add_done_callback(lambda done: self._finished(request, done))

    def _finished(self, request: Request, done: asyncio.Future) -> None:
        uri = request.uri
        self._running.discard(uri)
        wanted = self._wanted.get(uri)
        if wanted is None or done.cancelled():
            return
        if wanted is not request:          # newer text arrived meanwhile: check that instead
            self._start(uri)
            return
        analysis = done.result()
        self.latest[uri] = analysis
        self._publish(analysis)
        self._wake(uri, analysis)

    def _wake(self, uri: str, analysis: Analysis | None) -> None:
        for waiter in self._waiters.pop(uri, []):
            if not waiter.done():
                waiter.set_result(analysis)

    async def current(self, uri: str, timeout: float = 10.0) -> Analysis | None:
        """The analysis of the document's newest text, waiting for it if a check is due."""
        wanted, latest = self._wanted.get(uri), self.latest.get(uri)
        if wanted is None or (latest is not None and latest.request is wanted):
            return latest
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uri, []).append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except asyncio.TimeoutError:
            return self.latest.get(uri)

    async def run(self, function, *args):
        """Run ``function`` on the core thread (anything that parses must)."""
        return await asyncio.get_running_loop().run_in_executor(self._core, function, *args)

    def shutdown(self) -> None:
        self._core.shutdown(wait=False, cancel_futures=True)
