"""The commune council meeting (Hội đồng đánh giá cấp xã) and the frozen snapshot it produces.

Closing the meeting freezes everything printed afterwards: values with their authors, scores,
overrides with reasons, the rule set's id/version/hash, members and vote. Documents and packages
render from this snapshot, never from live tables, so a paper printed twice says the same thing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import clean_name, nfc
from cff_desktop.rules.report import result_to_json
from cff_desktop.services.officers import assignments
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round, require_open
from cff_desktop.services.scoring import score_round
from cff_desktop.services.values import value_rows
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso

COUNCIL_ROLES = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "standing": "Thường trực Hội đồng",
    "secretary": "Thư ký",
    "member": "Thành viên",
}
SNAPSHOT_FORMAT = 1


def _ensure_council(ws: Workspace, rnd: RoundInfo) -> None:
    ws.store.conn.execute("INSERT OR IGNORE INTO council (round_id) VALUES (?)", (rnd.id,))


def council_record(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM council WHERE round_id = ?", (rnd.id,)) or {
        "place": "", "started_at": "", "ended_at": "", "votes_for": None, "votes_against": None,
        "votes_abstain": None, "conclusion": "", "discussion": ""}
    members = ws.store.query(
        "SELECT id, name, position, council_role, present FROM council_member WHERE round_id = ?"
        " ORDER BY sort, id", (rnd.id,))
    for m in members:
        m["present"] = bool(m["present"])
    rec = {k: row.get(k) for k in ("place", "started_at", "ended_at", "votes_for", "votes_against",
                                   "votes_abstain", "conclusion", "discussion")}
    rec["members"] = members
    return rec


def parse_when(value: str, option: str) -> datetime:
    """A meeting time as the officer gives it: ``2024-11-05T08:00`` (or with a space).

    Refuses words such as "chiều nay" with the expected form, so nothing unreadable is stored
    (a stored "chiều nay" used to lock the round and break every later print of the minutes).
    """
    text = nfc(value)
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"thời gian '{text}' không đúng dạng YYYY-MM-DDTHH:MM (ví dụ 2024-11-05T10:30)",
                       option) from None
    return t.replace(tzinfo=None, second=0, microsecond=0)


def read_when(value: str | None) -> datetime | None:
    """A stored meeting time, or None when missing or unreadable (rounds closed before the checks)."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def check_meeting_times(started_at: str | None, ended_at: str, now: datetime | None = None) -> str:
    """The end of a meeting must be a real time, after its start and not in the future.

    Returns the end in the stored form ``YYYY-MM-DDTHH:MM``. Times are the commune's wall clock
    (what the minutes print), compared with this computer's local clock.
    """
    end = parse_when(ended_at, "--ended-at")
    now = now or localtime.now().replace(tzinfo=None)
    if end > now:
        raise BadInput(f"giờ kết thúc {end:%H:%M %d/%m/%Y} chưa tới (bây giờ là {now:%H:%M %d/%m/%Y}); "
                       "ghi giờ cuộc họp thực sự kết thúc", "--ended-at")
    start = read_when(started_at)
    if start is None:
        raise Refused("chưa ghi giờ bắt đầu cuộc họp; ghi giờ bắt đầu (cff council meeting --start "
                      "YYYY-MM-DDTHH:MM, hoặc ô Bắt đầu lúc) rồi kết thúc họp", "--ended-at")
    if end <= start:
        raise BadInput(f"giờ kết thúc {end:%H:%M %d/%m/%Y} không sau giờ bắt đầu "
                       f"{start:%H:%M %d/%m/%Y}; sửa giờ kết thúc", "--ended-at")
    return end.isoformat(timespec="minutes")


