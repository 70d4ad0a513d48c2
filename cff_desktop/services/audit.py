"""Reading and verifying the audit trail.

The rows are hash-chained, which shows a row edited in place; but someone with the database file
can also cut the tail off, or rewrite a row and recompute every hash after it. Two anchors catch
that: the chain head (count + hash) goes into every signed package, and the installation keeps
the last head it signed in the keyring. And a figure changed by SQL directly, with no audit row
at all, is found by checking that every value row is what its last audit row says it became.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cff_desktop.common.errors import CffError
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import GENESIS, audit_hash

VALUE_ACTIONS = ("value.set", "value.import")


def audit_rows(ws: Workspace, limit: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM audit ORDER BY seq"
    if limit:
        sql = f"SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT {int(limit)}) ORDER BY seq"
    return ws.store.query(sql)


def verify_chain(ws: Workspace) -> int | None:
    """Return the seq of the first row whose hash does not follow, or None when intact."""
    prev = GENESIS
    for r in ws.store.query("SELECT * FROM audit ORDER BY seq"):
        expect = audit_hash(prev, r["at"], r["actor"], r["action"], r["entity"], r["old"], r["new"])
        if r["prev_hash"] != prev or r["hash"] != expect:
            return r["seq"]
        prev = r["hash"]
    return None


def audit_head(ws: Workspace) -> dict[str, Any]:
    """What a package signs about the history behind it: how many rows, and the last row's hash."""
    row = ws.store.one("SELECT count(*) AS n, (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1) AS h FROM audit")
    return {"count": int(row["n"]) if row else 0, "hash": (row or {}).get("h") or GENESIS}


@dataclass
class AuditReport:
    rows: int
    broken_at: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _unexplained_values(ws: Workspace) -> list[str]:
    last: dict[str, dict[str, Any]] = {}
    for r in ws.store.query("SELECT entity, new FROM audit WHERE action IN (?, ?) ORDER BY seq", VALUE_ACTIONS):
        try:
            last[r["entity"]] = json.loads(r["new"]) if r["new"] else {}
        except ValueError:
            last[r["entity"]] = {}
    out = []
    for v in ws.store.query("SELECT round_id, indicator_id, value, note FROM value ORDER BY round_id, indicator_id"):
        said = last.get(f"round:{v['round_id']}/indicator:{v['indicator_id']}")
        try:
            value = json.loads(v["value"])
        except ValueError:
            value = v["value"]
        if said is None or said.get("value") != value or (said.get("note") or "") != (v["note"] or ""):
            out.append(v["indicator_id"])
    return out


def verify_audit(ws: Workspace) -> AuditReport:
    """Every check on the history: the chain, the anchor in the keyring, and the figures."""
    from cff_desktop.services import keys

    rows = ws.store.query("SELECT seq, hash FROM audit ORDER BY seq")
    rep = AuditReport(len(rows), verify_chain(ws))
    if rep.broken_at is not None:
        rep.problems.append(f"chuỗi băm bị đứt tại dòng {rep.broken_at}: lịch sử đã bị sửa")
    try:
        head = keys.signed_audit_head(ws)
    except CffError as e:
        head = None
        rep.notes.append(f"không đọc được điểm neo trong kho khóa ({e.message})")
    if head is not None:
        n = int(head.get("count") or 0)
        if head.get("broken"):
            rep.problems.append("điểm neo nhật ký trong kho khóa bị hỏng")
        elif len(rows) < n:
            rep.problems.append(f"nhật ký bị cắt bớt: còn {len(rows)} dòng, ít hơn {n} dòng đã ký khi xuất gói "
                                "gần nhất")
        elif n and rows[n - 1]["hash"] != head.get("hash"):
            rep.problems.append(f"các dòng đến dòng thứ {n} (đã ký khi xuất gói) đã bị viết lại")
    bad = _unexplained_values(ws)
    if bad:
        shown = ", ".join(bad[:10]) + (f" và {len(bad) - 10} chỉ số khác" if len(bad) > 10 else "")
        rep.problems.append(f"số liệu của chỉ số {shown} không khớp dòng nhật ký nào (đã bị sửa thẳng trong cơ "
                            "sở dữ liệu)")
    return rep
