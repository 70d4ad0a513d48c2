"""Figures: what the officer sees on the criterion page is what is saved, counted and printed.

Driven through the real window (offscreen), typing as an input method does, then read back from
the SQLite file, the clerk's dashboard and the printed minutes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, ok, run_cff
from docs_helpers import flat_text
from gui_helpers import set_text, sign_in

from cff_desktop.ui.criterion_page import CriterionPage


def q(home: Path, sql: str, args: tuple = ()) -> list:
    con = sqlite3.connect(home / "cff.sqlite")
    rows = con.execute(sql, args).fetchall()
    con.close()
    return rows


def stored(home: Path, iid: str):
    rows = q(home, "SELECT value FROM value WHERE indicator_id = ?", (iid,))
    return json.loads(rows[0][0]) if rows else None


def close_and_print_minutes(home: Path, tmp_path: Path) -> str:
    """The council closes through the CLI as the clerk would, then the minutes are printed."""
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Thống nhất kết quả",
               "--ended-at", "2024-11-05T10:00"))
    ok(run_cff(home, "print", "minutes", "--out", str(tmp_path / "out")))
    pdf = next((tmp_path / "out").glob("*.pdf"))
    return flat_text(pdf)


def test_clearing_both_fields_deletes_the_figure_everywhere(qtbot, win, cff_home, demo_ws, tmp_path) -> None:
    from cff_desktop.services.dashboard import build_dashboard

    assert stored(cff_home, "7.1") is not None
    sign_in(qtbot, win, "Vi Thị Hồng")
    page: CriterionPage = win.shell.entry.show_criterion("7")
    ed = page.editors["7.1"]
    for f in ed.fields:
        set_text(f, "")
    page.flush()
    assert ed.result.text().startswith("—") and "Chưa nhập" in ed.message.text()
    assert stored(cff_home, "7.1") is None
    old, new = q(cff_home, "SELECT old, new FROM audit WHERE action = 'value.clear'")[0]
    assert json.loads(old)["value"]["numerator"] > 0 and new is None
    dash = build_dashboard(demo_ws)
    tile = next(t for t in dash.tiles if t.id == "7")
    assert not tile.assessed and not dash.result.recognized
    assert "chưa nhập" in " ".join(dash.blockers).lower() or any("7" in b for b in dash.blockers)
    # The page says the same total as the dashboard.
    assert f"Tổng điểm của xã: {dash.result.total}" in page.total.text().replace(".", "")
    text = close_and_print_minutes(cff_home, tmp_path)
    assert "7.1." in text and "Chưa nhập số liệu" in text


def test_clearing_twice_or_a_never_entered_figure_writes_nothing(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    for f in page.editors["7.1"].fields:
        set_text(f, "")
    page.flush()
    n = q(cff_home, "SELECT count(*) FROM audit")[0][0]
    page.on_edited("7.1")
    page.flush()
    assert q(cff_home, "SELECT count(*) FROM audit")[0][0] == n


def test_done_is_refused_while_a_field_is_invalid(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    num, den = page.editors["7.1"].fields
    set_text(den, "100")
    set_text(num, "97")
    page.flush()  # a change of figure takes the demo's criterion 7 out of "hoàn thành"
    before = stored(cff_home, "7.1")
    assert before == {"numerator": 97, "denominator": 100}
    set_text(num, "120")
    assert "lớn hơn" in page.editors["7.1"].message.text()
    page.done_button.click()
    assert "7.1" in page.done_error.text() and "chưa lưu" in page.done_error.text()
    assert stored(cff_home, "7.1") == before
    assert q(cff_home, "SELECT count(*) FROM criterion_status WHERE criterion_id = '7' AND done = 1")[0][0] == 0
    assert "hoàn thành" not in page.status.text()
    # Corrected, the same button works and shows the done state.
    set_text(num, "99")
    page.done_button.click()
    assert page.done_error.text() == ""
    assert stored(cff_home, "7.1") == {"numerator": 99, "denominator": 100}
    assert q(cff_home, "SELECT done FROM criterion_status WHERE criterion_id = '7'") == [(1,)]
    assert page.done_button.text() == "✔ Đã hoàn thành" and not page.done_button.isEnabled()


def test_done_is_refused_while_a_ratio_is_half_typed(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    before = stored(cff_home, "7.1")
    _num, den = page.editors["7.1"].fields
    set_text(den, "")
    page.done_button.click()
    assert "7.1" in page.done_error.text()
    assert stored(cff_home, "7.1") == before


@pytest.mark.parametrize("pasted", ["98\t100", "98/100", " 98 / 100 "])
def test_pasting_a_pair_fills_both_fields(qtbot, win, cff_home, pasted) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    num, den = page.editors["7.1"].fields
    set_text(den, "")
    num.setFocus()
    num.selectAll()
    num.del_()
    num.insert(pasted)  # what a paste does: insert, then textEdited
    assert (num.text(), den.text()) == ("98", "100")
    page.flush()
    assert stored(cff_home, "7.1") == {"numerator": 98, "denominator": 100}
    assert page.editors["7.1"].result.text().startswith("50 / 50")


# --- the same from the command line ----------------------------------------------------------

def test_cli_values_clear(home, demo_db) -> None:
    out = ok(run_cff(home, "values", "clear", "7.1", "--as", "Vi Thị Hồng"))
    assert "Đã xóa số liệu chỉ số 7.1" in out
    assert stored(home, "7.1") is None
    assert q(home, "SELECT count(*) FROM audit WHERE action = 'value.clear'") == [(1,)]
    score = json.loads(ok(run_cff(home, "score", "--json")))
    c7 = next(c for c in score["criteria"] if c["id"] == "7")
    assert not c7["assessed"]
    out = ok(run_cff(home, "values", "clear", "7.1", "--as", "Vi Thị Hồng"))
    assert "không có gì để xóa" in out
    assert q(home, "SELECT count(*) FROM audit WHERE action = 'value.clear'") == [(1,)]


@pytest.mark.parametrize("args,needles", [
    (["values", "clear", "7.1", "--as", "Nông Văn Hải"], ["không được giao tiêu chí 7"]),
    (["values", "clear", "99.9", "--as", "Vi Thị Hồng"], ["không có chỉ số '99.9'"]),
    (["values", "clear", "7.1", "--as", "Người Lạ"], []),
])
def test_cli_values_clear_refusals_change_nothing(home, demo_db, args, needles) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, *args), *needles)
    assert db_dump(demo_db) == before


def test_cli_values_clear_after_close_points_to_reopen(home, demo_db) -> None:
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Thống nhất", "--ended-at", "2024-11-05T10:00"))
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "clear", "7.1", "--as", "Vi Thị Hồng"), "mở lại")
    assert db_dump(demo_db) == before


def test_a_cleared_figure_is_absent_from_the_dossier_too(qtbot, win, cff_home, demo_ws, tmp_path) -> None:
    """Screen = database = dashboard = package: the upper level rescoring gets no 7.1 either."""
    import zipfile

    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.packages import export_package

    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    for f in page.editors["7.1"].fields:
        set_text(f, "")
    page.flush()
    total = build_dashboard(demo_ws).result.total
    ok(run_cff(cff_home, "council", "vote", "--for", "10"))
    ok(run_cff(cff_home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
    usb = tmp_path / "USB"
    usb.mkdir()
    res = export_package(demo_ws, usb)
    assert not res.encrypted  # the demo has no upper-level key: the payload can be read back here
    with zipfile.ZipFile(res.path) as z:
        snap = json.loads(z.read("payload/snapshot.json"))
    assert "7.1" not in snap["values"]
    c7 = next(c for c in snap["score"]["criteria"] if c["id"] == "7")
    assert not c7["assessed"] and float(snap["score"]["total"]) == float(total)
    assert float(res.manifest["summary"]["total"]) == float(total)
