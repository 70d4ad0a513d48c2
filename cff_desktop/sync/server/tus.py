"""The tus 1.0 subset the inbox speaks: create, HEAD, PATCH (appended as the bytes arrive), checksums.

A mixin of :class:`cff_desktop.sync.server.app.Inbox`. :func:`write_chunk` is the one place the
server writes upload bytes, so a test can make the disk "full" exactly there.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from cff_desktop.storage.paths import create_private_file
from cff_desktop.sync.inbox_store import iso
from cff_desktop.sync.protocol import (
    SHA256_RE,
    TUS_VERSION,
    UPLOAD_ID_RE,
    UUID_RE,
    ascii_int,
    decode_metadata,
)
from cff_desktop.sync.server._base import InboxBase
from cff_desktop.sync.server._common import _conflict_message, _http_date, error

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
TUS_EXTENSIONS = "creation,creation-with-upload,checksum,expiration"


def write_chunk(fh: Any, data: bytes) -> None:
    """Append ``data`` to an unbuffered file, looping over short writes (the OS may take less).

    A module-level function so a test can make the disk "full" in the server process exactly
    where the server writes.
    """
    view = memoryview(data)
    while view:
        n = fh.write(view)
        view = view[n:]


@dataclass
class _Pumped:
    received: int = 0
    cut: bool = False
    too_big: bool = False
    disk_full: bool = False
    checksum_ok: bool | None = None


class TusMixin(InboxBase):
    """The ``/files/`` endpoints; the upload rows live in the inbox store, the bytes in ``uploads/``."""

    def _tus_headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"} | (extra or {})

    async def tus_options(self, request: Request) -> Response:
        return Response(status_code=204, headers={
            "Tus-Resumable": TUS_VERSION, "Tus-Version": TUS_VERSION, "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Max-Size": str(self.limits.max_package), "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS)})


    def _disk_free(self) -> int:
        return shutil.disk_usage(self.data).free

    async def tus_create(self, request: Request) -> Response:
        auth = self._gate(request)
        if isinstance(auth, Response):
            return auth
        length = ascii_int(request.headers.get("upload-length"))
        if length is None:
            return error(400, "bad_length", "cần Upload-Length là số byte viết bằng chữ số 0-9 (máy chủ không nhận "
                         "độ dài hoãn lại).")
        if length == 0 or length > self.limits.max_package:
            return error(413, "too_large", f"gói {length} byte vượt giới hạn {self.limits.max_package} byte của "
                         "máy chủ (hoặc rỗng).")
        try:
            meta = decode_metadata(request.headers.get("upload-metadata", ""))
        except (ValueError, UnicodeDecodeError):
            return error(400, "bad_metadata", "Upload-Metadata sai dạng (cặp khóa và giá trị base64).")
        uid, sha = meta.get("uuid", ""), meta.get("sha256", "")
        if not UUID_RE.fullmatch(uid) or not SHA256_RE.fullmatch(sha):
            return error(400, "bad_metadata", "Upload-Metadata phải có uuid (mã gói) và sha256 (64 chữ số hex) "
                         "của gói.")
        raw_cl = request.headers.get("content-length") or "0"
        body_len = ascii_int(raw_cl)
        if body_len is None:
            return error(400, "bad_request", "Content-Length phải là số byte viết bằng chữ số 0-9.",
                         {"Connection": "close"})
        with_body = body_len > 0
        if with_body and (body_len > length or request.headers.get(
                "content-type", "").split(";")[0].strip() != "application/offset+octet-stream"):
            return error(400, "bad_request", "dữ liệu gửi kèm khi tạo cần Content-Type: "
                         "application/offset+octet-stream và không dài hơn Upload-Length.", {"Connection": "close"})
        known = self.store.one("SELECT sha256, receipt_id FROM package WHERE commune = ? AND uuid = ?",
                               (auth["commune"], uid))
        if known and known["sha256"] != sha:
            return error(409, "conflict", _conflict_message(uid, known["receipt_id"]))
        same = self.store.one("SELECT * FROM upload WHERE commune = ? AND package_uuid = ? AND sha256 = ? AND"
                              " length = ? AND expires_at >= ? ORDER BY created_at DESC LIMIT 1",
                              (auth["commune"], uid, sha, length, iso(self.clock())))
        if same is not None:
            # The same package again (a creation whose reply was lost): give back its upload and
            # offset, so the client goes on from there instead of sending it all again.
            return await self._created(request, same, with_body)
        open_rows = self.store.query("SELECT id, length FROM upload WHERE commune = ?", (auth["commune"],))
        promised = sum(r["length"] for r in open_rows)
        if promised + length > self.limits.max_open_per_token:
            return error(413, "too_many_open", f"các gói đang gửi dở của xã đã hứa {promised} byte; thêm gói này "
                         f"vượt giới hạn {self.limits.max_open_per_token} byte. Gửi xong (hoặc chờ hết hạn) các gói "
                         "đang gửi rồi thử lại.", {"Retry-After": "600"})
        # what every unfinished upload of any commune may still write: the disk must hold it too
        pending = sum(max(0, r["length"] - self._offset(r["id"]))
                      for r in self.store.query("SELECT id, length FROM upload"))
        if self._disk_free() - pending - length < self.limits.min_free:
            return error(507, "disk_full", "máy chủ cấp trên tạm hết chỗ trống trên đĩa; gói vẫn chờ trong hộp "
                         "thư đi và sẽ được gửi lại sau.", {"Retry-After": "600"})
        upload_id = os.urandom(16).hex()
        now = self.clock()
        expires = now + timedelta(hours=self.limits.upload_ttl_hours)
        try:
            create_private_file(self.store.upload_path(upload_id))  # owner-only: a commune's dossier
            with self.store.tx() as conn:
                conn.execute("INSERT INTO upload (id, commune, length, metadata, package_uuid, sha256, created_at,"
                             " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (upload_id, auth["commune"], length, json.dumps(meta, ensure_ascii=False), uid, sha,
                              iso(now), iso(expires)))
        except (OSError, sqlite3.Error) as e:
            with contextlib.suppress(OSError):
                self.store.upload_path(upload_id).unlink()
            full = (isinstance(e, OSError) and e.errno == errno.ENOSPC) or "full" in str(e).lower()
            return error(507 if full else 500, "disk_full" if full else "server_error",
                         "máy chủ không ghi được (đĩa đầy hoặc lỗi ổ đĩa); thử lại sau.", {"Retry-After": "600"})
        row = self.store.one("SELECT * FROM upload WHERE id = ?", (upload_id,))
        assert row is not None  # inserted just above, in this request
        return await self._created(request, row, with_body)

    async def _created(self, request: Request, row: dict[str, Any], with_body: bool) -> Response:
        """The creation reply; with ``creation-with-upload`` the body is appended first (kept as it
        arrives, like a PATCH). A body for an upload that already moved on is not read."""
        uid = row["id"]
        headers = {"Location": f"/files/{uid}",
                   "Upload-Expires": _http_date(datetime.fromisoformat(row["expires_at"]))}
        if with_body:
            await self._stop_pump(uid)
            lock = self._locks.setdefault(uid, asyncio.Lock())
            async with lock:
                if self._offset(uid) != 0:
                    return Response(status_code=201, headers=self._tus_headers(
                        headers | {"Upload-Offset": str(self._offset(uid)), "Connection": "close"}))
                res = await self._run_pump(request, uid, row["length"], None)
            if res.disk_full:
                return error(507, "disk_full", "máy chủ cấp trên hết chỗ trống trên đĩa; phần đã nhận được giữ, "
                             "máy xã sẽ gửi tiếp sau.", headers | {"Upload-Offset": str(self._offset(uid)),
                                                                   "Retry-After": "600"})
        return Response(status_code=201, headers=self._tus_headers(headers | {"Upload-Offset": str(self._offset(uid))}))

    def _upload_for(self, request: Request, auth: dict[str, Any]) -> dict[str, Any] | Response:
        uid = request.path_params["upload_id"]
        if not UPLOAD_ID_RE.fullmatch(uid):
            return error(404, "not_found", "không có lần tải lên này.")
        row = self.store.one("SELECT * FROM upload WHERE id = ? AND commune = ?", (uid, auth["commune"]))
        if row is None:
            return error(404, "not_found", "không có lần tải lên này (đã hết hạn hoặc đã xong).")
        if row["expires_at"] < iso(self.clock()):
            self._drop_upload(uid)
            return error(410, "expired", "lần tải lên đã hết hạn và bị xóa; gửi lại từ đầu.")
        return row

    def _offset(self, upload_id: str) -> int:
        try:
            return self.store.upload_path(upload_id).stat().st_size
        except FileNotFoundError:
            pass
        # finishing moved the file into packages/ and the server stopped before the commit: the
        # upload is complete (its bytes are in place), never "at 0"
        row = self.store.one("SELECT sha256, length FROM upload WHERE id = ?", (upload_id,))
        if row is not None and self.store.package_path(row["sha256"]).is_file():
            return int(row["length"])
        return 0

    async def tus_head(self, request: Request) -> Response:
        auth = self._gate(request)
        if isinstance(auth, Response):
            return auth
        row = self._upload_for(request, auth)
        if isinstance(row, Response):
            return Response(status_code=row.status_code, headers=self._tus_headers())
        # A PATCH still "running" belongs to a connection the client gave up on (it only asks
        # after a failure): stop it, so the offset given is final and the next PATCH matches it.
        await self._stop_pump(row["id"])
        return Response(status_code=200, headers=self._tus_headers({
            "Upload-Offset": str(self._offset(row["id"])), "Upload-Length": str(row["length"]),
            "Upload-Expires": _http_date(datetime.fromisoformat(row["expires_at"]))}))

    async def tus_patch(self, request: Request) -> Response:
        auth = self._gate(request)
        if isinstance(auth, Response):
            return auth
        row = self._upload_for(request, auth)
        if isinstance(row, Response):
            return row
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/offset+octet-stream":
            return error(415, "bad_content_type", "PATCH cần Content-Type: application/offset+octet-stream.")
        raw_off = request.headers.get("upload-offset", "")
        client_offset = ascii_int(raw_off)
        if client_offset is None:
            return error(400, "bad_offset", "cần Upload-Offset là số byte viết bằng chữ số 0-9.")
        checksum: tuple[str, bytes] | None = None
        if "upload-checksum" in request.headers:
            algo, _, b64 = request.headers["upload-checksum"].strip().partition(" ")
            if algo not in CHECKSUM_ALGORITHMS:
                return error(400, "bad_checksum_algorithm", f"thuật toán kiểm tra '{algo[:20]}' không hỗ trợ; "
                             f"dùng {', '.join(CHECKSUM_ALGORITHMS)}.")
            try:
                checksum = (algo, base64.b64decode(b64, validate=True))
            except ValueError:
                return error(400, "bad_checksum", "Upload-Checksum sai dạng (thuật toán rồi base64).")
        uid = row["id"]
        # A PATCH still "running" for this upload belongs to a connection the client already gave
        # up on (a half-open link): stop it so the resumed request can go on (as tusd does).
        await self._stop_pump(uid)
        lock = self._locks.setdefault(uid, asyncio.Lock())
        async with lock:
            offset = self._offset(uid)
            if client_offset != offset:
                return error(409, "offset_mismatch", f"Upload-Offset {raw_off} khác vị trí máy chủ đang có "
                             f"({offset}); hỏi lại bằng HEAD.", {"Upload-Offset": str(offset)})
            remaining = row["length"] - offset
            cl = request.headers.get("content-length")
            if cl is not None and ascii_int(cl) is None:
                return error(400, "bad_request", "Content-Length phải là số byte viết bằng chữ số 0-9.",
                             {"Upload-Offset": str(offset)})
            if cl is not None and (ascii_int(cl) or 0) > remaining:
                return error(413, "too_large", f"phần dữ liệu dài hơn phần còn lại của gói ({remaining} byte).",
                             {"Connection": "close", "Upload-Offset": str(offset)})
            res = await self._run_pump(request, uid, remaining, checksum)
            new_offset = self._offset(uid)
            headers = {"Upload-Offset": str(new_offset),
                       "Upload-Expires": _http_date(datetime.fromisoformat(row["expires_at"]))}
            if res.disk_full:
                return error(507, "disk_full", "máy chủ cấp trên hết chỗ trống trên đĩa; phần đã nhận được giữ, "
                             "máy xã sẽ gửi tiếp sau.", headers | {"Retry-After": "600"})
            if res.too_big:
                return error(413, "too_large", "dữ liệu gửi dài hơn độ dài gói đã khai báo; phần thừa bị bỏ.",
                             headers | {"Connection": "close"})
            if res.checksum_ok is False:
                return error(460, "checksum_mismatch", "mã kiểm tra của phần dữ liệu không khớp; phần này bị bỏ, "
                             "gửi lại từ vị trí cũ.", headers)
            if res.cut:  # the client is gone, or the server is shutting down: either way, try again
                return error(503, "interrupted", "kết nối bị ngắt giữa chừng; phần đã nhận được giữ.",
                             headers | {"Retry-After": "5"})
            return Response(status_code=204, headers=self._tus_headers(headers))

    async def _stop_pump(self, uid: str) -> None:
        old = self._pumps.get(uid)
        if old is not None and not old.done():
            old.cancel()
            await asyncio.wait([old], timeout=10)

    async def _run_pump(self, request: Request, uid: str, remaining: int,
                        checksum: tuple[str, bytes] | None) -> _Pumped:
        """Run the body copy as its own task, so a newer request for the upload can stop it. A
        copy stopped that way is a cut (its client is gone), not a server error."""
        task = asyncio.create_task(self._pump(request, uid, remaining, checksum))
        self._pumps[uid] = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and current is not None and not current.cancelling():
                return _Pumped(cut=True)  # stopped by a newer request before it read anything
            task.cancel()
            raise
        finally:
            if self._pumps.get(uid) is task:
                del self._pumps[uid]

    async def _pump(self, request: Request, uid: str, remaining: int,
                    checksum: tuple[str, bytes] | None) -> _Pumped:
        """Copy the body to disk as it arrives; on a cut keep what arrived (unless checksummed)."""
        res = _Pumped()
        target = self._side_path(uid) if checksum else self.store.upload_path(uid)
        digest = hashlib.new(checksum[0]) if checksum else None
        try:
            with open(target, "wb" if checksum else "ab", buffering=0) as fh:
                try:
                    async for chunk in request.stream():
                        if not chunk:
                            continue
                        if res.received + len(chunk) > remaining:
                            chunk = chunk[:remaining - res.received]
                            res.too_big = True
                        write_chunk(fh, chunk)
                        res.received += len(chunk)
                        if digest is not None:
                            digest.update(chunk)
                        if res.too_big:
                            break
                except (ClientDisconnect, asyncio.CancelledError):
                    res.cut = True
        except OSError as e:
            if e.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            res.disk_full = True
        if checksum is None:
            return res
        try:
            if res.cut or res.disk_full or res.too_big or digest is None:
                return res  # the checksum extension: a chunk that cannot be checked is discarded
            res.checksum_ok = digest.digest() == checksum[1]
            if res.checksum_ok:
                with open(target, "rb") as src, open(self.store.upload_path(uid), "ab", buffering=0) as dst:
                    while block := src.read(1 << 20):
                        write_chunk(dst, block)
        except OSError as e:
            if e.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            res.disk_full = True
        finally:
            with contextlib.suppress(OSError):
                target.unlink()
        return res
