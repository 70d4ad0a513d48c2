"""Set-up screens for the clerk: commune profile, round timeline, officers, assignments.

Every field saves when the clerk leaves it (no "Lưu" button to forget); a refused value shows its
reason beside the form and the field goes back to what is stored.
"""

from __future__ import annotations

import json
from pathlib import Path

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

from cff_desktop.common.errors import CffError
from cff_desktop.rules.model import CATEGORY_LABELS, SECTOR_LABELS
from cff_desktop.services import officers as off_svc
from cff_desktop.services import profile
from cff_desktop.services.rounds import get_round
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.widgets import say


def _status_label() -> QLabel:
    lbl = QLabel()
    lbl.setWordWrap(True)
    return lbl


def _say(label: QLabel, text: str, error: bool = False) -> None:
    say(label, text, error)


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
        self.reload()

    def reload(self) -> None:
        c = get_round(self.ctx.ws).commune
        for k, e in self.edits.items():
            e.setText(c.get(k) or "")
        self.unit.setCurrentIndex(max(0, self.unit.findData(c.get("unit_type"))))
        self.category.setCurrentIndex(max(0, self.category.findData(c.get("category"))))
        self.villages.setPlainText("\n".join(json.loads(c.get("villages") or "[]")))

    def save(self, changes: dict) -> None:
        try:
            profile.update_commune(self.ctx.ws, changes, actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            self.reload()
            return
        _say(self.status, tr("Đã lưu."))
        self.ctx.changed.emit("setup")


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
        lay.addWidget(box2)
        self.status = _status_label()
        lay.addWidget(self.status)
        lay.addStretch(1)
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

    def save_language(self) -> None:
        profile.set_setting(self.ctx.ws, "language", self.language.currentData(), actor=self.ctx.actor)
        _say(self.status, tr("Đã lưu. Ngôn ngữ mới áp dụng khi mở lại chương trình."))

    def save_date(self, key: str) -> None:
        d = self.dates[key]
        iso = "" if d.date() == d.minimumDate() else d.date().toString("yyyy-MM-dd")
        try:
            profile.update_round_dates(self.ctx.ws, {key: iso}, actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            self.reload()
            return
        _say(self.status, tr("Đã lưu."))
        self.ctx.changed.emit("setup")

    def save_posting(self) -> None:
        try:
            profile.update_round_dates(self.ctx.ws, {}, posting_days=self.posting.value(), actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)

    def import_ruleset(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, tr("Chọn tệp bộ tiêu chí"), "", "Excel, JSON (*.xlsx *.json)")
        if not path:
            return
        try:
            from cff_desktop.services.rulesets import import_file  # .xlsx (the official table) or .json

            rs, new = import_file(self.ctx.ws.library, Path(path))
        except CffError as e:
            _say(self.status, tr("Không nhập được: {m}").format(m=str(e)), error=True)
            return
        _say(self.status, tr("Đã nhập {id} phiên bản {v}. Vòng đánh giá hiện tại vẫn giữ bộ tiêu chí đã ghim.")
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
        self.status = _status_label()
        lay.addWidget(self.status)
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
        try:
            profile.update_officer(self.ctx.ws, item.data(Qt.ItemDataRole.UserRole), {key: item.text()},
                                   actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
        else:
            _say(self.status, tr("Đã lưu."))
            self.ctx.changed.emit("setup")
        self.reload()

    def change(self, officer_id: int, key: str, value: str) -> None:
        try:
            profile.update_officer(self.ctx.ws, officer_id, {key: value}, actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            self.reload()
            return
        _say(self.status, tr("Đã lưu."))
        self.ctx.changed.emit("setup")

    def add(self) -> None:
        try:
            o = off_svc.add_officer(self.ctx.ws, name=self.name.text(), position=self.position.text(),
                                    sector=self.sector.currentData(), role=self.role.currentData(),
                                    pin=self.pin.text() or None, actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            return
        for w in (self.name, self.position, self.pin):
            w.clear()
        _say(self.status, tr("Đã thêm {name}.").format(name=o["name"]))
        self.reload()
        self.ctx.changed.emit("setup")

    def reset_pin(self) -> None:
        items = self.table.selectedItems()
        if not items:
            _say(self.status, tr("Chọn một cán bộ trong bảng trước."), error=True)
            return
        oid = items[0].data(Qt.ItemDataRole.UserRole)
        try:
            off_svc.set_pin(self.ctx.ws, str(oid), self.new_pin.text(), actor=self.ctx.actor)
            from cff_desktop.services.signin import unlock

            unlock(self.ctx.ws, str(oid), self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            return
        self.new_pin.clear()
        _say(self.status, tr("Đã đặt lại PIN và mở khóa."))


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
        self.status = _status_label()
        lay.addWidget(self.status)
        ctx.changed.connect(lambda what: self.reload() if what == "setup" else None)
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
        try:
            off_svc.assign(self.ctx.ws, cid, str(officer_id), actor=self.ctx.actor)
        except CffError as e:
            _say(self.status, e.message, error=True)
            return
        _say(self.status, tr("Đã giao tiêu chí {cid}.").format(cid=cid))
        self.ctx.changed.emit("setup")


class SetupPage(QTabWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.commune = CommuneTab(ctx)
        self.round = RoundTab(ctx)
        self.officers = OfficersTab(ctx)
        self.assign = AssignTab(ctx)
        self.addTab(self.commune, tr("Hồ sơ xã"))
        self.addTab(self.round, tr("Vòng đánh giá"))
        self.addTab(self.officers, tr("Cán bộ"))
        self.addTab(self.assign, tr("Phân công"))
        from cff_desktop.ui.rulesets_page import RulesetsPage  # kept in its own module

        self.rulesets = RulesetsPage(ctx)
        self.addTab(self.rulesets, tr("Bộ tiêu chí"))
