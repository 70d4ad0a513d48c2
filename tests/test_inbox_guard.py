"""Slow clients against a real uvicorn on 127.0.0.1 with the inbox's connection limits."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from cff_desktop.sync.guard import GuardedH11Protocol
from cff_desktop.sync.protocol import ascii_int

seen: dict[str, Any] = {}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the whole body (recording what arrived and whether the client vanished), answers 200."""
    if scope["type"] != "http":
        return
    got = b""
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            seen["disconnected_after"] = len(got)
            return
        got += msg.get("body", b"")
        if not msg.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def server() -> Iterator[int]:
    proto = GuardedH11Protocol.with_limits(header_timeout=0.5, idle_timeout=0.5)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, http=proto, log_level="critical", lifespan="off", backlog=512)
    srv = uvicorn.Server(config)
    t = threading.Thread(target=lambda: asyncio.run(srv.serve(sockets=[sock])), daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.01)
    seen.clear()
    yield port
    srv.should_exit = True
    t.join(timeout=10)
    sock.close()


def _closed(s: socket.socket) -> bool:
    """True when the server has closed the connection (EOF or reset)."""
    try:
        return s.recv(1024) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def _honest(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
        return data


def test_headers_trickled_byte_by_byte_do_not_keep_the_connection(server: int) -> None:
    s = socket.create_connection(("127.0.0.1", server), timeout=0.2)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
    closed = False
    for _ in range(50):  # keep trickling far beyond the header limit
        try:
            s.sendall(b"X")
        except OSError:
            closed = True
            break
        if _closed(s):
            closed = True
            break
    s.close()
    assert closed, "the server kept a connection whose headers never finished"


def test_a_body_that_stops_midway_is_cut_and_the_app_keeps_what_arrived(server: int) -> None:
    s = socket.create_connection(("127.0.0.1", server), timeout=5)
    s.sendall(b"PATCH / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"a" * 10)
    assert _closed(s)  # no more bytes: the idle limit closes it
    s.close()
    for _ in range(200):
        if "disconnected_after" in seen:
            break
        time.sleep(0.01)
    assert seen["disconnected_after"] == 10


def test_three_hundred_slow_connections_do_not_block_an_honest_request(server: int) -> None:
    slow = []
    for _ in range(300):
        c = socket.create_connection(("127.0.0.1", server), timeout=5)
        c.sendall(b"GET / HTTP/1.1\r\nHost:")
        slow.append(c)
    try:
        assert _honest(server).endswith(b"ok")
        assert all(_closed(c) for c in slow)  # each one is dropped at its header limit
    finally:
        for c in slow:
            with contextlib.suppress(OSError):
                c.close()
    assert _honest(server).endswith(b"ok")


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("1234", 1234), ("²", None), ("10^23", None), ("-1", None), ("+5", None), (" 5", None),
    ("1_000", None), ("", None), (None, None), ("١٢", None), ("1" * 20, None),
])
def test_numbers_in_headers_are_ascii_digits_only(text: str | None, value: int | None) -> None:
    assert ascii_int(text) == value
