"""The report's narrative sections: typed in the window or the CLI, kept per round, carried into the next
round as a starting point, printed in the report; refusals write nothing."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import assert_refused, db_dump, ok
from cli_inproc import cff_inproc
from docs_helpers import close_demo, flat_text, needs_poppler
from gui_helpers import ime_type
from PySide6.QtCore import Qt

from cff_desktop.services import report_texts
from cff_desktop.services.printing import render_printed
from cff_desktop.services.rounds import get_round, init_round
from cff_desktop.services.workspace import open_workspace


def test_texts_kept_per_round_and_carried_into_the_next(home: Path, demo_db: Path) -> None:
    with open_workspace(demo_db) as ws:
        report_texts.set_texts(ws, {"report_situation": "Năm 2024: địa bàn rộng.", "report_next": "Duy trì."})
        c = get_round(ws, 2024).commune
        init_round(ws, commune=c["name"], province=c["province"], category=c["category"], year=2025)
        new = report_texts.round_texts(ws, get_round(ws, 2025))
        assert new["report_situation"] == {"value": "Năm 2024: địa bàn rộng.", "from": 2024}  # a starting point
        report_texts.set_texts(ws, {"report_situation": "Năm 2025: thêm 2 thôn."})
        now = report_texts.round_texts(ws, get_round(ws, 2025))
        assert now["report_situation"]["value"] == "Năm 2025: thêm 2 thôn."
        assert report_texts.round_texts(ws, get_round(ws, 2024))["report_situation"]["value"] == \
            "Năm 2024: địa bàn rộng.", "last year's text is its own"
        assert report_texts.round_texts(ws, get_round(ws, 2025))["report_next"] == {"value": "Duy trì.", "from": 2024}


def test_cli_set_show_and_refusals(home: Path, demo_db: Path) -> None:
    ok(cff_inproc(home, "report-text", "set", "report_training=Tập huấn 2 lớp cho 60 lượt cán bộ.", db=demo_db))
    view = json.loads(ok(cff_inproc(home, "report-text", "show", "--json", db=demo_db)))
    assert view["report_training"] == {"value": "Tập huấn 2 lớp cho 60 lượt cán bộ.", "from": 2024}
    before = db_dump(demo_db)
    assert_refused(cff_inproc(home, "report-text", "set", "report_training=ok", "report_x=y", db=demo_db),
                   "report_x", "không có mục báo cáo")
    assert_refused(cff_inproc(home, "report-text", "set", "report_next=" + "x" * 4001, db=demo_db),
                   "report_next", "dài 4.001 ký tự; tối đa 4.000")
    assert db_dump(demo_db) == before


@needs_poppler
def test_typed_in_the_window_printed_in_the_report(qtbot, clerk, demo_ws, tmp_path: Path) -> None:
    page = clerk.shell.show_page("report_texts")
    ime_type(page.fields["report_communication"], "Phát 24 tin bài trên loa truyền thanh về phòng, chống đuối nước.")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Đã lưu nội dung báo cáo của vòng đánh giá."
    assert report_texts.round_texts(demo_ws, get_round(demo_ws))["report_communication"]["value"].startswith(
        "Phát 24 tin bài")
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "report-texts.png"))
    close_demo(demo_ws)
    text = flat_text(render_printed(demo_ws, "report", tmp_path).path)
    assert "3. Công tác tuyên truyền: Phát 24 tin bài trên loa truyền thanh về phòng, chống đuối nước." in text


def test_window_refuses_a_long_section_and_writes_nothing(qtbot, clerk, demo_ws) -> None:
    page = clerk.shell.show_page("report_texts")
    before = db_dump(demo_ws.paths.db)
    page.fields["report_next"].setPlainText("Dài. " * 900)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "tối đa 4.000" in page.status.text() and page.status.objectName() == "error"
    assert db_dump(demo_ws.paths.db) == before
