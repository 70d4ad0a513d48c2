"""The commune's registration at the start of the year: it intends to reach the standard, and which
criteria it targets (seed 001: "Đăng ký phấn đấu xây dựng xã, phường, thị trấn phù hợp với trẻ em").

Without it the report cannot say which criteria were met "so với kế hoạch đầu năm". A registration
dated after the round's data window has started is accepted (offices register late) but warned about,
since the year it registers for is already running.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from cff_desktop.common.dates import parse_date
from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import clean_note, nfc
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def check_criteria(rnd: RoundInfo, criteria: str | list[str] | None) -> list[str]:
    """Criterion ids in the rule set's order: "all", "1,2,5" or a list; an unknown id is refused by name."""
    ids = [c.id for c in rnd.ruleset.criteria]
    if criteria is None or (isinstance(criteria, str) and nfc(criteria).strip().lower() in ("all", "tất cả", "")):
        return ids
    parts = criteria if isinstance(criteria, list) else nfc(criteria).replace(";", ",").split(",")
    wanted = [str(p).strip() for p in parts if str(p).strip()]
    bad = [p for p in wanted if p not in ids]
    if bad:
        raise BadInput(f"không có tiêu chí {', '.join(bad[:5])} trong bộ tiêu chí {rnd.ruleset.id}; các tiêu chí từ "
                       f"{ids[0]} đến {ids[-1]}", "--criteria")
    if not wanted:
        raise BadInput("chọn ít nhất một tiêu chí phấn đấu (hoặc 'all' cho tất cả)", "--criteria")
    return [i for i in ids if i in wanted]


def warnings_of(rnd: RoundInfo, registered_on: date) -> list[str]:
    start = str(rnd.row.get("window_start") or "")
    try:
        begins = date.fromisoformat(start)
    except ValueError:
        return []
    if registered_on > begins:
        return [f"ngày đăng ký {_dmy(registered_on)} sau ngày bắt đầu kỳ số liệu {_dmy(begins)}: năm đánh giá đã "
                "bắt đầu; kiểm tra lại ngày trên văn bản đăng ký đã gửi cấp trên."]
    return []


def register(ws: Workspace, *, intends: bool, criteria: str | list[str] | None = None,
             registered_on: str | date, note: str = "", year: int | None = None,
             actor: str = ADMIN) -> tuple[dict[str, Any], list[str]]:
    """Record (or correct) the round's registration; returns it and its warnings."""
    rnd = get_round(ws, year)
    ids = check_criteria(rnd, criteria)
    d = registered_on if isinstance(registered_on, date) else parse_date(str(registered_on), "--date")
    if not rnd.year - 1 <= d.year <= rnd.year:
        raise BadInput(f"ngày đăng ký {_dmy(d)} không thuộc năm {rnd.year - 1} hoặc {rnd.year} của vòng đánh giá "
                       f"năm {rnd.year}; ghi ngày trên văn bản đăng ký", "--date")
    text = clean_note(note, "--note", max_len=2000)
    new = {"intends": bool(intends), "criteria": ids, "registered_on": d.isoformat(), "note": text}
    old = registration_of(ws, rnd)
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO registration (round_id, intends, criteria, registered_on, note,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     (rnd.id, int(bool(intends)), json.dumps(ids), d.isoformat(), text, now_iso()))
        ws.store.audit(actor, "registration", f"round:{rnd.id}", old or None, new)
    return new, warnings_of(rnd, d)


def registration_of(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    """The round's registration as the papers read it; empty when none was recorded."""
    row = ws.store.one("SELECT intends, criteria, registered_on, note FROM registration WHERE round_id = ?", (rnd.id,))
    if row is None:
        return {}
    return {"intends": bool(row["intends"]), "criteria": json.loads(row["criteria"]),
            "registered_on": row["registered_on"], "note": row["note"]}


def registration_view(ws: Workspace, year: int | None = None) -> dict[str, Any]:
    rnd = get_round(ws, year)
    reg = registration_of(ws, rnd)
    return {"year": rnd.year, "registration": reg,
            "warnings": warnings_of(rnd, date.fromisoformat(reg["registered_on"])) if reg else []}
