"""The council meeting screen (Hội đồng đánh giá cấp xã).

The clerk records the meeting, ticks who is present, goes through the criteria one by one
(overriding a score only with a written reason), records the vote and the conclusion, then
"Kết thúc họp" freezes the snapshot through the services; after that, everything here is read only
until the round is reopened with a reason.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.errors import CffError
from cff_desktop.common.text import format_points
from cff_desktop.services import council as svc
from cff_desktop.services.rounds import get_round
from cff_desktop.services.scoring import score_round, set_override
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.widgets import scroll_page


def _msg(e: CffError) -> str:
    return e.message[:1].upper() + e.message[1:]


class CouncilPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        head = QLabel(tr("Họp Hội đồng đánh giá xã phù hợp với trẻ em"))
        head.setObjectName("h1")
        lay.addWidget(head)
        self.banner = QLabel()
        self.banner.setObjectName("warn")
        self.banner.setWordWrap(True)
        lay.addWidget(self.banner)

        meet = QGroupBox(tr("Cuộc họp"))
        mf = QFormLayout(meet)
        self.place = QLineEdit()
        self.place.editingFinished.connect(lambda: self._meeting(place=self.place.text()))
        self.start = QDateTimeEdit()
        self.start.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.start.setCalendarPopup(True)
        self.start.editingFinished.connect(
            lambda: self._meeting(started_at=self.start.dateTime().toString("yyyy-MM-ddTHH:mm")))
        mf.addRow(tr("Địa điểm"), self.place)
        mf.addRow(tr("Bắt đầu lúc"), self.start)
        lay.addWidget(meet)

        mem = QGroupBox(tr("Thành viên hội đồng"))
        ml = QVBoxLayout(mem)
        self.members = QTableWidget(0, 4)
        self.members.setHorizontalHeaderLabels([tr("Họ tên"), tr("Chức vụ"), tr("Vai trò"), tr("Có mặt")])
        self.members.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.members.verticalHeader().setVisible(False)
        self.members.setMinimumHeight(220)
        self.members.itemChanged.connect(self._member_item_changed)
        ml.addWidget(self.members)
        add = QHBoxLayout()
        self.m_name = QLineEdit()
        self.m_name.setPlaceholderText(tr("Họ tên"))
        self.m_pos = QLineEdit()
        self.m_pos.setPlaceholderText(tr("Chức vụ"))
        self.m_role = QComboBox()
        for k, v in svc.COUNCIL_ROLES.items():
            self.m_role.addItem(v, k)
        self.m_role.setCurrentIndex(self.m_role.findData("member"))
        self.m_add = QPushButton(tr("Thêm thành viên"))
        self.m_add.clicked.connect(self.add_member)
        for w in (self.m_name, self.m_pos, self.m_role, self.m_add):
            add.addWidget(w)
        ml.addLayout(add)
        lay.addWidget(mem)

        rev = QGroupBox(tr("Xem xét từng tiêu chí"))
        rl = QVBoxLayout(rev)
        self.criteria = QTableWidget(0, 5)
        self.criteria.setHorizontalHeaderLabels(
            [tr("TC"), tr("Nội dung"), tr("Điểm tính"), tr("Điểm hội đồng"), tr("Lý do điều chỉnh")])
        self.criteria.horizontalHeader().setStretchLastSection(True)
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.setMinimumHeight(380)
        self.criteria.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.criteria.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        rl.addWidget(self.criteria)
        ov = QHBoxLayout()
        self.ov_crit = QComboBox()
        self.ov_points = QLineEdit()
        self.ov_points.setPlaceholderText(tr("Điểm"))
        self.ov_points.setMaximumWidth(80)
        self.ov_reason = QLineEdit()
        self.ov_reason.setPlaceholderText(tr("Lý do hội đồng điều chỉnh (bắt buộc)"))
        self.ov_button = QPushButton(tr("Ghi điểm hội đồng"))
        self.ov_button.clicked.connect(self.override)
        ov.addWidget(QLabel(tr("Tiêu chí")))
        ov.addWidget(self.ov_crit)
        ov.addWidget(self.ov_points)
        ov.addWidget(self.ov_reason, 1)
        ov.addWidget(self.ov_button)
        rl.addLayout(ov)
        lay.addWidget(rev)

        vote = QGroupBox(tr("Biểu quyết và kết luận"))
        vf = QFormLayout(vote)
        vrow = QHBoxLayout()
        self.v_for, self.v_against, self.v_abstain = QSpinBox(), QSpinBox(), QSpinBox()
        for label, box in ((tr("Tán thành"), self.v_for), (tr("Không tán thành"), self.v_against),
                           (tr("Không biểu quyết"), self.v_abstain)):
            box.setRange(0, 99)
            vrow.addWidget(QLabel(label))
            vrow.addWidget(box)
        self.v_button = QPushButton(tr("Ghi biểu quyết"))
        self.v_button.clicked.connect(self.vote)
        vrow.addWidget(self.v_button)
        vrow.addStretch(1)
        vf.addRow(vrow)
        self.conclusion = QPlainTextEdit()
        self.conclusion.setFixedHeight(70)
        self.conclusion.setPlaceholderText(tr("Kết luận của Chủ tọa"))
        vf.addRow(tr("Kết luận"), self.conclusion)
        self.confirm = QCheckBox(tr("Hội đồng đã xem xét đủ 13 tiêu chí; khóa số liệu và lập biên bản"))
        self.close_button = QPushButton(tr("Kết thúc họp"))
        self.close_button.setObjectName("primary")
        self.close_button.setEnabled(False)
        self.confirm.toggled.connect(self.close_button.setEnabled)
        self.close_button.clicked.connect(self.close_meeting)
        crow = QHBoxLayout()
        crow.addWidget(self.confirm, 1)
        crow.addWidget(self.close_button)
        vf.addRow(crow)
        self.reopen_reason = QLineEdit()
        self.reopen_reason.setPlaceholderText(tr("Lý do mở lại để sửa số liệu (bắt buộc)"))
        self.reopen_button = QPushButton(tr("Mở lại vòng đánh giá"))
        self.reopen_button.clicked.connect(self.reopen)
        rrow = QHBoxLayout()
        rrow.addWidget(self.reopen_reason, 1)
        rrow.addWidget(self.reopen_button)
        vf.addRow(rrow)
        lay.addWidget(vote)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.dirty = False
        ctx.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, what: str) -> None:
        """Redraw now if on screen, else when next shown (typing elsewhere stays cheap)."""
        if what in ("values", "setup", "progress", "evidence"):
            if self.isVisible():
                self.reload()
            else:
                self.dirty = True

    def showEvent(self, event) -> None:
        if self.dirty:
            self.dirty = False
            self.reload()
        super().showEvent(event)

    # -- drawing ----------------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.ws
        rnd = get_round(ws)
        rec = svc.council_record(ws, rnd)
        closed = rnd.closed
        self.place.setText(rec["place"] or "")
        dt = QDateTime.fromString(rec["started_at"] or "", "yyyy-MM-ddTHH:mm")
        self.start.setDateTime(dt if dt.isValid() else QDateTime.currentDateTime())
        # Presence is a checkable item, not a cell widget: rebuilding the table then creates no
        # widgets with their own connections (cheaper, and nothing dangles after a rebuild).
        self.members.blockSignals(True)
        self.members.setRowCount(len(rec["members"]))
        for r, m in enumerate(rec["members"]):
            self.members.setItem(r, 0, QTableWidgetItem(m["name"]))
            self.members.setItem(r, 1, QTableWidgetItem(m["position"]))
            self.members.setItem(r, 2, QTableWidgetItem(svc.COUNCIL_ROLES[m["council_role"]]))
            box = QTableWidgetItem(tr("có mặt") if m["present"] else tr("vắng"))
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            box.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if not closed else flags)
            box.setCheckState(Qt.CheckState.Checked if m["present"] else Qt.CheckState.Unchecked)
            box.setData(Qt.ItemDataRole.UserRole, m["id"])
            self.members.setItem(r, 3, box)
            for col in range(3):
                if (cell := self.members.item(r, col)) is not None:
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.members.resizeColumnToContents(0)
        self.members.resizeColumnToContents(2)
        self.members.blockSignals(False)
        res, _ = score_round(ws)
        self.criteria.setRowCount(len(res.criteria))
        self.ov_crit.clear()
        for r, c in enumerate(res.criteria):
            computed = f"{format_points(c.computed_points)} / {format_points(c.max)}" if c.assessed else tr("chưa đủ")
            cells = [c.id, c.name, computed,
                     format_points(c.override.points) if c.override else "",
                     c.override.reason if c.override else ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (0, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.criteria.setItem(r, col, item)
            self.ov_crit.addItem(f"{c.id}", c.id)
        self.criteria.setColumnWidth(0, 40)
        self.criteria.setColumnWidth(1, 420)
        self.criteria.setColumnWidth(2, 90)
        self.criteria.setColumnWidth(3, 120)
        self.v_for.setValue(rec["votes_for"] or 0)
        self.v_against.setValue(rec["votes_against"] or 0)
        self.v_abstain.setValue(rec["votes_abstain"] or 0)
        self.conclusion.setPlainText(rec["conclusion"] or "")
        verdict = tr("ĐẠT") if res.recognized else tr("CHƯA ĐẠT")
        if closed:
            self.banner.setText(tr("Hội đồng đã kết thúc họp lúc {t}. Số liệu đã khóa; tổng {total}/{max}, {v}.")
                                .format(t=rec["ended_at"], total=format_points(res.total),
                                        max=format_points(res.max_total), v=verdict))
        else:
            self.banner.setText(tr("Tổng điểm hiện tại {total}/{max}, ngưỡng {th}: {v}.").format(
                total=format_points(res.total), max=format_points(res.max_total),
                th=format_points(res.threshold), v=verdict))
        for w in (self.place, self.start, self.m_name, self.m_pos, self.m_role, self.m_add, self.ov_crit,
                  self.ov_points, self.ov_reason, self.ov_button, self.v_for, self.v_against, self.v_abstain,
                  self.v_button, self.conclusion, self.confirm):
            w.setEnabled(not closed)
        self.confirm.setChecked(False)
        self.close_button.setEnabled(False)
        self.reopen_reason.setVisible(closed)
        self.reopen_button.setVisible(closed)

    def _ok(self, text: str) -> None:
        self.status.setObjectName("ok")
        self.status.setText(text)
        self.status.style().polish(self.status)

    def _err(self, e: CffError) -> None:
        self.status.setObjectName("error")
        self.status.setText(_msg(e))
        self.status.style().polish(self.status)

    # -- actions ----------------------------------------------------------------------------------
    def _meeting(self, **fields: Any) -> None:
        try:
            svc.set_meeting(self.ctx.ws, actor=self.ctx.actor, **fields)
        except CffError as e:
            self._err(e)
            return
        self._ok(tr("Đã lưu."))

    def _member_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 3:
            self.presence(item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked)
            self.members.blockSignals(True)
            item.setText(tr("có mặt") if item.checkState() == Qt.CheckState.Checked else tr("vắng"))
            self.members.blockSignals(False)

    def presence(self, member_id: int, present: bool) -> None:
        try:
            svc.set_presence(self.ctx.ws, member_id, present, actor=self.ctx.actor)
        except CffError as e:
            self._err(e)

    def add_member(self) -> None:
        try:
            svc.add_member(self.ctx.ws, name=self.m_name.text(), position=self.m_pos.text(),
                           role=self.m_role.currentData(), actor=self.ctx.actor)
        except CffError as e:
            self._err(e)
            return
        self.m_name.clear()
        self.m_pos.clear()
        self._ok(tr("Đã thêm thành viên."))
        self.reload()

    def override(self) -> None:
        try:
            set_override(self.ctx.ws, self.ov_crit.currentData(), self.ov_points.text(), self.ov_reason.text(),
                         actor=self.ctx.actor)
        except CffError as e:
            self._err(e)
            return
        self.ov_points.clear()
        self.ov_reason.clear()
        self._ok(tr("Đã ghi điểm hội đồng."))
        self.reload()
        self.ctx.changed.emit("council")

    def vote(self) -> None:
        try:
            svc.record_vote(self.ctx.ws, votes_for=self.v_for.value(), votes_against=self.v_against.value(),
                            votes_abstain=self.v_abstain.value(), actor=self.ctx.actor)
        except CffError as e:
            self._err(e)
            return
        self._ok(tr("Đã ghi biểu quyết."))

    def close_meeting(self) -> None:
        try:
            snap = svc.close_meeting(self.ctx.ws, conclusion=self.conclusion.toPlainText(), actor=self.ctx.actor)
        except CffError as e:
            self._err(e)
            return
        s = snap["score"]
        self.reload()
        self._ok(tr("Đã kết thúc họp và khóa số liệu: tổng {t}/{m}.").format(
            t=format_points(s["total"]), m=format_points(s["max_total"])))
        self.ctx.changed.emit("council")

    def reopen(self) -> None:
        try:
            svc.reopen_round(self.ctx.ws, self.reopen_reason.text(), actor=self.ctx.actor)
        except CffError as e:
            self._err(e)
            return
        self.reopen_reason.clear()
        self.reload()
        self._ok(tr("Đã mở lại vòng đánh giá."))
        self.ctx.changed.emit("council")
