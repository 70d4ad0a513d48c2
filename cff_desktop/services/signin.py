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


def lock_minutes_left(locked_until: str, now: datetime) -> int:
    """Whole minutes (at least 1) an account still waits, or 0 when it is not locked.

    Officers and the upper level's reviewers share this, so both wait and read the same count.
    """
    if not locked_until or datetime.fromisoformat(locked_until) <= now:
        return 0
    wait = datetime.fromisoformat(locked_until) - now
    return max(1, int(wait.total_seconds() // 60) + (1 if wait.total_seconds() % 60 else 0))


def record_pin_check(ws: Workspace, table: str, row: dict[str, Any], ok: bool, now: datetime, *,
                     actor: str, action: str) -> None:
    """Write the outcome of a PIN check on ``table`` (``officer`` or ``reviewer``); raise on a wrong PIN.

    A right PIN clears the count; a wrong one adds to it, and the ``MAX_FAILURES``-th locks the
    account for ``LOCK_MINUTES`` — in the database, so restarting does not reset it. The audit
    rows are ``action`` and ``action.failed``.
    """
    if table not in ("officer", "reviewer"):
        raise ValueError(table)
    target = f"{table}:{row['id']}"
    locked = ""
    with ws.store.transaction() as conn:
        if ok:
            conn.execute(f"UPDATE {table} SET failed_pins = 0, locked_until = '' WHERE id = ?", (row["id"],))
            ws.store.audit(actor, action, target)
        else:
            failures = row["failed_pins"] + 1
            if failures >= MAX_FAILURES:
                locked = (now + timedelta(minutes=LOCK_MINUTES)).isoformat()
                failures = 0
            conn.execute(f"UPDATE {table} SET failed_pins = ?, locked_until = ? WHERE id = ?",
                         (failures, locked, row["id"]))
            ws.store.audit(actor, f"{action}.failed", target, None, {"locked_until": locked} if locked else None)
    if not ok:
        raise WrongPin(0 if locked else MAX_FAILURES - failures)


def sign_in(ws: Workspace, officer_ref: str, pin: str, *, now: datetime | None = None) -> Session:
    now = now or datetime.now(UTC)
    off = get_officer(ws, officer_ref)
    minutes = lock_minutes_left(off["locked_until"], now)
    if minutes:
        raise Refused(f"Tài khoản đang bị khóa do nhập sai PIN nhiều lần. Thử lại sau {minutes} phút "
                      "hoặc nhờ văn thư đặt lại PIN.", "PIN")
    if not off["pin_hash"]:
        raise Refused("Cán bộ này chưa có mã PIN. Nhờ văn thư đặt mã PIN trong phần Thiết lập.", "PIN")
    ok = check_pin(nfc(pin), off["pin_hash"])
    record_pin_check(ws, "officer", off, ok, now, actor=label(off), action="signin")
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

