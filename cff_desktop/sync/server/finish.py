"""Finishing an upload: check the whole package, store it under its hash, sign the receipt.

A mixin of :class:`cff_desktop.sync.server.app.Inbox`; the package check itself is the injected
``verifier``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import sqlite3
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cff_desktop.common.files import replace_durably
from cff_desktop.sync.inbox_store import iso
from cff_desktop.sync.protocol import RECEIPT_TYPE, sign_document
from cff_desktop.sync.server._base import InboxBase
from cff_desktop.sync.server._common import PackageRefused, VerifyRequest, _conflict_message, error


class FinishMixin(InboxBase):
    """``POST /api/v1/uploads/{id}/finish``: verify, store, receipt (idempotent per package)."""

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
        if not path.exists() and self.store.package_path(row["sha256"]).is_file():
            path = self.store.package_path(row["sha256"])  # moved before a crash; the commit is still due
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
            replace_durably(path, final)
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
        if path != final:
            with contextlib.suppress(OSError):
                path.unlink()
        return 200, {"receipt": receipt, "duplicate": False}

    def recover(self) -> int:
        """At start-up: finish every upload whose file was already moved into place when the
        server stopped (between the rename and the commit of the receipt). Moving and recording
        are thereby one recoverable step: such an upload is finished, never reset to 0."""
        done = 0
        for row in self.store.query("SELECT * FROM upload"):
            if self.store.upload_path(row["id"]).exists() or not self.store.package_path(row["sha256"]).is_file():
                continue
            try:
                self._finish_sync({"commune": row["commune"]}, row)
            except (OSError, sqlite3.Error):
                continue  # the commune's own finish request tries again
            done += 1
        return done
