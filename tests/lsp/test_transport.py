"""The real server over stdio, fed a byte stream a broken or hostile client might send:
every request is answered, and a stream that no longer splits into messages ends the
server with a Parse error instead of leaving it alive and deaf (issue 18)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.lsp.conftest import server_env

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"processId": None, "rootUri": None, "capabilities": {}}}


def frame(message, length: int | None = None) -> bytes:
    body = json.dumps(message).encode() if isinstance(message, dict) else message
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def replies(stream: bytes, timeout: float = 60) -> tuple[list[dict], int]:
    """What the server writes for ``stream`` (then end of input), and its exit status."""
    done = subprocess.run([sys.executable, "-m", "xspec", "lsp"], input=stream, capture_output=True,
                          env=server_env(), timeout=timeout)
    messages, out = [], done.stdout
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        messages.append(json.loads(rest[:length]))
        out = rest[length:]
    return messages, done.returncode


def errors(messages) -> list[tuple]:
    return [(m.get("id"), m["error"]["code"]) for m in messages if "error" in m]


def hover(msg_id, line, character) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.xspec"},
                       "position": {"line": line, "character": character}}}


@pytest.mark.parametrize("position", [(-1, 0), (0, "a"), (2**40, 2**40)])
def test_every_request_is_answered_even_with_an_invalid_position(position):
    messages, _ = replies(frame(INITIALIZE) + frame(hover(2, *position)) + frame(hover(3, 0, 0)))
    answered = {m.get("id") for m in messages if "result" in m or "error" in m}
    assert {1, 2, 3} <= answered
    if position[0] == -1 or position[1] == "a":
        assert (2, -32602) in errors(messages)   # Invalid params


def test_a_body_that_is_not_json_gets_a_parse_error_and_the_server_goes_on():
    messages, _ = replies(frame(INITIALIZE) + frame(b"{not json") + frame(hover(3, 0, 0)))
    assert (None, -32700) in errors(messages)
    assert any(m.get("id") == 3 for m in messages)


@pytest.mark.parametrize("stream", [
    frame(INITIALIZE, length=10**14),                  # was a MemoryError: the server died
    frame(INITIALIZE)[:-5] + b"garbage\r\n" + frame(hover(2, 0, 0)),
    b"Content-Length: 12x\r\n\r\n{}",
    b"this is not a header\r\n\r\n",
])
def test_a_broken_stream_gets_a_parse_error_and_the_server_stops(stream):
    messages, status = replies(frame(INITIALIZE) + stream)
    assert errors(messages)[-1] == (None, -32700)
    assert status == 1


def test_a_length_too_short_is_caught_at_the_next_header_instead_of_desyncing():
    whole = frame(hover(2, 0, 0))
    short = whole.replace(b"Content-Length: %d" % (len(whole) - len(whole.split(b"\r\n\r\n")[0]) - 4),
                          b"Content-Length: 20")
    messages, status = replies(frame(INITIALIZE) + short + frame(hover(3, 0, 0)))
    assert (None, -32700) in errors(messages) and status == 1


def test_a_request_after_shutdown_is_answered_with_an_error():
    shutdown = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
    messages, _ = replies(frame(INITIALIZE) + frame(shutdown) + frame(hover(3, 0, 0)))
    assert (3, -32600) in errors(messages)
