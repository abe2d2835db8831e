"""Reading LSP messages from stdin: base-protocol framing that a bad client cannot wedge.

pygls's own loop waits for a body as long as any Content-Length says (10^14 bytes ran
the server out of memory; one too long swallowed the next messages and it never
answered again) and drops messages it cannot decode without a word. Here:

- a header that is not ``Name: value``, a missing or non-numeric Content-Length, a
  length over MAX_MESSAGE_BYTES, or a body that does not arrive within BODY_TIMEOUT
  seconds means the stream cannot be trusted any more: the client gets a Parse error
  (-32700, id null) saying why, and the server stops, so that the editor restarts it;
- a well-framed body that is not JSON gets a Parse error and reading goes on;
- a request whose params do not fit its method (a negative position, a string where
  a number goes) gets Invalid params (-32602) for its id, and one after ``shutdown``
  Invalid request (-32600), so every request is answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import BinaryIO

log = logging.getLogger("xspec.lsp")

# A document at the parser's limit (4 MiB) is at most 6 times that as JSON (\uXXXX).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_HEADER_LINE = 1024
BODY_TIMEOUT = 30.0
_HEADER = re.compile(rb"([!-9;-~]+):[ \t]*([^\r\n]*)\r?\n")

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602


class FramingError(Exception):
    """The byte stream no longer splits into messages."""


class Reader:
    """stdin read in the server's thread pool, header lines bounded in length."""

    def __init__(self, stdin: BinaryIO, executor=None):
        self.stdin, self.executor = stdin, executor

    async def readline(self) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.stdin.readline, MAX_HEADER_LINE)

    async def read(self, size: int) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.stdin.read, size)


async def read_message(reader: Reader) -> bytes | None:
    """The next message's body; None at the end of the input."""
    length = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        header = _HEADER.fullmatch(line)
        if header is None:
            raise FramingError(f"not a message header: {line[:60]!r}")
        if header.group(1).lower() == b"content-length":
            if not header.group(2).strip().isdigit():
                raise FramingError(f"Content-Length is not a number: {header.group(2)[:40]!r}")
            length = int(header.group(2))
    if length is None:
        raise FramingError("a message without Content-Length")
    if length > MAX_MESSAGE_BYTES:
        raise FramingError(f"Content-Length {length} is over the limit of {MAX_MESSAGE_BYTES} bytes")
    try:
        body = await asyncio.wait_for(reader.read(length), BODY_TIMEOUT)
    except asyncio.TimeoutError:
        raise FramingError(f"the {length}-byte body did not arrive within {BODY_TIMEOUT:.0f} s") from None
    return body if len(body) == length else None


def error(msg_id, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def dispatch(protocol, body: bytes) -> None:
    """Decode one body and hand it to pygls's protocol; answer what it cannot take."""
    try:
        raw = json.loads(body)
    except ValueError as e:   # UnicodeDecodeError too
        protocol._send_data(error(None, PARSE_ERROR, f"not JSON: {e}"))
        return
    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
        protocol._send_data(error(raw.get("id") if isinstance(raw, dict) else None,
                                  INVALID_REQUEST, "not a JSON-RPC 2.0 message"))
        return
    if getattr(protocol, "_shutdown", False) and "id" in raw and raw.get("method") not in (None, "exit"):
        protocol._send_data(error(raw["id"], INVALID_REQUEST, "the server is shutting down"))
        return   # pygls drops requests after shutdown without an answer
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except Exception as e:  # noqa: BLE001 - pygls raises its own classes for bad params
        log.warning("cannot decode %s: %s", raw.get("method", "a message"), e)
        if "id" in raw and "method" in raw:
            protocol._send_data(error(raw["id"], INVALID_PARAMS,
                                      f"invalid params for {raw['method']}"))
        return
    protocol.handle_message(message)


async def serve(stop_event, reader: Reader, protocol) -> bool:
    """Read and dispatch messages until the input ends or the server stops; False when
    it stopped because the stream was broken."""
    while not stop_event.is_set():
        try:
            body = await read_message(reader)
        except FramingError as e:
            log.error("%s; closing the connection", e)
            protocol._send_data(error(None, PARSE_ERROR, f"{e}; the server stops"))
            return False
        if body is None:
            return True
        try:
            dispatch(protocol, body)
        except Exception:  # noqa: BLE001 - one message never takes the server down
            log.exception("cannot handle a message")
    return True
