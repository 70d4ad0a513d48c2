"""English through Qt's translation mechanism; Vietnamese stays the default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import sign_in
from PySide6.QtWidgets import QApplication

from cff_desktop.ui.app import build_window
from cff_desktop.ui.i18n import available_languages, install_language

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def english(qtbot):
    app = QApplication.instance()
    assert install_language(app, "en")
    yield
    install_language(app, "vi")


def test_every_ui_string_has_an_english_translation() -> None:
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "check", "en"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout


def test_linguist_file_can_be_written(tmp_path: Path) -> None:
    out = tmp_path / "cff_en.ts"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "ts", "en", str(out)], check=True)
    text = out.read_text("utf-8")
    assert "<source>Đăng nhập</source><translation>Sign in</translation>" in text


def test_english_screens(qtbot, demo_ws, english) -> None:
    assert "en" in available_languages()
    w = build_window()
    qtbot.addWidget(w)
    assert w.signin.button.text() == "Sign in"
    sign_in(qtbot, w, "Hoàng Thị Mai")
    nav = [w.shell.nav.item(i).text() for i in range(w.shell.nav.count())]
    assert nav == ["Overview", "Enter figures", "Council", "Printing and dossier", "Budget", "Report text",
                   "Send to upper level",
                   "Set-up"]
    assert "Total" in w.shell.dashboard.total.text()


def test_vietnamese_is_the_default(qtbot, demo_ws) -> None:
    w = build_window()
    qtbot.addWidget(w)
    assert w.signin.button.text() == "Đăng nhập"


def test_unknown_language_falls_back() -> None:
    assert install_language(QApplication.instance(), "xx") is False
    install_language(QApplication.instance(), "vi")


def test_a_string_without_english_falls_back_instead_of_going_blank(qtbot, english) -> None:
    """A text built at run time (a state from the services) or one of Qt's own must never show empty."""
    from PySide6.QtCore import QCoreApplication

    from cff_desktop.ui.i18n import tr

    assert tr("Đăng nhập") == "Sign in"
    assert tr("Một câu chưa có bản dịch") == "Một câu chưa có bản dịch"
    assert QCoreApplication.translate("QDialogButtonBox", "&Yes") == "&Yes"


def test_upper_inbox_headers_and_states_in_english(qtbot, english) -> None:
    from cff_desktop.services import district
    from cff_desktop.ui.i18n import tr
    from cff_desktop.ui.upper_inbox import COLUMNS

    assert [tr(c) for c in COLUMNS] == ["Code", "Unit", "Category", "Self-assessment", "Appraisal", "State",
                                        "Received", "Notes"]
    assert all(tr(v) and tr(v) != v for v in district.STATES.values())


def test_paper_names_on_the_printing_page_in_english(qtbot, demo_ws, english) -> None:
    """The list of papers follows the window's language; every kind has an English name."""
    from cff_desktop.documents import KINDS

    w = build_window()
    qtbot.addWidget(w)
    sign_in(qtbot, w, "Hoàng Thị Mai")
    page = w.shell.pages["documents"]
    names = {k: b.text() for k, b in page.kind_boxes.items()}
    assert names["minutes"] == "Minutes of the assessment council meeting"
    assert all(names[k] != KINDS[k] for k in KINDS), names
