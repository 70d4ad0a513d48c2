"""Printing the upper level's papers: gathers the data, the documents layer lays it out.

The review council's minutes list every dossier the council considered with the appraisal's
findings; the decision's annex and the report come from the same figures as ``cff district
report`` so the printed counts equal the screen's and the Excel file's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput
from cff_desktop.common.files import write_atomic
from cff_desktop.documents.content import unit_word
from cff_desktop.documents.district_papers import KINDS, DistrictContext
from cff_desktop.documents.district_papers import render as render_paper
from cff_desktop.services.district import appraisal, area_ruleset, get_area, get_decision
from cff_desktop.services.district_appraised import _show
from cff_desktop.services.district_report import report
from cff_desktop.services.profile import get_setting, recipient_lines
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.paths import ensure_dir

FILE_NAMES = {"council-minutes": "Bien-ban-Hoi-dong-xet-duyet", "decision": "Quyet-dinh-cong-nhan",
              "report": "Bao-cao-ket-qua-cong-nhan", "correction": "Quyet-dinh-dieu-chinh"}


def _finding(iid: str, a: dict[str, Any], before: dict[str, str], word: str = "xã") -> str:
    """One disagreement as the minutes print it: the indicator, the figure as sent and as corrected, why.

    ``word`` is the unit's own word ("phường báo cáo …" for a ward), as its dossier declares it."""
    if a["corrected"] is not None:
        return (f"Chỉ số {iid}: {word} báo cáo {before.get(iid, '—')}, thẩm định {_show(a['corrected'])}"
                f" — {a['comment']}")
    return f"Chỉ số {iid}: {a['comment']}"


def context(ws: Workspace, year: int, today: date | None = None) -> DistrictContext:
    """The papers' data, all from the same report the screen and Excel show (appraised beside self-assessed)."""
    area = get_area(ws)
    rep = report(ws, year, today)
    by_code = {c["code"]: c for c in rep["communes"]}
    dossiers = []
    for r in ws.store.query(
            "SELECT p.sha256, p.unit_code, p.state, p.total, p.threshold, p.snapshot, u.name, u.code"
            " FROM received_package p"
            " JOIN area_unit u ON u.code = p.unit_code WHERE p.year = ? AND p.superseded_by IS NULL"
            " AND p.state IN ('council', 'recognised', 'not_recognised') ORDER BY u.code", (year,)):
        c = by_code.get(r["unit_code"])
        if c is None:  # a unit no longer alive that year is not the council's business
            continue
        before = {f["indicator"]: f["before"] for f in c["corrected"]}
        word = unit_word(json.loads(r["snapshot"]).get("commune", {}).get("unit_type"), r["name"])
        findings = [_finding(iid, a, before, word) for iid, a in appraisal(ws, r["sha256"]).items()
                    if a["verdict"] == "disagree"]
        row = {k: r[k] for k in r if k != "snapshot"}
        dossiers.append(row | {"findings": findings, "agreed": c["agreed"], "reason": c["reason"],
                                   "appraised_total": c["appraised_total"],
                                   "appraised_threshold": c["appraised_threshold"],
                                   "appraised_passing": c["appraised_passing"]})
    returned = []
    for r in ws.store.query(
            "SELECT p.sha256, u.name, u.code FROM received_package p JOIN area_unit u ON u.code = p.unit_code"
            " WHERE p.year = ? AND p.superseded_by IS NULL AND p.state = 'returned' ORDER BY u.code", (year,)):
        act = ws.store.one("SELECT comments FROM package_action WHERE package_sha256 = ? AND action = 'returned'"
                           " ORDER BY id DESC LIMIT 1", (r["sha256"],))
        comments = [str(c.get("text") or "") for c in json.loads(act["comments"])] if act else []
        returned.append({"name": r["name"], "code": r["code"], "comments": [c for c in comments if c]})
    return DistrictContext(area=area["name"], level=area["level"], province=area["province"], year=year,
                           per_criterion=per_criterion(ws, year),
                           legal_basis=area_ruleset(ws).legal_basis, report=rep,
                           decision=get_decision(ws, year) or {}, dossiers=dossiers,
                           signer_name=area["signer_name"], signer_title=area["signer_title"],
                           today=today or localtime.today(), returned=returned,
                           legal_lines=recipient_lines(get_setting(ws, "upper.legal_lines")),
                           proposer=get_setting(ws, "upper.proposer"))


def per_criterion(ws: Workspace, year: int) -> list[dict[str, Any]]:
    """Per criterion over the current dossiers of the year: how many units scored the maximum, part
    of it, zero (named: a zero blocks recognition) or did not assess it, from each dossier's
    verified snapshot."""
    out: dict[str, dict[str, Any]] = {}
    for r in ws.store.query(
            "SELECT p.snapshot, u.name FROM received_package p JOIN area_unit u ON u.code = p.unit_code"
            " WHERE p.year = ? AND p.superseded_by IS NULL ORDER BY u.code", (year,)):
        for c in (json.loads(r["snapshot"]).get("score") or {}).get("criteria") or []:
            row = out.setdefault(str(c["id"]), {"id": str(c["id"]), "name": c.get("name", ""), "max": c.get("max"),
                                                "full": 0, "partial": 0, "zero": [], "not_assessed": []})
            points, top = float(c.get("points") or 0), float(c.get("max") or 0)
            if not c.get("assessed"):
                row["not_assessed"].append(r["name"])
            elif points <= 0:
                row["zero"].append(r["name"])
            elif points >= top:
                row["full"] += 1
            else:
                row["partial"] += 1
    return sorted(out.values(), key=lambda c: int(c["id"]) if c["id"].isdigit() else 999)


def render(ws: Workspace, kind: str, out_dir: str | Path, year: int) -> Path:
    """Write one paper as PDF into ``out_dir``; returns its path."""
    if kind not in KINDS:
        raise BadInput(f"loại giấy tờ '{kind}' không có. Chọn: {' | '.join(KINDS)}", kind)
    ctx = context(ws, year)
    data = render_paper(kind, ctx)
    target = ensure_dir(Path(out_dir)) / f"{FILE_NAMES[kind]}-{year}.pdf"
    return write_atomic(target, data)


__all__ = ["KINDS", "context", "render"]
