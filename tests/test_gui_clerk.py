"""The clerk's screens: set-up, council, and the faults around the data folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from gui_helpers import ime_type, labels_text, set_text

from cff_desktop.ui.app import acquire_instance_lock, build_window, main


def db_rows(home: Path, sql: str) -> list:
    con = sqlite3.connect(home / "cff.sqlite")
    rows = con.execute(sql).fetchall()
    con.close()
    return rows


def test_commune_profile_saves_on_leaving_the_field(qtbot, clerk, cff_home) -> None:
    tab = clerk.shell.pages["setup"].commune
    set_text(tab.edits["chair_name"], "Hoàng Văn Bình")
    tab.edits["chair_name"].editingFinished.emit()
    assert db_rows(cff_home, "SELECT chair_name FROM commune") == [("Hoàng Văn Bình",)]
    tab.edits["name"].setText("")
    tab.edits["name"].editingFinished.emit()
    assert "không được để trống" in tab.status.text()
    assert db_rows(cff_home, "SELECT name FROM commune") == [("Xã Hoàng Đồng",)]
    assert tab.edits["name"].text() == "Xã Hoàng Đồng"


def test_category_change_moves_the_threshold(qtbot, clerk) -> None:
    tab = clerk.shell.pages["setup"].commune
    tab.category.setCurrentIndex(tab.category.findData("urban_ward"))
    tab.category.activated.emit(tab.category.currentIndex())
    assert clerk.shell.dashboard.last.result.threshold == 900


def test_assignments_tab_reassigns(qtbot, clerk, cff_home) -> None:
    tab = clerk.shell.pages["setup"].assign
    combo = tab.table.cellWidget(9, 2)  # criterion 10
    combo.setCurrentIndex(combo.findText("Vi Thị Hồng"))
    combo.activated.emit(combo.currentIndex())
    rows = db_rows(cff_home, "SELECT o.name FROM assignment a JOIN officer o ON o.id = a.officer_id "
                             "WHERE a.criterion_id = '10'")
    assert rows == [("Vi Thị Hồng",)]


def test_pin_reset_unlocks(qtbot, clerk) -> None:
    tab = clerk.shell.pages["setup"].officers
    tab.table.selectRow(3)
    tab.new_pin.setText("12")
    tab.reset_pin()
    assert "4 đến 8 chữ số" in tab.status.text()
    tab.new_pin.setText("987654")
    tab.reset_pin()
    assert "Đã đặt lại PIN" in tab.status.text()


def test_importing_a_broken_rule_set_says_why(qtbot, clerk, tmp_path: Path) -> None:
    bad = tmp_path / "bo-tieu-chi.json"
    bad.write_text("{ không phải json", "utf-8")
    tab = clerk.shell.pages["setup"].round
    tab.import_ruleset(str(bad))
    assert "Không nhập được" in tab.status.text() and "JSON" in tab.status.text()


def test_council_override_needs_a_reason_then_close_locks_everything(qtbot, clerk, cff_home, cff) -> None:
    page = clerk.shell.pages["council"]
    page.ov_crit.setCurrentIndex(page.ov_crit.findData("12"))
    page.ov_points.setText("60")
    page.override()
    assert "lý do" in page.status.text()
    ime_type(page.ov_reason, "Điểm vui chơi thôn Nà Cạn xuống cấp")
    page.override()
    assert db_rows(cff_home, "SELECT points, reason FROM override") == [("60", "Điểm vui chơi thôn Nà Cạn xuống cấp")]
    page.v_for.setValue(11)  # ten members present
    page.vote()
    assert "vượt số thành viên" in page.status.text()
    page.v_for.setValue(9)
    page.vote()
    ime_type(page.conclusion, "Đề nghị công nhận")
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "Đã kết thúc họp" in page.status.text()
    snap = json.loads(db_rows(cff_home, "SELECT body FROM snapshot")[0][0])
    assert snap["score"]["criteria"][11]["points"] == 60
    assert snap["council"]["votes_for"] == 9
    r = json.loads(cff("score", "--json", check=True).stdout)
    assert snap["score"]["total"] == r["total"]
    assert not page.place.isEnabled() and page.reopen_button.isVisibleTo(page)
    entry_page = clerk.shell.entry.show_criterion("7")
    assert entry_page.editors["7.1"].fields[0].isReadOnly()
    assert "đã khóa" in entry_page.readonly_note.text()
    assert "hội đồng đã duyệt" in labels_text(clerk.shell.dashboard)


def test_reopen_needs_a_reason(qtbot, clerk, cff_home) -> None:
    page = clerk.shell.pages["council"]
    page.v_for.setValue(10)
    page.vote()
    ime_type(page.conclusion, "Đề nghị công nhận")
    page.confirm.setChecked(True)
    page.close_button.click()
    page.reopen()
    assert "lý do" in page.status.text()
    ime_type(page.reopen_reason, "Sửa số liệu tiêm chủng")
    page.reopen()
    assert db_rows(cff_home, "SELECT status FROM round") == [("open",)]
    actions = [r[0] for r in db_rows(cff_home, "SELECT action FROM audit")]
    assert actions[-2:] == ["council.close", "round.reopen"]


def test_second_copy_is_told_the_database_is_in_use(tmp_path: Path) -> None:
    db = tmp_path / "cff.sqlite"
    first = acquire_instance_lock(db)
    assert first is not None
    assert acquire_instance_lock(db) is None
    first.unlock()
    again = acquire_instance_lock(db)
    assert again is not None
    again.unlock()


def test_sqlite_lock_held_by_another_program_is_explained(qtbot, clerk, cff_home) -> None:
    other = sqlite3.connect(cff_home / "cff.sqlite", timeout=0)
    other.execute("BEGIN IMMEDIATE")
    clerk.ctx.ws.store.conn.execute("PRAGMA busy_timeout = 200")
    page = clerk.shell.entry.show_criterion("3")
    set_text(page.editors["3.1"].fields[0], "2")
    page.flush()
    assert "chương trình khác" in page.editors["3.1"].message.text()
    other.rollback()
    other.close()
    assert db_rows(cff_home, "PRAGMA integrity_check") == [("ok",)]
    assert json.loads(db_rows(cff_home, "SELECT value FROM value WHERE indicator_id = '3.1'")[0][0])["count"] == 0


def test_data_folder_on_a_removed_drive(qtbot, tmp_path: Path, monkeypatch) -> None:
    gone = tmp_path / "E-drive-removed" / "cff"
    monkeypatch.setenv("CFF_HOME", str(gone))
    w = build_window()
    qtbot.addWidget(w)
    text = labels_text(w.centralWidget())
    assert "Chưa mở được dữ liệu" in text and "cff init" in text
    assert not gone.exists()


def test_screenshot_renders_every_main_screen(qtbot, demo_ws, tmp_path: Path, capsys) -> None:
    out = tmp_path / "shots"
    assert main(["--screenshot", str(out)]) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    for part in ("dang-nhap", "tong-quan", "hoi-dong", "thiet-lap-can-bo", "y_te-tieu-chi-7",
                 "cong_an-tieu-chi-3", "tu_phap-tieu-chi-2", "mam_non-tieu-chi-10", "doan_tn-tieu-chi-11"):
        assert any(part in n for n in names), part
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in out.glob("*.png"))


def test_cff_desktop_starts_as_its_own_process(cff, cff_home: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    cff("demo", "create", "--seed", "3", check=True)
    out = tmp_path / "shots"
    env = dict(os.environ, CFF_HOME=str(cff_home), QT_QPA_PLATFORM="offscreen")
    p = subprocess.run([sys.executable, "-m", "cff_desktop.ui.app", "--screenshot", str(out)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert len(list(out.glob("*.png"))) >= 10


def test_clerk_reopens_a_finished_criterion(qtbot, clerk, cff_home) -> None:
    page = clerk.shell.entry.show_criterion("7")
    assert page.reopen_button.isVisibleTo(page)  # the demo's criteria are all marked done
    page.reopen_button.click()
    assert "đang nhập" in page.status.text() and not page.reopen_button.isVisibleTo(page)
    assert db_rows(cff_home, "SELECT done FROM criterion_status WHERE criterion_id = '7'") == [(0,)]


def test_provisional_banner_leads_to_the_rule_set_import(qtbot, clerk, tmp_path: Path) -> None:
    page = clerk.shell.entry.show_criterion("3")
    assert page.import_button.isVisibleTo(page)
    bad = tmp_path / "x.json"
    bad.write_text("[]", "utf-8")
    clerk.shell.import_ruleset(str(bad))
    setup = clerk.shell.pages["setup"]
    assert clerk.shell.stack.currentWidget() is setup and setup.currentWidget() is setup.round
    assert "Không nhập được" in setup.round.status.text()


def test_officer_sector_and_role_can_be_changed(qtbot, clerk, cff_home) -> None:
    tab = clerk.shell.pages["setup"].officers
    role = tab.table.cellWidget(1, 3)  # Lương Văn Tiến
    role.setCurrentIndex(role.findData("clerk"))
    role.activated.emit(role.currentIndex())
    assert db_rows(cff_home, "SELECT role FROM officer WHERE name = 'Lương Văn Tiến'") == [("clerk",)]
    assert "Đã lưu" in tab.status.text()


def test_daily_backup_once_a_day(qtbot, demo_ws, cff_home, monkeypatch) -> None:
    from cff_desktop.ui import main_window

    monkeypatch.setattr(main_window, "BACKUP_DELAY_MS", 0)  # the delay is for the first paint, not tested here
    w = build_window()
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.backup_result is not None, timeout=20000)
    first = sorted((cff_home / "backups").glob("cff-*hang-ngay.sqlite"))
    assert len(first) == 1
    w2 = build_window()
    qtbot.addWidget(w2)
    qtbot.waitUntil(lambda: w2.backup_result is not None, timeout=20000)
    assert w2.backup_result == "skipped"
    assert sorted((cff_home / "backups").glob("cff-*.sqlite")) == first


def test_about_shows_version_and_rule_sets(qtbot, clerk, cff_home) -> None:
    from cff_desktop import __version__

    clerk.shell.about_button.click()
    text = clerk.shell.about.text.text()
    assert f"cff_desktop {__version__}" in text
    assert "qd06-2019" in text and "qd34-2014" in text and "2019.2" in text
    assert str(cff_home) in text
