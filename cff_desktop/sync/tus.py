"""A tus 1.0 client (core + creation, creation-with-upload, optional checksum) over ``requests``.

It works with any tus server (tested against ours and the reference Node server): create an
upload (with the first chunk in the same request when the server offers
``creation-with-upload``), then PATCH chunks from the offset the server reports.

Rules that a mountain 2G link taught us:

- **Never send at a stale offset.** After *any* failed request the next PATCH waits until the
  server has said where it stands (HEAD, or the offset in a 409). A chunk that was cut may have
  moved the server on; sending at the old offset costs a whole chunk on the air for a 409.
- **A dead link is waited out, not counted.** While the position check cannot reach the server
  the uploader probes with short, jittered, growing pauses for ``link_wait`` seconds (minutes by
  default: 2G often stays down for seconds after a drop) before giving the try up. Only failures
  while the server *is* reachable and the offset does not move count towards ``max_stalls``.
- **Chunks are sized for stop-and-wait**, not for loss: without per-chunk checksums the server
  keeps every byte of a cut chunk, so a cut says nothing about the right size. The size follows
  the measured rate towards ``target_seconds`` per chunk (few round-trip pauses, progress every
  few seconds) and never shrinks because of a cut.
- One ``requests.Session`` carries every request, so the connection is kept alive across chunks.

``requests`` honours ``HTTPS_PROXY``, ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` from the environment.
"""

from __future__ import annotations

import base64
import hashlib
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

import requests

from cff_desktop.sync.errors import (
    AuthFailed,
    Offline,
    PackageConflict,
    ServerFull,
    ServerTrouble,
    SyncError,
    TooLarge,
    UploadGone,
)
from cff_desktop.sync.protocol import TUS_VERSION, encode_metadata

KiB = 1024
Progress = Callable[[int, int, float], None]  # (bytes the server has, total, bytes per second)
LinkState = Callable[[bool], None]  # False when the link was found down mid-try, True when it came back
SPEED_WINDOW = 60.0  # seconds of server-confirmed progress the speed is measured over
DEFAULT_LINK_WAIT = 180.0  # seconds a try keeps probing a dead link before it gives up


@dataclass
class ChunkPolicy:
    """PATCH size in bytes: starts small (first progress within seconds even at 64 kbit/s), then
    follows the measured rate towards ``target_seconds`` per chunk. Never shrinks on a cut."""

    size: int = 64 * KiB
    minimum: int = 16 * KiB
    maximum: int = 8 * 1024 * KiB
    target_seconds: float = 15.0
    max_growth: float = 4.0

    def success(self, seconds: float, nbytes: int | None = None) -> None:
        """A chunk of ``nbytes`` went through in ``seconds``: aim the next one at the target."""
        if nbytes is None:  # older callers: only the duration is known
            nbytes = self.size
        rate = nbytes / max(seconds, 1e-3)
        want = int(rate * self.target_seconds)
        want = min(want, int(self.size * self.max_growth))
        self.size = max(self.minimum, min(self.maximum, want))

    def failure(self) -> None:
        """A cut costs only the bytes in flight (the server keeps the rest): keep the size."""


@dataclass
class TusStats:
    wire_bytes: int = 0  # body bytes handed to the network, including any lost in a cut
    requests: int = 0
    failures: int = 0
    resumes: int = 0
    conflicts: int = 0  # 409s: a PATCH sent at an offset the server was no longer at
    head_probes: int = 0
    chunk_sizes: list[int] = field(default_factory=list)


class _Slice:
    """A window of a file as a request body: known length, read in small pieces, counted."""

    def __init__(self, f: BinaryIO, start: int, length: int, on_bytes: Callable[[int], None]) -> None:
        self.f = f
        self.left = length
        self.length = length
        self.on_bytes = on_bytes
        f.seek(start)

    def __len__(self) -> int:
        return self.length

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left, 16 * KiB)
        data = self.f.read(n)
        self.left -= len(data)
        self.on_bytes(len(data))
        return data


