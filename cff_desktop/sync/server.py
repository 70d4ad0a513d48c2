"""The upper level's inbox: an ASGI app (Starlette) speaking tus 1.0 plus a small JSON API.

Why ASGI: uvicorn hands the app each piece of a request body as it arrives, and the app appends it
to the upload file at once, so when a 2G link drops in the middle of a chunk every byte that got
here is kept and the client resumes from there (a WSGI server buffers the whole body and would
drop it). The tus subset, the checksum decision, receipts, idempotency and authentication are
described in ``docs/sync-protocol.md``.

The app never trusts an id from the wire: upload ids, package UUIDs and hashes are matched
against fixed patterns before they reach SQL or a path, and every row a request can see is
filtered by the commune its token belongs to (another commune's upload is simply "not found").

The package check itself (signature by an enrolled device, member hashes, limits) is injected as
``verifier`` by the services layer, which owns the package format; this module only knows that a
verifier either returns the manifest or raises :class:`PackageRefused`.
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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cff_desktop.common.errors import CffError
from cff_desktop.sync.inbox_store import InboxStore, iso, utcnow
from cff_desktop.sync.protocol import (
    API,
    CODE_RE,
    DECISION_TYPE,
    RECEIPT_TYPE,
    SHA256_RE,
    TOKEN_RE,
    TUS_VERSION,
    UPLOAD_ID_RE,
    UUID_RE,
    ServerLimits,
    decode_metadata,
    fingerprint,
    sign_document,
)

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
TUS_EXTENSIONS = "creation,checksum,expiration"


class PackageRefused(Exception):
    """The verifier's refusal: ``code`` for programs, ``message`` (Vietnamese) for the clerk."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VerifyRequest:
    """What the verifier needs to judge an uploaded package for one commune."""

    commune: str
    devices: dict[str, str]  # fingerprint -> public key of the commune's enrolled devices
    uuid: str
    sha256: str
    limits: ServerLimits


Verifier = Callable[[Path, VerifyRequest], dict[str, Any]]


def write_chunk(fh: Any, data: bytes) -> None:
    """Append ``data`` to an unbuffered file, looping over short writes (the OS may take less).

    A module-level function so a test can make the disk "full" in the server process exactly
    where the server writes.
    """
    view = memoryview(data)
    while view:
        n = fh.write(view)
        view = view[n:]


def _http_date(t: datetime) -> str:
    return format_datetime(t, usegmt=True)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    h = {"Tus-Resumable": TUS_VERSION} | (headers or {})
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=h)


class _TooLarge(Exception):
    pass


@dataclass
class _Pumped:
    received: int = 0
    cut: bool = False
    too_big: bool = False
    disk_full: bool = False
    checksum_ok: bool | None = None


