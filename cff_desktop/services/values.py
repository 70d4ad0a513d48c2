"""Entering figures: validate, check the officer's rights, write value and audit row together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cff_desktop.common import jsontext
from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.common.text import nfc
from cff_desktop.rules.engine import IndicatorResult, score_indicator
from cff_desktop.rules.model import Indicator
from cff_desktop.rules.values import Value, parse_value
from cff_desktop.services.officers import can_edit, get_officer, label
from cff_desktop.services.rounds import RoundInfo, get_round, require_open
from cff_desktop.services.value_write import clear_value as write_clear
from cff_desktop.services.value_write import write_value
from cff_desktop.services.workspace import Workspace


def _indicator(rnd: RoundInfo, indicator_id: str) -> tuple[str, Indicator]:
    """The round's indicator by id (any Unicode form), or a refusal naming the rule set."""
    iid = nfc(str(indicator_id))
    ind = rnd.ruleset.indicators.get(iid)
    if ind is None:
        raise BadInput(
            f"không có chỉ số '{iid}' trong bộ tiêu chí {rnd.ruleset.id} {rnd.ruleset.version}",
            "INDICATOR",
        )
    return iid, ind


def _check_one(
    ws: Workspace, rnd: RoundInfo, officer: dict[str, Any], indicator_id: str, raw: Any
) -> tuple[str, Value]:
    iid, ind = _indicator(rnd, indicator_id)
    value = parse_value(ind, raw)
    if not can_edit(ws, rnd, officer, ind.criterion_id):
        raise Refused(
            f"{officer['name']} không được giao tiêu chí {ind.criterion_id}; chỉ xem được. "
            "Nhờ văn thư giao tiêu chí nếu cần.",
            f"chỉ số {iid}",
        )
    return iid, value


def _write(ws: Workspace, rnd: RoundInfo, officer: dict[str, Any], iid: str, value: Value,
           note: str) -> None:
    write_value(ws, round_id=rnd.id, indicator_id=iid, criterion_id=iid.split(".")[0], value=value.to_json(),
                note=note, officer=officer)


def set_value(
    ws: Workspace, indicator_id: str, raw: Any, *, as_officer: str, note: str = "",
    year: int | None = None,
) -> IndicatorResult:
    """Record one figure; returns the indicator's new score so a view can update at once."""
    rnd = get_round(ws, year)
    require_open(rnd)
    officer = get_officer(ws, as_officer)
    iid, value = _check_one(ws, rnd, officer, indicator_id, raw)
    with ws.store.transaction():
        _write(ws, rnd, officer, iid, value, nfc(note))
    return score_indicator(rnd.ruleset.indicators[iid], value)


def clear_value(
    ws: Workspace, indicator_id: str, *, as_officer: str, year: int | None = None
) -> bool:
    """Delete one figure (the officer emptied its fields): the indicator becomes not entered.

    What the officer sees after clearing ("Chưa nhập") must be what the dashboard, the council
    and the dossier count, so the stored row goes too, with an audit row keeping the old figure.
    The criterion leaves "hoàn thành" (it can no longer be complete). Returns False when there
    was nothing stored, so clearing twice writes no second audit row.
    """
    rnd = get_round(ws, year)
    require_open(rnd)
    officer = get_officer(ws, as_officer)
    iid, ind = _indicator(rnd, indicator_id)
    if not can_edit(ws, rnd, officer, ind.criterion_id):
        raise Refused(
            f"{officer['name']} không được giao tiêu chí {ind.criterion_id}; không xóa được số liệu. "
            "Nhờ văn thư giao tiêu chí nếu cần.",
            f"chỉ số {iid}",
        )
    with ws.store.transaction():
        return write_clear(ws, round_id=rnd.id, indicator_id=iid, criterion_id=ind.criterion_id,
                           actor=label(officer))


def read_values_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """A values file: ``{"values": {...}, "notes": {...}}`` or a bare mapping of id → value."""
    doc = jsontext.read_file(Path(path))
    if not isinstance(doc, dict):
        raise BadInput("tệp phải chứa một đối tượng JSON", str(path))
    values = doc.get("values", doc if "values" not in doc else None)
    if not isinstance(values, dict):
        raise BadInput('trường "values" phải là một đối tượng {mã chỉ số: giá trị}', str(path))
    notes = doc.get("notes", {}) if isinstance(doc.get("notes", {}), dict) else {}
    values = {k: v for k, v in values.items() if k not in ("ruleset", "category", "overrides", "notes")}
    return values, {str(k): nfc(str(v)) for k, v in notes.items()}


def import_values(ws: Workspace, path: Path, *, as_officer: str, year: int | None = None) -> int:
    """Record every figure of a file in one transaction, or none if any is wrong."""
    rnd = get_round(ws, year)
    require_open(rnd)
    officer = get_officer(ws, as_officer)
    values, notes = read_values_file(path)
    checked = [_check_one(ws, rnd, officer, iid, raw) for iid, raw in values.items() if raw is not None]
    with ws.store.transaction():
        for iid, value in checked:
            _write(ws, rnd, officer, iid, value, notes.get(iid, ""))
    return len(checked)


def current_values(ws: Workspace, rnd: RoundInfo) -> dict[str, Value]:
    rows = ws.store.query("SELECT indicator_id, value FROM value WHERE round_id = ?", (rnd.id,))
    inds = rnd.ruleset.indicators
    return {r["indicator_id"]: parse_value(inds[r["indicator_id"]], json.loads(r["value"]))
            for r in rows if r["indicator_id"] in inds}


def value_rows(ws: Workspace, rnd: RoundInfo) -> list[dict[str, Any]]:
    return ws.store.query(
        "SELECT v.indicator_id, v.value, v.note, v.entered_at, o.name AS officer"
        " FROM value v LEFT JOIN officer o ON o.id = v.officer_id WHERE v.round_id = ?"
        " ORDER BY v.indicator_id", (rnd.id,))