def set_meeting(ws: Workspace, *, place: str | None = None, started_at: str | None = None,
                ended_at: str | None = None, discussion: str | None = None,
                conclusion: str | None = None,
                actor: str = ADMIN, year: int | None = None) -> dict[str, Any]:
    """Record where and when the council met (ISO dates ``2024-11-05T08:00``), what was said.

    The discussion and the chair's conclusion are saved as they are typed, so no other action on
    the council screen (an override, a new member) can wipe them.
    """
    rnd = get_round(ws, year)
    require_open(rnd)
    fields: dict[str, str] = {}
    for key, val in (("place", place), ("started_at", started_at), ("ended_at", ended_at),
                     ("discussion", discussion), ("conclusion", conclusion)):
        if val is None:
            continue
        val = nfc(val)
        if key.endswith("_at") and val:
            val = parse_when(val, "--start" if key == "started_at" else "--ended-at").isoformat(
                timespec="minutes")
        fields[key] = val
    if not fields:
        return council_record(ws, rnd)
    with ws.store.transaction() as conn:
        _ensure_council(ws, rnd)
        old = council_record(ws, rnd)
        for key, val in fields.items():
            conn.execute(f"UPDATE council SET {key} = ? WHERE round_id = ?", (val, rnd.id))
        ws.store.audit(actor, "council.meeting", f"round:{rnd.id}",
                       {k: old[k] for k in fields}, fields)
    return council_record(ws, rnd)


def add_member(ws: Workspace, *, name: str, position: str = "", role: str = "member",
               present: bool = True, actor: str = ADMIN, year: int | None = None) -> dict[str, Any]:
    rnd = get_round(ws, year)
    require_open(rnd)
    name, role = clean_name(name, "--name", what="họ tên thành viên"), nfc(role)
    position = clean_name(position, "--position", what="chức vụ", required=False)
    if role not in COUNCIL_ROLES:
        raise BadInput(f"vai trò '{role}' không hợp lệ. Chọn: {', '.join(COUNCIL_ROLES)}", "--role")
    with ws.store.transaction() as conn:
        if role in ("chair", "secretary") and conn.execute(
                "SELECT 1 FROM council_member WHERE round_id = ? AND council_role = ?",
                (rnd.id, role)).fetchone():
            raise Refused(f"hội đồng đã có {COUNCIL_ROLES[role].lower()}", "--role")
        sort = conn.execute("SELECT coalesce(max(sort), -1) + 1 FROM council_member WHERE round_id = ?",
                            (rnd.id,)).fetchone()[0]
        cur = conn.execute(
            "INSERT INTO council_member (round_id, name, position, council_role, present, sort)"
            " VALUES (?, ?, ?, ?, ?, ?)", (rnd.id, name, nfc(position), role, int(present), sort))
        ws.store.audit(actor, "council.member_add", f"round:{rnd.id}/member:{cur.lastrowid}", None,
                       {"name": name, "position": nfc(position), "role": role, "present": present})
    return {"id": cur.lastrowid, "name": name, "position": nfc(position), "council_role": role,
            "present": present}


def set_presence(ws: Workspace, member_id: int, present: bool, *, actor: str = ADMIN,
                 year: int | None = None) -> None:
    rnd = get_round(ws, year)
    require_open(rnd)
    with ws.store.transaction() as conn:
        row = conn.execute("SELECT present FROM council_member WHERE id = ? AND round_id = ?",
                           (member_id, rnd.id)).fetchone()
        if row is None:
            raise NotFound(f"không có thành viên hội đồng #{member_id}", "MEMBER")
        conn.execute("UPDATE council_member SET present = ? WHERE id = ?", (int(present), member_id))
        ws.store.audit(actor, "council.presence", f"round:{rnd.id}/member:{member_id}",
                       {"present": bool(row[0])}, {"present": present})


