"""Small building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


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


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Open at ``width``×``height``, or smaller when the screen (minus the taskbar) is smaller.

    A 900-pixel-tall dialog on a 1366×768 laptop opened with its buttons below the screen's edge.
    """
    screen = window.screen()
    if screen is None:
        window.resize(width, height)
        return
    avail = screen.availableGeometry()
    if window.minimumWidth() > avail.width() or window.minimumHeight() > avail.height():
        window.setMinimumSize(min(window.minimumWidth(), avail.width()),
                              min(window.minimumHeight(), avail.height()))
    window.resize(min(width, int(avail.width() * 0.96)), min(height, int(avail.height() * 0.92)))


def say(label: QLabel, text: str, error: bool = False) -> None:
    """Show an outcome beside a form: green when done, red (and a capital letter) when refused."""
    label.setObjectName("error" if error else "ok")
    label.setText(text[:1].upper() + text[1:])
    label.style().unpolish(label)
    label.style().polish(label)


class _Pages(dict):
    """The shell's pages by key; a page added lazily is built on first access (``pages["setup"]``)."""

    def __init__(self, shell: NavShell) -> None:
        super().__init__()
        self.shell = shell

    def __getitem__(self, key: str) -> QWidget:
        return self.shell._built(key)


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
        self.pages: dict[str, QWidget] = _Pages(self)
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self.nav.currentRowChanged.connect(self._show_row)

    def _add(self, key: str, title: str, page: QWidget) -> None:
        dict.__setitem__(self.pages, key, page)
        self.nav.addItem(title)
        self.stack.addWidget(page)

    def _add_lazy(self, key: str, title: str, factory) -> None:
        """A page built the first time it is shown or asked for, not at sign-in.

        Building and styling every screen (and importing printing, packaging and sync code) at
        sign-in cost the clerk seconds before the dashboard appeared; most sessions open two or
        three screens.
        """
        placeholder = QWidget()
        self._factories[key] = factory
        self._add(key, title, placeholder)

    def _built(self, key: str) -> QWidget:
        page = dict.__getitem__(self.pages, key)
        factory = self._factories.pop(key, None)
        if factory is None:
            return page
        from PySide6.QtCore import Qt as _Qt
        from PySide6.QtGui import QGuiApplication

        index = self.stack.indexOf(page)
        QGuiApplication.setOverrideCursor(_Qt.CursorShape.WaitCursor)
        try:
            real = factory()
        finally:
            QGuiApplication.restoreOverrideCursor()
        current = self.stack.currentIndex() == index
        self.stack.insertWidget(index, real)
        self.stack.removeWidget(page)
        page.deleteLater()
        dict.__setitem__(self.pages, key, real)
        if current:
            self.stack.setCurrentIndex(index)
        return real

    def _show_row(self, row: int) -> None:
        for key in list(self._factories):
            if self.stack.indexOf(dict.__getitem__(self.pages, key)) == row:
                self._built(key)
        self.stack.setCurrentIndex(row)

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


def fill_table(t: QTableWidget, rows: list[list[str]]) -> None:
    """Put read-only text rows into a table; each cell's tooltip holds its whole text.

    Long names (criteria, kinds of unit) are elided in narrow columns, so the tooltip is how a
    person reads them.
    """
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            t.setItem(r, c, item)
