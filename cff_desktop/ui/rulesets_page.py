"""Thiết lập → Bộ tiêu chí: what the round is scored under, how sure each figure is, and changing it.

The clerk sees the installed rule sets, compares two of them change by change, previews the open
round's score under another one without writing anything, and, with a written reason, moves the
open round to it. A province's official table comes in as an Excel workbook (a template can be
written from any installed rule set). Every action goes through the same services as the CLI.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.errors import CffError
from cff_desktop.common.text import format_points
from cff_desktop.rules.basis import indicator_bases
from cff_desktop.rules.loader import bundled_files
from cff_desktop.rules.model import RuleSet
from cff_desktop.services import rulesets as rs_svc
from cff_desktop.services.rounds import get_round
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import fill_table, say


def _table(headers: list[str], narrow: int) -> QTableWidget:
    """The first ``narrow`` columns fit their content; the long texts share the rest and wrap."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setWordWrap(True)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    h = t.horizontalHeader()
    for i in range(len(headers)):
        h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents if i < narrow
                               else QHeaderView.ResizeMode.Stretch)
    h.sectionResized.connect(lambda *_a: t.resizeRowsToContents())
    return t


def _fill(t: QTableWidget, rows: list[list[str]]) -> None:
    fill_table(t, rows)
    t.resizeRowsToContents()


class RulesetsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        self.current = QLabel()
        self.current.setWordWrap(True)
        lay.addWidget(self.current)

        pick = QHBoxLayout()
        self.a = QComboBox()
        self.b = QComboBox()
        for combo in (self.a, self.b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        pick.addWidget(QLabel(tr("So sánh")))
        pick.addWidget(self.a)
        pick.addWidget(QLabel(tr("với")))
        pick.addWidget(self.b)
        self.compare_button = QPushButton(tr("So sánh"))
        self.compare_button.clicked.connect(self.compare)
        self.preview_button = QPushButton(tr("Xem trước điểm của vòng"))
        self.preview_button.clicked.connect(self.preview)
        pick.addWidget(self.compare_button)
        pick.addWidget(self.preview_button)
        pick.addStretch(1)
        lay.addLayout(pick)

        self.changes = _table([tr("Ở đâu"), tr("Nội dung"), tr("Trước"), tr("Sau")], 2)
        lay.addWidget(self.changes, 2)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)

        self.bases = _table([tr("Chỉ số"), tr("Trạng thái"), tr("Giải thích"), tr("Nguồn")], 2)
        lay.addWidget(QLabel(tr("Mức độ chắc chắn của từng chỉ số (bộ bên phải)")))
        lay.addWidget(self.bases, 2)

        box = QGroupBox(tr("Đổi bộ tiêu chí của vòng đang mở"))
        bl = QHBoxLayout(box)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Lý do (ví dụ: số, ngày văn bản của tỉnh)"))
        self.clear_unfit = QCheckBox(tr("Xóa các số liệu không hợp để nhập lại"))
        self.switch_button = QPushButton(tr("Đổi sang bộ bên phải"))
        self.switch_button.clicked.connect(self.switch)
        bl.addWidget(self.reason, 1)
        bl.addWidget(self.clear_unfit)
        bl.addWidget(self.switch_button)
        lay.addWidget(box)

        files = QHBoxLayout()
        self.template_button = QPushButton(tr("Ghi bảng mẫu Excel của bộ bên phải…"))
        self.template_button.clicked.connect(lambda: self.write_template())
        self.import_button = QPushButton(tr("Nhập bộ tiêu chí (Excel hoặc JSON)…"))
        self.import_button.clicked.connect(lambda: self.import_file())
        files.addWidget(self.template_button)
        files.addWidget(self.import_button)
        files.addStretch(1)
        lay.addLayout(files)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.b.currentIndexChanged.connect(lambda _i: self.show_bases())
        ctx.changed.connect(lambda what: self.reload() if what in (Change.SETUP, Change.RULESET) else None)
        self.reload()

    # -- data ---------------------------------------------------------------------------------------
    def _spec(self, combo: QComboBox) -> str:
        return combo.currentData() or ""

    def _selected(self, combo: QComboBox) -> RuleSet:
        return rs_svc.resolve(self.ctx.ws.library, self._spec(combo))

    def reload(self) -> None:
        self.ctx.ws.library.refresh()  # another window or the CLI may have imported one
        rnd = get_round(self.ctx.ws)
        rs = rnd.ruleset
        state = tr("đã kết thúc, không đổi được") if rnd.closed else tr("đang mở")
        self.current.setText(tr("Vòng đánh giá năm {y} ({state}) chấm theo <b>{id} {v}</b>: {title}").format(
            y=rnd.year, state=state, id=rs.id, v=rs.version, title=rs.title))
        shipped_old = {str(p) for p in bundled_files() if p.parent.name == "superseded"}
        items = []
        for r in self.ctx.ws.library.all():
            mark = tr(" (bản cũ)") if r.source in shipped_old else (
                tr(" (đã nhập)") if not self.ctx.ws.library.is_bundled(r) else "")
            items.append((f"{r.id} {r.version}{mark}", f"{r.id}@{r.version}"))
        keep_a, keep_b = self.a.currentData(), self.b.currentData()
        for combo in (self.a, self.b):
            combo.blockSignals(True)
            combo.clear()
            for text, spec in items:
                combo.addItem(text, spec)
        mine = f"{rs.id}@{rs.version}"
        newest = max((r for r in self.ctx.ws.library.all() if r.id == rs.id), key=lambda r: r.version_key)
        self.a.setCurrentIndex(max(0, self.a.findData(keep_a if self.a.findData(keep_a) >= 0 else mine)))
        self.b.setCurrentIndex(max(0, self.b.findData(
            keep_b if self.b.findData(keep_b) >= 0 else f"{newest.id}@{newest.version}")))
        for combo in (self.a, self.b):
            combo.blockSignals(False)
        editable = not rnd.closed and bool(self.ctx.session and self.ctx.session.is_clerk)
        for w in (self.reason, self.clear_unfit, self.switch_button):
            w.setEnabled(editable)
        self.show_bases()

    def show_bases(self) -> None:
        try:
            rs = self._selected(self.b)
        except CffError:
            return
        rows = []
        for iid, b in indicator_bases(rs.criteria).items():
            rows.append([iid, b.label, b.text, b.source])
        _fill(self.bases, rows)

    # -- actions ------------------------------------------------------------------------------------
    def _op(self, fn) -> Op:
        return Op(self, fn, say=lambda text, error=False: say(self.status, text, error), ctx=self.ctx)

    def compare(self) -> None:
        got = self._op(lambda: rs_svc.compare(self.ctx.ws.library, self._spec(self.a), self._spec(self.b))).run()
        if got is None:
            return
        a, b, changes = got
        _fill(self.changes, [[c.where, c.what, c.old, c.new] for c in changes])
        self.summary.setText(tr("{a} → {b}: {n} thay đổi.").format(
            a=f"{a.id} {a.version}", b=f"{b.id} {b.version}", n=len(changes)))
        say(self.status, "")

    def preview(self) -> None:
        got = self._op(lambda: rs_svc.preview(self.ctx.ws, self._selected(self.b))).run()
        if got is None:
            return
        now, res, carried = got
        lines = [tr("Xem trước, không thay đổi vòng đánh giá: tổng điểm hiện tại {now} ({a}); theo {b}: {new} — "
                    "{verdict}.").format(now=format_points(now.total), a=f"{now.ruleset_id} {now.ruleset_version}",
                                        b=f"{res.ruleset_id} {res.ruleset_version}", new=format_points(res.total),
                                        verdict=tr("đạt") if res.recognized else tr("chưa đạt"))]
        for u in carried.unfit:
            lines.append(tr("Cần nhập lại {id}: {why}").format(id=u.label, why=u.reason))
        self.summary.setText("<br>".join(lines))
        say(self.status, "")

    def switch(self) -> None:
        def switched(r: rs_svc.Switched) -> str:
            self.reason.clear()
            cleared = tr(" Đã xóa để nhập lại: {ids}.").format(ids=", ".join(r.cleared)) if r.cleared else ""
            return tr("Đã chuyển vòng đánh giá năm {y} từ {a} sang {b}; đã ghi nhật ký.").format(
                y=r.round, a=r.from_set, b=r.to_set) + cleared

        self._op(lambda: rs_svc.switch(self.ctx.ws, self._selected(self.b), reason=self.reason.text(),
                                       actor=self.ctx.actor, clear_unfit=self.clear_unfit.isChecked())) \
            .success(switched).changes(Change.RULESET, Change.SETUP, Change.VALUES).run()

    def write_template(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("Ghi bảng mẫu Excel"), "bo-tieu-chi.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        rs = self._op(lambda: rs_svc.write_template(self.ctx.ws.library, self._spec(self.b), Path(path))).run()
        if rs is None:
            return
        say(self.status, tr("Đã ghi bảng mẫu {id} {v} vào {p}. Sửa theo văn bản chính thức, đổi Phiên bản, rồi nhập "
                            "lại.").format(id=rs.id, v=rs.version, p=path))

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, tr("Chọn tệp bộ tiêu chí"), "",
                                                  "Excel, JSON (*.xlsx *.json)")
        if not path:
            return
        got = self._op(lambda: rs_svc.import_file(self.ctx.ws.library, Path(path))) \
            .refused(lambda e: tr("Không nhập được: {m}").format(m=str(e))).run()
        if got is None:
            return
        rs, new = got
        self.reload()
        self.b.setCurrentIndex(max(0, self.b.findData(f"{rs.id}@{rs.version}")))
        say(self.status, tr("Đã nhập {id} phiên bản {v}. Vòng đánh giá hiện tại vẫn giữ bộ tiêu chí đã ghim; "
                            "bấm So sánh hoặc Xem trước để xem khác biệt.").format(id=rs.id, v=rs.version)
            if new else tr("Bộ tiêu chí này đã có, không thay đổi."))
