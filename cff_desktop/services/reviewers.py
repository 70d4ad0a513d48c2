"""The upper level's own reviewers (cán bộ thẩm định): name + PIN, so the audit names a person.

Like the commune's officers (:mod:`cff_desktop.services.officers`, :mod:`.signin`): PINs are
scrypt hashes, failed attempts are counted in the database so restarting the app does not reset
them, and after ``MAX_FAILURES`` wrong PINs the reviewer waits ``LOCK_MINUTES``. Once an area has
at least one reviewer, every appraisal and decision must be made by a signed-in reviewer
(:func:`require_actor`): "Cán bộ cấp trên" is only for an area that has not named anyone yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.services.officers import check_pin, hash_pin
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.signin import lock_minutes_left, record_pin_check
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def label(reviewer: dict[str, Any]) -> str:
    """How a reviewer is named in the audit trail and on the papers' action lists."""
    pos = f", {reviewer['position']}" if reviewer.get("position") else ""
    return f"{reviewer['name']}{pos} (thẩm định viên #{reviewer['id']})"


@dataclass(frozen=True)
class ReviewerSession:
    """A signed-in reviewer; ``actor`` is what every audit row of their work names."""

    reviewer: dict[str, Any]

    @property
    def actor(self) -> str:
        return label(self.reviewer)


def _pin(pin: str) -> str:
    pin = nfc(pin or "")
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise BadInput("mã PIN phải gồm 4 đến 8 chữ số.", "--pin")
    return pin


def list_reviewers(ws: Workspace) -> list[dict[str, Any]]:
    return ws.store.query("SELECT * FROM reviewer WHERE active = 1 ORDER BY id")


def has_reviewers(ws: Workspace) -> bool:
    return ws.store.one("SELECT 1 FROM reviewer WHERE active = 1") is not None


def get_reviewer(ws: Workspace, ref: str) -> dict[str, Any]:
    """By id (``2`` or ``#2``) or by full name (any Unicode form, any case)."""
    ref = nfc(str(ref or "")).strip()
    if ref.lstrip("#").isdigit():
        row = ws.store.one("SELECT * FROM reviewer WHERE id = ? AND active = 1", (int(ref.lstrip("#")),))
    else:
        row = next((r for r in list_reviewers(ws) if r["name"].casefold() == ref.casefold()), None)
    if row is None:
        raise NotFound(f"không có cán bộ thẩm định '{ref}'. Xem danh sách: `cff district reviewer list`.", "--as")
    return row


def add_reviewer(ws: Workspace, *, name: str, pin: str, position: str = "", actor: str = ADMIN) -> dict[str, Any]:
    """Name a reviewer of the upper level with their PIN."""
    name = nfc(name or "").strip()
    if not name:
        raise BadInput("họ tên cán bộ thẩm định không được để trống.", "--name")
    h = hash_pin(_pin(pin))
    with ws.store.transaction() as conn:
        if conn.execute("SELECT 1 FROM reviewer WHERE name = ? COLLATE NOCASE", (name,)).fetchone():
            raise Refused(f"đã có cán bộ thẩm định tên '{name}'.", "--name")
        cur = conn.execute("INSERT INTO reviewer (name, position, pin_hash, created_at) VALUES (?, ?, ?, ?)",
                           (name, nfc(position or "").strip(), h, now_iso()))
        ws.store.audit(actor, "reviewer.add", f"reviewer:{cur.lastrowid}", None,
                       {"name": name, "position": nfc(position or "").strip()})
    return get_reviewer(ws, str(cur.lastrowid))


def set_pin(ws: Workspace, ref: str, pin: str, *, actor: str = ADMIN) -> None:
    r = get_reviewer(ws, ref)
    h = hash_pin(_pin(pin))
    with ws.store.transaction() as conn:
        conn.execute("UPDATE reviewer SET pin_hash = ?, failed_pins = 0, locked_until = '' WHERE id = ?",
                     (h, r["id"]))
        ws.store.audit(actor, "reviewer.pin_reset", f"reviewer:{r['id']}")


def sign_in(ws: Workspace, ref: str, pin: str, *, now: datetime | None = None) -> ReviewerSession:
    """Check the PIN; count failures in the database and lock after ``MAX_FAILURES``."""
    now = now or datetime.now(UTC)
    r = get_reviewer(ws, ref)
    minutes = lock_minutes_left(r["locked_until"], now)
    if minutes:
        raise Refused(f"Tài khoản đang bị khóa do nhập sai PIN nhiều lần. Thử lại sau {minutes} phút.", "PIN")
    ok = bool(r["pin_hash"]) and check_pin(nfc(pin or ""), r["pin_hash"])
    record_pin_check(ws, "reviewer", r, ok, now, actor=label(r), action="reviewer.signin")
    return ReviewerSession(get_reviewer(ws, str(r["id"])))


def require_actor(ws: Workspace, ref: str | None, pin: str | None) -> str:
    """The audit name for a change: the signed-in reviewer, or ADMIN while the area names nobody.

    Refuses (nothing written) when the area has reviewers and none signed in.
    """
    if not ref:
        if has_reviewers(ws):
            raise Refused("địa bàn đã có cán bộ thẩm định: đăng nhập bằng --as HỌ_TÊN và đặt mã PIN vào biến "
                          "môi trường CFF_PIN.", "--as")
        return ADMIN
    if not pin:
        raise Refused("thiếu mã PIN: đặt mã PIN của cán bộ thẩm định vào biến môi trường CFF_PIN.", "CFF_PIN")
    return sign_in(ws, ref, pin).actor
