"""Everything the clerk's dashboard shows, computed in one call so the view only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from cff_desktop.common import localtime
from cff_desktop.common.text import format_points
from cff_desktop.rules.engine import ScoreResult
from cff_desktop.rules.report import reason_text
from cff_desktop.services.child_report import deadlines as child_report_deadlines
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


STEP_STATES = {"done": "đã xong", "current": "đang làm", "late": "trễ hạn", "next": "tiếp theo",
               "todo": "chưa tới"}


@dataclass(frozen=True)
class Step:
    """One step of the procedure (DOMAIN §3) with its state computed from the data, not the date."""

    key: str
    label: str
    date: str  # the step's planned date (ISO) or ''
    state: str  # done | current | late | next | todo
    detail: str  # what is done / missing, in words
    action: str  # what the button says for the one next thing
    page: str  # the screen that does it: setup | entry | council | documents | sync

    @property
    def state_label(self) -> str:
        return STEP_STATES[self.state]


@dataclass(frozen=True)
class Dashboard:
    round: RoundInfo
    result: ScoreResult
    tiles: list[Tile]
    blockers: list[str]
    timeline: list[Milestone]
    decisions: list[str]  # the upper level's latest decisions on this commune's packages, newest first
    steps: tuple[Step, ...] = ()

    @property
    def next_step(self) -> Step | None:
        """The one next thing to do: the first step not done (late or current)."""
        return next((s for s in self.steps if s.state in ("current", "late")), None)

    @property
    def verdict(self) -> str:
        return "ĐẠT" if self.result.recognized else "CHƯA ĐẠT"


def vn_date(iso: str) -> str:
    """dd/mm/yyyy for display; '' stays ''."""
    return localtime.date_text(iso)


def vn_datetime(iso: str | None, *, utc: bool | None = None) -> str:
    """dd/mm/yyyy hh:mm in Vietnam time, for every date-time a screen shows; '' stays ''.

    Times the app stamps itself (audit, saves, receipts) are stored in UTC with an offset and
    are converted to Asia/Ho_Chi_Minh; times an officer typed (the council's start and end) are
    already the commune's wall clock and carry no offset, so they are shown as typed. ``utc``
    forces the reading of a time without an offset. Unreadable text is shown as it is.
    """
    return localtime.datetime_text(iso, utc=bool(utc))


def timeline(rnd: RoundInfo, today: date | None = None,
             extra: list[tuple[str, str]] | None = None) -> list[Milestone]:
    """The round's dates in order; ``extra`` adds dated milestones of the year (the child-work reports)."""
    today = today or localtime.today()
    row: dict[str, Any] = rnd.row
    items = [
        ("Kỳ số liệu bắt đầu", row.get("window_start", "")),
        ("Kỳ số liệu kết thúc", row.get("window_end", "")),
        ("Hạn các ngành báo cáo", row.get("sector_deadline", "")),
        ("Họp hội đồng đánh giá", row.get("council_date", "")),
        ("Niêm yết công khai", row.get("posting_start", "")),
        ("Gửi hồ sơ lên cấp trên", row.get("submission_date", "")),
        *(extra or []),
    ]
    return [Milestone(lbl, d or "", bool(d) and (localtime.local_date(d) or today) <= today) for lbl, d in items]


def procedure(ws: Workspace, rnd: RoundInfo, states: dict[str, str], today: date | None = None) -> tuple[Step, ...]:
    """The six steps with what the data says about each: a step is done when its work is.

    Dates only say whether a step not done is late; a passed date never ticks a step.
    """
    today = today or date.today()
    row: dict[str, Any] = rnd.row
    crit = rnd.ruleset.criteria
    asg = assignments(ws, rnd)
    unassigned = [c.id for c in crit if c.id not in asg]
    setup_done = not unassigned and bool(rnd.commune.get("chair_name"))
    setup_detail = (f"chưa giao tiêu chí {', '.join(unassigned)}" if unassigned else
                    "chưa ghi người ký" if not rnd.commune.get("chair_name") else "đã giao đủ 13 tiêu chí")
    finished = sum(1 for c in crit if states.get(c.id) in ("done", "approved"))
    data_done = finished == len(crit)
    council_done = rnd.closed
    printed = {r["kind"] for r in ws.store.query(
        "SELECT DISTINCT kind FROM document WHERE round_id = ? AND draft = 0", (rnd.id,))}
    posting_done = "notice" in printed
    packaged = ws.store.one("SELECT count(*) AS n FROM package WHERE round_id = ? AND direction = 'out'"
                            " AND kind = 'dossier'", (rnd.id,))
    dossier_done = bool(packaged and packaged["n"])
    decided = ws.store.query(
        "SELECT d.decision FROM sync_decision d JOIN package p ON p.uuid = d.package_uuid"
        " WHERE p.round_id = ? ORDER BY d.seq DESC LIMIT 1", (rnd.id,))
    delivered = ws.store.one("SELECT count(*) AS n FROM sync_outbox WHERE round_id = ? AND state = 'delivered'",
                             (rnd.id,))
    sent_done = bool(decided)
    raw = [
        ("setup", "Thiết lập vòng đánh giá", "", setup_done, setup_detail, "Mở Thiết lập", "setup"),
        ("data", "Các ngành nhập số liệu", row.get("sector_deadline", ""), data_done or council_done,
         f"{finished}/{len(crit)} tiêu chí hoàn thành", "Xem số liệu các ngành", "entry"),
        ("council", "Họp hội đồng đánh giá", row.get("council_date", ""), council_done,
         "hội đồng đã kết thúc họp" if council_done else "chưa họp", "Mở Hội đồng", "council"),
        ("posting", "Niêm yết công khai", row.get("posting_start", ""), posting_done,
         "đã in thông báo niêm yết" if posting_done else "chưa in thông báo niêm yết",
         "In thông báo niêm yết", "documents"),
        ("dossier", "Lập hồ sơ đề nghị công nhận", row.get("submission_date", ""), dossier_done,
         "đã xuất hồ sơ" if dossier_done else "chưa xuất hồ sơ", "Xuất hồ sơ", "documents"),
        ("send", "Gửi cấp trên, nhận quyết định", "", sent_done,
         ("cấp trên đã có quyết định" if sent_done else
          "cấp trên đã nhận, chờ quyết định" if delivered and delivered["n"] else "chưa gửi"),
         "Gửi lên cấp trên", "sync"),
    ]
    first = next((i for i, r in enumerate(raw) if not r[3]), len(raw))
    steps: list[Step] = []
    for i, (key, label, when, done, detail, action, page) in enumerate(raw):
        late = bool(when) and not done and date.fromisoformat(when[:10]) < today
        if done:
            state = "done"
        elif late:
            state = "late"
        elif i == first:
            state = "current"
        elif i == first + 1:
            state = "next"
        else:
            state = "todo"
        steps.append(Step(key, label, when or "", state, detail, action, page))
    return tuple(steps)


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
    return Dashboard(rnd, res, tiles, blockers, timeline(rnd, extra=child_report_deadlines(ws, rnd)),
                     upper_level_decisions(ws),
                     procedure(ws, rnd, states))


def upper_level_decisions(ws: Workspace, limit: int = 3) -> list[str]:
    """What the upper level decided on the packages sent (pulled by the last sync), in words."""
    import json

    rows = ws.store.query("SELECT * FROM sync_decision ORDER BY seq DESC LIMIT ?", (limit,))
    if not rows:
        return []  # no decision yet: the sync code (HTTP, keyring, crypto) need not load at sign-in
    from cff_desktop.services.sync import decision_action, decision_text

    return [decision_text({"id": r["id"], "decision": r["decision"], "comments": json.loads(r["comments"]),
                           "decided_at": r["decided_at"], "action": decision_action(r["doc"])}) for r in rows]
