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


class NavShell(QWidget):
    """A top bar naming who works here, navigation on the left, the chosen screen on the right.

    The commune's officers and the upper level share this frame; each fills the pages it needs.
    """

    def __init__(self, title: str) -> None:
        from PySide6.QtWidgets import QFrame, QHBoxLayout, QListWidget, QStackedWidget

        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        top = QFrame()
        top.setObjectName("topbar")
        self.topbar = QHBoxLayout(top)
        self.topbar.setContentsMargins(14, 8, 14, 8)
        self.who = QLabel(title)
        self.who.setObjectName("h2")
        self.topbar.addWidget(self.who)
        self.topbar.addStretch(1)
        lay.addWidget(top)
        body = QHBoxLayout()
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        lay.addLayout(body, 1)
        self.pages: dict[str, QWidget] = {}
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

    def _add(self, key: str, title: str, page: QWidget) -> None:
        self.pages[key] = page
        self.nav.addItem(title)
        self.stack.addWidget(page)

    def fit_nav(self) -> None:
        """Widen the navigation to its longest entry (larger text sizes), never below 190 px."""
        self.nav.ensurePolished()
        self.nav.setFixedWidth(max(190, self.nav.sizeHintForColumn(0) + 8))

    def showEvent(self, event) -> None:
        self.fit_nav()
        super().showEvent(event)

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.fit_nav()
        super().changeEvent(event)

    def show_page(self, key: str) -> QWidget:
        page = self.pages[key]
        self.nav.setCurrentRow(self.stack.indexOf(page))
        return page
