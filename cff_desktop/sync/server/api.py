"""The inbox's small JSON API: ping, enrolment, package status, decisions and published rule sets.

A mixin of :class:`cff_desktop.sync.server.app.Inbox`: it uses the inbox's store, limits, clock
and token check (``_auth``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from cff_desktop.common.errors import CffError
from cff_desktop.sync.inbox_store import iso
from cff_desktop.sync.protocol import CODE_RE, SHA256_RE, UUID_RE, ascii_int, fingerprint
from cff_desktop.sync.server._base import InboxBase
from cff_desktop.sync.server._common import error
from cff_desktop.sync.server.tus import TUS_EXTENSIONS


class _TooLarge(Exception):
    pass


class ApiMixin(InboxBase):
    """The JSON endpoints under ``/api/v1``."""

    async def _read_json(self, request: Request, limit: int) -> Any:
        cl = request.headers.get("content-length")
        if cl is not None and (ascii_int(cl) is None or (ascii_int(cl) or 0) > limit):
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
                             "fingerprint": self.store.fingerprint, "tus_extensions": TUS_EXTENSIONS.split(",")})

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
        server = {"public_key": self.store.public_key, "fingerprint": self.store.fingerprint}
        if self.store.recipient:  # the commune encrypts its dossiers to it without a manual key import
            server["recipient"] = self.store.recipient
        return JSONResponse({"token": token, "commune": {"code": commune, "name": name}, "server": server})

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
        if ascii_int(after) is None:
            return error(400, "bad_request", "tham số after phải là số.")
        rows = self.store.query("SELECT seq, doc FROM decision WHERE commune = ? AND seq > ? ORDER BY seq LIMIT 500",
                                (auth["commune"], ascii_int(after)))
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
