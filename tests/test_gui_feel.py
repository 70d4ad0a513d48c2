"""Small things an officer feels: where typing goes, how dates read, English words, busy screens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cff_desktop.services.dashboard import vn_datetime
from cff_desktop.ui.app import build_window
from cff_desktop.ui.i18n import install_language


@pytest.fixture
def win(qtbot, demo_ws):
    w = build_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_after_choosing_a_name_typing_goes_to_the_pin(qtbot, win) -> None:
    page = win.signin
    row = next(r for r in range(page.officers.count()) if page.officers.item(r).text().startswith("Hoàng Thị Mai"))
    rect = page.officers.visualItemRect(page.officers.item(row))
    qtbot.mouseClick(page.officers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.pin.hasFocus()
    qtbot.keyClicks(page.pin, "1234")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert win.shell is not None and win.shell.stack.currentWidget() is win.shell.dashboard


def test_digits_typed_on_the_name_list_land_in_the_pin(qtbot, win) -> None:
    page = win.signin
    page.officers.setFocus()
    qtbot.keyClicks(page.officers, "1234")
    assert page.pin.text() == "1234" and page.pin.hasFocus()
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert win.shell is not None
    assert QApplication.overrideCursor() is None  # the busy cursor is gone once the dashboard shows


def test_pages_other_than_the_dashboard_are_built_when_opened(qtbot, win) -> None:
    page = win.signin
    page.officers.setCurrentRow(0)
    qtbot.keyClicks(page.pin, "1234")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    shell = win.shell
    assert set(shell._factories) == {"council", "documents", "budget", "report_texts", "sync", "setup"}
    shell.nav.setCurrentRow(2)  # "Hội đồng", chosen in the navigation
    assert "council" not in shell._factories
    assert shell.stack.currentWidget() is shell.pages["council"]
    assert type(shell.pages["council"]).__name__ == "CouncilPage"


@pytest.mark.parametrize("stored,shown", [
    ("2024-11-05T01:30:00.000+00:00", "05/11/2024 08:30"),  # stamped by the app in UTC
    ("2024-12-31T17:05:00+00:00", "01/01/2025 00:05"),
    ("2024-11-05T08:00", "05/11/2024 08:00"),  # typed by the clerk: the commune's wall clock
    ("chiều nay", "chiều nay"),
    ("", ""),
])
def test_dates_read_dd_mm_yyyy_hh_mm_in_vietnam_time(stored, shown) -> None:
    assert vn_datetime(stored) == shown


def test_status_words_and_steps_in_english(qtbot, demo_ws) -> None:
    app = QApplication.instance()
    assert install_language(app, "en")
    try:
        w = build_window()
        qtbot.addWidget(w)
        w.show()
        page = w.signin
        page.officers.setCurrentRow(0)
        qtbot.keyClicks(page.pin, "1234")
        qtbot.keyClick(page.pin, Qt.Key.Key_Return)
        dash = w.shell.dashboard
        assert "Council meeting" in dash.timeline.text() and "overdue" in dash.timeline.text()
        assert dash.next_button.text() == "Open Council"
        assert "completed" in dash.tiles[0].state.text()
        assert "Assessment procedure" in " ".join(lbl.text() for lbl in dash.findChildren(type(dash.total)))
    finally:
        install_language(app, "vi")