def record_vote(ws: Workspace, *, votes_for: int, votes_against: int, votes_abstain: int = 0,
                actor: str = ADMIN, year: int | None = None) -> None:
    rnd = get_round(ws, year)
    require_open(rnd)
    present = sum(1 for m in council_record(ws, rnd)["members"] if m["present"])
    for key, n in (("--for", votes_for), ("--against", votes_against), ("--abstain", votes_abstain)):
        if n < 0:
            raise BadInput("số phiếu không được âm", key)
    if present and votes_for + votes_against + votes_abstain > present:
        raise BadInput(f"tổng số phiếu ({votes_for + votes_against + votes_abstain}) vượt số thành viên "
                       f"có mặt ({present})", "--for")
    with ws.store.transaction() as conn:
        _ensure_council(ws, rnd)
        conn.execute("UPDATE council SET votes_for = ?, votes_against = ?, votes_abstain = ?"
                     " WHERE round_id = ?", (votes_for, votes_against, votes_abstain, rnd.id))
        ws.store.audit(actor, "council.vote", f"round:{rnd.id}", None,
                       {"for": votes_for, "against": votes_against, "abstain": votes_abstain})


def remove_override(ws: Workspace, criterion: str, reason: str, *, actor: str = ADMIN,
                    year: int | None = None) -> None:
    """The council withdraws its score for a criterion: the computed score counts again.

    Audited with the withdrawn points and the reason. The minutes print only what the council
    finally adopted, so a withdrawn override is simply absent there (the audit log keeps it):
    printing "điều chỉnh … rồi rút lại" would suggest two decisions where the council made one.
    """
    rnd = get_round(ws, year)
    require_open(rnd)
    cid, reason = nfc(str(criterion)), nfc(reason or "")
    if rnd.ruleset.criterion(cid) is None:
        raise BadInput(f"không có tiêu chí '{cid}' trong bộ tiêu chí {rnd.ruleset.id}", "CRITERION")
    if not reason:
        raise BadInput("bỏ điểm hội đồng phải ghi rõ lý do", "--reason")
    with ws.store.transaction() as conn:
        old = conn.execute("SELECT points, reason FROM override WHERE round_id = ? AND criterion_id = ?",
                           (rnd.id, cid)).fetchone()
        if old is None:
            raise NotFound(f"tiêu chí {cid} không có điểm hội đồng nào để bỏ", "CRITERION")
        conn.execute("DELETE FROM override WHERE round_id = ? AND criterion_id = ?", (rnd.id, cid))
        ws.store.audit(actor, "override.remove", f"round:{rnd.id}/criterion:{cid}",
                       {"points": old[0], "reason": old[1]}, {"removed": True, "reason": reason})


def build_snapshot(ws: Workspace, rnd: RoundInfo, closed_at: str) -> dict[str, Any]:
    res, _ = score_round(ws, rnd.year)
    rs = rnd.ruleset
    officers = {o["id"]: o for o in ws.store.query("SELECT id, name, position, sector FROM officer")}
    return {
        "format": SNAPSHOT_FORMAT,
        "closed_at": closed_at,
        "commune": {k: rnd.commune.get(k) for k in ("code", "name", "province", "district", "unit_type",
                                                    "category", "upper_level", "chair_name", "chair_title")}
        | {"villages": json.loads(rnd.commune.get("villages") or "[]")},
        "round": {k: rnd.row[k] for k in ("year", "window_start", "window_end", "sector_deadline")},
        "ruleset": {"id": rs.id, "version": rs.version, "sha256": rs.sha256, "title": rs.title,
                    "legal_basis": rs.legal_basis},
        "values": {r["indicator_id"]: {"value": json.loads(r["value"]), "note": r["note"],
                                       "officer": r["officer"], "entered_at": r["entered_at"]}
                   for r in value_rows(ws, rnd)},
        "assignments": {cid: officers[oid]["name"] for cid, oid in assignments(ws, rnd).items()
                        if oid in officers},
        "score": result_to_json(res),
        "council": council_record(ws, rnd),
    }


