"""The budget page: typed in the window → database → totals; refusals name the field and write nothing."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import db_dump
from gui_helpers import ime_type, set_text
from openpyxl import Workbook
from PySide6.QtCore import Qt

from cff_desktop.services import budget


def _page(clerk):
    return clerk.shell.show_page("budget")


def test_typed_line_reaches_the_store_and_the_totals(qtbot, clerk, demo_ws, tmp_path: Path) -> None:
    page = _page(clerk)
    ime_type(page.activity, "Tổ chức truyền thông, tuyên truyền")
    page.source.setCurrentIndex(page.source.findData("commune"))
    set_text(page.planned, "3.690.000.000")
    set_text(page.spent, "3.700.000.000")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "Đã thêm dòng «Tổ chức truyền thông, tuyên truyền»" in page.status.text()
    assert "vượt dự toán" in page.status.text()
    [line] = budget.lines(demo_ws)
    assert (line.activity, line.source, line.planned, line.spent) == (
        "Tổ chức truyền thông, tuyên truyền", "commune", 3_690_000_000, 3_700_000_000)
    assert page.table.item(0, 2).text() == "3.690.000.000"
    assert "Tổng dự toán 3.690.000.000 đồng; đã chi 3.700.000.000 đồng." in page.totals.text()
    assert "Ngân sách xã: dự toán 3.690.000.000 đồng" in page.totals.text()
    assert "vượt dự toán 3.690.000.000 đồng" in page.warnings.text()
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "budget.png"))
    page.table.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert budget.lines(demo_ws) == []


def test_bad_amount_names_the_field_and_writes_nothing(qtbot, clerk, demo_ws) -> None:
    page = _page(clerk)
    db = demo_ws.paths.db
    before = db_dump(db)
    for field, text, name, needle in ((page.planned, "-5", "Dự toán", "không được âm"),
                                      (page.planned, "1,5", "Dự toán", "phần lẻ"),
                                      (page.planned, "20000000000000", "Dự toán", "vượt quá 10.000.000.000.000 đồng")):
        set_text(page.activity, "Tập huấn")
        set_text(field, text)
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        assert page.status.text().startswith(f"{name}: ")
        assert needle in page.status.text() and page.status.objectName() == "error"
        assert page.activity.text() == "Tập huấn"  # what was typed stays to be corrected
    set_text(page.planned, "5")
    set_text(page.spent, "năm triệu")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.status.text().startswith("Đã chi: số tiền 'năm triệu' không phải một số")
    assert db_dump(db) == before


def test_import_with_a_bad_row_is_refused_naming_it(qtbot, clerk, demo_ws, tmp_path: Path) -> None:
    page = _page(clerk)
    wb = Workbook()
    wb.active.append(budget.HEADER)
    wb.active.append([1, "Tập huấn", "Ngân sách tỉnh", 10_000_000, 0, ""])
    wb.active.append([2, "Quà", "Ngân sách xã", -1, 0, ""])
    wb.save(tmp_path / "kp.xlsx")
    before = db_dump(demo_ws.paths.db)
    page.import_sheet(str(tmp_path / "kp.xlsx"))
    assert page.status.text().startswith("Dòng 3: số tiền không được âm")
    assert db_dump(demo_ws.paths.db) == before
    wb.active.delete_rows(3)
    wb.save(tmp_path / "kp.xlsx")
    page.import_sheet(str(tmp_path / "kp.xlsx"))
    assert "Đã nhập 1 dòng kinh phí" in page.status.text()
    assert page.table.rowCount() == 1
    page.export_sheet(str(tmp_path / "ra.xlsx"))
    assert (tmp_path / "ra.xlsx").is_file()
