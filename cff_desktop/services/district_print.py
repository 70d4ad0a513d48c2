"""Printing the upper level's papers: gathers the data, the documents layer lays it out.

The review council's minutes list every dossier the council considered with the appraisal's
findings; the decision's annex and the report come from the same figures as ``cff district
report`` so the printed counts equal the screen's and the Excel file's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cff_desktop.common.errors import BadInput
from cff_desktop.common.files import write_atomic
from cff_desktop.documents.district_papers import KINDS, DistrictContext
from cff_desktop.documents.district_papers import render as render_paper
from cff_desktop.services.district import appraisal, area_ruleset, get_area, get_decision
from cff_desktop.services.district_report import report
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.paths import ensure_dir

FILE_NAMES = {"council-minutes": "Bien-ban-Hoi-dong-xet-duyet", "decision": "Quyet-dinh-cong-nhan",
              "report": "Bao-cao-ket-qua-cong-nhan"}


def context(ws: Workspace, year: int, today: date | None = None) -> DistrictContext:
    area = get_area(ws)
    rep = report(ws, year)
    dossiers = []
    for r in ws.store.query(
            "SELECT p.sha256, p.state, p.total, p.threshold, u.name FROM received_package p JOIN area_unit u"
            " ON u.code = p.unit_code WHERE p.year = ? AND p.superseded_by IS NULL"
            " AND p.state IN ('council', 'recognised', 'not_recognised') ORDER BY u.code", (year,)):
        findings = [f"Chỉ số {iid}: {a['comment']}" for iid, a in appraisal(ws, r["sha256"]).items()
                    if a["verdict"] == "disagree"]
        dossiers.append(dict(r) | {"findings": findings})
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
