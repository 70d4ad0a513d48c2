"""Decisions that follow the law and can be corrected; packages that come after a decision.

* A unit is recognised only when its **appraised** result passes (every criterion assessed, none
  at 0, total at least the threshold of the category on the area's list):
  :func:`require_passing` is asked by ``decide`` and by every batch.
* A decision stands until a reviewer revokes or corrects it with a written reason; each revocation
  or correction is a decision of its own with its own number and date (printed by
  ``cff district print correction``), audited, and kept in ``decision_correction``.
* A package arriving after its unit's decision is filed but held ("đến sau quyết định"): it changes
  no figure until a reviewer accepts it (after revoking the decision) or dismisses it.

Every state check is a lookup in the workflow table (:data:`cff_desktop.services.district.TRANSITIONS`).
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.dates import parse_date
from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.common.text import nfc
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

HELD_LABEL = "đến sau quyết định"


def require_passing(ws: Workspace, pk: dict[str, Any]) -> None:
    """Refuse (with the reasons) to recognise a dossier whose appraised result fails."""
    from cff_desktop.services.district import _unit
    from cff_desktop.services.district_appraised import appraised_of

    a = appraised_of(ws, pk["sha256"])
    if not a["passing"]:
        unit = _unit(ws, pk["unit_code"])
        raise Refused(f"không công nhận được {unit['name']} ({unit['code']}) năm {pk['year']}: kết quả thẩm định "
                      f"không đạt — {'; '.join(a['reasons'])}. Nếu số liệu thẩm định sai, sửa thẩm định; nếu "
                      "không, kết luận không công nhận kèm lý do.", pk["uuid"])


def agree_all(ws: Workspace, ref: str, *, actor: str = ADMIN) -> int:
    """Agree with every indicator of a dossier not appraised yet ("Thống nhất số liệu"); returns how many."""
    from cff_desktop.services.district import (
        appraisal,
        find_package,
        package_ruleset,
        require_current,
        require_transition,
    )

    pk = find_package(ws, ref)
    require_current(ws, pk, "thẩm định")
    after = require_transition(pk["state"], "appraise", pk["uuid"])
    done = appraisal(ws, pk["sha256"])
    todo = [iid for iid in package_ruleset(ws, pk["ruleset_sha256"]).indicators if iid not in done]
    now = now_iso()
    with ws.store.transaction() as conn:
        conn.executemany("INSERT INTO appraisal (package_sha256, indicator_id, verdict, comment, corrected, actor, at)"
                         " VALUES (?, ?, 'agree', '', NULL, ?, ?)", [(pk["sha256"], iid, actor, now) for iid in todo])
        if after != pk["state"]:
            conn.execute("UPDATE received_package SET state = ? WHERE sha256 = ?", (after, pk["sha256"]))
        ws.store.audit(actor, "district.appraise.agree_all", f"package:{pk['sha256']}", {"state": pk["state"]},
                       {"state": after, "indicators": len(todo)})
    return len(todo)


def _correction_fields(reason: str, number: str, signed_on: str) -> tuple[str, str, str]:
    reason, number = nfc(reason or "").strip(), nfc(number or "").strip()
    if not reason:
        raise BadInput("thu hồi hoặc sửa quyết định cần ghi lý do (--reason).", "--reason")
    if not number:
        raise BadInput("quyết định điều chỉnh cần số riêng (--number), ví dụ 140/QĐ-UBND.", "--number")
    return reason, number, parse_date(signed_on, "--date").isoformat()


def _record(ws: Workspace, pk: dict[str, Any], kind: str, was: bool, now: bool | None, after: str, reason: str,
            number: str, signed_on: str, actor: str) -> dict[str, Any]:
    with ws.store.transaction() as conn:
        if now is None:
            conn.execute("DELETE FROM recognition WHERE unit_code = ? AND year = ?", (pk["unit_code"], pk["year"]))
        else:
            conn.execute("UPDATE recognition SET recognized = ?, reason = ?, decided_at = ? WHERE unit_code = ?"
                         " AND year = ?", (1 if now else 0, "" if now else reason, now_iso(), pk["unit_code"],
                                           pk["year"]))
        conn.execute("INSERT INTO decision_correction (unit_code, year, package_sha256, kind, was_recognized,"
                     " now_recognized, reason, number, signed_on, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (pk["unit_code"], pk["year"], pk["sha256"], kind, 1 if was else 0,
                      None if now is None else (1 if now else 0), reason, number, signed_on, actor, now_iso()))
        conn.execute("UPDATE received_package SET state = ? WHERE sha256 = ?", (after, pk["sha256"]))
        ws.store.audit(actor, f"district.decision.{kind}", f"package:{pk['sha256']}",
                       {"state": pk["state"], "recognized": was},
                       {"state": after, "recognized": now, "reason": reason, "number": number, "date": signed_on})
    return {"uuid": pk["uuid"], "unit": pk["unit_code"], "year": pk["year"], "kind": kind, "recognized": now,
            "number": number, "state": after}


def revoke_decision(ws: Workspace, ref: str, *, reason: str, number: str, signed_on: str,
                    actor: str = ADMIN) -> dict[str, Any]:
    """Revoke a unit's decision (by a decision of its own number); the dossier goes back before the council."""
    from cff_desktop.services.district import find_package, require_current, require_transition

    pk = find_package(ws, ref)
    require_current(ws, pk, "thu hồi quyết định")
    after = require_transition(pk["state"], "revoke", pk["uuid"])
    reason, number, signed_on = _correction_fields(reason, number, signed_on)
    return _record(ws, pk, "revoke", pk["state"] == "recognised", None, after, reason, number, signed_on, actor)


