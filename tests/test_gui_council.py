"""The council screen records what the council decided, and the minutes print exactly that.

Each test drives the real council page (offscreen, Vietnamese typed through input-method
events), then reads the SQLite file, the dashboard and the printed minutes back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, ok, run_cff
from docs_helpers import flat_text
from gui_helpers import close_council, ime_type
from PySide6.QtCore import QDateTime


@pytest.fixture
def page(clerk):
    p = clerk.shell.show_page("council")
    return p


def q(home: Path, sql: str) -> list:
    con = sqlite3.connect(home / "cff.sqlite")
    rows = con.execute(sql).fetchall()
    con.close()
    return rows


def minutes_text(home: Path, out: Path) -> str:
    ok(run_cff(home, "print", "minutes", "--out", str(out)))
    return flat_text(next(out.glob("*.pdf")))


def override(page, cid: str | None, points: str, reason: str) -> None:
    if cid is not None:
        page.ov_crit.setCurrentIndex(page.ov_crit.findData(cid))
    page.ov_points.setText(points)
    ime_type(page.ov_reason, reason)
    page.ov_button.click()


def close(page, conclusion: str = "Đề nghị cấp trên công nhận", votes: int = 10) -> None:
    close_council(page, conclusion, votes)


def test_the_chosen_criterion_stays_selected(qtbot, page, cff_home) -> None:
    override(page, "12", "60", "Điểm vui chơi xuống cấp")
    assert page.ov_crit.currentData() == "12"
    assert page.criteria.currentRow() == 11 or page.criteria.selectionModel().isRowSelected(11)
    override(page, None, "55", "Sau khi xem lại biên bản kiểm tra")  # no re-choosing
    assert q(cff_home, "SELECT criterion_id, points FROM override") == [("12", "55")]
    # Clicking a row of the table chooses it for the next override.
    page.criteria.setCurrentCell(4, 1)
    assert page.ov_crit.currentData() == "5"


def test_an_override_can_be_removed_with_a_reason(qtbot, clerk, page, cff_home, tmp_path) -> None:
    override(page, "12", "60", "Điểm vui chơi xuống cấp")
    computed = page.criteria.item(11, 2).text()
    page.ov_remove.click()
    assert "lý do" in page.status.text()
    assert q(cff_home, "SELECT count(*) FROM override") == [(1,)]
    ime_type(page.ov_reason, "Hội đồng xem lại, giữ điểm tính")
    page.ov_remove.click()
    assert "Đã bỏ điểm hội đồng của tiêu chí 12" in page.status.text()
    assert q(cff_home, "SELECT count(*) FROM override") == [(0,)]
    old, new = q(cff_home, "SELECT old, new FROM audit WHERE action = 'override.remove'")[0]
    assert json.loads(old)["points"] == "60" and "giữ điểm tính" in json.loads(new)["reason"]
    assert page.criteria.item(11, 3).text() == "" and page.criteria.item(11, 2).text() == computed
    tile = next(t for t in clerk.shell.dashboard.last.tiles if t.id == "12")
    assert not tile.overridden
    close(page)
    text = minutes_text(cff_home, tmp_path / "out")
    # The minutes print what the council adopted: the withdrawn override is absent.
    assert "điều chỉnh điểm tiêu chí 12" not in text and "xuống cấp" not in text
    # Removing again: nothing to remove, said plainly (the round is closed now, so reopen first).
    ime_type(page.reopen_reason, "Sửa biên bản")
    page.reopen()
    ime_type(page.ov_reason, "Lần nữa")
    page.ov_remove.click()
    assert "không có điểm hội đồng nào để bỏ" in page.status.text()


def test_typed_text_survives_every_other_action(qtbot, page, cff_home, tmp_path) -> None:
    ime_type(page.discussion, "Đồng chí Hải đề nghị bổ sung số liệu thôn Nà Cạn.")
    ime_type(page.conclusion, "Thống nhất đề nghị công nhận xã đạt chuẩn.")
    override(page, "12", "60", "Điểm vui chơi xuống cấp")
    ime_type(page.m_name, "Lý Văn Tâm")
    page.m_add.click()
    page.v_for.setValue(10)
    page.v_button.click()
    assert page.discussion.toPlainText() == "Đồng chí Hải đề nghị bổ sung số liệu thôn Nà Cạn."
    assert page.conclusion.toPlainText() == "Thống nhất đề nghị công nhận xã đạt chuẩn."
    assert q(cff_home, "SELECT discussion, conclusion FROM council") == [
        ("Đồng chí Hải đề nghị bổ sung số liệu thôn Nà Cạn.", "Thống nhất đề nghị công nhận xã đạt chuẩn.")]
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "Đã kết thúc họp" in page.status.text()
    text = minutes_text(cff_home, tmp_path / "out")
    assert "bổ sung số liệu thôn Nà Cạn" in text and "Thống nhất đề nghị công nhận xã đạt chuẩn" in text
    assert "Đồng ý: 10/" in text and "chưa ghi kết quả biểu quyết" not in text


def test_close_needs_a_vote_and_a_conclusion(qtbot, page, cff_home) -> None:
    before = db_dump(cff_home / "cff.sqlite")
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "chưa ghi kết quả biểu quyết" in page.status.text().lower()
    page.v_for.setValue(10)
    page.v_button.click()
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "Chưa có kết luận" in page.status.text()
    after = db_dump(cff_home / "cff.sqlite")
    assert after["snapshot"] == before["snapshot"] == [] and after["round"] == before["round"]


def test_end_time_fields_default_and_validate(qtbot, page, cff_home, tmp_path) -> None:
    start = QDateTime.fromString("2024-11-05T08:00", "yyyy-MM-ddTHH:mm")
    assert page.start.dateTime() == start
    assert page.end.dateTime() == start.addSecs(2 * 3600)  # default: two hours after the start
    page.end.setDateTime(start.addSecs(-3600))
    close(page)
    assert "không sau giờ bắt đầu" in page.status.text()
    assert q(cff_home, "SELECT status FROM round") == [("open",)]
    page.end.setDateTime(QDateTime.currentDateTime().addDays(1))
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "chưa tới" in page.status.text()
    assert q(cff_home, "SELECT status FROM round") == [("open",)]
    page.end.setDateTime(start.addSecs(2 * 3600 + 15 * 60))
    page.confirm.setChecked(True)
    page.close_button.click()
    assert "Đã kết thúc họp" in page.status.text()
    assert q(cff_home, "SELECT ended_at FROM council") == [("2024-11-05T10:15",)]
    text = minutes_text(cff_home, tmp_path / "out")
    assert "kết thúc vào lúc 10 giờ 15 phút, ngày 05 tháng 11 năm 2024" in text
    assert page.banner.text().startswith("Hội đồng đã kết thúc họp lúc 05/11/2024 10:15")


def test_moving_the_start_moves_an_unset_end(qtbot, page, cff_home) -> None:
    page.start.setDateTime(QDateTime.fromString("2024-11-06T14:00", "yyyy-MM-ddTHH:mm"))
    page.start.editingFinished.emit()
    assert page.end.dateTime().toString("yyyy-MM-ddTHH:mm") == "2024-11-06T16:00"
    assert q(cff_home, "SELECT started_at FROM council") == [("2024-11-06T14:00",)]


# --- the same from the command line ----------------------------------------------------------

def test_cli_override_remove(home, demo_db) -> None:
    ok(run_cff(home, "council", "override", "12", "--points", "60", "--reason", "Xuống cấp"))
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "council", "override", "12", "--remove", "--reason", " "), "lý do")
    assert_refused(run_cff(home, "council", "override", "12", "--remove", "--points", "5", "--reason", "x"),
                   "--points")
    assert_refused(run_cff(home, "council", "override", "3", "--remove", "--reason", "x"),
                   "tiêu chí 3 không có điểm hội đồng")
    assert_refused(run_cff(home, "council", "override", "12", "--reason", "x"), "thiếu --points")
    assert db_dump(demo_db) == before
    out = ok(run_cff(home, "council", "override", "12", "--remove", "--reason", "Giữ điểm tính"))
    assert "Đã bỏ điểm hội đồng của tiêu chí 12" in out
    assert q(home, "SELECT count(*) FROM override") == [(0,)]
    score = json.loads(ok(run_cff(home, "score", "--json")))
    assert next(c for c in score["criteria"] if c["id"] == "12").get("override") is None


@pytest.mark.parametrize("args,needle", [
    ([], "chưa ghi kết quả biểu quyết"),
    (["--vote"], "chưa có kết luận"),
    (["--vote", "--conclusion", "Đạt", "--ended-at", "chiều nay"], "không đúng dạng YYYY-MM-DDTHH:MM"),
    (["--vote", "--conclusion", "Đạt", "--ended-at", "2024-11-05T07:30"], "không sau giờ bắt đầu"),
    (["--vote", "--conclusion", "Đạt", "--ended-at", "2099-01-01T08:00"], "chưa tới"),
])
def test_cli_close_refusals_lock_nothing(home, demo_db, args, needle) -> None:
    if "--vote" in args:
        ok(run_cff(home, "council", "vote", "--for", "10"))
        args = [a for a in args if a != "--vote"]
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "council", "close", *args), needle)
    assert db_dump(demo_db) == before


def test_cli_meeting_end_is_checked_like_the_start(home, demo_db) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "council", "meeting", "--end", "chiều nay"), "--ended-at")
    assert_refused(run_cff(home, "council", "meeting", "--start", "sáng mai"), "--start")
    assert db_dump(demo_db) == before
    ok(run_cff(home, "council", "meeting", "--end", "2024-11-05T11:00", "--conclusion", "Đạt chuẩn"))
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close"))  # the recorded end and conclusion are used
    assert q(home, "SELECT ended_at, conclusion FROM council") == [("2024-11-05T11:00", "Đạt chuẩn")]


def test_a_round_closed_with_an_unreadable_end_still_prints(home, demo_db, tmp_path) -> None:
    """Rounds closed before the check may hold "chiều nay": the minutes print a blank to fill in."""
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
    con = sqlite3.connect(demo_db)
    body = json.loads(con.execute("SELECT body FROM snapshot").fetchone()[0])
    body["closed_at"] = body["council"]["ended_at"] = "chiều nay"
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with con:
        con.execute("UPDATE snapshot SET body = ?, sha256 = ?",
                    (text, hashlib.sha256(text.encode()).hexdigest()))
        con.execute("UPDATE council SET ended_at = 'chiều nay'")
    con.close()
    out = tmp_path / "out"
    text = minutes_text(home, out)
    assert "Cuộc họp kết thúc vào lúc ..... giờ ..... phút" in text
    assert "vào lúc 08 giờ 00 phút, ngày 05 tháng 11 năm 2024" in text


def test_a_meeting_with_no_recorded_start_closes_with_the_start_on_screen(qtbot, demo_ws, clerk, cff_home,
                                                                         tmp_path) -> None:
    with demo_ws.store.transaction() as conn:
        conn.execute("UPDATE council SET started_at = ''")
    page = clerk.shell.show_page("council")
    page.reload()
    start = QDateTime.fromString("2024-11-05T14:00", "yyyy-MM-ddTHH:mm")
    page.start.setDateTime(start)  # shown, not yet saved (no editingFinished)
    page.end.setDateTime(start.addSecs(90 * 60))
    close(page)
    assert "Đã kết thúc họp" in page.status.text(), page.status.text()
    assert q(cff_home, "SELECT started_at, ended_at FROM council") == [("2024-11-05T14:00", "2024-11-05T15:30")]
    text = minutes_text(cff_home, tmp_path / "out")
    assert "vào lúc 14 giờ 00 phút, ngày 05 tháng 11 năm 2024" in text
