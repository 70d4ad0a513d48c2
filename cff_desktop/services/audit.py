"""Reading and verifying the audit trail."""

from __future__ import annotations

from typing import Any

from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import GENESIS, audit_hash


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
