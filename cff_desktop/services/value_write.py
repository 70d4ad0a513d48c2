"""The one place a figure is written or withdrawn: the value row, the criterion's "done" mark reset,
and the audit row.

Typing a figure (:mod:`cff_desktop.services.values`), taking one from a sector officer's package
(:mod:`cff_desktop.services.packages.import_`), emptying its fields and moving a round to another rule
set (:func:`cff_desktop.services.rulesets.switch` clears what no longer fits) all end here, so they can
never drift apart in what they store or in what the audit trail records about it. No other module
writes the ``value`` table (a test walks the sources for it).
"""

from __future__ import annotations

import json
from typing import Any

from cff_desktop.services.officers import label
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def write_value(
    ws: Workspace, *, round_id: int, indicator_id: str, criterion_id: str, value: Any, note: str,
    officer: dict[str, Any], action: str = "value.set", entered_at: str | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> None:
    """Upsert one figure (``value`` is its JSON form) and append its audit row; call inside a transaction.

    ``entered_at`` keeps the time a figure was first typed when it arrives from elsewhere (an imported
    package); the audit then records the old and new times too, since they are not the moment of writing.
    Any edit re-opens the criterion (its "done" mark is cleared) so a changed figure is looked at again.
    """
    conn = ws.store.conn
    old = conn.execute("SELECT value, note, entered_at FROM value WHERE round_id = ? AND indicator_id = ?",
                       (round_id, indicator_id)).fetchone()
    conn.execute(
        "INSERT INTO value (round_id, indicator_id, value, note, officer_id, entered_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, indicator_id) DO UPDATE SET"
        " value = excluded.value, note = excluded.note, officer_id = excluded.officer_id,"
        " entered_at = excluded.entered_at",
        (round_id, indicator_id, json.dumps(value, ensure_ascii=False), note, officer["id"],
         entered_at or now_iso()),
    )
    conn.execute("UPDATE criterion_status SET done = 0 WHERE round_id = ? AND criterion_id = ?",
                 (round_id, criterion_id))
    before: dict[str, Any] | None = {"value": json.loads(old[0]), "note": old[1]} if old else None
    after: dict[str, Any] = {"value": value, "note": note}
    if entered_at is not None:
        if before is not None:
            before["entered_at"] = old[2]
        after["entered_at"] = entered_at
    ws.store.audit(label(officer), action, f"round:{round_id}/indicator:{indicator_id}", before,
                   after | (audit_extra or {}))


def clear_value(
    ws: Workspace, *, round_id: int, indicator_id: str, criterion_id: str, actor: str,
    why: str | None = None,
) -> bool:
    """Delete one figure and append its ``value.clear`` audit row; call inside a transaction.

    The audit keeps the old figure and note (``why`` says what made it go, e.g. a rule set switch).
    The criterion leaves "hoàn thành", since it can no longer be complete. Returns False when there
    was nothing stored, so clearing twice writes no second audit row.
    """
    conn = ws.store.conn
    old = conn.execute("SELECT value, note FROM value WHERE round_id = ? AND indicator_id = ?",
                       (round_id, indicator_id)).fetchone()
    if old is None:
        return False
    conn.execute("DELETE FROM value WHERE round_id = ? AND indicator_id = ?", (round_id, indicator_id))
    conn.execute("UPDATE criterion_status SET done = 0 WHERE round_id = ? AND criterion_id = ?",
                 (round_id, criterion_id))
    ws.store.audit(actor, "value.clear", f"round:{round_id}/indicator:{indicator_id}",
                   {"value": json.loads(old[0]), "note": old[1]}, {"why": why} if why else None)
    return True
