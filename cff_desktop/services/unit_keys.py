"""Which device keys may sign for which unit, at the upper level (the trust model's first rule).

A valid signature only says "this device wrote it"; it says nothing about which commune the
device belongs to. So the upper level keeps, per unit code, the fingerprints of the devices
allowed to sign for that unit: registered by inbox enrolment (the token was issued for one
code), or by an officer who compared the fingerprint by phone (``cff district keys add``, or
``--trust-fingerprint`` on import). A key belongs to one unit only: the same fingerprint cannot be
registered for a second unit while active. Revoking keeps the row and the reason, so an old
package can still be explained, but no new package from that key is accepted.
"""

from __future__ import annotations

import re
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

_FP = re.compile(r"^[0-9A-F]{20}$")
SOURCES = ("manual", "inbox", "import")
SOURCE_LABELS = {"manual": "đã so qua điện thoại", "inbox": "đăng ký hộp thư", "import": "xác nhận khi nhập gói"}


def normalize_fingerprint(text: str) -> str:
    """``abcd efgh-…`` read out by phone → ``ABCD-EFGH-…``; refuses anything that is not 20 hex digits."""
    raw = re.sub(r"[\s\-:]", "", nfc(str(text))).upper()
    if not _FP.match(raw):
        raise BadInput(f"dấu vân tay '{text}' không hợp lệ: cần 20 chữ số hệ 16, dạng XXXX-XXXX-XXXX-XXXX-XXXX "
                       "(đọc lại từ `cff keys show` trên máy của xã).", "fingerprint")
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


def _unit(ws: Workspace, code: str) -> dict[str, Any]:
    row = ws.store.one("SELECT code, name FROM area_unit WHERE code = ?", (nfc(code),))
    if row is None:
        raise NotFound(f"không có đơn vị mã {code} trong địa bàn. Nhập danh sách đơn vị (`cff district units "
                       "import TỆP.csv`) hoặc kiểm tra lại mã.", code)
    return row


def active_unit(ws: Workspace, fingerprint: str) -> str | None:
    """The unit this key may sign for now, or None."""
    row = ws.store.one("SELECT unit_code FROM unit_key WHERE fingerprint = ? AND revoked_at IS NULL", (fingerprint,))
    return row["unit_code"] if row else None


def allowed(ws: Workspace, code: str, fingerprint: str) -> bool:
    """True when ``fingerprint`` is registered, and not revoked, for unit ``code``."""
    return ws.store.one("SELECT 1 FROM unit_key WHERE unit_code = ? AND fingerprint = ? AND revoked_at IS NULL",
                        (code, fingerprint)) is not None


def revoked(ws: Workspace, code: str, fingerprint: str) -> dict[str, Any] | None:
    return ws.store.one("SELECT revoked_at, revoke_reason FROM unit_key WHERE unit_code = ? AND fingerprint = ?"
                        " AND revoked_at IS NOT NULL", (code, fingerprint))


def add_key(ws: Workspace, code: str, fingerprint: str, *, label: str = "", public_key: str = "",
            source: str = "manual", actor: str = ADMIN) -> dict[str, Any]:
    """Register a device for one unit (idempotent for the same unit; refused for a second unit)."""
    if source not in SOURCES:
        raise BadInput(f"nguồn '{source}' không hợp lệ", "source")
    fp = normalize_fingerprint(fingerprint)
    unit = _unit(ws, code)
    other = active_unit(ws, fp)
    if other is not None and other != unit["code"]:
        raise Refused(f"máy có dấu vân tay {fp} đã được đăng ký ký cho đơn vị {other}; một máy chỉ ký cho một đơn vị. "
                      f"Nếu máy đã chuyển sang {unit['code']}, thu hồi trước: `cff district keys revoke {other} {fp} "
                      "--reason \"...\"`.", fp)
    old = ws.store.one("SELECT * FROM unit_key WHERE unit_code = ? AND fingerprint = ?", (unit["code"], fp))
    if old is not None and old["revoked_at"] is None:
        return old
    if old is not None:
        raise Refused(f"dấu vân tay {fp} đã bị thu hồi cho đơn vị {unit['code']} ({old['revoke_reason']}); máy đã "
                      "thu hồi không được đăng ký lại. Xã tạo khóa mới trên máy đó rồi đọc dấu vân tay mới.", fp)
    now = now_iso()
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO unit_key (unit_code, fingerprint, public_key, label, source, added_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (unit["code"], fp, public_key, nfc(label), source, now))
        ws.store.audit(actor, "unit_key.add", f"unit:{unit['code']}", None,
                       {"fingerprint": fp, "label": nfc(label), "source": source})
    return ws.store.one("SELECT * FROM unit_key WHERE unit_code = ? AND fingerprint = ?", (unit["code"], fp)) or {}


def revoke_key(ws: Workspace, code: str, fingerprint: str, reason: str, *, actor: str = ADMIN) -> dict[str, Any]:
    """Stop accepting packages signed by this device for this unit; the reason is kept."""
    fp = normalize_fingerprint(fingerprint)
    reason = nfc(reason or "").strip()
    if not reason:
        raise BadInput("ghi lý do thu hồi (--reason), ví dụ \"máy bị mất\".", "--reason")
    unit = _unit(ws, code)
    row = ws.store.one("SELECT * FROM unit_key WHERE unit_code = ? AND fingerprint = ?", (unit["code"], fp))
    if row is None:
        raise NotFound(f"dấu vân tay {fp} chưa được đăng ký cho đơn vị {unit['code']} (xem `cff district keys list "
                       f"{unit['code']}`).", fp)
    if row["revoked_at"] is not None:
        return row
    with ws.store.transaction() as conn:
        conn.execute("UPDATE unit_key SET revoked_at = ?, revoke_reason = ? WHERE unit_code = ? AND fingerprint = ?",
                     (now_iso(), reason, unit["code"], fp))
        ws.store.audit(actor, "unit_key.revoke", f"unit:{unit['code']}", {"fingerprint": fp},
                       {"fingerprint": fp, "reason": reason})
    return ws.store.one("SELECT * FROM unit_key WHERE unit_code = ? AND fingerprint = ?", (unit["code"], fp)) or {}


def list_keys(ws: Workspace, code: str | None = None) -> list[dict[str, Any]]:
    """Every registered key (revoked ones included, marked), by unit."""
    if code is not None:
        _unit(ws, code)
        return ws.store.query("SELECT * FROM unit_key WHERE unit_code = ? ORDER BY added_at, fingerprint",
                              (nfc(code),))
    return ws.store.query("SELECT * FROM unit_key ORDER BY unit_code, added_at, fingerprint")
