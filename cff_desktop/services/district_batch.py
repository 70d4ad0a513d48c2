"""Working on 150 dossiers at once: the same single-unit steps, applied to a selection or a whole round.

Each unit goes through exactly the call a reviewer would make for it alone (so every check, the
workflow table and the audit apply unchanged); one refused unit never stops the others, and the
outcome lists, unit by unit, what was done and what was left and why. The round-wide commands
only ever pick units whose state and appraised result qualify: ``council_all_appraised`` takes
dossiers a reviewer has appraised, ``decide_all_passing`` recognises only dossiers before the
council whose appraised result passes — a failing or unappraised dossier is never touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cff_desktop.common.errors import CffError
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace


@dataclass
class BatchOutcome:
    """What a batch did: units done, units left alone with the reason."""

    action: str
    done: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _current(ws: Workspace, year: int, states: tuple[str, ...]) -> list[dict[str, Any]]:
    q = ",".join("?" * len(states))
    return ws.store.query(
        "SELECT p.sha256, p.uuid, p.unit_code, p.state, p.year, p.snapshot, u.name FROM received_package p"
        " JOIN area_unit u ON u.code = p.unit_code WHERE p.year = ? AND p.superseded_by IS NULL"
        f" AND p.state IN ({q}) ORDER BY p.unit_code", (year, *states))


def _one(out: BatchOutcome, row: dict[str, Any], fn) -> None:
    try:
        fn()
    except CffError as e:
        out.skipped.append({"code": row["unit_code"], "name": row["name"], "reason": e.message})
        return
    out.done.append({"code": row["unit_code"], "name": row["name"]})


def council_all_appraised(ws: Workspace, year: int, *, actor: str = ADMIN) -> BatchOutcome:
    """Pass to the review council every dossier of ``year`` that a reviewer has appraised."""
    from cff_desktop.services.district import pass_to_council

    out = BatchOutcome("council")
    for row in _current(ws, year, ("under_appraisal",)):
        _one(out, row, lambda r=row: pass_to_council(ws, r["sha256"], actor=actor))
    for row in _current(ws, year, ("received", "verified")):
        out.skipped.append({"code": row["unit_code"], "name": row["name"], "reason": "chưa thẩm định"})
    return out


def decide_all_passing(ws: Workspace, year: int, *, actor: str = ADMIN) -> BatchOutcome:
    """Recognise every dossier before the council whose appraised result passes; list the others."""
    from cff_desktop.services.district import decide
    from cff_desktop.services.district_appraised import appraised_many

    out = BatchOutcome("recognise")
    rows = _current(ws, year, ("council",))
    results = appraised_many(ws, rows)
    for row in rows:
        a = results[row["sha256"]]
        if not a["passing"]:
            out.skipped.append({"code": row["unit_code"], "name": row["name"],
                                "reason": "kết quả thẩm định không đạt: " + "; ".join(a["reasons"])})
            continue
        _one(out, row, lambda r=row: decide(ws, r["sha256"], True, actor=actor))
    return out


def apply_to(ws: Workspace, refs: list[str], action: str, *, reason: str = "", actor: str = ADMIN) -> BatchOutcome:
    """One action on a selection of packages (the inbox's batch buttons): council | recognise |
    not_recognise (needs ``reason``) | agree (agree with every indicator not yet appraised)."""
    from cff_desktop.services import district
    from cff_desktop.services.district_decisions import agree_all

    out = BatchOutcome(action)
    for ref in refs:
        row = district.find_package(ws, ref)
        row = row | {"name": district._unit(ws, row["unit_code"])["name"]}
        if action == "council":
            _one(out, row, lambda r=row: district.pass_to_council(ws, r["sha256"], actor=actor))
        elif action == "recognise":
            _one(out, row, lambda r=row: district.decide(ws, r["sha256"], True, actor=actor))
        elif action == "not_recognise":
            _one(out, row, lambda r=row: district.decide(ws, r["sha256"], False, reason=reason, actor=actor))
        elif action == "agree":
            _one(out, row, lambda r=row: agree_all(ws, r["sha256"], actor=actor))
        else:
            raise ValueError(action)
    return out


__all__ = ["BatchOutcome", "apply_to", "council_all_appraised", "decide_all_passing"]
