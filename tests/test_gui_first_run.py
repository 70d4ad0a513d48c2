"""A new installation starts on a choice: a commune's computer or the upper level's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gui_helpers import ime_type, sign_in

from cff_desktop.ui.app import build_window
from cff_desktop.ui.first_run import FirstRunWindow
from cff_desktop.ui.main_window import MainWindow


@pytest.fixture
def first(qtbot, cff_home: Path):
    w = build_window()
    qtbot.addWidget(w)
    assert isinstance(w, FirstRunWindow)
    return w


def test_commune_set_up_then_the_clerk_signs_in(qtbot, first, cff_home: Path) -> None:
    ime_type(first.commune, "Xã Tả Van")
    ime_type(first.province, "Lào Cai")
    first.category.setCurrentIndex(first.category.findData("mountain_island_disadvantaged"))
    first.year.setValue(2024)
    ime_type(first.clerk, "Giàng Thị Mỷ")
    first.pin.setText("2468")
    first.start_button.click()
    win = first.next_window
    qtbot.addWidget(win)
    assert isinstance(win, MainWindow)
    sign_in(qtbot, win, "Giàng Thị Mỷ", "2468")
    assert win.shell is not None and win.shell.dashboard.last.round.year == 2024
    con = sqlite3.connect(cff_home / "cff.sqlite")
    rows = con.execute("SELECT name, category FROM commune").fetchall()
    assert rows == [("Xã Tả Van", "mountain_island_disadvantaged")]
    assert con.execute("SELECT count(*) FROM assignment").fetchone() == (4,)  # 1, 6, 12, 13 to the clerk
    con.close()


@pytest.mark.parametrize("clerk,pin,fragment", [("", "2468", "họ tên"), ("Giàng Thị Mỷ", "12", "4 đến 8")])
def test_a_refused_form_writes_nothing(qtbot, first, cff_home: Path, clerk, pin, fragment) -> None:
    ime_type(first.commune, "Xã Tả Van")
    ime_type(first.province, "Lào Cai")
    if clerk:
        ime_type(first.clerk, clerk)
    first.pin.setText(pin)
    first.start_button.click()
    assert fragment in first.status.text() and first.next_window is None
    assert not (cff_home / "cff.sqlite").exists()


def test_upper_level_set_up(qtbot, first, cff_home: Path) -> None:
    first.tabs.setCurrentIndex(1)
    ime_type(first.area, "Tỉnh Lạng Sơn")
    ime_type(first.signer, "Hoàng Văn Bình")
    first.upper_button.click()
    win = first.next_window
    qtbot.addWidget(win)
    from cff_desktop.ui.upper import UpperShell

    assert isinstance(win.shell, UpperShell)
    assert win.ctx.default_actor == "Hoàng Văn Bình (Tỉnh Lạng Sơn)"
    con = sqlite3.connect(cff_home / "cff.sqlite")
    assert con.execute("SELECT name, level FROM area").fetchall() == [("Tỉnh Lạng Sơn", "province")]
    con.close()


def test_demo_from_the_first_screen(qtbot, first) -> None:
    first.demo_button.click()
    assert isinstance(first.next_window, MainWindow)
    qtbot.addWidget(first.next_window)
    assert first.next_window.signin.officers.count() == 6
