"""Small building blocks shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def scroll_page(owner: QWidget, spacing: int = 10) -> QVBoxLayout:
    """Give ``owner`` a vertically scrolling page body and return the body's layout.

    Horizontal scrolling is off on purpose: a page must fit the width of a 1366-pixel screen.
    """
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    outer.addWidget(scroll)
    body = QWidget()
    body.setObjectName("page")
    scroll.setWidget(body)
    lay = QVBoxLayout(body)
    lay.setContentsMargins(20, 16, 20, 16)
    lay.setSpacing(spacing)
    return lay


def say(label: QLabel, text: str, error: bool = False) -> None:
    """Show an outcome beside a form: green when done, red (and a capital letter) when refused."""
    label.setObjectName("error" if error else "ok")
    label.setText(text[:1].upper() + text[1:])
    label.style().unpolish(label)
    label.style().polish(label)