def _message(resp: requests.Response) -> str:
    try:
        doc = resp.json()
        if isinstance(doc, dict) and isinstance(doc.get("message"), str):
            return doc["message"]
    except ValueError:
        pass
    return f"máy chủ trả lời HTTP {resp.status_code}"


def raise_for(resp: requests.Response, what: str) -> None:
    """Turn a non-success answer into the error the outbox knows how to handle."""
    s = resp.status_code
    if s < 300:
        return
    msg = _message(resp)
    code = ""
    try:
        code = str(resp.json().get("error", ""))
    except (ValueError, AttributeError):
        pass
    if s in (401, 403):
        raise AuthFailed(f"{what}: {msg}", status=s, code=code or None)
    if s in (404, 410):
        raise UploadGone(f"{what}: {msg}", status=s)
    if s == 409:
        raise PackageConflict(f"{what}: {msg}", status=s, code=code or None)
    if s == 413:
        raise TooLarge(f"{what}: {msg}", status=s)
    if s == 507:
        raise ServerFull(f"{what}: {msg}", status=s)
    if s >= 500:
        raise ServerTrouble(f"{what}: máy chủ gặp lỗi (HTTP {s}); sẽ thử lại sau.", status=s)
    raise SyncError(f"{what}: {msg}", status=s, code=code or None)


