"""The child-work reports (seed 004): statistics equal the round's figures, typed figures where the
assessment has none, the tasks as sections, deadlines on the dashboard, Word export; refusals write nothing."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, ok
from cli_inproc import cff_inproc
from docs_helpers import close_demo, flat_text, needs_poppler

from cff_desktop.common.text import format_number
from cff_desktop.documents.child_work import STATS, TASKS
from cff_desktop.services import child_report
from cff_desktop.services.dashboard import build_dashboard
from cff_desktop.services.printing import render_printed
from cff_desktop.services.report_texts import set_texts
from cff_desktop.services.rounds import get_round
from cff_desktop.services.values import current_values, set_value
from cff_desktop.services.workspace import open_workspace


def _round_figures(ws) -> dict[str, int]:
    """The round's figures as the values service holds them, by statistic."""
    vals = {k: v.to_json() for k, v in current_values(ws, get_round(ws)).items()}
    return {r.key: vals[r.indicator][r.part] for r in STATS if r.indicator}


def test_statistics_equal_the_rounds_figures(demo_ws) -> None:
    set_value(demo_ws, "3.1", {"count": 1, "population": 2310}, as_officer="Nông Văn Hải")
    rnd = get_round(demo_ws)
    for period in ("half", "year"):
        got = {r["key"]: r["value"] for r in child_report.statistics(demo_ws, rnd, period)}
        figures = _round_figures(demo_ws)
        assert {k: got[k] for k in figures} == figures
        assert figures["children"] == 2310 and figures["abused"] == 1
        assert got["working"] is None and got["at_risk"] is None  # not in the rule set: typed


@needs_poppler
@pytest.mark.parametrize("closed", [False, True])
def test_printed_report_carries_the_figures_tasks_and_deadline(demo_ws, tmp_path: Path, closed: bool) -> None:
    child_report.set_figures(demo_ws, "year", {"working": "3", "at_risk": "12"})
    set_texts(demo_ws, {"child_task_6": "Treo 16 pa nô về Tổng đài 111 tại các thôn."})
    figures = _round_figures(demo_ws)
    if closed:
        close_demo(demo_ws)
    p = render_printed(demo_ws, "child_work_year", tmp_path, doc_date=date(2024, 11, 18))
    text = flat_text(p.path)
    assert "BÁO CÁO" in text and "Kết quả thực hiện công tác trẻ em năm 2024" in text
    assert "Hoàng Đồng, ngày 18 tháng 11 năm 2024" in text and "(hạn gửi 20/11/2024)" in text
    for r in STATS:
        if r.indicator:
            assert f"{r.label} {format_number(figures[r.key])} chỉ số {r.indicator}" in text, r.label
    assert "lao động trái quy định của pháp luật 3 nhập riêng" in text
    assert "hoàn cảnh đặc biệt 12 nhập riêng" in text
    for n, title in enumerate(TASKS, 1):
        assert f"{n}. {title}" in text
    assert "6. Truyền thông, giáo dục kiến thức, kỹ năng; Tổng đài 111: Treo 16 pa nô" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(p.path), str(tmp_path / "tre-em")],
                   check=True)
    docx = render_printed(demo_ws, "child_work_year", tmp_path, fmt="docx", doc_date=date(2024, 11, 18))
    from docx import Document

    body = "\n".join(par.text for par in Document(io.BytesIO(docx.path.read_bytes())).paragraphs)
    assert "KẾT QUẢ THỰC HIỆN CÔNG TÁC TRẺ EM NĂM 2024" in body.upper()


def test_deadlines_on_the_dashboard_and_settable(demo_ws) -> None:
    items = {m.label: m.date for m in build_dashboard(demo_ws).timeline}
    assert items["Báo cáo công tác trẻ em 6 tháng đầu năm"] == "2024-05-25"
    assert items["Báo cáo công tác trẻ em năm"] == "2024-11-20"
    child_report.set_deadline(demo_ws, "year", "18/11")
    assert {m.label: m.date for m in build_dashboard(demo_ws).timeline}["Báo cáo công tác trẻ em năm"] == "2024-11-18"


def test_cli_figures_and_refusals(home: Path, demo_db: Path) -> None:
    out = ok(cff_inproc(home, "child-report", "figures", "--period", "half", "working=2", db=demo_db))
    assert "working" in out and "2" in out
    before = db_dump(demo_db)
    for args, needles in ((("figures", "--period", "half", "children=5"), ("children", "lấy từ số liệu vòng đánh giá")),
                          (("figures", "--period", "half", "at_risk=-1"), ("at_risk", "số nguyên từ 0")),
                          (("figures", "--period", "half", "kids=1"), ("kids", "không có số liệu")),
                          (("figures", "--period", "quy", "working=1"), ("--period", "không hợp lệ")),
                          (("deadline", "--period", "year", "31/13"), ("không hợp lệ",))):
        assert_refused(cff_inproc(home, "child-report", *args, db=demo_db), *needles)
    assert db_dump(demo_db) == before
    with open_workspace(demo_db) as ws:
        assert {r["key"]: r["value"] for r in child_report.statistics(ws, get_round(ws), "half")}["working"] == 2