@dataclass
class Inbox:
    """One inbox: its data folder, verifier, limits and clock (a test can skew the clock)."""

    data: Path
    verifier: Verifier
    limits: ServerLimits = field(default_factory=ServerLimits)
    clock: Callable[[], datetime] = utcnow
    sweep_seconds: float = 600.0

    def __post_init__(self) -> None:
        self.store = InboxStore(self.data)
        self._locks: dict[str, asyncio.Lock] = {}
        self._pumps: dict[str, asyncio.Task[_Pumped]] = {}
        self._finishing: dict[tuple[str, str], asyncio.Lock] = {}

    # -- the app ---------------------------------------------------------------------------------
    def app(self) -> Starlette:
        routes = [
            Route(f"{API}/ping", self.ping, methods=["GET"]),
            Route(f"{API}/enrol", self.enrol, methods=["POST"]),
            Route(f"{API}/packages/{{uuid}}", self.package_status, methods=["GET"]),
            Route(f"{API}/uploads/{{upload_id}}/finish", self.finish, methods=["POST"]),
            Route(f"{API}/decisions", self.decisions, methods=["GET"]),
            Route(f"{API}/rulesets", self.rulesets, methods=["GET"]),
            Route(f"{API}/rulesets/{{sha256}}", self.ruleset_file, methods=["GET"]),
            Route("/files/", self.tus_options, methods=["OPTIONS"]),
            Route("/files/", self.tus_create, methods=["POST"]),
            Route("/files/{upload_id}", self.tus_options, methods=["OPTIONS"]),
            Route("/files/{upload_id}", self.tus_head, methods=["HEAD"]),
            Route("/files/{upload_id}", self.tus_patch, methods=["PATCH"]),
        ]
        return Starlette(routes=routes, lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.sweep()
        task = asyncio.create_task(self._sweeper())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sweeper(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            await run_in_threadpool(self.sweep)

    def sweep(self) -> int:
        """tus expiration: delete uploads abandoned past their ``Upload-Expires`` (and stray files)."""
        now = iso(self.clock())
        gone = self.store.query("SELECT id FROM upload WHERE expires_at < ?", (now,))
        for r in gone:
            if r["id"] in self._pumps and not self._pumps[r["id"]].done():
                continue
            self._drop_upload(r["id"])
        known = {r["id"] for r in self.store.query("SELECT id FROM upload")}
        for p in (self.data / "uploads").iterdir():
            if p.name.split(".")[0] not in known:
                with contextlib.suppress(OSError):
                    p.unlink()
        return len(gone)

    def _drop_upload(self, upload_id: str) -> None:
        with self.store.tx() as conn:
            conn.execute("DELETE FROM upload WHERE id = ?", (upload_id,))
        for p in (self.store.upload_path(upload_id), self._side_path(upload_id)):
            with contextlib.suppress(OSError):
                p.unlink()

    def _side_path(self, upload_id: str) -> Path:
        return self.store.upload_path(upload_id).with_name(f"{upload_id}.chunk")

    # -- auth ------------------------------------------------------------------------------------
    def _auth(self, request: Request) -> dict[str, Any] | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not TOKEN_RE.fullmatch(token.strip()):
            return error(401, "unauthorized", "thiếu mã truy cập hoặc mã sai dạng. Đăng ký lại máy bằng "
                         "`cff sync enrol --server URL --code MÃ`.", {"WWW-Authenticate": "Bearer"})
        row = self.store.token_row(token.strip())
        if row is None:
            return error(401, "unauthorized", "mã truy cập không đúng. Đăng ký lại máy bằng mã mới của cấp trên.",
                         {"WWW-Authenticate": "Bearer"})
        if row["revoked_at"]:
            return error(401, "revoked", f"mã truy cập của máy này đã bị cấp trên thu hồi lúc {row['revoked_at']}. "
                         "Xin mã đăng ký mới rồi chạy `cff sync enrol`; hồ sơ chờ gửi vẫn được giữ.",
                         {"WWW-Authenticate": "Bearer"})
        return row

    async def _read_json(self, request: Request, limit: int) -> Any:
        cl = request.headers.get("content-length")
        if cl is not None and (not cl.isdigit() or int(cl) > limit):
            raise _TooLarge
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _TooLarge
        return json.loads(body.decode("utf-8")) if body else {}

    def _too_large(self, limit: int) -> JSONResponse:
        return error(413, "too_large", f"yêu cầu quá lớn (tối đa {limit} byte); máy chủ không đọc tiếp.",
                     {"Connection": "close"})

    # -- JSON API --------------------------------------------------------------------------------
    async def ping(self, request: Request) -> Response:
        """Connectivity probe: cheap, no auth, says which server this is."""
        return JSONResponse({"ok": True, "server": "cff-district", "time": iso(self.clock()),
                             "fingerprint": self.store.fingerprint})

    async def enrol(self, request: Request) -> Response:
        try:
            doc = await self._read_json(request, self.limits.max_json)
        except _TooLarge:
            return self._too_large(self.limits.max_json)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return error(400, "bad_request", "nội dung đăng ký không phải JSON.")
        except ClientDisconnect:
            return Response(status_code=400)
        code = str(doc.get("code", "")).strip().upper() if isinstance(doc, dict) else ""
        device = doc.get("device") if isinstance(doc, dict) else None
        if not CODE_RE.fullmatch(code):
            return error(400, "bad_code", "mã đăng ký sai dạng (12 ký tự dạng ABCD-EFGH-JKLM).")
        if not isinstance(device, dict) or not all(isinstance(device.get(k), str) for k in
                                                   ("id", "public_key", "fingerprint")):
            return error(400, "bad_device", "thiếu thông tin khóa của máy (id, public_key, fingerprint).")
        try:
            ok = fingerprint(device["public_key"]) == device["fingerprint"] and len(
                base64.b64decode(device["public_key"], validate=True)) == 32 and len(device["id"]) <= 64
        except ValueError:
            ok = False
        if not ok:
            return error(400, "bad_device", "khóa của máy không hợp lệ (dấu vân tay không khớp khóa).")
        try:
            token, commune = self.store.redeem_code(code, device, self.clock())
        except CffError as e:
            return error(403, "bad_code", e.message)
        name = (self.store.one("SELECT name FROM commune WHERE code = ?", (commune,)) or {}).get("name", "")
        return JSONResponse({"token": token, "commune": {"code": commune, "name": name},
                             "server": {"public_key": self.store.public_key, "fingerprint": self.store.fingerprint}})

    async def package_status(self, request: Request) -> Response:
        auth = self._auth(request)
        if isinstance(auth, Response):
            return auth
        uid = request.path_params["uuid"]
        if not UUID_RE.fullmatch(uid):
            return error(404, "not_found", "mã gói không hợp lệ.")
        row = self.store.one("SELECT sha256, receipt FROM package WHERE commune = ? AND uuid = ?",
                             (auth["commune"], uid))
        if row is None:
            return error(404, "not_found", "máy chủ chưa có gói này.")
        return JSONResponse({"uuid": uid, "sha256": row["sha256"], "receipt": json.loads(row["receipt"])})

    async def decisions(self, request: Request) -> Response:
        auth = self._auth(request)
        if isinstance(auth, Response):
            return auth
        after = request.query_params.get("after", "0")
        if not after.isdigit():
            return error(400, "bad_request", "tham số after phải là số.")
        rows = self.store.query("SELECT seq, doc FROM decision WHERE commune = ? AND seq > ? ORDER BY seq LIMIT 500",
                                (auth["commune"], int(after)))
        return JSONResponse({"decisions": [{"seq": r["seq"], "doc": json.loads(r["doc"])} for r in rows]})

    async def rulesets(self, request: Request) -> Response:
        auth = self._auth(request)
        if isinstance(auth, Response):
            return auth
        rows = self.store.query("SELECT sha256, doc FROM ruleset ORDER BY published_at")
        return JSONResponse({"rulesets": [{"sha256": r["sha256"], "doc": json.loads(r["doc"])} for r in rows]})

    async def ruleset_file(self, request: Request) -> Response:
        auth = self._auth(request)
        if isinstance(auth, Response):
            return auth
        sha = request.path_params["sha256"]
        if not SHA256_RE.fullmatch(sha) or self.store.one("SELECT 1 FROM ruleset WHERE sha256 = ?", (sha,)) is None:
            return error(404, "not_found", "không có bộ tiêu chí này.")
        return Response(self.store.ruleset_path(sha).read_bytes(), media_type="application/json")

    # -- tus -------------------------------------------------------------------------------------
    def _tus_headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"} | (extra or {})

    async def tus_options(self, request: Request) -> Response:
        return Response(status_code=204, headers={
            "Tus-Resumable": TUS_VERSION, "Tus-Version": TUS_VERSION, "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Max-Size": str(self.limits.max_package), "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS)})

    def _check_version(self, request: Request) -> Response | None:
        if request.headers.get("tus-resumable") != TUS_VERSION:
            return error(412, "tus_version", f"máy chủ chỉ nói tus {TUS_VERSION}.", {"Tus-Version": TUS_VERSION})
        return None

    def _disk_free(self) -> int:
        return shutil.disk_usage(self.data).free

    async def tus_create(self, request: Request) -> Response:
        auth = self._gate(request)
        if isinstance(auth, Response):
            return auth
        raw_len = request.headers.get("upload-length", "")
        if not raw_len.isdigit():
            return error(400, "bad_length", "cần Upload-Length (máy chủ không nhận độ dài hoãn lại).")
        length = int(raw_len)
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
        if int(request.headers.get("content-length") or 0) > 0:
            return error(400, "bad_request", "máy chủ không nhận dữ liệu ngay khi tạo (creation-with-upload).")
        known = self.store.one("SELECT sha256, receipt_id FROM package WHERE commune = ? AND uuid = ?",
                               (auth["commune"], uid))
        if known and known["sha256"] != sha:
            return error(409, "conflict", _conflict_message(uid, known["receipt_id"]))
        if self._disk_free() - length < self.limits.min_free:
            return error(507, "disk_full", "máy chủ cấp trên tạm hết chỗ trống trên đĩa; gói vẫn chờ trong hộp "
                         "thư đi và sẽ được gửi lại sau.", {"Retry-After": "600"})
        upload_id = os.urandom(16).hex()
        now = self.clock()
        expires = now + timedelta(hours=self.limits.upload_ttl_hours)
        try:
            self.store.upload_path(upload_id).touch(exist_ok=False)
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
        return Response(status_code=201, headers=self._tus_headers({
            "Location": f"/files/{upload_id}", "Upload-Expires": _http_date(expires), "Upload-Offset": "0"}))

    def _gate(self, request: Request) -> dict[str, Any] | Response:
        """Every tus request: the protocol version first, then the commune's token."""
        bad = self._check_version(request)
        return bad if bad is not None else self._auth(request)

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
            return 0

    async def tus_head(self, request: Request) -> Response:
        auth = self._gate(request)
        if isinstance(auth, Response):
            return auth
        row = self._upload_for(request, auth)
        if isinstance(row, Response):
            return Response(status_code=row.status_code, headers=self._tus_headers())
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
        if not raw_off.isdigit():
            return error(400, "bad_offset", "cần Upload-Offset.")
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
        old = self._pumps.get(uid)
        if old is not None and not old.done():
            old.cancel()
            await asyncio.wait([old], timeout=10)
        lock = self._locks.setdefault(uid, asyncio.Lock())
        async with lock:
            offset = self._offset(uid)
            if int(raw_off) != offset:
                return error(409, "offset_mismatch", f"Upload-Offset {raw_off} khác vị trí máy chủ đang có "
                             f"({offset}); hỏi lại bằng HEAD.", {"Upload-Offset": str(offset)})
            remaining = row["length"] - offset
            cl = request.headers.get("content-length")
            if cl is not None and (not cl.isdigit() or int(cl) > remaining):
                return error(413, "too_large", f"phần dữ liệu dài hơn phần còn lại của gói ({remaining} byte).",
                             {"Connection": "close", "Upload-Offset": str(offset)})
            task = asyncio.create_task(self._pump(request, uid, remaining, checksum))
            self._pumps[uid] = task
            try:
                res = await task
            except asyncio.CancelledError:
                task.cancel()
                raise
            finally:
                if self._pumps.get(uid) is task:
                    del self._pumps[uid]
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

    # -- finishing: verify, store, receipt --------------------------------------------------------
    async def finish(self, request: Request) -> Response:
        auth = self._auth(request)
        if isinstance(auth, Response):
            return auth
        row = self._upload_for(request, auth)
        if isinstance(row, Response):
            return row
        uid = row["id"]
        offset = self._offset(uid)
        if offset != row["length"]:
            return error(409, "incomplete", f"gói chưa nhận đủ ({offset}/{row['length']} byte); gửi tiếp rồi "
                         "mới kết thúc.", {"Upload-Offset": str(offset)})
        key = (auth["commune"], row["package_uuid"])
        lock = self._finishing.setdefault(key, asyncio.Lock())
        async with lock:
            try:
                status, body = await run_in_threadpool(self._finish_sync, auth, row)
            except OSError as e:
                if e.errno in (errno.ENOSPC, errno.EDQUOT):
                    return error(507, "disk_full", "máy chủ cấp trên hết chỗ trống trên đĩa khi lưu gói; thử lại "
                                 "sau.", {"Retry-After": "600"})
                raise
        return JSONResponse(body, status_code=status)

    def _finish_sync(self, auth: dict[str, Any], row: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        commune, uid, upload_id = auth["commune"], row["package_uuid"], row["id"]
        path = self.store.upload_path(upload_id)
        known = self.store.one("SELECT sha256, receipt, receipt_id FROM package WHERE commune = ? AND uuid = ?",
                               (commune, uid))
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
        sha = h.hexdigest()
        if known is not None:
            self._drop_upload(upload_id)
            if known["sha256"] == sha:
                return 200, {"receipt": json.loads(known["receipt"]), "duplicate": True}
            return 409, {"error": "conflict", "message": _conflict_message(uid, known["receipt_id"])}
        if sha != row["sha256"]:
            self._drop_upload(upload_id)
            return 422, {"error": "checksum_mismatch", "message": "gói nhận được không khớp mã SHA-256 đã khai báo "
                         "(dữ liệu hỏng trên đường truyền); phần đã nhận bị bỏ, máy xã sẽ gửi lại từ đầu."}
        devices = self.store.enrolled_devices(commune)
        try:
            manifest = self.verifier(path, VerifyRequest(commune, devices, uid, sha, self.limits))
        except PackageRefused as e:
            self._drop_upload(upload_id)
            return 422, {"error": e.code, "message": e.message}
        final = self.store.package_path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if not final.exists():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
            os.replace(path, final)
        now = self.clock()
        with self.store.tx() as conn:
            n = self.store.next_number(conn, f"receipt-{now.year}")
            receipt_id = f"TN-{now.year}-{n:05d}"
            body = {"type": RECEIPT_TYPE, "version": 1, "receipt_id": receipt_id, "commune": commune,
                    "package": {"uuid": uid, "sha256": sha, "size": row["length"], "kind": manifest.get("kind", ""),
                                "year": (manifest.get("round") or {}).get("year")},
                    "device_fingerprint": (manifest.get("device") or {}).get("fingerprint", ""),
                    "received_at": iso(now), "server_fingerprint": self.store.fingerprint}
            receipt = sign_document(self.store.key, body)
            conn.execute("INSERT INTO package (commune, uuid, sha256, size, kind, year, device_fingerprint, manifest,"
                         " received_at, receipt_id, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (commune, uid, sha, row["length"], body["package"]["kind"], body["package"]["year"],
                          body["device_fingerprint"], json.dumps(manifest, ensure_ascii=False), iso(now), receipt_id,
                          json.dumps(receipt, ensure_ascii=False)))
            conn.execute("DELETE FROM upload WHERE id = ?", (upload_id,))
        with contextlib.suppress(OSError):
            path.unlink()
        return 200, {"receipt": receipt, "duplicate": False}

    # -- the upper level's own actions (CLI on the server machine) --------------------------------
    def decide(self, package_uuid: str, decision: str, comments: list[dict[str, str]]) -> dict[str, Any]:
        """Record and sign a decision on a received package; the commune pulls it on its next sync."""
        if decision not in ("accepted", "returned"):
            raise ValueError(decision)
        row = self.store.one("SELECT commune, receipt_id FROM package WHERE uuid = ?", (package_uuid,))
        if row is None:
            from cff_desktop.common.errors import NotFound

            raise NotFound("máy chủ chưa nhận gói có mã này.", package_uuid)
        now = self.clock()
        with self.store.tx() as conn:
            n = self.store.next_number(conn, "decision")
            body = {"type": DECISION_TYPE, "version": 1, "id": f"QD-{n:05d}", "commune": row["commune"],
                    "package_uuid": package_uuid, "receipt_id": row["receipt_id"], "decision": decision,
                    "comments": comments, "decided_at": iso(now), "server_fingerprint": self.store.fingerprint}
            doc = sign_document(self.store.key, body)
            conn.execute("INSERT INTO decision (commune, package_uuid, decision, doc, decided_at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         (row["commune"], package_uuid, decision, json.dumps(doc, ensure_ascii=False), iso(now)))
        return body


def _conflict_message(uid: str, receipt_id: str) -> str:
    return (f"máy chủ đã nhận một gói cùng mã {uid} nhưng nội dung khác (mã tiếp nhận {receipt_id}). Một gói đã gửi "
            "thì không sửa được: xuất hồ sơ mới (gói mới sẽ thay thế gói cũ) rồi gửi lại.")


def serve(inbox: Inbox, host: str, port: int, *, cert: Path | None = None, key: Path | None = None) -> None:
    """Run the inbox in the foreground with uvicorn (HTTPS when a certificate and key are given)."""
    import uvicorn

    config = uvicorn.Config(inbox.app(), host=host, port=port, log_level="info", proxy_headers=True,
                            ssl_certfile=str(cert) if cert else None, ssl_keyfile=str(key) if key else None,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()


def publish_ruleset(inbox: Inbox, data: bytes, meta: dict[str, str]) -> dict[str, Any]:
    """Store a rule set file (already checked by the caller) and sign what communes will verify."""
    from cff_desktop.sync.protocol import RULESET_TYPE

    sha = hashlib.sha256(data).hexdigest()
    path = inbox.store.ruleset_path(sha)
    if not path.exists():
        tmp = path.with_name(f".{sha}.part")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    now = inbox.clock()
    body = {"type": RULESET_TYPE, "version": 1, "ruleset": {"id": meta["id"], "version": meta["version"],
            "title": meta.get("title", ""), "sha256": sha, "size": len(data)}, "published_at": iso(now),
            "server_fingerprint": inbox.store.fingerprint}
    doc = sign_document(inbox.store.key, body)
    with inbox.store.tx() as conn:
        conn.execute("INSERT OR IGNORE INTO ruleset (sha256, id, version, doc, published_at) VALUES (?, ?, ?, ?, ?)",
                     (sha, meta["id"], meta["version"], json.dumps(doc, ensure_ascii=False), iso(now)))
    return body
