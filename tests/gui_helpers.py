"""Helpers for GUI tests: type like a Vietnamese IME does, sign in, find widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget


def ime_type(widget: QLineEdit, text: str) -> None:
    """Commit text the way an input method does (keyClicks aborts on non-ASCII in Qt 6)."""
    widget.setFocus()
    ev = QInputMethodEvent()
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


def set_text(widget: QLineEdit, text: str) -> None:
    """Replace a field's text as a user would: select all, then type (textEdited fires)."""
    widget.setFocus()
    widget.selectAll()
    widget.del_()
    ime_type(widget, text)


def labels_text(root: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(lbl.text() for lbl in root.findChildren(QLabel) if lbl.isVisibleTo(root))


def sign_in(qtbot, win, name: str, pin: str = "1234") -> None:
    from PySide6.QtCore import Qt

    page = win.signin
    for row in range(page.officers.count()):
        if page.officers.item(row).text().startswith(name):
            page.officers.setCurrentRow(row)
            break
    else:
        raise AssertionError(f"{name} not in the sign-in list")
    page.pin.clear()
    qtbot.keyClicks(page.pin, pin)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)


def answer_next_dialog(button_text: str, *, picture: Path | None = None) -> list[str]:
    """Click ``button_text`` in the next modal dialog (a QMessageBox opened with exec()).

    Returns a list that receives the dialog's text, so a test can check what the officer was asked.
    ``picture``: save what the dialog looked like there before answering (for a human to review).
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox, QPushButton

    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.text())
        if picture is not None:
            box.grab().save(str(picture))
        for b in box.findChildren(QPushButton):
            if b.text() == button_text:
                b.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.findChildren(QPushButton)]}")

    QTimer.singleShot(0, poll)
    return seen


def close_council(page, conclusion: str = "Đề nghị công nhận", votes: int = 10) -> None:
    """On the council page, as the clerk does: record the vote, write the conclusion, confirm, close.

    An empty ``conclusion`` leaves the box as it is (to see the refusal for a missing one).
    """
    page.v_for.setValue(votes)
    page.v_button.click()
    if conclusion:
        ime_type(page.conclusion, conclusion)
    page.confirm.setChecked(True)
    page.close_button.click()


def open_upper_window(qtbot, db):
    """The upper level's window on database ``db``, shown at a common laptop size (1366×768)."""
    from cff_desktop.ui.app import build_window

    win = build_window(str(db))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win
