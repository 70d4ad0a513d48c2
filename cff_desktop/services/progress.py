"""Where each criterion stands: chưa nhập / đang nhập / hoàn thành / hội đồng đã duyệt.

"Hoàn thành" is the officer's own statement that their figures are final; entering a value after it
moves the criterion back to "đang nhập" so the clerk sees the change.
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.common.text import nfc
from cff_desktop.services.officers import can_edit, get_officer, label
from cff_desktop.services.rounds import RoundInfo, get_round, require_open
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

STATE_LABELS = {
    "empty": "chưa nhập",
    "in_progress": "đang nhập",
    "done": "hoàn thành",
    "approved": "hội đồng đã duyệt",
}


def criterion_states(ws: Workspace, rnd: RoundInfo) -> dict[str, str]:
    entered: dict[str, int] = {}
    for r in ws.store.query("SELECT indicator_id FROM value WHERE round_id = ?", (rnd.id,)):
        cid = r["indicator_id"].split(".")[0]
        entered[cid] = entered.get(cid, 0) + 1
    done = {r["criterion_id"] for r in ws.store.query(
        "SELECT criterion_id FROM criterion_status WHERE round_id = ? AND done = 1", (rnd.id,))}
    out = {}
    for c in rnd.ruleset.criteria:
        if rnd.closed:
            out[c.id] = "approved"
        elif c.id in done and entered.get(c.id, 0) == len(c.indicators):
            out[c.id] = "done"
        elif entered.get(c.id):
            out[c.id] = "in_progress"
        else:
            out[c.id] = "empty"
    return out


def mark_done(ws: Workspace, criterion: str, *, as_officer: str, done: bool = True,
              year: int | None = None) -> None:
    """The officer marks their criterion finished (or the clerk reopens it)."""
    rnd = get_round(ws, year)
    require_open(rnd)
    cid = nfc(str(criterion))
    crit = rnd.ruleset.criterion(cid)
    if crit is None:
        raise BadInput(f"không có tiêu chí '{cid}'", "CRITERION")
    officer = get_officer(ws, as_officer)
    if not can_edit(ws, rnd, officer, cid):
        raise Refused(f"{officer['name']} không được giao tiêu chí {cid}", f"tiêu chí {cid}")
    if done:
        have = {r["indicator_id"] for r in ws.store.query(
            "SELECT indicator_id FROM value WHERE round_id = ?", (rnd.id,))}
        missing = [i.id for i in crit.indicators if i.id not in have]
        if missing:
            raise Refused(f"còn chỉ số chưa nhập: {', '.join(missing)}. Nhập đủ rồi bấm Hoàn thành.",
                          f"tiêu chí {cid}")
    with ws.store.transaction() as conn:
        conn.execute(
            "INSERT INTO criterion_status (round_id, criterion_id, done, officer_id, changed_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, criterion_id) DO UPDATE SET"
            " done = excluded.done, officer_id = excluded.officer_id, changed_at = excluded.changed_at",
            (rnd.id, cid, int(done), officer["id"], now_iso()))
        ws.store.audit(label(officer), "criterion.done" if done else "criterion.reopen",
                       f"round:{rnd.id}/criterion:{cid}", None, {"done": done})


def progress_summary(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    states = criterion_states(ws, rnd)
    return {s: sum(1 for v in states.values() if v == s) for s in STATE_LABELS}
