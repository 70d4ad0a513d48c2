"""Real parts for the sync tests: an inbox served by uvicorn on 127.0.0.1, a TCP proxy that
throttles and cuts the link, and signed packages of any size.

Everything binds to 127.0.0.1 on an ephemeral port; every wait is a bounded loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import random
import socket
import struct
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn

from cff_desktop.sync.protocol import ServerLimits


def wait_for(cond, what: str, tries: int = 2000, step: float = 0.01) -> None:
    for _ in range(tries):
        if cond():
            return
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def wait_until_serving(url: str, what: str) -> None:
    """Wait (up to about 30 s) until an inbox started as a process answers its ping at ``url``."""
    import requests

    def up() -> bool:
        try:
            return requests.get(f"{url}/api/v1/ping", timeout=1).ok
        except requests.RequestException:
            return False

    wait_for(up, what, tries=300, step=0.1)


class ServerThread:
    """``uvicorn.Server`` running an app in a thread; ``stop()`` shuts it down gracefully."""

    def __init__(self, app: Any, *, ssl: tuple[str, str] | None = None) -> None:
        cfg = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="on",
                             timeout_graceful_shutdown=1, ssl_certfile=ssl[0] if ssl else None,
                             ssl_keyfile=ssl[1] if ssl else None)
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started or not self.thread.is_alive(), "uvicorn to start")
        assert self.server.started, "server did not start"
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"{'https' if ssl else 'http'}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "server did not stop"


class District:
    """An inbox on 127.0.0.1 over a data folder; can be restarted on the same data."""

    def __init__(self, data: Path, *, limits: ServerLimits | None = None, clock=None, wrap=None) -> None:
        self.data = data
        self.limits = limits or ServerLimits(min_free=0)
        self.clock = clock
        self.wrap = wrap
        self.thread: ServerThread | None = None
        self.start()

    def start(self) -> None:
        from cff_desktop.services.sync_district import open_inbox

        kw = {"clock": self.clock} if self.clock else {}
        self.inbox = open_inbox(self.data, self.limits, **kw)
        app = self.inbox.app()
        self.thread = ServerThread(self.wrap(app) if self.wrap else app)
        self.url = self.thread.url
        self.port = self.thread.port

    def stop(self) -> None:
        if self.thread:
            self.thread.stop()
            self.thread = None
            self.inbox.store.close()

    def code(self, commune: str = "03199", name: str = "Xã Hoàng Đồng") -> str:
        return self.inbox.store.new_enrol_code(commune, name)

    def packages(self) -> list[dict[str, Any]]:
        return self.inbox.store.query("SELECT * FROM package ORDER BY received_at")

    def upload_files(self) -> list[Path]:
        return sorted((self.data / "uploads").iterdir())


class _CuttingLink:
    """What both proxies share: throttling and counting client→server bytes, choosing the next cut.

    A subclass calls ``__init__`` (the link's common state), sets its own, then calls ``_listen``
    (which starts accepting); it defines ``_accept``, ``cut_all`` and ``_bucket_cap``.
    """

    _stop: bool
    sock: socket.socket
    port: int
    url: str
    thread: threading.Thread

    def __init__(self, backend_port: int, *, rate: float | None, cut_every: int | None, jitter: float,
                 seed: int) -> None:
        self.backend_port = backend_port
        self.rate = rate
        self.cut_every = cut_every
        self.jitter = jitter
        self.rng = random.Random(seed)
        self.up_bytes = 0
        self.cuts = 0
        self.lock = threading.Lock()
        self._since_cut = 0
        self._threshold = self._next_threshold()
        self._conns: list[tuple[socket.socket, socket.socket]] = []
        self._bucket_t = time.monotonic()
        self._bucket = 0.0

    def cut_all(self) -> None:
        raise NotImplementedError

    def _next_threshold(self) -> int | None:
        if not self.cut_every:
            return None
        j = int(self.cut_every * self.jitter)
        return self.cut_every + (self.rng.randint(-j, j) if j else 0)

    def _bucket_cap(self, rate: float) -> float:
        """How many bytes the token bucket may save up (how large a burst the link lets through)."""
        raise NotImplementedError

    def _throttle(self, n: int) -> None:
        """Hold a piece of ``n`` client→server bytes until the token bucket has room (``rate`` bytes/s).
        ``rate`` may change (or be lifted with None) while bytes flow: it is read once per step."""
        while True:
            with self.lock:
                rate = self.rate
                if not rate:
                    return
                now = time.monotonic()
                self._bucket = min(self._bucket_cap(rate), self._bucket + (now - self._bucket_t) * rate)
                self._bucket_t = now
                if self._bucket >= n:
                    self._bucket -= n
                    return
                wait = (n - self._bucket) / rate
            time.sleep(wait)

    def _count_up(self, data: bytes) -> tuple[bytes, bool]:
        """Count bytes going up; at the threshold keep only what fits and say the link is cut."""
        cut = False
        with self.lock:
            if self._threshold is not None and self._since_cut + len(data) >= self._threshold:
                data = data[:max(self._threshold - self._since_cut, 0)]
                self._since_cut = 0
                self._threshold = self._next_threshold()
                cut = True
            else:
                self._since_cut += len(data)
            self.up_bytes += len(data)
        return data, cut

    def _listen(self) -> None:
        """Open the listening socket on 127.0.0.1 and start the accept thread (``_accept``)."""
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        raise NotImplementedError

    def _clients(self, running: Callable[[], bool]) -> Iterator[socket.socket]:
        """The clients that connect while ``running()`` (asked again at least every 0.2 s).

        Once the listening socket is closed (``close``) the ``OSError`` reaches the caller, so a
        proxy can tell that end from ``running()`` turning false.
        """
        while running():
            try:
                c, _ = self.sock.accept()
            except TimeoutError:
                continue
            yield c

    def _join(self, client: socket.socket, drop: Callable[[socket.socket], None]) -> socket.socket | None:
        """Connect a just accepted ``client`` to the backend and register the pair, so that
        ``cut_all`` breaks it; when the backend is not there, ``drop`` the client and return None."""
        try:
            backend = socket.create_connection(("127.0.0.1", self.backend_port), timeout=5)
        except OSError:
            drop(client)
            return None
        client.settimeout(None)
        backend.settimeout(None)
        with self.lock:
            self._conns.append((client, backend))
        return backend

    def _pieces(self, src: socket.socket, upstream: bool) -> Iterator[tuple[bytes, bool]]:
        """Read ``src`` until it ends, yielding ``(data, cut)``: what both proxies do with every piece.

        Upward pieces are throttled and counted; the one that reaches the cut threshold comes
        trimmed with ``cut`` True and is the last. Each proxy decides whether that last piece
        still gets through (``CutProxy``) or is lost in the air (``LinkProxy``). ``OSError`` from
        the socket reaches the caller.
        """
        piece = 1024 if self.rate else 65536
        while True:
            data = src.recv(piece)
            if not data:
                return
            if not upstream:
                yield data, False
                continue
            self._throttle(len(data))
            data, cut = self._count_up(data)
            yield data, cut
            if cut:
                return

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        self.thread.join(timeout=5)
        self.cut_all()


class CutProxy(_CuttingLink):
    """A TCP proxy on 127.0.0.1 in front of a backend port.

    ``cut_every``: after about that many client→server bytes (± ``jitter``, drawn at random) every
    open connection is dropped, as a 2G link drops; ``rate``: client→server bytes per second
    (a token bucket), ``None`` for full speed. ``up_bytes`` counts the bytes the client put on
    the wire towards the server (what a metered link bills).
    """

    def __init__(self, backend_port: int, *, cut_every: int | None = None, jitter: float = 0.0,
                 rate: float | None = None, seed: int = 1) -> None:
        super().__init__(backend_port, rate=rate, cut_every=cut_every, jitter=jitter, seed=seed)
        self._listen()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # the listening socket was closed
            for c in self._clients(lambda: not self._stop):
                b = self._join(c, socket.socket.close)
                if b is None:
                    continue
                threading.Thread(target=self._pump, args=(c, b, True), daemon=True).start()
                threading.Thread(target=self._pump, args=(b, c, False), daemon=True).start()

    def _bucket_cap(self, rate: float) -> float:
        return rate

    def cut_all(self) -> None:
        with self.lock:
            conns, self._conns = self._conns, []
            self.cuts += 1
        for c, b in conns:
            for s in (c, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            for data, cut in self._pieces(src, upstream):
                if data:  # the bytes up to the cut still get through
                    dst.sendall(data)
                if cut:
                    self.cut_all()
                    return
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass



def make_package(ws, folder: Path, size: int = 200_000, *, uid: str | None = None, code: str = "03199",
                 seed: int = 0, key=None) -> tuple[Path, str, str]:
    """A real signed dossier package of about ``size`` bytes from ``ws``'s device: (path, uuid, sha)."""
    from cff_desktop.dossier.package import PayloadFile, build
    from cff_desktop.services import keys
    from cff_desktop.services.rounds import get_round
    from cff_desktop.storage.db import now_iso

    rnd = get_round(ws)
    dev = keys.device_key(ws)
    uid = uid or str(uuidlib.uuid4())
    from cff_desktop.services.council import draft_snapshot

    doc = draft_snapshot(ws) | {"test": seed}  # a snapshot of the real shape (the schema is checked)
    doc["commune"]["code"] = code
    snap = json.dumps(doc, ensure_ascii=False).encode()
    header = {"uuid": uid, "kind": "dossier",
              "commune": {"code": code, "name": rnd.commune["name"], "province": rnd.commune["province"]},
              "round": {"year": rnd.year},
              "ruleset": {"id": rnd.ruleset.id, "version": rnd.ruleset.version, "sha256": rnd.ruleset.sha256},
              "created_at": now_iso(), "app_version": "test", "device": {"id": dev.device_id},
              "supersedes": None, "chain": [], "snapshot_sha256": hashlib.sha256(snap).hexdigest(), "summary": {}}
    files = [PayloadFile("snapshot.json", data=snap),
             PayloadFile("evidence/photo", data=random.Random(seed).randbytes(size), compress=False)]
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f".work-{uid}"
    work.mkdir()
    out = folder / f"{uid}-{seed}.cffpkg"
    built = build(out, header, files, key or dev.key, None, work)
    work.rmdir()
    return out, uid, built.sha256


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class LinkProxy(_CuttingLink):
    """A mountain 2G link between a client and the inbox, on 127.0.0.1.

    - ``rate``: client→server bytes per second (token bucket); the reply direction is not throttled.
    - ``rtt``: round trip in seconds; every piece of data waits ``rtt / 2`` in each direction,
      so stop-and-wait pauses and reconnects cost what they cost on the air.
    - ``cut_every`` (± ``jitter``): after that many client→server bytes every open connection is
      reset (RST) on *both* sides; bytes still "in the air" (inside the delay line) are lost.
    - ``outage``: for that many seconds after each cut the link stays down: new connections are
      reset as soon as they arrive.
    - ``max_seconds``: the proxy stops by itself after that long (a run can never hang).
    - ``up_share``: the part of the round trip spent on the way up (0.5: symmetric). Bytes in the
      upward delay line when a cut comes are lost, as bytes in the air are: ``rate × up delay``
      per cut (12 kB at 640 kbit/s with 150 ms), whatever the client does.

    ``up_bytes``: bytes the client put on the link towards the server (what a metered link bills).
    """

    def __init__(self, backend_port: int, *, rate: float | None = None, rtt: float = 0.0,
                 cut_every: int | None = None, jitter: float = 0.0, outage: float = 0.0, seed: int = 1,
                 max_seconds: float = 1800.0, up_share: float = 0.5) -> None:
        super().__init__(backend_port, rate=rate, cut_every=cut_every, jitter=jitter, seed=seed)
        self.delays = (rtt * up_share, rtt * (1 - up_share))  # (upward, downward)
        self.outage = outage
        self.refused = 0
        self.down_until = 0.0
        self._deadline = time.monotonic() + max_seconds
        self._listen()

    @staticmethod
    def _reset(s: socket.socket) -> None:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()

    def _accept(self) -> None:
        try:
            for c in self._clients(lambda: not self._stop and time.monotonic() < self._deadline):
                if time.monotonic() < self.down_until:
                    self.refused += 1
                    self._reset(c)
                    continue
                b = self._join(c, self._reset)
                if b is None:
                    continue
                for src, dst, up in ((c, b, True), (b, c, False)):
                    line: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
                    threading.Thread(target=self._read, args=(src, line, up), daemon=True).start()
                    threading.Thread(target=self._write, args=(dst, src, line), daemon=True).start()
        except OSError:  # the listening socket was closed: close() cuts what is left
            return
        self.cut_all()  # stopped or past max_seconds: nothing may stay connected

    def _bucket_cap(self, rate: float) -> float:
        return max(rate * 0.05, 1024)

    def cut_all(self) -> None:
        with self.lock:
            conns, self._conns = self._conns, []
            self.cuts += 1
            self.down_until = time.monotonic() + self.outage
        for c, b in conns:
            self._reset(c)
            self._reset(b)

    def _read(self, src: socket.socket, line: queue.Queue, upstream: bool) -> None:
        try:
            for data, cut in self._pieces(src, upstream):
                if cut:  # what was still in the air is lost with the connection
                    self.cut_all()
                    return
                line.put((time.monotonic() + self.delays[0 if upstream else 1], data))
        except OSError:
            pass
        finally:
            line.put(None)

    def _write(self, dst: socket.socket, src: socket.socket, line: queue.Queue) -> None:
        """Deliver after the delay; when the far end is gone (a server killed), the near end is
        reset too, as the real link would do."""
        try:
            while True:
                item = line.get()
                if item is None:
                    dst.shutdown(socket.SHUT_WR)
                    return
                at, data = item
                wait = at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                dst.sendall(data)
        except OSError:
            self._reset(src)
            self._reset(dst)

