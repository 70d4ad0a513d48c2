"""Data entry: the signed-in officer's criteria first (editable), the others below (read only)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from cff_desktop.services.officers import assignments
from cff_desktop.services.progress import STATE_LABELS, criterion_states
from cff_desktop.services.rounds import get_round
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.criterion_page import CriterionPage
from cff_desktop.ui.i18n import tr


class EntryPage(QWidget):
    import_ruleset_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.list = QListWidget()
        self.list.setObjectName("criteria")
        self.list.setFixedWidth(320)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        lay.addWidget(self.list)
        lay.addWidget(self.stack, 1)
        self.pages: dict[str, CriterionPage] = {}
        self.first_cid: str | None = None
        self.list.currentItemChanged.connect(self._select)
        ctx.changed.connect(self._on_changed)
        self.rebuild()

    def resizeEvent(self, event) -> None:
        """A narrower list on a small screen (1024 px) so the criterion page keeps its width."""
        self.list.setFixedWidth(320 if event.size().width() >= 900 else 250)
        super().resizeEvent(event)

    def rebuild(self) -> None:
        for p in self.pages.values():
            p.flush()
            self.stack.removeWidget(p)
            p.deleteLater()
        self.pages.clear()
        self.list.blockSignals(True)
        self.list.clear()
        rnd = get_round(self.ctx.ws)
        session = self.ctx.session
        mine_ids = set()
        if session:
            asg = assignments(self.ctx.ws, rnd)
            mine_ids = {c.id for c in rnd.ruleset.criteria
                        if session.is_clerk or asg.get(c.id) == session.officer["id"]}
        mine = [c for c in rnd.ruleset.criteria if c.id in mine_ids]
        others = [c for c in rnd.ruleset.criteria if c.id not in mine_ids]
        self._header(tr("Tiêu chí của tôi") if not (session and session.is_clerk) else tr("Tất cả tiêu chí"))
        for c in mine:
            self._add(c.id, c.name)
        if others:
            self._header(tr("Tiêu chí khác (chỉ xem)"))
            for c in others:
                self._add(c.id, c.name)
        self.list.blockSignals(False)
        self.refresh_states()
        first = next((r for r in range(self.list.count()) if self.list.item(r).data(Qt.ItemDataRole.UserRole)), None)
        self.first_cid = self.list.item(first).data(Qt.ItemDataRole.UserRole) if first is not None else None
        if first is not None and self.isVisible():
            self.list.setCurrentRow(first)
        # Otherwise the first criterion's page is built when this screen is first shown: at the
        # clerk's sign-in the dashboard comes first and should not wait for it.

    def showEvent(self, event) -> None:
        if self.stack.count() == 0 and self.first_cid:
            self.show_criterion(self.first_cid)
        super().showEvent(event)

    def _header(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        f = item.font()
        f.setBold(True)
        item.setFont(f)
        self.list.addItem(item)

    def _add(self, cid: str, name: str) -> None:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, cid)
        item.setData(Qt.ItemDataRole.UserRole + 1, name)
        self.list.addItem(item)

    def refresh_states(self) -> None:
        states = criterion_states(self.ctx.ws, get_round(self.ctx.ws))
        for r in range(self.list.count()):
            item = self.list.item(r)
            cid = item.data(Qt.ItemDataRole.UserRole)
            if cid:
                item.setText(f"{cid}. {item.data(Qt.ItemDataRole.UserRole + 1)}\n    {tr(STATE_LABELS[states[cid]])}")

    def _on_changed(self, what: str) -> None:
        if what == Change.RULESET:  # the open round moved to another rule set: other indicators
            self.rebuild()
        elif what in (Change.VALUES, Change.PROGRESS, Change.COUNCIL):
            self.refresh_states()

    def _select(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None = None) -> None:
        if item is None or not item.data(Qt.ItemDataRole.UserRole):
            return
        self.show_criterion(item.data(Qt.ItemDataRole.UserRole))

    def page(self, cid: str) -> CriterionPage:
        if cid not in self.pages:
            p = CriterionPage(self.ctx, cid)
            p.import_ruleset_requested.connect(self.import_ruleset_requested)
            self.pages[cid] = p
            self.stack.addWidget(p)
        return self.pages[cid]

    def show_criterion(self, cid: str) -> CriterionPage:
        p = self.page(cid)
        self.stack.setCurrentWidget(p)
        for r in range(self.list.count()):
            if self.list.item(r).data(Qt.ItemDataRole.UserRole) == cid and self.list.currentRow() != r:
                self.list.blockSignals(True)
                self.list.setCurrentRow(r)
                self.list.blockSignals(False)
        return p

    def flush(self) -> None:
        for p in self.pages.values():
            p.flush()