def close_meeting(ws: Workspace, *, conclusion: str | None = None, ended_at: str | None = None,
                  actor: str = ADMIN, year: int | None = None) -> dict[str, Any]:
    """"Kết thúc họp": freeze the snapshot and close the round, in one transaction.

    The minutes say the council voted and "nhất trí thông qua", so a round closes only with a
    recorded vote, the chair's conclusion and a real end time after the start (not in the
    future). ``conclusion``/``ended_at`` left out mean the ones already recorded; an end time
    never recorded defaults to now.
    """
    rnd = get_round(ws, year)
    require_open(rnd)
    rec = council_record(ws, rnd)
    present = [m for m in rec["members"] if m["present"]]
    if not present:
        raise Refused("chưa ghi thành viên hội đồng có mặt; thêm thành viên trước khi kết thúc họp",
                      "council")
    if rec["votes_for"] is None:
        raise Refused("chưa ghi kết quả biểu quyết; ghi số phiếu tán thành, không tán thành, không "
                      "biểu quyết (Ghi biểu quyết, hoặc cff council vote) rồi kết thúc họp", "council")
    text = nfc(conclusion) if conclusion is not None else nfc(rec["conclusion"] or "")
    if not text:
        raise Refused("chưa có kết luận của chủ tọa; ghi kết luận (ô Kết luận, hoặc --conclusion) rồi "
                      "kết thúc họp", "--conclusion")
    # The meeting's end as the clerk's wall clock shows it (printed in the minutes).
    wall_now = localtime.now().replace(tzinfo=None).isoformat(timespec="minutes")
    given = ended_at if ended_at else (rec["ended_at"] or wall_now)
    closed_at = check_meeting_times(rec["started_at"], given)
    with ws.store.transaction() as conn:
        _ensure_council(ws, rnd)
        conn.execute("UPDATE council SET ended_at = ?, conclusion = ? WHERE round_id = ?",
                     (closed_at, text, rnd.id))
        snap = build_snapshot(ws, rnd, closed_at)
        body = canonical(snap)
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        conn.execute("INSERT OR REPLACE INTO snapshot (round_id, created_at, body, sha256) VALUES (?, ?, ?, ?)",
                     (rnd.id, now_iso(), body, digest))
        conn.execute("UPDATE round SET status = 'closed', closed_at = ? WHERE id = ?", (now_iso(), rnd.id))
        ws.store.audit(actor, "council.close", f"round:{rnd.id}", {"status": "open"},
                       {"status": "closed", "snapshot": digest, "total": snap["score"]["total"],
                        "recognized": snap["score"]["recognized"]})
    return snap


def reopen_round(ws: Workspace, reason: str, *, actor: str = ADMIN, year: int | None = None) -> None:
    """A correction after the council closed: reopen with a written reason (audited)."""
    rnd = get_round(ws, year)
    reason = nfc(reason)
    if not reason:
        raise BadInput("mở lại vòng đánh giá phải ghi rõ lý do", "--reason")
    if not rnd.closed:
        raise Refused(f"vòng đánh giá năm {rnd.year} đang mở, không cần mở lại", "round")
    with ws.store.transaction() as conn:
        old = conn.execute("SELECT sha256 FROM snapshot WHERE round_id = ?", (rnd.id,)).fetchone()
        conn.execute("UPDATE round SET status = 'open', closed_at = NULL WHERE id = ?", (rnd.id,))
        ws.store.audit(actor, "round.reopen", f"round:{rnd.id}",
                       {"status": "closed", "snapshot": old[0] if old else None},
                       {"status": "open", "reason": reason})


def get_snapshot(ws: Workspace, year: int | None = None) -> tuple[dict[str, Any], str] | None:
    """The frozen snapshot of a closed round and its SHA-256, or None while the round is open."""
    rnd = get_round(ws, year)
    if not rnd.closed:
        return None
    row = ws.store.one("SELECT body, sha256 FROM snapshot WHERE round_id = ?", (rnd.id,))
    if row is None:
        return None
    return json.loads(row["body"]), row["sha256"]


def draft_snapshot(ws: Workspace, year: int | None = None) -> dict[str, Any]:
    """What the snapshot would hold now; for drafts (DỰ THẢO) printed before the council closes."""
    rnd = get_round(ws, year)
    return build_snapshot(ws, rnd, "")
