"""Thiết lập → Bộ tiêu chí: compare, preview, import a province's workbook, switch with a reason."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from gui_helpers import set_text
from openpyxl import load_workbook
from PySide6.QtWidgets import QLabel


def db_hash(home: Path) -> str:
    con = sqlite3.connect(home / "cff.sqlite")
    rows = [(t, con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall())
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_compare_and_per_indicator_status(qtbot, clerk, tmp_path: Path) -> None:
    setup = clerk.shell.show_page("setup")
    page = setup.rulesets
    setup.setCurrentWidget(page)
    assert "qd06-2019 2019.2" in page.current.text() and "đang mở" in page.current.text()
    page.a.setCurrentIndex(page.a.findData("qd06-2019@2019.1"))
    page.compare()
    changes = rows(page.changes)
    assert len(changes) == 13 and ["chỉ số 3.1", "loại", "số ca", "tỷ suất"] in changes
    assert "13 thay đổi" in page.summary.text()
    bases = {r[0]: r for r in rows(page.bases)}
    assert bases["1.1"][1] == "Đã đối chiếu" and "vitreem.baodansinh.vn" in bases["1.1"][3]
    assert bases["1.4"][1] == "Suy ra" and "100 − 50 − 15 − 15 = 20" in bases["1.4"][2]
    assert bases["7.1"][1] == "Tạm" and "mức cao nhất đã đối chiếu" in bases["7.1"][2]
    assert bases["3.1"][1] == "Tạm" and "1.000 trẻ em" in bases["3.1"][2]
    clerk.resize(1366, 768)
    qtbot.wait(50)
    assert clerk.grab().save(str(tmp_path / "rulesets.png"))
    # the criterion page says the same, per indicator
    crit = clerk.shell.show_page("entry").show_criterion("1")
    titles = {i: ed.findChildren(QLabel)[0].text() for i, ed in crit.editors.items()}
    assert "Suy ra:" in titles["1.4"] and "100 − 50 − 15 − 15 = 20" in titles["1.4"]
    assert "Suy ra" not in titles["1.1"] and "Tạm" not in titles["1.1"]
    assert clerk.grab().save(str(tmp_path / "criterion1.png"))


def test_import_workbook_preview_and_switch(qtbot, clerk, cff_home: Path, tmp_path: Path) -> None:
    page = clerk.shell.pages["setup"].rulesets
    # the province's table: 7.1's top band at 99 % instead of 98 %
    tpl = tmp_path / "mau.xlsx"
    page.write_template(str(tpl))
    assert "Đã ghi bảng mẫu qd06-2019 2019.2" in page.status.text()
    wb = load_workbook(tpl)
    ws = wb["Chỉ số và mức điểm"]
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "7.1")
    ws.cell(r, 10).value = 99
    info = wb["Thông tin chung"]
    info.cell(3, 2).value = "2019.4"
    wb.save(tpl)
    page.import_file(str(tpl))
    assert "Đã nhập qd06-2019 phiên bản 2019.4" in page.status.text()
    assert page.b.currentData() == "qd06-2019@2019.4"

    before = db_hash(cff_home)
    page.preview()
    assert "Xem trước, không thay đổi vòng đánh giá" in page.summary.text()
    assert db_hash(cff_home) == before

    page.switch()  # no reason: refused in Vietnamese, nothing written
    assert "phải ghi rõ lý do" in page.status.text()
    assert db_hash(cff_home) == before

    set_text(page.reason, "Công văn 88/SYT-BMTE ngày 20/11/2026")
    page.switch()
    assert "Đã chuyển vòng đánh giá năm 2024 từ qd06-2019 2019.2 sang qd06-2019 2019.4" in page.status.text()
    assert "2019.4" in page.current.text()
    con = sqlite3.connect(cff_home / "cff.sqlite")
    new = json.loads(con.execute("SELECT new FROM audit WHERE action = 'round.ruleset_switch'").fetchone()[0])
    con.close()
    assert (new["version"], new["reason"]) == ("2019.4", "Công văn 88/SYT-BMTE ngày 20/11/2026")
    # the criterion pages follow the round: 7.1 is now scored on the 99 % band
    crit = clerk.shell.entry.show_criterion("7")
    assert crit.crit.indicators[0].bands[0].bound == 99


def test_a_broken_workbook_is_refused_in_the_window(qtbot, clerk, cff_home: Path, tmp_path: Path) -> None:
    page = clerk.shell.pages["setup"].rulesets
    tpl = tmp_path / "mau.xlsx"
    page.write_template(str(tpl))
    wb = load_workbook(tpl)
    ws = wb["Tiêu chí"]
    ws.cell(3, 4).value = "bảy mươi lăm"
    wb.save(tpl)
    folder = cff_home / "rulesets"
    before = sorted(folder.iterdir()) if folder.exists() else []
    page.import_file(str(tpl))
    text = page.status.text()
    assert "Không nhập được" in text and "trang 'Tiêu chí', dòng 3, cột D (Điểm tối đa)" in text
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before
    page.write_template(str(tpl))  # never overwrites
    assert "không ghi đè" in page.status.text()
