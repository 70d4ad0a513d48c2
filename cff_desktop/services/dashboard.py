"""Everything the clerk's dashboard shows, computed in one call so the view only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from cff_desktop.common import localtime
from cff_desktop.common.text import format_points
from cff_desktop.rules.engine import ScoreResult
from cff_desktop.rules.report import reason_text
from cff_desktop.services.officers import assignments, list_officers
from cff_desktop.services.progress import STATE_LABELS, criterion_states
from cff_desktop.services.rounds import RoundInfo
from cff_desktop.services.scoring import score_round
from cff_desktop.services.workspace import Workspace


@dataclass(frozen=True)
class Tile:
    id: str
    name: str
    owner: str
    state: str
    points: str
    max: str
    provisional: bool
    assessed: bool
    zero: bool
    overridden: bool
    basis: str = "confirmed"  # confirmed / inferred / provisional (rules.basis)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Milestone:
    label: str
    date: str  # ISO or ''
    passed: bool


@dataclass(frozen=True)
class Dashboard:
    round: RoundInfo
    result: ScoreResult
    tiles: list[Tile]
    blockers: list[str]
    timeline: list[Milestone]
    decisions: list[str]  # the upper level's latest decisions on this commune's packages, newest first

    @property
    def verdict(self) -> str:
        return "ĐẠT" if self.result.recognized else "CHƯA ĐẠT"


def vn_date(iso: str) -> str:
    """dd/mm/yyyy for display; '' stays ''."""
    return localtime.date_text(iso)


def timeline(rnd: RoundInfo, today: date | None = None) -> list[Milestone]:
    today = today or localtime.today()
    row: dict[str, Any] = rnd.row
    items = [
        ("Kỳ số liệu bắt đầu", row.get("window_start", "")),
        ("Kỳ số liệu kết thúc", row.get("window_end", "")),
        ("Hạn các ngành báo cáo", row.get("sector_deadline", "")),
        ("Họp hội đồng đánh giá", row.get("council_date", "")),
        ("Niêm yết công khai", row.get("posting_start", "")),
        ("Gửi hồ sơ lên cấp trên", row.get("submission_date", "")),
    ]
    return [Milestone(lbl, d or "", bool(d) and (localtime.local_date(d) or today) <= today) for lbl, d in items]


def build_dashboard(ws: Workspace, year: int | None = None) -> Dashboard:
    res, rnd = score_round(ws, year)
    states = criterion_states(ws, rnd)
    owners = {o["id"]: o["name"] for o in list_officers(ws)}
    asg = assignments(ws, rnd)
    tiles = []
    for c in res.criteria:
        tiles.append(Tile(
            id=c.id, name=c.name, owner=owners.get(asg.get(c.id, -1), "chưa giao"), state=states[c.id],
            points=format_points(c.points), max=format_points(c.max), provisional=c.provisional,
            assessed=c.assessed, zero=c.assessed and c.points == 0, overridden=c.override is not None,
            basis=cast(Any, rnd.ruleset.criterion(c.id)).basis))
    blockers = [reason_text(r) for r in res.reasons]
    return Dashboard(rnd, res, tiles, blockers, timeline(rnd), upper_level_decisions(ws))


def upper_level_decisions(ws: Workspace, limit: int = 3) -> list[str]:
    """What the upper level decided on the packages sent (pulled by the last sync), in words."""
    import json

    from cff_desktop.services.sync import decision_text

    rows = ws.store.query("SELECT * FROM sync_decision ORDER BY seq DESC LIMIT ?", (limit,))
    return [decision_text({"id": r["id"], "decision": r["decision"], "comments": json.loads(r["comments"]),
                           "decided_at": r["decided_at"]}) for r in rows]
