"""Signing in with a PIN, with a lockout that survives restarting the app.

Failed attempts are counted in the database (not in memory), so closing and reopening the window
does not reset the count: after ``MAX_FAILURES`` wrong PINs the officer waits ``LOCK_MINUTES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cff_desktop.common.errors import Refused
from cff_desktop.common.text import nfc
from cff_desktop.services.officers import check_pin, get_officer, label
from cff_desktop.services.workspace import Workspace

MAX_FAILURES = 5
LOCK_MINUTES = 5


@dataclass(frozen=True)
class Session:
    officer: dict[str, Any]

    @property
    def is_clerk(self) -> bool:
        return self.officer["role"] == "clerk"

    @property
    def ref(self) -> str:
        return str(self.officer["id"])

    @property
    def actor(self) -> str:
        return label(self.officer)


class WrongPin(Refused):
    def __init__(self, left: int) -> None:
        super().__init__(
            f"Mã PIN không đúng. Còn {left} lần thử trước khi tài khoản bị khóa {LOCK_MINUTES} phút."
            if left else f"Mã PIN không đúng. Tài khoản bị khóa {LOCK_MINUTES} phút.", "PIN")
        self.left = left


def sign_in(ws: Workspace, officer_ref: str, pin: str, *, now: datetime | None = None) -> Session:
    now = now or datetime.now(UTC)
    off = get_officer(ws, officer_ref)
    if off["locked_until"] and datetime.fromisoformat(off["locked_until"]) > now:
        wait = datetime.fromisoformat(off["locked_until"]) - now
        minutes = max(1, int(wait.total_seconds() // 60) + (1 if wait.total_seconds() % 60 else 0))
        raise Refused(f"Tài khoản đang bị khóa do nhập sai PIN nhiều lần. Thử lại sau {minutes} phút "
                      "hoặc nhờ văn thư đặt lại PIN.", "PIN")
    if not off["pin_hash"]:
        raise Refused("Cán bộ này chưa có mã PIN. Nhờ văn thư đặt mã PIN trong phần Thiết lập.", "PIN")
    ok = check_pin(nfc(pin), off["pin_hash"])
    with ws.store.transaction() as conn:
        if ok:
            conn.execute("UPDATE officer SET failed_pins = 0, locked_until = '' WHERE id = ?", (off["id"],))
            ws.store.audit(label(off), "signin", f"officer:{off['id']}")
        else:
            failures = off["failed_pins"] + 1
            locked = ""
            if failures >= MAX_FAILURES:
                locked = (now + timedelta(minutes=LOCK_MINUTES)).isoformat()
                failures = 0
            conn.execute("UPDATE officer SET failed_pins = ?, locked_until = ? WHERE id = ?",
                         (failures, locked, off["id"]))
            ws.store.audit(label(off), "signin.failed", f"officer:{off['id']}", None,
                           {"locked_until": locked} if locked else None)
    if not ok:
        raise WrongPin(0 if locked else MAX_FAILURES - failures)
    return Session(get_officer(ws, str(off["id"])))


def unlock(ws: Workspace, officer_ref: str, actor: str) -> None:
    off = get_officer(ws, officer_ref)
    with ws.store.transaction() as conn:
        conn.execute("UPDATE officer SET failed_pins = 0, locked_until = '' WHERE id = ?", (off["id"],))
        ws.store.audit(actor, "officer.unlock", f"officer:{off['id']}")


def confirm_pin(ws: Workspace, officer_ref: str, pin: str | None, *,
                now: datetime | None = None) -> dict[str, Any]:
    """An officer named on the command line (``--as``) proves it with their PIN when one is set.

    A right PIN writes nothing (the command's own audit rows name the officer); a wrong one
    counts towards the lock-out exactly like a wrong PIN at the sign-in window.
    """
    off = get_officer(ws, officer_ref)
    if not off["pin_hash"]:
        return off
    locked = off["locked_until"] and datetime.fromisoformat(off["locked_until"]) > (now or datetime.now(UTC))
    if pin is not None and not locked and check_pin(nfc(pin), off["pin_hash"]):
        return off
    if pin is None:
        raise Refused(f"{off['name']} có mã PIN: chạy lệnh trong cửa sổ lệnh để được hỏi PIN, hoặc đặt biến môi "
                      "trường CFF_PIN. Không ghi PIN trên dòng lệnh.", "--as")
    sign_in(ws, officer_ref, pin, now=now)  # records the failure (and the lock) and raises
    raise Refused("Mã PIN không đúng.", "PIN")  # not reached: sign_in raised