def correct_decision(ws: Workspace, ref: str, recognized: bool, *, reason: str, number: str, signed_on: str,
                     actor: str = ADMIN) -> dict[str, Any]:
    """Turn a recognition into a non-recognition or back (a correcting decision); recognising needs a pass."""
    from cff_desktop.services.district import find_package, require_current, require_transition

    pk = find_package(ws, ref)
    require_current(ws, pk, "sửa quyết định")
    after = require_transition(pk["state"], "correct", pk["uuid"])
    if (after == "recognised") != recognized:
        raise Refused(f"quyết định hiện tại đã là \"{'công nhận' if recognized else 'không công nhận'}\"; "
                      "không có gì để sửa.", pk["uuid"])
    reason, number, signed_on = _correction_fields(reason, number, signed_on)
    if recognized:
        require_passing(ws, pk)
    return _record(ws, pk, "correct", not recognized, recognized, after, reason, number, signed_on, actor)


def held_packages(ws: Workspace, year: int | None = None) -> list[dict[str, Any]]:
    """Packages that came after their unit's decision and wait for a reviewer."""
    q = ("SELECT p.sha256, p.uuid, p.unit_code, p.year, p.received_at, p.total, p.threshold, u.name"
         " FROM received_package p JOIN area_unit u ON u.code = p.unit_code WHERE p.held_after_decision = 1")
    return ws.store.query(q + (" AND p.year = ?" if year else "") + " ORDER BY p.received_at",
                          (year,) if year else ())


def act_on_held(ws: Workspace, ref: str, accept: bool, *, reason: str, actor: str = ADMIN) -> dict[str, Any]:
    """A reviewer decides about a package held after the decision.

    ``accept``: it replaces the decided package (allowed only once the decision was revoked, so no
    decision silently loses its dossier) and starts over as "Đã kiểm tra". Otherwise it is
    dismissed: kept, marked, and nothing else changes.
    """
    from cff_desktop.services.district import find_package, require_transition

    pk = find_package(ws, ref)
    if pk["held_after_decision"] != 1:
        raise Refused(f"gói {pk['uuid']} không phải gói {HELD_LABEL} đang chờ xem xét.", pk["uuid"])
    reason = nfc(reason or "").strip()
    if not reason:
        raise BadInput("ghi lý do nhận hoặc bỏ qua gói đến sau quyết định (--reason).", "--reason")
    cur = ws.store.one("SELECT * FROM received_package WHERE unit_code = ? AND year = ? AND superseded_by IS NULL",
                       (pk["unit_code"], pk["year"]))
    with ws.store.transaction() as conn:
        if accept:
            if cur is not None:
                require_transition(cur["state"], "replace", cur["uuid"])
                conn.execute("UPDATE received_package SET superseded_by = ? WHERE sha256 = ?",
                             (pk["sha256"], cur["sha256"]))
            conn.execute("UPDATE received_package SET superseded_by = NULL, held_after_decision = 0,"
                         " state = 'verified' WHERE sha256 = ?", (pk["sha256"],))
        else:
            conn.execute("UPDATE received_package SET held_after_decision = 2 WHERE sha256 = ?", (pk["sha256"],))
        ws.store.audit(actor, "district.held." + ("accept" if accept else "dismiss"), f"package:{pk['sha256']}",
                       {"held": 1, "current": cur["sha256"] if cur else None},
                       {"held": 0 if accept else 2, "reason": reason})
    return {"uuid": pk["uuid"], "unit": pk["unit_code"], "year": pk["year"], "accepted": accept}


def corrections(ws: Workspace, code: str | None = None) -> list[dict[str, Any]]:
    """Every revocation and correction, oldest first (optionally of one unit)."""
    rows = ws.store.query("SELECT * FROM decision_correction" + (" WHERE unit_code = ?" if code else "")
                          + " ORDER BY id", (code,) if code else ())
    return [dict(r) for r in rows]


def warnings_of(ws: Workspace, sha256: str) -> list[str]:
    return [r["text"] for r in ws.store.query("SELECT text FROM package_warning WHERE package_sha256 = ?"
                                              " ORDER BY kind", (sha256,))]


def store_warning(conn: Any, sha256: str, kind: str, text: str) -> None:
    """Keep a warning with the package (inside the caller's transaction)."""
    conn.execute("INSERT OR REPLACE INTO package_warning (package_sha256, kind, text, at) VALUES (?, ?, ?, ?)",
                 (sha256, kind, text, now_iso()))


__all__ = ["HELD_LABEL", "act_on_held", "agree_all", "correct_decision", "corrections", "held_packages",
           "require_passing", "revoke_decision", "store_warning", "warnings_of"]
