"""The upper level's steps on a received dossier: appraise, return, pass to the council, decide.

Which step is allowed from which state is decided in :mod:`.workflow` alone.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cff_desktop.common.errors import BadInput, CffError
from cff_desktop.common.text import nfc
from cff_desktop.rules.values import parse_value
from cff_desktop.services.district.area import get_area, package_ruleset
from cff_desktop.services.district.queries import appraisal, find_package
from cff_desktop.services.district.workflow import require_current, require_transition
from cff_desktop.services.district_appraised import _show
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def appraise(ws: Workspace, ref: str, indicator: str, verdict: str, *, comment: str = "",
             corrected: str | None = None, actor: str = ADMIN) -> dict[str, Any]:
    """Agree or disagree with one indicator of a package; disagreeing needs a comment."""
    pk = find_package(ws, ref)
    require_current(ws, pk, "thẩm định")
    after = require_transition(pk["state"], "appraise", pk["uuid"])
    verdict, indicator, comment = nfc(verdict), nfc(indicator), nfc(comment)
    if verdict not in ("agree", "disagree"):
        raise BadInput("chọn agree (đồng ý) hoặc disagree (không đồng ý).", verdict)
    rs = package_ruleset(ws, pk["ruleset_sha256"])  # the version the dossier was scored on
    if indicator not in rs.indicators:
        raise BadInput(f"không có chỉ số '{indicator}' trong bộ tiêu chí {rs.id}.", indicator)
    if verdict == "disagree" and not comment:
        raise BadInput("không đồng ý thì cần ghi nhận xét (lý do).", "--comment")
    fixed = None
    if corrected not in (None, ""):
        try:
            fixed = parse_value(rs.indicators[indicator], nfc(str(corrected))).to_json()
        except CffError as e:
            raise BadInput(f"số liệu sửa của chỉ số {indicator} không hợp lệ: {e.message}", "--corrected") from None
    now = now_iso()
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO appraisal (package_sha256, indicator_id, verdict, comment, corrected, actor, at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (pk["sha256"], indicator, verdict, comment,
                      json.dumps(fixed, ensure_ascii=False) if fixed is not None else None, actor, now))
        if after != pk["state"]:
            conn.execute("UPDATE received_package SET state = ? WHERE sha256 = ?", (after, pk["sha256"]))
        ws.store.audit(actor, "district.appraise", f"package:{pk['sha256']}/{indicator}", None,
                       {"verdict": verdict, "comment": comment, "corrected": fixed})
    return appraisal(ws, pk["sha256"])[indicator]


def _action(ws: Workspace, pk: dict[str, Any], action: str, state: str, comments: list[dict[str, str]],
            delivery: str, actor: str) -> None:
    with ws.store.transaction() as conn:
        _write_action(ws, conn, pk, action, state, comments, delivery, actor)


def _write_action(ws: Workspace, conn: sqlite3.Connection, pk: dict[str, Any], action: str, state: str,
                  comments: list[dict[str, str]], delivery: str, actor: str) -> None:
    """The action, the package's new state and the audit row, inside the caller's transaction."""
    conn.execute("INSERT INTO package_action (package_sha256, action, comments, delivery, actor, at)"
                 " VALUES (?, ?, ?, ?, ?, ?)",
                 (pk["sha256"], action, json.dumps(comments, ensure_ascii=False), delivery, actor, now_iso()))
    conn.execute("UPDATE received_package SET state = ? WHERE sha256 = ?", (state, pk["sha256"]))
    ws.store.audit(actor, f"district.{action}", f"package:{pk['sha256']}", {"state": pk["state"]},
                   {"state": state, "comments": comments, "delivery": delivery})


def _inbox_decide(ws: Workspace, pk: dict[str, Any], decision: str, comments: list[str]) -> str:
    """Tell the commune through the inbox server when the package came that way ("" otherwise)."""
    area = get_area(ws)
    if pk["source"] != "inbox" or not area["inbox_data"]:
        return ""
    from cff_desktop.services.sync_district import decide  # not a circle: keeps the web server off start-up

    decide(area["inbox_data"], pk["uuid"], decision, comments)
    return "inbox"


def return_package(ws: Workspace, ref: str, comments: list[str] | None = None, *, actor: str = ADMIN) -> dict[str, Any]:
    """Return a dossier with comments; the disagreements of the appraisal go with them.

    A package that came through the inbox server gets a "returned" decision there, which the
    commune's app pulls on its next sync. A package that came on USB: the return is recorded and
    goes back as a signed receipt package on a stick (services.receipts.export_receipt).
    """
    pk = find_package(ws, ref)
    require_current(ws, pk, "trả lại")
    state = require_transition(pk["state"], "return", pk["uuid"])
    texts = [nfc(c) for c in (comments or []) if nfc(c)]
    for iid, a in appraisal(ws, pk["sha256"]).items():
        if a["verdict"] == "disagree":
            fix = f" (số liệu đúng: {_show(a['corrected'])})" if a["corrected"] is not None else ""
            texts.append(f"{iid.split('.')[0]}: Chỉ số {iid}: {a['comment']}{fix}")
    if not texts:
        raise BadInput("trả lại hồ sơ cần ít nhất một nhận xét (ví dụ \"7: lý do\") hoặc một chỉ số "
                       "không đồng ý khi thẩm định.", "--comment", remedy="return_comment")
    delivery = _inbox_decide(ws, pk, "returned", texts) or "paper"
    items = [{"text": t} for t in texts]
    _action(ws, pk, "returned", state, items, delivery, actor)
    return {"uuid": pk["uuid"], "delivery": delivery, "comments": texts}


def pass_to_council(ws: Workspace, ref: str, *, actor: str = ADMIN) -> dict[str, Any]:
    """Send the dossier to the review council (Hội đồng xét duyệt); the commune hears it was accepted."""
    pk = find_package(ws, ref)
    require_current(ws, pk, "trình hội đồng")
    state = require_transition(pk["state"], "council", pk["uuid"])
    delivery = _inbox_decide(ws, pk, "accepted", [])
    _action(ws, pk, "council", state, [], delivery, actor)
    return {"uuid": pk["uuid"], "state": state}


def decide(ws: Workspace, ref: str, recognized: bool, *, reason: str = "", actor: str = ADMIN) -> dict[str, Any]:
    """The council's conclusion for one unit and round: recognised or not (with the reason)."""
    pk = find_package(ws, ref)
    require_current(ws, pk, "quyết định")
    state = require_transition(pk["state"], "recognise" if recognized else "not_recognise", pk["uuid"])
    reason = nfc(reason)
    if not recognized and not reason:
        raise BadInput("không công nhận thì cần ghi lý do (--reason).", "--reason")
    if recognized:
        from cff_desktop.services.district_decisions import require_passing  # the appraised result decides

        require_passing(ws, pk)
    with ws.store.transaction() as conn:  # the recognition and the package's state: both or neither
        conn.execute("INSERT OR REPLACE INTO recognition (unit_code, year, package_sha256, recognized, reason,"
                     " decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                     (pk["unit_code"], pk["year"], pk["sha256"], 1 if recognized else 0, reason, now_iso()))
        _write_action(ws, conn, pk, state, state, [{"text": reason}] if reason else [], "", actor)
    return {"uuid": pk["uuid"], "unit": pk["unit_code"], "year": pk["year"], "recognized": recognized}


def set_decision(ws: Workspace, year: int, *, number: str, signed_on: str, council: dict[str, Any] | None = None,
                 actor: str = ADMIN) -> dict[str, Any]:
    """The decision's number and date, and the review council (chair, members, meeting time) for the papers."""
    get_area(ws)
    number, signed_on = nfc(number), nfc(signed_on)
    if not number or len(signed_on) != 10 or signed_on[4] != "-":
        raise BadInput("cần số quyết định và ngày ký dạng YYYY-MM-DD.", "--number/--date")
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO recognition_decision (year, number, signed_on, council, created_at)"
                     " VALUES (?, ?, ?, ?, ?)", (year, number, signed_on,
                                                 json.dumps(council or {}, ensure_ascii=False), now_iso()))
        ws.store.audit(actor, "district.decision", f"decision:{year}", None, {"number": number, "date": signed_on})
    return {"year": year, "number": number, "signed_on": signed_on, "council": council or {}}
