"""Printing the upper level's papers: gathers the data, the documents layer lays it out.

The review council's minutes list every dossier the council considered with the appraisal's
findings; the decision's annex and the report come from the same figures as ``cff district
report`` so the printed counts equal the screen's and the Excel file's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.files import write_atomic
from cff_desktop.documents.district_papers import KINDS, DistrictContext
from cff_desktop.documents.district_papers import render as render_paper
from cff_desktop.services.district import appraisal, area_ruleset, get_area, get_decision
from cff_desktop.services.district_appraised import _show
from cff_desktop.services.district_report import report
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.paths import ensure_dir

FILE_NAMES = {"council-minutes": "Bien-ban-Hoi-dong-xet-duyet", "decision": "Quyet-dinh-cong-nhan",
              "report": "Bao-cao-ket-qua-cong-nhan", "correction": "Quyet-dinh-dieu-chinh"}


def _finding(iid: str, a: dict[str, Any], before: dict[str, str]) -> str:
    """One disagreement as the minutes print it: the indicator, the figure as sent and as corrected, why."""
    if a["corrected"] is not None:
        return (f"Chỉ số {iid}: xã báo cáo {before.get(iid, '—')}, thẩm định {_show(a['corrected'])}"
                f" — {a['comment']}")
    return f"Chỉ số {iid}: {a['comment']}"


def context(ws: Workspace, year: int, today: date | None = None) -> DistrictContext:
    """The papers' data, all from the same report the screen and Excel show (appraised beside self-assessed)."""
    area = get_area(ws)
    rep = report(ws, year, today)
    by_code = {c["code"]: c for c in rep["communes"]}
    dossiers = []
    for r in ws.store.query(
            "SELECT p.sha256, p.unit_code, p.state, p.total, p.threshold, u.name FROM received_package p"
            " JOIN area_unit u ON u.code = p.unit_code WHERE p.year = ? AND p.superseded_by IS NULL"
            " AND p.state IN ('council', 'recognised', 'not_recognised') ORDER BY u.code", (year,)):
        c = by_code.get(r["unit_code"])
        if c is None:  # a unit no longer alive that year is not the council's business
            continue
        before = {f["indicator"]: f["before"] for f in c["corrected"]}
        findings = [_finding(iid, a, before) for iid, a in appraisal(ws, r["sha256"]).items()
                    if a["verdict"] == "disagree"]
        dossiers.append(dict(r) | {"findings": findings, "agreed": c["agreed"], "reason": c["reason"],
                                   "appraised_total": c["appraised_total"],
                                   "appraised_threshold": c["appraised_threshold"],
                                   "appraised_passing": c["appraised_passing"]})
    return DistrictContext(area=area["name"], level=area["level"], province=area["province"], year=year,
                           legal_basis=area_ruleset(ws).legal_basis, report=rep,
                           decision=get_decision(ws, year) or {}, dossiers=dossiers,
                           signer_name=area["signer_name"], signer_title=area["signer_title"], today=today)


def render(ws: Workspace, kind: str, out_dir: str | Path, year: int) -> Path:
    """Write one paper as PDF into ``out_dir``; returns its path."""
    if kind not in KINDS:
        raise BadInput(f"loại giấy tờ '{kind}' không có. Chọn: {' | '.join(KINDS)}", kind)
    ctx = context(ws, year)
    data = render_paper(kind, ctx)
    target = ensure_dir(Path(out_dir)) / f"{FILE_NAMES[kind]}-{year}.pdf"
    return write_atomic(target, data)


__all__ = ["KINDS", "context", "render"]
