"""The commune's child-work reports: half-yearly (by 25/5) and yearly (by 20/11), seed 004 §II.11.

Their statistics table asks for figures most of which the assessment already holds (children, children
in special circumstances, injured, abused, in conflict with the law: criteria 3 to 6). Those are read
from the round's figures as the snapshot carries them (the council's frozen one, else what it would
hold now), so the two papers cannot disagree; the figures the assessment has no indicator for
(children working early or illegally, children at risk) are typed per period. The deadlines are
settings (the upper level sets its own dates) and appear on the dashboard's calendar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cff_desktop.common.dates import parse_day_month
from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.documents.child_work import STATS, stat_rows
from cff_desktop.services.council import draft_snapshot, get_snapshot
from cff_desktop.services.profile import get_setting, set_setting
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

#: period → (words on the paper, default deadline dd/mm, the setting that moves it)
PERIODS: dict[str, tuple[str, str, str]] = {
    "half": ("6 tháng đầu năm", "25/05", "child_report.half_deadline"),
    "year": ("năm", "20/11", "child_report.year_deadline"),
}
MAX_FIGURE = 10_000_000


TYPED = tuple(r.key for r in STATS if not r.indicator)


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise BadInput(f"kỳ báo cáo '{period[:20]}' không hợp lệ. Chọn: half (6 tháng), year (năm)", "--period")
    return period


def deadline(ws: Workspace, rnd: RoundInfo, period: str) -> date:
    """The period's deadline in the round's year: the setting (dd/mm) or seed 004's date."""
    _, default, key = PERIODS[check_period(period)]
    day, month = parse_day_month(get_setting(ws, key) or default, key)
    return date(rnd.year, month, day)


def set_deadline(ws: Workspace, period: str, text: str, *, actor: str = ADMIN) -> str:
    """Move a deadline (dd/mm), as the upper level asks."""
    _, _, key = PERIODS[check_period(period)]
    day, month = parse_day_month(text, key)
    value = f"{day:02d}/{month:02d}"
    set_setting(ws, key, value, actor=actor)
    return value


def deadlines(ws: Workspace, rnd: RoundInfo) -> list[tuple[str, str]]:
    """The two deadlines as the dashboard's calendar lists them (label, ISO date)."""
    return [(f"Báo cáo công tác trẻ em {PERIODS[p][0]}", deadline(ws, rnd, p).isoformat()) for p in PERIODS]


def _snapshot(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    got = get_snapshot(ws, rnd.year)
    return got[0] if got else draft_snapshot(ws, rnd.year)


def _typed(ws: Workspace, rnd: RoundInfo, period: str) -> dict[str, int]:
    return {r["key"]: int(r["value"]) for r in ws.store.query(
        "SELECT key, value FROM child_report_figure WHERE round_id = ? AND period = ?", (rnd.id, period))}


def statistics(ws: Workspace, rnd: RoundInfo, period: str, snapshot: dict[str, Any] | None = None
               ) -> list[dict[str, Any]]:
    """Each statistic with its value (None when unknown) and where it comes from."""
    snap = snapshot if snapshot is not None else _snapshot(ws, rnd)
    return stat_rows(snap.get("values") or {}, set(rnd.ruleset.indicators), _typed(ws, rnd, check_period(period)))


def set_figures(ws: Workspace, period: str, figures: dict[str, str | int], *, year: int | None = None,
                actor: str = ADMIN) -> list[dict[str, Any]]:
    """Type the figures the assessment does not hold, all of them or none."""
    check_period(period)
    rnd = get_round(ws, year)
    by_key = {r.key: r for r in STATS}
    clean: dict[str, int] = {}
    for key, raw in figures.items():
        row = by_key.get(key)
        if row is None:
            raise BadInput(f"không có số liệu '{key[:30]}'. Chọn: {', '.join(TYPED)}", key)
        if row.indicator and row.indicator in rnd.ruleset.indicators:
            raise Refused(f"«{row.label}» lấy từ số liệu vòng đánh giá (chỉ số {row.indicator}); sửa ở tiêu chí đó để "
                          "báo cáo và hồ sơ cùng một số", key)
        text = str(raw).strip().replace(".", "")
        if not text.isdigit() or int(text) > MAX_FIGURE:
            raise BadInput(f"«{row.label}» phải là số nguyên từ 0 đến 10.000.000, không phải '{str(raw)[:20]}'", key)
        clean[key] = int(text)
    with ws.store.transaction() as conn:
        for key, value in clean.items():
            conn.execute("INSERT OR REPLACE INTO child_report_figure (round_id, period, key, value, updated_at)"
                         " VALUES (?, ?, ?, ?, ?)", (rnd.id, period, key, value, now_iso()))
        ws.store.audit(actor, "child_report.figures", f"round:{rnd.id}:{period}", None, clean)
    return statistics(ws, rnd, period)


def for_paper(ws: Workspace, rnd: RoundInfo) -> dict[str, Any]:
    """Both periods' typed figures and deadlines, as the papers freeze them (the round's own figures
    the paper reads from the snapshot it prints from)."""
    return {p: {"typed": _typed(ws, rnd, p), "deadline": deadline(ws, rnd, p).isoformat()} for p in PERIODS}