class SpeedMeter:
    """Bytes per second over the last ``window`` seconds, from offsets the *server* confirmed.

    Bytes handed to a socket are not bytes on the air (the kernel buffers them, a cut loses
    them), so the only honest speed is the one the server's offset shows.
    """

    def __init__(self, window: float = SPEED_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, offset: int) -> float:
        now = self.clock()
        if self.samples and offset < self.samples[-1][1]:
            self.samples.clear()  # a new upload started from zero
        self.samples.append((now, offset))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()
        return self.speed()

    def speed(self) -> float:
        if len(self.samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self.samples[0], self.samples[-1]
        t1 = max(t1, self.clock())
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0


class TusUploader:
    """Upload one file to a tus endpoint, resuming across failures.

    ``link_wait``: how long (seconds) one try keeps probing a link that went down before it gives
    up (the outbox then schedules another try). ``max_stalls``: failures in a row while the server
    answers but the offset does not move (a server error, a refused chunk) that end the try.
    """

    def __init__(self, session: requests.Session, endpoint: str, *, headers: dict[str, str] | None = None,
                 timeout: tuple[float, float] = (15.0, 60.0), chunk: ChunkPolicy | None = None,
                 checksum: str | None = None, progress: Progress | None = None, max_stalls: int = 4,
                 pause: Callable[[float], None] = time.sleep, link_wait: float = DEFAULT_LINK_WAIT,
                 on_link: LinkState | None = None, rng: random.Random | None = None,
                 probe_timeout: tuple[float, float] = (8.0, 15.0)) -> None:
        self.session = session
        self.endpoint = endpoint
        self.headers = {"Tus-Resumable": TUS_VERSION} | (headers or {})
        self.timeout = timeout
        self.chunk = chunk or ChunkPolicy()
        self.checksum = checksum
        self.progress = progress
        self.max_stalls = max_stalls
        self.pause = pause
        self.link_wait = link_wait
        self.on_link = on_link
        self.rng = rng or random.Random()
        self.probe_timeout = probe_timeout
        self.stats = TusStats()
        self.meter = SpeedMeter()

    def _request(self, method: str, url: str, what: str, *, timeout: tuple[float, float] | None = None,
                 **kw: Any) -> requests.Response:
        self.stats.requests += 1
        try:
            return self.session.request(method, url, headers=self.headers | kw.pop("headers", {}),
                                        timeout=timeout or self.timeout, allow_redirects=False, **kw)
        except requests.RequestException as e:
            raise Offline(f"{what}: mất kết nối tới máy chủ ({type(e).__name__}).") from None

    # -- creation ---------------------------------------------------------------------------------
    def _location(self, resp: requests.Response) -> str:
        if resp.status_code != 201 or not resp.headers.get("Location"):
            raise ServerTrouble("máy chủ không trả về địa chỉ lần tải lên (không phải máy chủ tus?).")
        return urljoin(self.endpoint, resp.headers["Location"])

    def create(self, length: int, metadata: dict[str, str]) -> str:
        """A new, empty upload (its offset is 0: no position check is needed before the first PATCH)."""
        return self.create_plain(length, metadata)[0]

    def create_plain(self, length: int, metadata: dict[str, str]) -> tuple[str, int]:
        """Creation without a body: (URL, offset). A new upload is at 0; an inbox that already
        holds an unfinished upload of this package returns it with its ``Upload-Offset``."""
        resp = self._request("POST", self.endpoint, "tạo lần tải lên", headers={
            "Upload-Length": str(length), "Upload-Metadata": encode_metadata(metadata), "Content-Length": "0"})
        raise_for(resp, "tạo lần tải lên")
        url = self._location(resp)
        off = resp.headers.get("Upload-Offset", "0")
        return url, int(off) if off.isdigit() and int(off) <= length else self.offset(url)[0]

    def create_with_upload(self, path: Path, metadata: dict[str, str],
                           on_created: Callable[[str], None] | None = None) -> tuple[str, int]:
        """tus ``creation-with-upload``: create the upload and send the first chunk in one request.

        Returns (upload URL, server offset). Saves a round trip per package (300 ms to seconds
        on 2G). When this request is cut, the URL never arrives; the caller then creates again
        *without* a body (a server that knows the package gives back the same upload).
        """
        total = Path(path).stat().st_size
        size = min(self.chunk.size, total)
        with open(path, "rb") as f:
            body = _Slice(f, 0, size, self._count)
            t0 = time.monotonic()
            resp = self._request("POST", self.endpoint, "tạo lần tải lên", data=body, headers={
                "Upload-Length": str(total), "Upload-Metadata": encode_metadata(metadata),
                "Content-Type": "application/offset+octet-stream", "Content-Length": str(size)})
        raise_for(resp, "tạo lần tải lên")
        url = self._location(resp)
        if on_created:
            on_created(url)
        off = resp.headers.get("Upload-Offset", "")
        if not off.isdigit() or int(off) > total:
            return url, self.offset(url)[0]
        offset = int(off)
        self.stats.chunk_sizes.append(size)
        if offset == size:
            self.chunk.success(time.monotonic() - t0, size)
        self._report(offset, total)
        return url, offset

    # -- position ---------------------------------------------------------------------------------
    def offset(self, url: str) -> tuple[int, int | None]:
        """One position check (HEAD): (offset, length)."""
        self.stats.head_probes += 1
        resp = self._request("HEAD", url, "hỏi vị trí đã nhận", timeout=self.probe_timeout)
        raise_for(resp, "hỏi vị trí đã nhận")
        off = resp.headers.get("Upload-Offset", "")
        if not off.isdigit():
            raise ServerTrouble("máy chủ không cho biết đã nhận bao nhiêu byte (thiếu Upload-Offset).")
        length = resp.headers.get("Upload-Length", "")
        return int(off), int(length) if length.isdigit() else None

    def probe_delay(self, n: int, elapsed: float) -> float:
        """Pause before position probe ``n`` (0-based) of a down link: short and growing, jittered.

        A quarter of a second first, growing by 40 % each time, capped at 3 s for the first two
        minutes (a 2G link often comes back within seconds, and every second of delay after it
        is back is lost) and at 30 s after that. A probe is a refused connection or a HEAD of a
        few hundred bytes.
        """
        cap = 3.0 if elapsed < 120.0 else 30.0
        return min(cap, 0.25 * 1.4 ** n) * (0.7 + 0.3 * self.rng.random())

    def _wait_link(self, probe: Callable[[], Any], error: SyncError | None) -> Any:
        """Call ``probe`` until it answers, pausing between tries; give up after ``link_wait``."""
        t0 = time.monotonic()
        n = 0
        down = False
        while True:
            try:
                got = probe()
            except (Offline, ServerTrouble) as e:
                error = e
                elapsed = time.monotonic() - t0
                if not down:
                    down = True
                    if self.on_link:
                        self.on_link(False)
                delay = self.probe_delay(n, elapsed)
                if elapsed + delay > self.link_wait:
                    raise error from None
                self.pause(delay)
                n += 1
                continue
            if down and self.on_link:
                self.on_link(True)
            return got

    def resync(self, url: str, error: SyncError | None = None) -> tuple[int, int | None]:
        """Ask where the server is (HEAD), waiting out a down link for up to ``link_wait`` seconds."""
        return self._wait_link(lambda: self.offset(url), error)

    def resync_link(self, probe: Callable[[], Any], error: SyncError) -> None:
        """Wait until ``probe`` (a cheap reachability check) answers, as :meth:`resync` does."""
        self._wait_link(probe, error)

    # -- sending ----------------------------------------------------------------------------------
    def _count(self, n: int) -> None:
        self.stats.wire_bytes += n

    def _report(self, offset: int, total: int) -> None:
        speed = self.meter.add(offset)
        if self.progress is not None:
            self.progress(offset, total, speed)

    def upload(self, path: Path, url: str, *, offset: int | None = None) -> int:
        """Send the rest of ``path`` to ``url``; returns the final offset (the file's size).

        ``offset``: the server's offset when the caller knows it for certain (it just created
        the upload); otherwise the server is asked first.
        """
        total = Path(path).stat().st_size
        if offset is None:
            offset, length = self.resync(url)
            if length is not None and length != total:
                raise UploadGone("lần tải lên trên máy chủ có độ dài khác tệp; tạo lần mới.")
        stalls = 0
        with open(path, "rb") as f:
            self._report(offset, total)
            while offset < total:
                size = min(self.chunk.size, total - offset)
                self.stats.chunk_sizes.append(size)
                headers = {"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                           "Content-Length": str(size)}
                if self.checksum:
                    f.seek(offset)
                    digest = hashlib.new(self.checksum, f.read(size)).digest()
                    headers["Upload-Checksum"] = f"{self.checksum} {base64.b64encode(digest).decode('ascii')}"
                body = _Slice(f, offset, size, self._count)
                t0 = time.monotonic()
                try:
                    resp = self._request("PATCH", url, "gửi dữ liệu", data=body, headers=headers)
                    if resp.status_code == 204:
                        new = resp.headers.get("Upload-Offset", "")
                        if not new.isdigit() or int(new) <= offset or int(new) > total:
                            raise ServerTrouble("máy chủ trả về Upload-Offset sai sau khi nhận dữ liệu.")
                        self.chunk.success(time.monotonic() - t0, int(new) - offset)
                        offset = int(new)
                        stalls = 0
                        self._report(offset, total)
                        continue
                    if resp.status_code == 409 and resp.headers.get("Upload-Offset", "").isdigit():
                        # the server says where it is: that *is* a position check
                        self.stats.conflicts += 1
                        self.stats.failures += 1
                        new_off = int(resp.headers["Upload-Offset"])
                        stalls = 0 if new_off > offset else stalls + 1
                        offset = new_off
                        if stalls >= self.max_stalls:
                            raise ServerTrouble("máy chủ liên tục báo vị trí khác; sẽ thử lại sau.", status=409)
                        self._report(offset, total)
                        continue
                    if resp.status_code == 460:
                        raise ServerTrouble("mã kiểm tra phần dữ liệu không khớp; gửi lại phần đó.", status=460)
                    raise_for(resp, "gửi dữ liệu")
                    raise ServerTrouble(f"máy chủ trả lời HTTP {resp.status_code} cho PATCH.")
                except (Offline, ServerTrouble) as e:
                    if e.status == 409:
                        raise
                    self.stats.failures += 1
                    self.chunk.failure()
                    before = offset
                    offset, _ = self.resync(url, e)  # never send again before the server said where it is
                    self.stats.resumes += 1
                    stalls = 0 if offset > before else stalls + 1
                    self._report(offset, total)
                    if stalls >= self.max_stalls:
                        raise e from None
                    if stalls:
                        self.pause(min(2.0 * stalls, 10.0))
        return offset
