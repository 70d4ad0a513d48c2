"""The council meeting screen (Hội đồng đánh giá cấp xã).

The clerk records the meeting, ticks who is present, goes through the criteria one by one
(overriding a score only with a written reason), records the vote and the conclusion, then
"Kết thúc họp" freezes the snapshot through the services; after that, everything here is read only
until the round is reopened with a reason.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer
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

from cff_desktop.common.text import format_points
from cff_desktop.services import council as svc
from cff_desktop.services.dashboard import vn_datetime
from cff_desktop.services.profile import UNIT_TYPES
from cff_desktop.services.rounds import get_round
from cff_desktop.services.scoring import score_round, set_override
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say, scroll_page


class CouncilPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        self.head = head = QLabel(tr("Họp Hội đồng đánh giá {unit} phù hợp với trẻ em").format(unit="xã"))
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
        self.start.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.start.setCalendarPopup(True)
        self.start.editingFinished.connect(self._start_edited)
        # The end is what the minutes print as "kết thúc vào lúc": the clerk sets it (default two
        # hours after the start), never the moment the button happened to be clicked.
        self.end = QDateTimeEdit()
        self.end.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.end.setCalendarPopup(True)
        self.end.editingFinished.connect(
            lambda: self._meeting(ended_at=self.end.dateTime().toString("yyyy-MM-ddTHH:mm")))
        self.end_set = False  # True once an end time is recorded (then moving the start keeps it)
        self.discussion = QPlainTextEdit()
        self.discussion.setFixedHeight(70)
        self.discussion.setPlaceholderText(tr("Ý kiến thảo luận của các thành viên (in vào biên bản)"))
        mf.addRow(tr("Địa điểm"), self.place)
        mf.addRow(tr("Bắt đầu lúc"), self.start)
        mf.addRow(tr("Kết thúc lúc"), self.end)
        mf.addRow(tr("Thảo luận"), self.discussion)
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
        self.criteria.currentCellChanged.connect(lambda row, *_: self._pick_row(row))
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
        self.ov_remove = QPushButton(tr("Bỏ điểm hội đồng"))
        self.ov_remove.setToolTip(tr("Dùng lại điểm tính theo số liệu; ghi lý do vào ô lý do"))
        self.ov_remove.clicked.connect(self.remove_override)
        self.ov_crit.currentIndexChanged.connect(lambda i: self._pick_row(i, from_combo=True))
        ov.addWidget(QLabel(tr("Tiêu chí")))
        ov.addWidget(self.ov_crit)
        ov.addWidget(self.ov_points)
        ov.addWidget(self.ov_reason, 1)
        ov.addWidget(self.ov_button)
        ov.addWidget(self.ov_remove)
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
        # Discussion and conclusion are saved a moment after typing stops (and before any other
        # action), so redrawing the screen after an override or a new member never wipes them.
        self.text_timer = QTimer(self)
        self.text_timer.setSingleShot(True)
        self.text_timer.setInterval(700)
        self.text_timer.timeout.connect(self.save_texts)
        self.loaded_texts: dict[str, str] = {"discussion": "", "conclusion": ""}
        self.discussion.textChanged.connect(self.text_timer.start)
        self.conclusion.textChanged.connect(self.text_timer.start)
        ctx.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, what: str) -> None:
        """Redraw now if on screen, else when next shown (typing elsewhere stays cheap)."""
        if what in (Change.VALUES, Change.SETUP, Change.PROGRESS, Change.EVIDENCE):
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
        # The council's own name, in the unit's word as the printed minutes say it.
        unit = UNIT_TYPES.get(rnd.commune.get("unit_type") or "xa", "Xã").lower()
        self.head.setText(tr("Họp Hội đồng đánh giá {unit} phù hợp với trẻ em").format(unit=unit))
        rec = svc.council_record(ws, rnd)
        closed = rnd.closed
        self.place.setText(rec["place"] or "")
        dt = QDateTime.fromString(rec["started_at"] or "", "yyyy-MM-ddTHH:mm")
        self.start_stored = dt.isValid()
        self.start.setDateTime(dt if dt.isValid() else QDateTime.currentDateTime())
        end = QDateTime.fromString(rec["ended_at"] or "", "yyyy-MM-ddTHH:mm")
        self.end_set = end.isValid()
        self.end.setDateTime(end if end.isValid() else self.start.dateTime().addSecs(2 * 3600))
        for key, box in (("discussion", self.discussion), ("conclusion", self.conclusion)):
            # Text typed but not yet saved stays on screen; otherwise show what is recorded.
            if box.toPlainText() == self.loaded_texts[key] or closed:
                box.blockSignals(True)
                box.setPlainText(rec[key] or "")
                box.blockSignals(False)
            self.loaded_texts[key] = rec[key] or ""
        # Presence is a checkable item, not a cell widget: rebuilding the table then creates no
        # widgets with their own connections (cheaper, and nothing dangles after a rebuild).
        self.members.blockSignals(True)
        self.members.setRowCount(len(rec["members"]))
        for r, m in enumerate(rec["members"]):
            self.members.setItem(r, 0, QTableWidgetItem(m["name"]))
            self.members.setItem(r, 1, QTableWidgetItem(m["position"]))
            self.members.setItem(r, 2, QTableWidgetItem(svc.COUNCIL_ROLES[m["council_role"]]))
            presence = QTableWidgetItem(tr("có mặt") if m["present"] else tr("vắng"))
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            presence.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if not closed else flags)
            presence.setCheckState(Qt.CheckState.Checked if m["present"] else Qt.CheckState.Unchecked)
            presence.setData(Qt.ItemDataRole.UserRole, m["id"])
            self.members.setItem(r, 3, presence)
            for col in range(3):
                if (cell := self.members.item(r, col)) is not None:
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.members.resizeColumnToContents(0)
        self.members.resizeColumnToContents(2)
        self.members.blockSignals(False)
        res, _ = score_round(ws)
        chosen = self.ov_crit.currentData()
        self.criteria.setRowCount(len(res.criteria))
        self.ov_crit.blockSignals(True)
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
        # The criterion being discussed stays chosen after each action (it used to jump back to 1
        # and the next override landed on the wrong criterion).
        keep = max(0, self.ov_crit.findData(chosen)) if chosen is not None else 0
        self.ov_crit.setCurrentIndex(keep)
        self.ov_crit.blockSignals(False)
        self._pick_row(keep, from_combo=True)
        self.criteria.setColumnWidth(0, 40)
        self.criteria.setColumnWidth(1, 420)
        self.criteria.setColumnWidth(2, 90)
        self.criteria.setColumnWidth(3, 120)
        self.v_for.setValue(rec["votes_for"] or 0)
        self.v_against.setValue(rec["votes_against"] or 0)
        self.v_abstain.setValue(rec["votes_abstain"] or 0)
        verdict = tr("ĐẠT") if res.recognized else tr("CHƯA ĐẠT")
        if closed:
            self.banner.setText(tr("Hội đồng đã kết thúc họp lúc {t}. Số liệu đã khóa; tổng {total}/{max}, {v}.")
                                .format(t=vn_datetime(rec["ended_at"]), total=format_points(res.total),
                                        max=format_points(res.max_total), v=verdict))
        else:
            self.banner.setText(tr("Tổng điểm hiện tại {total}/{max}, ngưỡng {th}: {v}.").format(
                total=format_points(res.total), max=format_points(res.max_total),
                th=format_points(res.threshold), v=verdict))
        for w in (self.place, self.start, self.end, self.m_name, self.m_pos, self.m_role, self.m_add,
                  self.ov_crit, self.ov_points, self.ov_reason, self.ov_button, self.ov_remove, self.v_for,
                  self.v_against, self.v_abstain, self.v_button, self.confirm):
            w.setEnabled(not closed)
        for box in (self.discussion, self.conclusion):
            box.setReadOnly(closed)  # still selectable and scrollable, so it can be read in full
        self.confirm.setChecked(False)
        self.close_button.setEnabled(False)
        self.reopen_reason.setVisible(closed)
        self.reopen_button.setVisible(closed)

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)

    def _op(self, fn, done: str | None = None, *changes: Change) -> Op:
        """This screen's actions: the service call, the outcome in the status line, then redraw."""
        return Op(self, fn, say=self._say, ctx=self.ctx).success(lambda _r: done).changes(*changes)

    def _pick_row(self, row: int, from_combo: bool = False) -> None:
        """The table row and the criterion box follow each other (click a row to override it)."""
        if row < 0:
            return
        if from_combo:
            self.criteria.blockSignals(True)
            self.criteria.selectRow(row)
            self.criteria.blockSignals(False)
        elif self.ov_crit.currentIndex() != row:
            self.ov_crit.blockSignals(True)
            self.ov_crit.setCurrentIndex(row)
            self.ov_crit.blockSignals(False)

    # -- actions ----------------------------------------------------------------------------------
    def save_texts(self) -> bool:
        """Write the discussion and conclusion if they changed; False (and the reason shown) if refused."""
        self.text_timer.stop()
        fields: dict[str, Any] = {k: box.toPlainText() for k, box in (("discussion", self.discussion),
                                                                      ("conclusion", self.conclusion))
                                  if box.toPlainText() != self.loaded_texts[k]}
        if not fields or get_round(self.ctx.ws).closed:
            return True
        op = self._op(lambda: svc.set_meeting(self.ctx.ws, actor=self.ctx.actor, **fields))
        op.run()
        if op.error:
            return False
        self.loaded_texts.update(fields)
        return True

    def _start_edited(self) -> None:
        started = self.start.dateTime().toString("yyyy-MM-ddTHH:mm")
        if not self.end_set:
            self.end.setDateTime(self.start.dateTime().addSecs(2 * 3600))
        self._meeting(started_at=started)

    def _meeting(self, **fields: Any) -> None:
        op = self._op(lambda: svc.set_meeting(self.ctx.ws, actor=self.ctx.actor, **fields), tr("Đã lưu."))
        op.run()
        if not op.error and "ended_at" in fields:
            self.end_set = True
        if not op.error and "started_at" in fields:
            self.start_stored = True

    def _member_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 3:
            self.presence(item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked)
            self.members.blockSignals(True)
            item.setText(tr("có mặt") if item.checkState() == Qt.CheckState.Checked else tr("vắng"))
            self.members.blockSignals(False)

    def presence(self, member_id: int, present: bool) -> None:
        self._op(lambda: svc.set_presence(self.ctx.ws, member_id, present, actor=self.ctx.actor)).run()

    def add_member(self) -> None:
        self.save_texts()
        op = self._op(lambda: svc.add_member(self.ctx.ws, name=self.m_name.text(), position=self.m_pos.text(),
                                             role=self.m_role.currentData(), actor=self.ctx.actor),
                      tr("Đã thêm thành viên."))
        if op.run() is not None:
            self.m_name.clear()
            self.m_pos.clear()
            self.reload()

    def _run_override(self, op: Op) -> None:
        """Run a council-points change; when it went through, empty the form and show the new figures."""
        op.run()
        if not op.error:
            self.ov_points.clear()
            self.ov_reason.clear()
            self.reload()
            self.ctx.changed.emit(Change.COUNCIL)

    def override(self) -> None:
        self.save_texts()
        op = self._op(lambda: set_override(self.ctx.ws, self.ov_crit.currentData(), self.ov_points.text(),
                                           self.ov_reason.text(), actor=self.ctx.actor),
                      tr("Đã ghi điểm hội đồng."))
        self._run_override(op)

    def remove_override(self) -> None:
        self.save_texts()
        cid = self.ov_crit.currentData()
        op = self._op(lambda: svc.remove_override(self.ctx.ws, cid, self.ov_reason.text(), actor=self.ctx.actor),
                      tr("Đã bỏ điểm hội đồng của tiêu chí {id}; dùng lại điểm tính theo số liệu.").format(id=cid))
        self._run_override(op)

    def vote(self) -> None:
        self.save_texts()
        self._op(lambda: svc.record_vote(self.ctx.ws, votes_for=self.v_for.value(),
                                         votes_against=self.v_against.value(),
                                         votes_abstain=self.v_abstain.value(), actor=self.ctx.actor),
                 tr("Đã ghi biểu quyết."), Change.COUNCIL).run()

    def close_meeting(self) -> None:
        if not self.save_texts():
            return
        if not self.start_stored:  # the start shown on screen is the one the minutes will print
            self._meeting(started_at=self.start.dateTime().toString("yyyy-MM-ddTHH:mm"))
        snap = self._op(lambda: svc.close_meeting(
            self.ctx.ws, conclusion=self.conclusion.toPlainText(),
            ended_at=self.end.dateTime().toString("yyyy-MM-ddTHH:mm"), actor=self.ctx.actor)).run()
        if snap is None:
            return
        s = snap["score"]
        self.reload()
        self._say(tr("Đã kết thúc họp và khóa số liệu: tổng {t}/{m}.").format(
            t=format_points(s["total"]), m=format_points(s["max_total"])))
        self.ctx.changed.emit(Change.COUNCIL)

    def reopen(self) -> None:
        op = self._op(lambda: svc.reopen_round(self.ctx.ws, self.reopen_reason.text(), actor=self.ctx.actor))
        op.run()
        if op.error:
            return
        self.reopen_reason.clear()
        self.reload()
        self._say(tr("Đã mở lại vòng đánh giá."))
        self.ctx.changed.emit(Change.COUNCIL)
