"""A tus 1.0 client (core + creation, optional checksum) over ``requests``.

It works with any tus server (tested against ours and the reference Node server): create an
upload, then PATCH chunks from the offset the server reports. After a failed chunk it asks the
server (HEAD) where it stands and continues from there, so bytes the server acknowledged, or
kept from a cut request, are never sent again.

Chunk size adapts to the link: halved after a failed chunk, doubled after quick successes, and
halved when a chunk takes much longer than the target (a slow link then reports progress often
and loses little when a chunk has to be repeated). ``requests`` honours ``HTTPS_PROXY``,
``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` from the environment.
"""

from __future__ import annotations

import base64
import hashlib
import time
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


@dataclass
class ChunkPolicy:
    """Adaptive chunk size (bytes) for PATCH requests."""

    size: int = 256 * KiB
    minimum: int = 16 * KiB
    maximum: int = 8 * 1024 * KiB
    target_seconds: float = 15.0

    def success(self, seconds: float) -> None:
        if seconds < self.target_seconds / 2:
            self.size = min(self.maximum, self.size * 2)
        elif seconds > self.target_seconds * 2:
            self.size = max(self.minimum, self.size // 2)

    def failure(self) -> None:
        self.size = max(self.minimum, self.size // 2)


@dataclass
class TusStats:
    wire_bytes: int = 0  # body bytes handed to the network, including any lost in a cut
    requests: int = 0
    failures: int = 0
    resumes: int = 0
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


class TusUploader:
    """Upload one file to a tus endpoint, resuming across failures.

    ``max_stalls`` failed chunks in a row without any new byte reaching the server end this
    attempt (raising the last error); the outbox then backs off and tries again later.
    """

    def __init__(self, session: requests.Session, endpoint: str, *, headers: dict[str, str] | None = None,
                 timeout: tuple[float, float] = (15.0, 60.0), chunk: ChunkPolicy | None = None,
                 checksum: str | None = None, progress: Progress | None = None, max_stalls: int = 4,
                 pause: Callable[[float], None] = time.sleep) -> None:
        self.session = session
        self.endpoint = endpoint
        self.headers = {"Tus-Resumable": TUS_VERSION} | (headers or {})
        self.timeout = timeout
        self.chunk = chunk or ChunkPolicy()
        self.checksum = checksum
        self.progress = progress
        self.max_stalls = max_stalls
        self.pause = pause
        self.stats = TusStats()
        self._speed_t0 = time.monotonic()
        self._speed_b0 = 0

    def _request(self, method: str, url: str, what: str, **kw: Any) -> requests.Response:
        self.stats.requests += 1
        try:
            return self.session.request(method, url, headers=self.headers | kw.pop("headers", {}),
                                        timeout=self.timeout, allow_redirects=False, **kw)
        except requests.RequestException as e:
            raise Offline(f"{what}: mất kết nối tới máy chủ ({type(e).__name__}).") from None

    def create(self, length: int, metadata: dict[str, str]) -> str:
        resp = self._request("POST", self.endpoint, "tạo lần tải lên", headers={
            "Upload-Length": str(length), "Upload-Metadata": encode_metadata(metadata), "Content-Length": "0"})
        raise_for(resp, "tạo lần tải lên")
        if resp.status_code != 201 or not resp.headers.get("Location"):
            raise ServerTrouble("máy chủ không trả về địa chỉ lần tải lên (không phải máy chủ tus?).")
        return urljoin(self.endpoint, resp.headers["Location"])

    def offset(self, url: str) -> tuple[int, int | None]:
        resp = self._request("HEAD", url, "hỏi vị trí đã nhận")
        raise_for(resp, "hỏi vị trí đã nhận")
        off = resp.headers.get("Upload-Offset", "")
        if not off.isdigit():
            raise ServerTrouble("máy chủ không cho biết đã nhận bao nhiêu byte (thiếu Upload-Offset).")
        length = resp.headers.get("Upload-Length", "")
        return int(off), int(length) if length.isdigit() else None

    def _report(self, offset: int, total: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        dt = now - self._speed_t0
        speed = (self.stats.wire_bytes - self._speed_b0) / dt if dt > 0 else 0.0
        if dt > 10:  # a sliding start keeps the figure about the last few seconds
            self._speed_t0, self._speed_b0 = now - dt / 2, self.stats.wire_bytes - int(speed * dt / 2)
        self.progress(offset, total, speed)

    def upload(self, path: Path, url: str) -> int:
        """Send the rest of ``path`` to ``url``; returns the final offset (the file's size)."""
        total = Path(path).stat().st_size
        offset, length = self.offset(url)
        if length is not None and length != total:
            raise UploadGone("lần tải lên trên máy chủ có độ dài khác tệp; tạo lần mới.")
        stalls = 0
        last_error: SyncError | None = None
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

                def sent(n: int, _base: int = offset) -> None:
                    self.stats.wire_bytes += n

                body = _Slice(f, offset, size, sent)
                t0 = time.monotonic()
                try:
                    resp = self._request("PATCH", url, "gửi dữ liệu", data=body, headers=headers)
                    if resp.status_code == 204:
                        new = resp.headers.get("Upload-Offset", "")
                        if not new.isdigit() or int(new) <= offset or int(new) > total:
                            raise ServerTrouble("máy chủ trả về Upload-Offset sai sau khi nhận dữ liệu.")
                        offset = int(new)
                        self.chunk.success(time.monotonic() - t0)
                        stalls = 0
                        self._report(offset, total)
                        continue
                    if resp.status_code == 409 and resp.headers.get("Upload-Offset", "").isdigit():
                        raise Offline("máy chủ đang ở vị trí khác; hỏi lại vị trí.")
                    if resp.status_code == 460:
                        raise ServerTrouble("mã kiểm tra phần dữ liệu không khớp; gửi lại phần đó.", status=460)
                    raise_for(resp, "gửi dữ liệu")
                    raise ServerTrouble(f"máy chủ trả lời HTTP {resp.status_code} cho PATCH.")
                except (Offline, ServerTrouble) as e:
                    last_error = e
                    self.stats.failures += 1
                    self.chunk.failure()
                    before = offset
                    try:
                        offset, _ = self.offset(url)
                    except (Offline, ServerTrouble) as e2:
                        last_error = e2
                        stalls += 1
                        if stalls >= self.max_stalls:
                            raise last_error from None
                        self.pause(min(2.0 * stalls, 10.0))
                        continue
                    self.stats.resumes += 1
                    stalls = 0 if offset > before else stalls + 1
                    self._report(offset, total)
                    if stalls >= self.max_stalls:
                        raise last_error from None
                    if stalls:
                        self.pause(min(2.0 * stalls, 10.0))
        return offset
