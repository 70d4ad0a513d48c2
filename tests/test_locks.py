"""After the council closes, what feeds the result or the printed papers is locked.

The window shows those fields read only with a note pointing to "Mở lại"; the CLI refuses them
with one line saying how to reopen; the database is byte-for-byte what it was.
"""

from __future__ import annotations

import sqlite3

import pytest
from cli_helpers import assert_refused, db_dump, ok, run_cff
from gui_helpers import close_council, ime_type


@pytest.fixture
def closed_clerk(clerk):
    page = clerk.shell.show_page("council")
    close_council(page)
    assert "Đã kết thúc họp" in page.status.text()
    return clerk


def test_window_is_read_only_after_close(qtbot, closed_clerk, cff_home) -> None:
    w = closed_clerk
    tab = w.shell.pages["setup"].commune
    assert not tab.category.isEnabled() and not tab.unit.isEnabled()
    assert tab.edits["name"].isReadOnly() and tab.edits["code"].isReadOnly()
    assert not tab.edits["chair_name"].isReadOnly()  # who signs stays editable (papers read it live)
    assert "Mở lại" in tab.lock_note.text() and tab.lock_note.isVisibleTo(tab)
    threshold = w.shell.dashboard.last.result.threshold
    before = db_dump(cff_home / "cff.sqlite")
    tab.save({"category": "urban_ward"})  # what choosing in the box would do, were it enabled
    assert "đã khóa" in tab.status.text() and "Mở lại" in tab.status.text()
    assert tab.category.currentData() == before["commune"][0][6]
    assert db_dump(cff_home / "cff.sqlite") == before
    assert w.shell.dashboard.last.result.threshold == threshold
    council = w.shell.pages["council"]
    for widget in (council.place, council.start, council.end, council.m_add, council.ov_button,
                   council.ov_remove, council.v_button):
        assert not widget.isEnabled()
    assert council.conclusion.isReadOnly() and council.discussion.isReadOnly()
    assert council.reopen_button.isVisibleTo(council)
    page = w.shell.entry.show_criterion("7")
    assert all(f.isReadOnly() for f in page.editors["7.1"].fields)
    assert not page.done_button.isVisibleTo(page)
    # Reopening with a reason unlocks the profile again.
    ime_type(council.reopen_reason, "Sửa nhóm đánh giá theo quyết định mới")
    council.reopen()
    assert tab.category.isEnabled() and not tab.edits["name"].isReadOnly()
    tab.category.setCurrentIndex(tab.category.findData("urban_ward"))
    tab.category.activated.emit(tab.category.currentIndex())
    con = sqlite3.connect(cff_home / "cff.sqlite")
    assert con.execute("SELECT category FROM commune").fetchone() == ("urban_ward",)
    con.close()
    assert w.shell.dashboard.last.result.threshold == 900


@pytest.fixture
def closed_db(home, demo_db):
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
    return demo_db


@pytest.mark.parametrize("args", [
    ["commune", "set", "category=urban_ward"],
    ["commune", "set", "unit_type=phuong"],
    ["commune", "set", "name=Xã Khác"],
    ["profile", "set", "category=urban_ward"],
    ["profile", "set", "unit_type=phuong", "chair_name=Hoàng Văn Bình"],
    ["values", "set", "7.1", "90/100", "--as", "Vi Thị Hồng"],
    ["values", "clear", "7.1", "--as", "Vi Thị Hồng"],
    ["council", "override", "12", "--points", "60", "--reason", "Xuống cấp"],
    ["council", "override", "12", "--remove", "--reason", "Rút"],
    ["council", "member", "--name", "Lý Văn Tâm"],
    ["council", "presence", "1", "no"],
    ["council", "vote", "--for", "9"],
    ["council", "meeting", "--place", "Nhà văn hóa"],
    ["assign", "7", "Hoàng Thị Mai"],
])
def test_cli_refuses_locked_changes_pointing_to_reopen(home, closed_db, args) -> None:
    before = db_dump(closed_db)
    line = assert_refused(run_cff(home, *args))
    assert "mở lại" in line.lower() and "reopen" in line
    assert db_dump(closed_db) == before


def test_cli_commune_set_while_open_and_signer_after_close(home, demo_db) -> None:
    ok(run_cff(home, "commune", "set", "category=urban_ward"))
    assert "900" in ok(run_cff(home, "score"))
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "commune", "set", "category"), "KHÓA=GIÁ_TRỊ")
    assert_refused(run_cff(home, "commune", "set", "loai=xa"), "không có trường 'loai'")
    assert db_dump(demo_db) == before
    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
    ok(run_cff(home, "commune", "set", "chair_name=Hoàng Văn Bình"))


def test_commune_set_is_profile_set_under_another_name(home, demo_db) -> None:
    """Same parser of pairs, same service, same lock, same output and audit: they cannot drift apart."""
    for bad in (["category"], ["loai=xa"], ["category=urban_ward", "category=rural"], ["code=abc"]):
        before = db_dump(demo_db)
        a = run_cff(home, "commune", "set", *bad)
        b = run_cff(home, "profile", "set", *bad)
        assert a.returncode == b.returncode == 2 and a.stderr == b.stderr and len(a.stderr.splitlines()) == 1
        assert db_dump(demo_db) == before
    def actions() -> list[str]:
        con = sqlite3.connect(demo_db)
        try:
            return [r[0] for r in con.execute("SELECT action FROM audit WHERE action IN "
                                              "('commune.update', 'round.update') ORDER BY seq")]
        finally:
            con.close()

    n = len(actions())
    out_a = ok(run_cff(home, "commune", "set", "chair_name=Lò Văn Minh", "window_start=2024-01-01"))
    assert actions()[n:] == ["commune.update", "round.update"]
    out_b = ok(run_cff(home, "profile", "set", "chair_name=Lý Văn Tâm", "window_start=2024-01-02"))
    assert actions()[n + 2:] == ["commune.update", "round.update"]
    assert out_a.replace("Lò Văn Minh", "X").replace("01-01", "D") == \
        out_b.replace("Lý Văn Tâm", "X").replace("01-02", "D")
    assert "chair_name = Lò Văn Minh" in out_a and "Đã lưu 2 trường." in out_a
