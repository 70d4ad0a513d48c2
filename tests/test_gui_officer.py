"""A sector officer's walk through the desktop app, offscreen, against a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

import pytest
from gui_helpers import ime_type, labels_text, set_text, sign_in
from PySide6.QtCore import Qt

from cff_desktop.common.text import format_number
from cff_desktop.ui.app import build_window
from cff_desktop.ui.criterion_page import CriterionPage


def stored(cff_home, iid):
    con = sqlite3.connect(cff_home / "cff.sqlite")
    row = con.execute("SELECT value, note FROM value WHERE indicator_id = ?", (iid,)).fetchone()
    con.close()
    return (json.loads(row[0]), row[1]) if row else None


def audit_count(cff_home) -> int:
    con = sqlite3.connect(cff_home / "cff.sqlite")
    n = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    con.close()
    return n


def test_health_officer_sees_her_four_criteria_first(qtbot, win) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    entry = win.shell.entry
    items = [entry.list.item(r) for r in range(entry.list.count())]
    mine = []
    for it in items[1:]:
        if not it.data(Qt.ItemDataRole.UserRole):
            break
        mine.append(it.data(Qt.ItemDataRole.UserRole))
    assert mine == ["5", "7", "8", "9"]
    assert win.shell.nav.count() == 1  # no dashboard, council or set-up for a sector officer


def test_full_walk_enter_see_points_save_and_mark_done(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page: CriterionPage = win.shell.entry.show_criterion("7")
    ed = page.editors["7.1"]
    num, den = ed.fields
    set_text(den, "200")
    set_text(num, "195")  # 97,5 % → below the 98 % top band
    assert "97,50 %" in ed.message.text() and ed.result.text().startswith("35 / 50")
    assert "Tiêu chí 7: 35 / 50" in page.points.text()
    set_text(num, "196")  # 98 % exactly: inclusive bound
    assert ed.result.text().startswith("50 / 50") and "98,00 %" in ed.message.text()
    ime_type(ed.note, " — sổ tiêm chủng thôn Nà Cạn")
    qtbot.waitUntil(lambda: stored(cff_home, "7.1")[0] == {"numerator": 196, "denominator": 200}, timeout=5000)
    assert "sổ tiêm chủng thôn Nà Cạn" in stored(cff_home, "7.1")[1]
    assert "Đã lưu lúc" in page.status.text()
    page.done_button.click()
    assert "hoàn thành" in page.status.text()


def test_typing_a_figure_leaves_one_audit_row_not_one_per_keystroke(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("9")
    before = audit_count(cff_home)
    field = page.editors["9.1"].fields[0]
    field.setFocus()
    field.selectAll()
    field.del_()
    for ch in "1234":
        qtbot.keyClicks(field, ch)
    page.flush()
    assert audit_count(cff_home) == before + 1


@pytest.mark.parametrize("num,den,fragment", [
    ("300", "200", "lớn hơn mẫu số"),
    ("abc", "200", "số nguyên"),
    ("12,5", "200", "số nguyên"),
    ("-3", "200", "không được âm"),
    ("5", "", "Nhập cả hai số"),
])
def test_validation_messages_beside_the_field_and_nothing_saved(qtbot, win, cff_home, num, den, fragment) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("7")
    before = stored(cff_home, "7.1")
    n_audit = audit_count(cff_home)
    ed = page.editors["7.1"]
    set_text(ed.fields[1], den)
    set_text(ed.fields[0], num)  # pasted or typed text arrives the same way
    assert fragment in ed.message.text()
    assert ed.fields[0].property("invalid") is True
    page.flush()
    assert stored(cff_home, "7.1") == before and audit_count(cff_home) == n_audit


def test_zero_denominator_is_explained_per_rule_set(qtbot, win) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    ed = win.shell.entry.show_criterion("7").editors["7.1"]
    set_text(ed.fields[1], "0")
    set_text(ed.fields[0], "0")
    assert "Không có trẻ em dưới 1 tuổi" in ed.message.text() and ed.result.text().startswith("50 / 50")


def test_other_criteria_are_read_only_for_a_sector_officer(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("3")
    assert page.editors["3.1"].fields[0].isReadOnly()
    assert not page.done_button.isVisible()
    assert "chỉ xem" in page.readonly_note.text()


def test_clerk_can_edit_every_criterion(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Hoàng Thị Mai")
    win.shell.open_criterion("3")
    page = win.shell.entry.pages["3"]
    f = page.editors["3.1"].fields[0]
    assert not f.isReadOnly()
    population = page.editors["3.1"].fields[1]
    assert population.text() == format_number(stored(cff_home, "3.1")[0]["population"])  # the demo's child count, 2.205
    set_text(f, "1")
    page.flush()
    assert stored(cff_home, "3.1")[0] == {"count": 1, "population": int(population.text().replace(".", ""))}
    set_text(population, "")
    assert "tổng số trẻ em" in page.editors["3.1"].message.text()
    set_text(population, "1000")
    page.flush()
    assert stored(cff_home, "3.1")[0] == {"count": 1, "population": 1000}
    assert "1,00 trường hợp trên 1.000 trẻ em" in page.editors["3.1"].message.text()


def test_autosave_survives_closing_the_window_before_the_pause(qtbot, demo_ws, cff_home) -> None:
    w = build_window()
    qtbot.addWidget(w)
    w.show()
    sign_in(qtbot, w, "Vi Thị Hồng")
    page = w.shell.entry.show_criterion("5")
    set_text(page.editors["5.2"].fields[0], "7")
    assert page.timer.isActive()  # not yet written…
    w.close()  # …closing writes it
    assert stored(cff_home, "5.2")[0] == {"count": 7}
    w2 = build_window()
    qtbot.addWidget(w2)
    sign_in(qtbot, w2, "Vi Thị Hồng")
    assert w2.shell.entry.show_criterion("5").editors["5.2"].fields[0].text() == "7"


def test_dashboard_verdict_matches_cli_score(qtbot, win, cff) -> None:
    sign_in(qtbot, win, "Hoàng Thị Mai")
    d = win.shell.dashboard.refresh()
    r = json.loads(cff("score", "--json", check=True).stdout)
    assert int(d.result.total) == r["total"] and d.result.recognized == r["recognized"]
    text = labels_text(win.shell.dashboard)
    assert f">{r['total']}<" in text and ("ĐẠT" if r["recognized"] else "CHƯA ĐẠT") in text
    assert [t.points for t in d.tiles] == [str(c["points"]) for c in r["criteria"]]


def test_dashboard_updates_when_an_officer_saves(qtbot, win) -> None:
    sign_in(qtbot, win, "Hoàng Thị Mai")
    dash = win.shell.dashboard
    page = win.shell.entry.show_criterion("3")
    set_text(page.editors["3.1"].fields[0], "5")
    page.flush()
    assert dash.last.tiles[2].points == "0" and dash.last.tiles[2].zero
    assert "Tiêu chí 3 đang 0 điểm" in dash.blockers.text()


def test_wrong_pin_then_lockout(qtbot, win) -> None:
    for n in range(4):
        sign_in(qtbot, win, "Vi Thị Hồng", "0000")
        assert f"Còn {4 - n} lần thử" in win.signin.error.text()
    sign_in(qtbot, win, "Vi Thị Hồng", "0000")
    assert "bị khóa 5 phút" in win.signin.error.text()
    sign_in(qtbot, win, "Vi Thị Hồng", "1234")  # the right PIN does not help while locked
    assert "đang bị khóa" in win.signin.error.text() and win.shell is None


def test_switch_officer_returns_to_sign_in_and_saves(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    page = win.shell.entry.show_criterion("9")
    set_text(page.editors["9.1"].fields[0], "100")
    win.shell.switch_button.click()
    assert win.stack.currentWidget() is win.signin and win.ctx.session is None
    assert stored(cff_home, "9.1")[0]["numerator"] == 100


def test_decomposed_unicode_names_are_stored_nfc(qtbot, win, cff_home) -> None:
    sign_in(qtbot, win, "Hoàng Thị Mai")
    tab = win.shell.pages["setup"].officers
    nfd = unicodedata.normalize("NFD", "Đặng Thị Hương")
    ime_type(tab.name, nfd)
    tab.pin.setText("2468")
    tab.sector.setCurrentIndex(tab.sector.findData("mam_non"))
    tab.add()
    con = sqlite3.connect(cff_home / "cff.sqlite")
    names = [r[0] for r in con.execute("SELECT name FROM officer")]
    assert "Đặng Thị Hương" in names and nfd not in names
    win.lock()
    sign_in(qtbot, win, "Đặng Thị Hương", "2468")
    assert win.shell is not None


def test_enter_moves_to_the_next_field(qtbot, win) -> None:
    sign_in(qtbot, win, "Vi Thị Hồng")
    ed = win.shell.entry.show_criterion("7").editors["7.1"]
    win.activateWindow()
    ed.fields[0].setFocus()
    qtbot.keyClick(ed.fields[0], Qt.Key.Key_Return)
    assert ed.fields[1].hasFocus()
    qtbot.keyClick(ed.fields[1], Qt.Key.Key_Return)
    assert ed.note.hasFocus()


def test_idle_lock_returns_to_sign_in(qtbot, demo_ws, cff_home) -> None:
    from cff_desktop.services.profile import set_setting

    set_setting(demo_ws, "idle_lock_minutes", "3")
    w = build_window()
    qtbot.addWidget(w)
    sign_in(qtbot, w, "Vi Thị Hồng")
    assert w.idle.isActive() and w.idle.interval() == 3 * 60_000
    page = w.shell.entry.show_criterion("9")
    set_text(page.editors["9.1"].fields[0], "77")
    # any key anywhere starts the three minutes again
    qtbot.waitUntil(lambda: w.idle.remainingTime() < 3 * 60_000 - 600, timeout=5000)
    before = w.idle.remainingTime()
    qtbot.keyClick(page.editors["9.1"].fields[0], Qt.Key.Key_End)
    assert w.idle.remainingTime() > before + 200
    w.idle.timeout.emit()  # three idle minutes later
    assert w.stack.currentWidget() is w.signin
    assert stored(cff_home, "9.1")[0]["numerator"] == 77
    # locked: input no longer watched (nothing to restart) until the next sign-in
    assert not w._watcher.installed and not w.idle.isActive()
    qtbot.keyClick(w.signin, Qt.Key.Key_Tab)
    assert not w.idle.isActive()


def test_dashboard_shows_the_upper_levels_decision(qtbot, demo_ws) -> None:
    # A decision as the last sync stored it (the pull itself is tested in the sync tests).
    with demo_ws.store.transaction() as conn:
        conn.execute("INSERT INTO sync_decision (id, seq, package_uuid, decision, comments, decided_at, doc,"
                     " received_at) VALUES ('QD-1', 1, 'u-1', 'returned', ?, '2024-11-20T08:00:00+00:00', '{}',"
                     " '2024-11-20T09:00:00+00:00')",
                     (json.dumps([{"criterion": "7", "text": "Bổ sung sổ tiêm chủng thôn Nà Cạn"}]),))
    w = build_window()
    qtbot.addWidget(w)
    sign_in(qtbot, w, "Hoàng Thị Mai")
    text = w.shell.dashboard.blockers.text()
    assert "Cấp trên trả lại hồ sơ" in text and "tiêu chí 7: Bổ sung sổ tiêm chủng thôn Nà Cạn" in text


def test_a_wards_criterion_page_words_the_labels_as_its_papers(qtbot, cff_home) -> None:
    """For a phường the window says "trên địa bàn phường", "Công an phường", as the printed forms do."""
    from gui_helpers import sign_in
    from PySide6.QtWidgets import QLabel

    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace
    from cff_desktop.ui.app import build_window

    with open_workspace(create=True) as ws:
        create_demo(ws, commune="Phường Tân Lập")
    w = build_window()
    qtbot.addWidget(w)
    w.show()
    sign_in(qtbot, w, "Nông Văn Hải")
    page = w.shell.entry.show_criterion("3")
    texts = " ".join(lbl.text() for lbl in page.findChildren(QLabel))
    assert "trên địa bàn phường" in texts and "Công an phường" in page.sub.text()
    assert "trên địa bàn xã" not in texts and "Công an xã" not in page.sub.text()
    w.close()
