"""Set-up screens for the clerk: commune profile, round timeline, officers, assignments.

Every field saves when the clerk leaves it (no "Lưu" button to forget); a refused value shows its
reason beside the form and the field goes back to what is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.rules.model import CATEGORY_LABELS, SECTOR_LABELS
from cff_desktop.services import officers as off_svc
from cff_desktop.services import profile
from cff_desktop.services.rounds import get_round
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say


def _status_label() -> QLabel:
    lbl = QLabel()
    lbl.setWordWrap(True)
    return lbl


def _status_line(lay: QVBoxLayout, *, stretch: bool = False) -> QLabel:
    """The line under a set-up tab where its actions say how they went (the tab's last row)."""
    lbl = _status_label()
    lay.addWidget(lbl)
    if stretch:
        lay.addStretch(1)
    return lbl


def _op(tab: Any, fn, done: str | None = None, *changes: Change) -> Op:  # a set-up tab (has status, ctx)
    """A set-up action: the service call, its outcome beside the form, then "what changed"."""
    return Op(tab, fn, say=lambda text, error=False: say(tab.status, text, error),
              ctx=tab.ctx).success(lambda _r: done).changes(*changes)


class CommuneTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key in ("name", "code", "province", "district", "upper_level", "chair_name", "chair_title"):
            e = QLineEdit()
            e.editingFinished.connect(lambda k=key: self.save({k: self.edits[k].text()}))
            self.edits[key] = e
            form.addRow(profile.COMMUNE_FIELDS[key], e)
        self.unit = QComboBox()
        for k, v in profile.UNIT_TYPES.items():
            self.unit.addItem(v, k)
        self.unit.activated.connect(lambda _i: self.save({"unit_type": self.unit.currentData()}))
        form.addRow(profile.COMMUNE_FIELDS["unit_type"], self.unit)
        self.category = QComboBox()
        for k, v in CATEGORY_LABELS.items():
            self.category.addItem(v, k)
        self.category.activated.connect(lambda _i: self.save({"category": self.category.currentData()}))
        form.addRow(profile.COMMUNE_FIELDS["category"], self.category)
        self.villages = QPlainTextEdit()
        self.villages.setFixedHeight(110)
        self.villages.setPlaceholderText(tr("Mỗi dòng một thôn, tổ dân phố"))
        form.addRow(tr("Thôn, tổ dân phố"), self.villages)
        save_v = QPushButton(tr("Lưu danh sách thôn"))
        save_v.clicked.connect(lambda: self.save({"villages": self.villages.toPlainText().splitlines()}))
        form.addRow("", save_v)
        self.status = _status_label()
        form.addRow("", self.status)
        self.lock_note = QLabel()
        self.lock_note.setObjectName("warn")
        self.lock_note.setWordWrap(True)
        form.addRow("", self.lock_note)
        ctx.changed.connect(lambda what: self.reload() if what == Change.COUNCIL else None)
        self.reload()

    def reload(self) -> None:
        rnd = get_round(self.ctx.ws)
        c = rnd.commune
        for k, e in self.edits.items():
            e.setText(c.get(k) or "")
            e.setReadOnly(rnd.closed and k in profile.LOCKED_AFTER_CLOSE)
        self.unit.setCurrentIndex(max(0, self.unit.findData(c.get("unit_type"))))
        self.category.setCurrentIndex(max(0, self.category.findData(c.get("category"))))
        # What the council's result and the frozen papers depend on is read only after the close.
        self.unit.setEnabled(not rnd.closed)
        self.category.setEnabled(not rnd.closed)
        self.lock_note.setText(tr(
            "Hội đồng đã kết thúc họp: tên, mã, địa bàn, loại đơn vị và nhóm đánh giá đã khóa vì kết quả và "
            "biên bản dựa vào đó. Muốn sửa, mở lại vòng đánh giá (Họp hội đồng → Mở lại vòng đánh giá) "
            "và ghi rõ lý do.") if rnd.closed else "")
        self.lock_note.setVisible(rnd.closed)
        self.villages.setPlainText("\n".join(json.loads(c.get("villages") or "[]")))

    def save(self, changes: dict) -> None:
        _op(self, lambda: profile.update_commune(self.ctx.ws, changes, actor=self.ctx.actor), tr("Đã lưu."),
            Change.SETUP).failure(lambda _m: self.reload()).run()


class RoundTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        box = QGroupBox(tr("Mốc thời gian"))
        form = QFormLayout(box)
        self.dates: dict[str, QDateEdit] = {}
        for key, label in profile.ROUND_DATES.items():
            d = QDateEdit()
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd/MM/yyyy")
            d.setSpecialValueText(tr("chưa đặt"))
            d.setMinimumDate(QDate(2000, 1, 1))
            d.editingFinished.connect(lambda k=key: self.save_date(k))
            self.dates[key] = d
            form.addRow(label, d)
        self.posting = QSpinBox()
        self.posting.setRange(1, 60)
        self.posting.setSuffix(tr(" ngày làm việc"))
        self.posting.editingFinished.connect(self.save_posting)
        form.addRow(tr("Thời gian niêm yết"), self.posting)
        lay.addWidget(box)
        box2 = QGroupBox(tr("Bộ tiêu chí và máy này"))
        f2 = QFormLayout(box2)
        self.ruleset = QLabel()
        self.ruleset.setWordWrap(True)
        f2.addRow(tr("Bộ tiêu chí của vòng"), self.ruleset)
        imp = QPushButton(tr("Nhập bộ tiêu chí chính thức…"))
        imp.clicked.connect(self.import_ruleset)
        f2.addRow("", imp)
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(tr(" phút (0 = không khóa)"))
        self.idle.editingFinished.connect(
            lambda: profile.set_setting(self.ctx.ws, "idle_lock_minutes", str(self.idle.value()), actor=ctx.actor))
        f2.addRow(tr("Tự khóa khi không dùng"), self.idle)
        from cff_desktop.ui.i18n import available_languages

        self.language = QComboBox()
        names = {"vi": "Tiếng Việt", "en": "English"}
        for lang in available_languages():
            self.language.addItem(names.get(lang, lang), lang)
        self.language.activated.connect(lambda _i: self.save_language())
        f2.addRow(tr("Ngôn ngữ giao diện (áp dụng khi mở lại)"), self.language)
        from cff_desktop.ui.theme import TEXT_SCALES

        self.text_scale = QComboBox()
        for pct in TEXT_SCALES:
            self.text_scale.addItem(f"{pct} %", pct)
        self.text_scale.activated.connect(lambda _i: self.save_text_scale())
        f2.addRow(tr("Cỡ chữ"), self.text_scale)
        lay.addWidget(box2)
        self.status = _status_line(lay, stretch=True)
        self.reload()

    def reload(self) -> None:
        rnd = get_round(self.ctx.ws)
        for key, d in self.dates.items():
            iso = rnd.row.get(key) or ""
            d.setDate(QDate.fromString(iso[:10], "yyyy-MM-dd") if iso else d.minimumDate())
            d.setEnabled(not rnd.closed)
        self.posting.setValue(int(rnd.row.get("posting_days") or 5))
        rs = rnd.ruleset
        prov = tr(" — có thang điểm tạm") if any(c.provisional for c in rs.criteria) else ""
        self.ruleset.setText(f"{rs.title}<br>{rs.id} {rs.version} · SHA-256 {rs.sha256[:16]}…{prov}")
        self.idle.setValue(int(profile.get_setting(self.ctx.ws, "idle_lock_minutes") or 0))
        self.language.setCurrentIndex(max(0, self.language.findData(profile.get_setting(self.ctx.ws, "language"))))
        scale = profile.get_setting(self.ctx.ws, "text_scale")
        self.text_scale.setCurrentIndex(max(0, self.text_scale.findData(int(scale) if scale.isdigit() else 100)))

    def save_text_scale(self) -> None:
        """Larger text at once (no restart): the whole application's font and style are rescaled."""
        from PySide6.QtWidgets import QApplication

        from cff_desktop.ui.theme import apply_theme

        pct = int(self.text_scale.currentData())
        profile.set_setting(self.ctx.ws, "text_scale", str(pct), actor=self.ctx.actor)
        apply_theme(cast(QApplication, QApplication.instance()), pct)
        say(self.status, tr("Đã đổi cỡ chữ thành {p} %.").format(p=pct))

    def save_language(self) -> None:
        profile.set_setting(self.ctx.ws, "language", self.language.currentData(), actor=self.ctx.actor)
        say(self.status, tr("Đã lưu. Ngôn ngữ mới áp dụng khi mở lại chương trình."))

    def save_date(self, key: str) -> None:
        d = self.dates[key]
        iso = "" if d.date() == d.minimumDate() else d.date().toString("yyyy-MM-dd")
        _op(self, lambda: profile.update_round_dates(self.ctx.ws, {key: iso}, actor=self.ctx.actor), tr("Đã lưu."),
            Change.SETUP).failure(lambda _m: self.reload()).run()

    def save_posting(self) -> None:
        _op(self, lambda: profile.update_round_dates(self.ctx.ws, {}, posting_days=self.posting.value(),
                                                     actor=self.ctx.actor)).run()

    def import_ruleset(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, tr("Chọn tệp bộ tiêu chí"), "", "Excel, JSON (*.xlsx *.json)")
        if not path:
            return
        from cff_desktop.services.rulesets import import_file  # .xlsx (the official table) or .json

        got = _op(self, lambda: import_file(self.ctx.ws.library, Path(path))) \
            .refused(lambda e: tr("Không nhập được: {m}").format(m=str(e))).run()
        if got is None:
            return
        rs, new = got
        say(self.status, tr("Đã nhập {id} phiên bản {v}. Vòng đánh giá hiện tại vẫn giữ bộ tiêu chí đã ghim.")
             .format(id=rs.id, v=rs.version) if new else tr("Bộ tiêu chí này đã có, không thay đổi."))


class OfficersTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        cols = [tr("Họ tên"), tr("Chức vụ"), tr("Ngành"), tr("Vai trò"), tr("Tiêu chí")]
        self.table = QTableWidget(0, len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self.cell_changed)
        lay.addWidget(self.table, 1)
        add = QGroupBox(tr("Thêm cán bộ"))
        row = QHBoxLayout(add)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("Họ tên"))
        self.position = QLineEdit()
        self.position.setPlaceholderText(tr("Chức vụ"))
        self.sector = QComboBox()
        for k, v in SECTOR_LABELS.items():
            self.sector.addItem(v, k)
        self.role = QComboBox()
        for k, v in off_svc.ROLES.items():
            self.role.addItem(v, k)
        self.role.setCurrentIndex(self.role.findData("officer"))
        self.pin = QLineEdit()
        self.pin.setPlaceholderText(tr("PIN"))
        self.pin.setMaximumWidth(80)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        btn = QPushButton(tr("Thêm"))
        btn.clicked.connect(self.add)
        for w in (self.name, self.position, self.sector, self.role, self.pin, btn):
            row.addWidget(w)
        lay.addWidget(add)
        reset = QHBoxLayout()
        self.new_pin = QLineEdit()
        self.new_pin.setPlaceholderText(tr("PIN mới"))
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin.setMaximumWidth(120)
        rbtn = QPushButton(tr("Đặt lại PIN cho người đang chọn"))
        rbtn.clicked.connect(self.reset_pin)
        reset.addWidget(self.new_pin)
        reset.addWidget(rbtn)
        reset.addStretch(1)
        lay.addLayout(reset)
        self.status = _status_line(lay)
        self.reload()

    def reload(self) -> None:
        ws = self.ctx.ws
        asg = off_svc.assignments(ws, get_round(ws))
        rows = off_svc.list_officers(ws)
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, o in enumerate(rows):
            crit = ", ".join(sorted((c for c, oid in asg.items() if oid == o["id"]), key=int))
            cells = [o["name"], o["position"], SECTOR_LABELS.get(o["sector"], o["sector"]),
                     off_svc.ROLES[o["role"]], crit]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, o["id"])
                if c >= 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
            for c, key, choices in ((2, "sector", SECTOR_LABELS), (3, "role", off_svc.ROLES)):
                combo = QComboBox()
                for k, v in choices.items():
                    combo.addItem(v, k)
                combo.setCurrentIndex(max(0, combo.findData(o[key])))
                combo.activated.connect(
                    lambda _i, oid=o["id"], key=key, cb=combo: self.change(oid, key, cb.currentData()))
                self.table.setCellWidget(r, c, combo)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)

    def cell_changed(self, item: QTableWidgetItem) -> None:
        key = {0: "name", 1: "position"}.get(item.column())
        if key is None:
            return
        _op(self, lambda: profile.update_officer(self.ctx.ws, item.data(Qt.ItemDataRole.UserRole),
                                                 {key: item.text()}, actor=self.ctx.actor),
            tr("Đã lưu."), Change.SETUP).run()
        self.reload()

    def change(self, officer_id: int, key: str, value: str) -> None:
        _op(self, lambda: profile.update_officer(self.ctx.ws, officer_id, {key: value}, actor=self.ctx.actor),
            tr("Đã lưu."), Change.SETUP).failure(lambda _m: self.reload()).run()

    def add(self) -> None:
        o = _op(self, lambda: off_svc.add_officer(
            self.ctx.ws, name=self.name.text(), position=self.position.text(), sector=self.sector.currentData(),
            role=self.role.currentData(), pin=self.pin.text() or None, actor=self.ctx.actor)).run()
        if o is None:
            return
        for w in (self.name, self.position, self.pin):
            w.clear()
        say(self.status, tr("Đã thêm {name}.").format(name=o["name"]))
        self.reload()
        self.ctx.changed.emit(Change.SETUP)

    def reset_pin(self) -> None:
        items = self.table.selectedItems()
        if not items:
            say(self.status, tr("Chọn một cán bộ trong bảng trước."), error=True)
            return
        oid = items[0].data(Qt.ItemDataRole.UserRole)
        from cff_desktop.services.signin import unlock

        def reset() -> bool:
            off_svc.set_pin(self.ctx.ws, str(oid), self.new_pin.text(), actor=self.ctx.actor)
            unlock(self.ctx.ws, str(oid), self.ctx.actor)
            return True

        if _op(self, reset, tr("Đã đặt lại PIN và mở khóa.")).run():
            self.new_pin.clear()


class AssignTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("Tiêu chí"), tr("Nội dung"), tr("Cán bộ theo dõi")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table)
        self.status = _status_line(lay)
        ctx.changed.connect(lambda what: self.reload() if what == Change.SETUP else None)
        self.reload()

    def reload(self) -> None:
        ws = self.ctx.ws
        rnd = get_round(ws)
        asg = off_svc.assignments(ws, rnd)
        officers = off_svc.list_officers(ws)
        self.table.setRowCount(len(rnd.ruleset.criteria))
        for r, c in enumerate(rnd.ruleset.criteria):
            self.table.setItem(r, 0, QTableWidgetItem(c.id))
            self.table.setItem(r, 1, QTableWidgetItem(c.name))
            combo = QComboBox()
            combo.addItem(tr("— chưa giao —"), None)
            for o in officers:
                combo.addItem(o["name"], o["id"])
            combo.setCurrentIndex(max(0, combo.findData(asg.get(c.id))))
            combo.setEnabled(not rnd.closed)
            combo.activated.connect(lambda _i, cid=c.id, cb=combo: self.assign(cid, cb.currentData()))
            self.table.setCellWidget(r, 2, combo)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 520)

    def assign(self, cid: str, officer_id: int | None) -> None:
        if officer_id is None:
            return
        _op(self, lambda: off_svc.assign(self.ctx.ws, cid, str(officer_id), actor=self.ctx.actor),
            tr("Đã giao tiêu chí {cid}.").format(cid=cid), Change.SETUP).run()


