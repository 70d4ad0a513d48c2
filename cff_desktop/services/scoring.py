"""Scoring use cases: a values file (stateless) or the round in the database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from cff_desktop.common import jsontext
from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import nfc
from cff_desktop.rules.engine import Override, ScoreResult, parse_overrides, parse_values, score
from cff_desktop.rules.model import RuleSet
from cff_desktop.services.library import RuleLibrary
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round, require_open
from cff_desktop.services.values import current_values
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def score_document(library: RuleLibrary, doc: Any, where: str = "values") -> tuple[ScoreResult, RuleSet]:
    if not isinstance(doc, dict):
        raise BadInput("tệp phải chứa một đối tượng JSON", where)
    for key in ("ruleset", "category", "values"):
        if key not in doc:
            raise BadInput(f'thiếu trường "{key}"', where)
    if not isinstance(doc["values"], dict):
        raise BadInput('trường "values" phải là một đối tượng {mã chỉ số: giá trị}', where)
    overrides = doc.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise BadInput('trường "overrides" phải là một đối tượng {mã tiêu chí: ...}', where)
    rs = library.get(nfc(str(doc["ruleset"])), doc.get("ruleset_version"))
    values = parse_values(rs, doc["values"])
    return score(rs, nfc(str(doc["category"])), values, parse_overrides(rs, overrides)), rs


def score_file(library: RuleLibrary, path: Path) -> tuple[ScoreResult, RuleSet]:
    doc = jsontext.read_file(Path(path))
    return score_document(library, doc, str(path))


def stored_overrides(ws: Workspace, rnd: RoundInfo) -> dict[str, Override]:
    rows = ws.store.query("SELECT criterion_id, points, reason FROM override WHERE round_id = ?",
                          (rnd.id,))
    return {r["criterion_id"]: Override(Decimal(r["points"]), r["reason"]) for r in rows}


def score_round(ws: Workspace, year: int | None = None) -> tuple[ScoreResult, RoundInfo]:
    rnd = get_round(ws, year)
    res = score(rnd.ruleset, rnd.commune["category"], current_values(ws, rnd),
                stored_overrides(ws, rnd))
    return res, rnd


def set_override(ws: Workspace, criterion: str, points: Any, reason: str, *,
                 actor: str = ADMIN, year: int | None = None) -> None:
    """Record a council override (checked like the engine checks it) with an audit row."""
    rnd = get_round(ws, year)
    require_open(rnd)
    cid = nfc(str(criterion))
    ov = parse_overrides(rnd.ruleset, {cid: {"points": points, "reason": reason}})[cid]
    values = current_values(ws, rnd)
    score(rnd.ruleset, rnd.commune["category"], values, {cid: ov})  # refuses a not-assessed one
    with ws.store.transaction() as conn:
        old = conn.execute("SELECT points, reason FROM override WHERE round_id = ? AND criterion_id = ?",
                           (rnd.id, cid)).fetchone()
        conn.execute(
            "INSERT OR REPLACE INTO override (round_id, criterion_id, points, reason, decided_at)"
            " VALUES (?, ?, ?, ?, ?)", (rnd.id, cid, str(ov.points), ov.reason, now_iso()))
        ws.store.audit(actor, "override.set", f"round:{rnd.id}/criterion:{cid}",
                       {"points": old[0], "reason": old[1]} if old else None,
                       {"points": str(ov.points), "reason": ov.reason})
