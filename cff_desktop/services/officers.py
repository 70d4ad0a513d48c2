"""Officers, their PINs, and who collects which criterion.

PINs are stored as scrypt hashes with a per-officer salt (stdlib ``hashlib.scrypt``): a stolen
laptop's database does not reveal a four-digit PIN by a table lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import clean_name, nfc, skeleton
from cff_desktop.rules.model import SECTOR_LABELS
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round, require_open
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

ROLES = {"clerk": "Văn thư (VHXH), quản lý vòng đánh giá", "officer": "Cán bộ ngành"}
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${dk.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    dk = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                        dklen=len(digest) // 2)
    return hmac.compare_digest(dk.hex(), digest)


def _check_pin_text(pin: str) -> str:
    pin = nfc(pin)
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise BadInput("mã PIN phải gồm 4 đến 8 chữ số", "--pin")
    return pin


def label(officer: dict[str, Any]) -> str:
    """How an officer is named in the audit trail."""
    return f"{officer['name']} (#{officer['id']})"


def add_officer(
    ws: Workspace,
    *,
    name: str,
    sector: str,
    role: str = "officer",
    position: str = "",
    pin: str | None = None,
    actor: str = ADMIN,
) -> dict[str, Any]:
    """Add an officer and give them the unassigned criteria of their sector in the latest round."""
    name, sector, role = clean_name(name, "--name", what="họ tên cán bộ"), nfc(sector), nfc(role)
    position = clean_name(position, "--position", what="chức vụ", required=False)
    if sector not in SECTOR_LABELS:
        raise BadInput(f"ngành '{sector}' không hợp lệ. Chọn: {', '.join(SECTOR_LABELS)}", "--sector")
    if role not in ROLES:
        raise BadInput(f"vai trò '{role}' không hợp lệ. Chọn: {', '.join(ROLES)}", "--role")
    pin_hash = hash_pin(_check_pin_text(pin)) if pin else ""
    rnd = get_round(ws)
    require_open(rnd)
    with ws.store.transaction() as conn:
        refuse_lookalike(ws, name, "--name")
        cur = conn.execute(
            "INSERT INTO officer (commune_id, name, position, sector, role, pin_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rnd.commune["id"], name, nfc(position), sector, role, pin_hash, now_iso()),
        )
        oid = cur.lastrowid
        ws.store.audit(actor, "officer.add", f"officer:{oid}", None,
                       {"name": name, "sector": sector, "role": role, "position": nfc(position)})
        for c in rnd.ruleset.criteria:
            if c.sector == sector and not conn.execute(
                "SELECT 1 FROM assignment WHERE round_id = ? AND criterion_id = ?", (rnd.id, c.id)
            ).fetchone():
                conn.execute("INSERT INTO assignment VALUES (?, ?, ?)", (rnd.id, c.id, oid))
                ws.store.audit(actor, "assign", f"round:{rnd.id}/criterion:{c.id}", None,
                               {"officer": oid})
    return get_officer(ws, str(oid))


def refuse_lookalike(ws: Workspace, name: str, where: str, *, except_id: int | None = None) -> None:
    """Refuse a name that prints like an existing officer's (same letters, other script, hidden marks).

    Two clerks who look identical on screen and on paper make the audit trail worthless: nobody
    could tell who entered a figure.
    """
    key = skeleton(name)
    for o in ws.store.query("SELECT id, name FROM officer"):
        if o["id"] != except_id and skeleton(o["name"]) == key:
            same = "đã có cán bộ tên" if o["name"] == name else "tên này trông giống hệt cán bộ đã có"
            raise Refused(f"{same} '{o['name']}' (#{o['id']}); hãy dùng cán bộ đó hoặc ghi tên khác",
                          where)


def list_officers(ws: Workspace) -> list[dict[str, Any]]:
    return ws.store.query("SELECT * FROM officer WHERE active = 1 ORDER BY id")


def get_officer(ws: Workspace, ref: str) -> dict[str, Any]:
    """Find an officer by id (``3`` or ``#3``) or by full name (any Unicode form, any case)."""
    ref = nfc(str(ref))
    if ref.lstrip("#").isdigit():
        row = ws.store.one("SELECT * FROM officer WHERE id = ?", (int(ref.lstrip("#")),))
    else:
        row = next((o for o in list_officers(ws) if o["name"].casefold() == ref.casefold()), None)
    if row is None:
        raise NotFound(f"không có cán bộ '{ref}'. Xem danh sách bằng `cff officer list`.", "--as")
    return row


def assignments(ws: Workspace, rnd: RoundInfo) -> dict[str, int]:
    rows = ws.store.query("SELECT criterion_id, officer_id FROM assignment WHERE round_id = ?",
                          (rnd.id,))
    return {r["criterion_id"]: r["officer_id"] for r in rows}


def assign(ws: Workspace, criterion: str, officer_ref: str, actor: str = ADMIN) -> None:
    rnd = get_round(ws)
    require_open(rnd)
    cid = nfc(str(criterion))
    if rnd.ruleset.criterion(cid) is None:
        raise BadInput(f"không có tiêu chí '{cid}' trong bộ tiêu chí {rnd.ruleset.id}", "CRITERION")
    off = get_officer(ws, officer_ref)
    with ws.store.transaction() as conn:
        old = conn.execute("SELECT officer_id FROM assignment WHERE round_id = ? AND criterion_id = ?",
                           (rnd.id, cid)).fetchone()
        conn.execute("INSERT OR REPLACE INTO assignment VALUES (?, ?, ?)", (rnd.id, cid, off["id"]))
        ws.store.audit(actor, "assign", f"round:{rnd.id}/criterion:{cid}",
                       {"officer": old[0]} if old else None, {"officer": off["id"]})


def can_edit(ws: Workspace, rnd: RoundInfo, officer: dict[str, Any], criterion_id: str) -> bool:
    if officer["role"] == "clerk":
        return True
    return assignments(ws, rnd).get(criterion_id) == officer["id"]


def set_pin(ws: Workspace, officer_ref: str, pin: str, actor: str = ADMIN) -> None:
    off = get_officer(ws, officer_ref)
    h = hash_pin(_check_pin_text(pin))
    with ws.store.transaction() as conn:
        conn.execute("UPDATE officer SET pin_hash = ? WHERE id = ?", (h, off["id"]))
        ws.store.audit(actor, "officer.pin_reset", f"officer:{off['id']}")


def verify_pin(ws: Workspace, officer_ref: str, pin: str) -> bool:
    off = get_officer(ws, officer_ref)
    return bool(off["pin_hash"]) and check_pin(nfc(pin), off["pin_hash"])