class UpperKeyTab(QWidget):
    """The upper level's public key: without it the dossier leaves the commune unencrypted."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        intro = QLabel(tr(
            "Hồ sơ gửi cấp trên được mã hóa bằng khóa công khai của cấp trên, để USB có rơi mất cũng không "
            "ai đọc được. Cấp trên gửi tệp khóa (hoặc đọc qua điện thoại chuỗi bắt đầu bằng age1…). "
            "Khi máy đăng ký gửi qua mạng, khóa được lấy tự động nếu máy chủ có gửi kèm."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        box = QGroupBox(tr("Khóa hiện tại"))
        form = QFormLayout(box)
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("Dấu vân tay"), self.current)
        lay.addWidget(box)
        box2 = QGroupBox(tr("Nhập khóa của cấp trên"))
        f2 = QFormLayout(box2)
        self.text = QLineEdit()
        self.text.setPlaceholderText(tr("age1… (có thể gõ kèm dấu cách như khi nghe đọc)"))
        self.text.returnPressed.connect(self.import_text)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        self.text_button = QPushButton(tr("Nhập chuỗi khóa"))
        self.text_button.clicked.connect(self.import_text)
        row.addWidget(self.text_button)
        f2.addRow(tr("Chuỗi khóa"), row)
        self.file_button = QPushButton(tr("Chọn tệp khóa…"))
        self.file_button.clicked.connect(lambda: self.import_file())
        f2.addRow("", self.file_button)
        lay.addWidget(box2)
        self.status = _status_line(lay, stretch=True)
        self.reload()

    def reload(self) -> None:
        from cff_desktop.services.keys import upper_recipient

        up = upper_recipient(self.ctx.ws)
        if up:
            self.current.setText(f"<b>{up['fingerprint']}</b><br>{up['recipient']}")
            self.current.setObjectName("")
        else:
            self.current.setText(tr("Chưa có: hồ sơ xuất ra sẽ KHÔNG được mã hóa."))
            self.current.setObjectName("warn")
        self.current.style().unpolish(self.current)
        self.current.style().polish(self.current)

    def _import(self, source: str) -> None:
        from cff_desktop.services.keys import import_upper

        got = _op(self, lambda: import_upper(self.ctx.ws, source)).run()
        if got is None:
            return
        self.reload()
        self.text.clear()
        say(self.status, tr("Đã nhập khóa của cấp trên. Dấu vân tay: {fp} — đọc lại cho cấp trên qua điện thoại "
                            "để chắc đúng khóa.").format(fp=got["fingerprint"]))
        self.ctx.changed.emit(Change.SETUP)

    def import_text(self) -> None:
        text = self.text.text().strip()
        if not text:
            say(self.status, tr("Dán hoặc gõ chuỗi khóa bắt đầu bằng age1… trước."), error=True)
            return
        if "age1" not in text.lower():
            say(self.status, tr("Chuỗi khóa phải bắt đầu bằng age1 (62 ký tự). Kiểm tra lại."), error=True)
            return
        self._import(text)

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, tr("Chọn tệp khóa của cấp trên"), "",
                                                  tr("Tệp khóa (*.pub *.txt *.age);;Mọi tệp (*)"))
        if path:
            self._import(path)


class SetupPage(QTabWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.commune = CommuneTab(ctx)
        self.round = RoundTab(ctx)
        self.officers = OfficersTab(ctx)
        self.assign = AssignTab(ctx)
        self.upper_key = UpperKeyTab(ctx)
        self.addTab(self.commune, tr("Hồ sơ xã"))
        self.addTab(self.round, tr("Vòng đánh giá"))
        self.addTab(self.officers, tr("Cán bộ"))
        self.addTab(self.assign, tr("Phân công"))
        self.addTab(self.upper_key, tr("Khóa cấp trên"))
        from cff_desktop.ui.rulesets_page import RulesetsPage  # kept in its own module

        self.rulesets = RulesetsPage(ctx)
        self.addTab(self.rulesets, tr("Bộ tiêu chí"))
