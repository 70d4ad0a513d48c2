"""Look and feel: readable Vietnamese on a 1366×768 screen, calm colours, clear states."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from cff_desktop.common.resources import resource_dir

STATE_COLOURS = {
    "empty": "#9aa5b1",
    "in_progress": "#d9822b",
    "done": "#2d8a4e",
    "approved": "#1f5fa8",
}

STYLE = """
QWidget { font-size: 10pt; color: #1d2733; }
QMainWindow, #page { background: #f4f6f8; }
QListWidget#criteria::item, QListWidget#officers::item { padding: 6px 4px; border-bottom: 1px solid #eef1f4; }
QListWidget#criteria::item:selected, QListWidget#officers::item:selected { background: #dbe7f5; color: #1d2733; }
#nav { background: #1f3b57; border: none; color: white; font-size: 10.5pt; }
#nav::item { padding: 10px 14px; }
#nav::item:selected { background: #2f5a83; }
#topbar { background: white; border-bottom: 1px solid #d5dbe1; }
#h1 { font-size: 15pt; font-weight: 600; }
#h2 { font-size: 12pt; font-weight: 600; }
#muted { color: #5c6b7a; }
#error { color: #b42318; }
#ok { color: #2d8a4e; }
#warn { background: #fff4e5; border: 1px solid #f0b35b; border-radius: 4px; padding: 6px; color: #7a4a00; }
#card, #tile { background: white; border: 1px solid #d5dbe1; border-radius: 6px; }
#tile:hover { border-color: #2f5a83; }
#tile { border-left: 5px solid #9aa5b1; }
#tile[state="in_progress"] { border-left: 5px solid #d9822b; }
#tile[state="done"] { border-left: 5px solid #2d8a4e; }
#tile[state="approved"] { border-left: 5px solid #1f5fa8; }
#tile[state="zero"] { border-left: 5px solid #b42318; }
#total { background: white; border: 1px solid #d5dbe1; border-radius: 6px; }
QPushButton { padding: 6px 14px; border: 1px solid #9aa5b1; border-radius: 4px; background: white; }
QPushButton:hover { background: #eef2f6; }
QPushButton#primary { background: #1f5fa8; color: white; border-color: #1f5fa8; font-weight: 600; }
QPushButton#primary:disabled { background: #9aa5b1; border-color: #9aa5b1; }
QLineEdit, QSpinBox, QDateEdit, QComboBox, QPlainTextEdit {
    padding: 4px 6px; border: 1px solid #b8c2cc; border-radius: 4px; background: white; }
QLineEdit:focus, QPlainTextEdit:focus { border-color: #1f5fa8; }
QDateTimeEdit { padding: 4px 6px; border: 1px solid #b8c2cc; border-radius: 4px; background: white; }
QSpinBox, QDateEdit, QDateTimeEdit, QComboBox { padding-right: 2px; }
QSpinBox::up-button, QSpinBox::down-button, QDateTimeEdit::up-button, QDateTimeEdit::down-button {
    subcontrol-origin: padding; width: 18px; border-left: 1px solid #d5dbe1; background: #f4f6f8; }
QSpinBox::up-button, QDateTimeEdit::up-button { subcontrol-position: top right; }
QSpinBox::down-button, QDateTimeEdit::down-button { subcontrol-position: bottom right; }
QSpinBox::up-arrow, QDateTimeEdit::up-arrow { image: url(@ICONS@/arrow-up.svg); width: 9px; height: 9px; }
QSpinBox::down-arrow, QDateTimeEdit::down-arrow { image: url(@ICONS@/arrow-down.svg); width: 9px; height: 9px; }
QComboBox::drop-down, QDateEdit::drop-down, QDateTimeEdit::drop-down {
    subcontrol-origin: padding; subcontrol-position: top right; width: 20px;
    border-left: 1px solid #d5dbe1; background: #f4f6f8; }
QComboBox::down-arrow, QDateEdit::down-arrow, QDateTimeEdit::down-arrow {
    image: url(@ICONS@/arrow-down.svg); width: 10px; height: 10px; }
QSpinBox::up-button:hover, QSpinBox::down-button:hover, QDateTimeEdit::up-button:hover,
QDateTimeEdit::down-button:hover, QComboBox::drop-down:hover { background: #dbe7f5; }
QLineEdit[invalid="true"] { border-color: #b42318; background: #fff5f4; }
QLineEdit:read-only { background: #eef1f4; color: #3b4754; }
QGroupBox { background: white; border: 1px solid #d5dbe1; border-radius: 6px; margin-top: 14px;
            padding: 10px; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; font-weight: 600; }
QTableWidget { background: white; gridline-color: #e3e8ed; }
QHeaderView::section { background: #eef1f4; padding: 4px; border: none; font-weight: 600; }
"""


TEXT_SCALES = (100, 125, 150)  # per cent; the set-up page offers these for older officers' eyes
_fonts_loaded = False


def scaled_style(scale: int) -> str:
    """The style sheet with every point size multiplied by ``scale`` per cent."""
    import re

    # Arrows are drawn from the bundled icons: a style sheet that sets borders on spin boxes and
    # combo boxes makes Qt drop the platform's arrows (they showed as stray lines).
    icons = resource_dir("icons").as_posix()
    sheet = STYLE.replace("@ICONS@", icons)
    return re.sub(r"(\d+(?:\.\d+)?)pt", lambda m: f"{float(m.group(1)) * scale / 100:g}pt", sheet)


def apply_theme(app: QApplication, scale: int = 100) -> None:
    """Bundled fonts first (full Vietnamese coverage), then the platform's UI font, at ``scale`` %."""
    global _fonts_loaded
    scale = scale if scale in TEXT_SCALES else 100
    fonts = resource_dir("fonts")
    if fonts.is_dir() and not _fonts_loaded:
        for f in fonts.glob("*.ttf"):
            QFontDatabase.addApplicationFont(str(f))
        _fonts_loaded = True
    font = QFont(app.font())
    font.setPointSizeF(10 * scale / 100)
    if app.font() != font:
        app.setFont(font)
    sheet = scaled_style(scale)
    if app.styleSheet() != sheet:  # setting a sheet, even the same one, restyles every widget
        app.setStyleSheet(sheet)
