"""The upper level's screens (district or province): inbox, one unit, decision, report.

The same window and services as the commune's, in another mode: an installation whose area is set
(``cff district init``) opens here instead of the commune's sign-in. Widgets stay thin: every
figure comes from :mod:`cff_desktop.services.district` and ``district_report``; imports, loading,
printing and the Excel export run off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.errors import CffError
from cff_desktop.common.text import format_number, format_points
from cff_desktop.services import district, district_report
from cff_desktop.services.dashboard import vn_date
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import run_in_background
from cff_desktop.ui.remedies import error_text, ui_hint
from cff_desktop.ui.widgets import NavShell, say, scroll_page


def _pts(v: Any) -> str:
    return format_points(v) if v is not None else "—"


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def _fill(t: QTableWidget, rows: list[list[str]]) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.setItem(r, c, QTableWidgetItem(text))


class InboxPage(QWidget):
    """Every unit of the area with its current dossier of the round; double-click opens the unit."""

    def __init__(self, ctx: AppContext, open_unit) -> None:
        super().__init__()
        self.ctx = ctx
        self.open_unit = open_unit
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        head = QHBoxLayout()
        self.title = QLabel(tr("Hộp thư hồ sơ"))
        self.title.setObjectName("h1")
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(QLabel(tr("Năm")))
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        head.addWidget(self.year)
        self.trust = QCheckBox(tr("Tin máy ký (đã so dấu vân tay)"))
        head.addWidget(self.trust)
        self.usb = QPushButton(tr("Nhập từ USB/thư mục…"))
        self.usb.clicked.connect(self.import_folder)
        head.addWidget(self.usb)
        self.server = QPushButton(tr("Lấy từ máy chủ nhận hồ sơ"))
        self.server.clicked.connect(self.import_server)
        head.addWidget(self.server)
        lay.addLayout(head)
        self.reminders = QLabel("")
        self.reminders.setWordWrap(True)
        lay.addWidget(self.reminders)
        self.table = _table([tr("Mã"), tr("Đơn vị"), tr("Vòng"), tr("Loại"), tr("Điểm / chuẩn"),
                             tr("Tự đánh giá"), tr("Trạng thái"), tr("Ngày nhận")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_unit(self.rows[r]["code"]))
        lay.addWidget(self.table, 1)
        self.status = QLabel(tr("Đang tải…"))
        lay.addWidget(self.status)
        self.rows: list[dict[str, Any]] = []
        self.loaded = False
        self.year.setValue(district.latest_year(ctx.ws) or 2025)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.reload()

    def reload(self) -> None:
        """Read the inbox off the UI thread (150 units × 5 rounds must not freeze the window)."""
        db, year = self.ctx.ws.paths.db, self.year.value()
        self.loaded = False

        def job(_progress):
            with open_workspace(db) as ws:
                return district.inbox(ws, year), district_report.reminders(ws)

        run_in_background(job, self._show, lambda m: say(self.status, m, error=True), owner=self)

    def _show(self, result: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        self.rows, rem = result
        short = {"urban_ward": tr("Phường"), "mountain_island_disadvantaged": tr("Miền núi, khó khăn"),
                 "other": tr("Khác")}
        _fill(self.table, [[r["code"], r["name"], str(r["year"] or ""), short.get(r["category"], r["category"]),
                            f"{_pts(r['total'])} / {_pts(r['threshold'])}" if r["total"] is not None else "—",
                            "" if r["passing"] is None else (tr("Đạt") if r["passing"] else tr("Không đạt")),
                            r["state_label"], vn_date(r["received_at"] or "")] for r in self.rows])
        got = sum(1 for r in self.rows if r["state"])
        self.status.setText(tr("{got}/{n} đơn vị đã gửi hồ sơ").format(got=got, n=len(self.rows)))
        self.reminders.setText("  ".join(tr("Hạn: {label} — còn {days} ngày ({due}).").format(
            label=r["label"], days=r["days_left"], due=vn_date(str(r["due"]))) for r in rem))
        self.loaded = True

    def _run_import(self, fn) -> None:
        db = self.ctx.ws.paths.db
        say(self.status, tr("Đang nhập và kiểm tra…"))

        def job(progress):
            with open_workspace(db) as ws:
                return fn(ws, progress)

        def done(res: list[district.Received]) -> None:
            ok = sum(r.status == "imported" for r in res)
            bad = [r for r in res if r.status == "refused"]
            text = tr("Đã nhập {ok} gói; {bad} gói bị từ chối.").format(ok=ok, bad=len(bad))
            if bad:
                text += " " + bad[0].reason + ui_hint(bad[0].remedy)
            say(self.status, text, error=bool(bad))
            self.reload()
            self.ctx.changed.emit("district")

        run_in_background(job, done, lambda m: say(self.status, m, error=True),
                          lambda d, t: self.status.setText(tr("Đã kiểm tra {d}/{t} gói").format(d=d, t=t)),
                          owner=self)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn USB hoặc thư mục chứa gói hồ sơ"))
        if folder:
            trust = self.trust.isChecked()
            self._run_import(lambda ws, p: district.import_path(ws, folder, trust=trust, progress=p))

    def import_server(self) -> None:
        self._run_import(lambda ws, p: district.import_inbox(ws, progress=p))


class UnitPage(QWidget):
    """One unit: 13 criteria beside previous rounds, evidence, minutes, appraisal, return or council."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.code = ""
        self.detail: dict[str, Any] = {}
        lay = scroll_page(self)
        self.title = QLabel(tr("Chọn một đơn vị trong hộp thư"))
        self.title.setObjectName("h1")
        lay.addWidget(self.title)
        self.sub = QLabel("")
        lay.addWidget(self.sub)
        row = QHBoxLayout()
        self.criteria = _table([tr("Tiêu chí")])
        self.criteria.setMinimumHeight(400)
        row.addWidget(self.criteria, 3)
        side = QVBoxLayout()
        side.addWidget(QLabel(tr("Minh chứng")))
        self.evidence = QListWidget()
        side.addWidget(self.evidence, 1)
        self.minutes = QPushButton(tr("Xem biên bản và hồ sơ in của xã"))
        self.minutes.clicked.connect(self.show_minutes)
        side.addWidget(self.minutes)
        row.addLayout(side, 2)
        lay.addLayout(row)
        box = QFrame()
        box.setObjectName("card")
        form = QFormLayout(box)
        self.indicator = QComboBox()
        self.verdict = QComboBox()
        self.verdict.addItem(tr("Đồng ý"), "agree")
        self.verdict.addItem(tr("Không đồng ý"), "disagree")
        self.comment = QLineEdit()
        self.corrected = QLineEdit()
        self.corrected.setPlaceholderText(tr("ví dụ 97/100 (để trống nếu không sửa)"))
        form.addRow(tr("Chỉ số"), self.indicator)
        form.addRow(tr("Ý kiến"), self.verdict)
        form.addRow(tr("Nhận xét"), self.comment)
        form.addRow(tr("Số liệu đúng"), self.corrected)
        save = QPushButton(tr("Ghi thẩm định"))
        save.clicked.connect(self.appraise)
        form.addRow("", save)
        lay.addWidget(box)
        self.appraisal = QLabel("")
        self.appraisal.setWordWrap(True)
        lay.addWidget(self.appraisal)
        acts = QHBoxLayout()
        self.return_text = QLineEdit()
        self.return_text.setPlaceholderText(tr("Nhận xét khi trả lại, ví dụ: 7: thiếu sổ tiêm chủng"))
        acts.addWidget(self.return_text, 1)
        for text, slot in ((tr("Trả lại xã"), self.give_back), (tr("Trình Hội đồng xét duyệt"), self.to_council),
                           (tr("Công nhận"), lambda: self.decide(True)),
                           (tr("Không công nhận"), lambda: self.decide(False)),
                           (tr("Giấy báo ra USB…"), lambda: self.receipt_to_usb())):
            b = QPushButton(text)
            b.clicked.connect(slot)
            acts.addWidget(b)
        lay.addLayout(acts)
        self.status: QLabel = QLabel("")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)

    def load(self, code: str) -> None:
        self.code = code
        self.detail = district.unit_detail(self.ctx.ws, code)
        u, rounds, cur = self.detail["unit"], self.detail["rounds"], self.detail["current"]
        self.title.setText(f"{u['name']} ({u['code']})")
        state = district.STATES.get(cur["state"], "") if cur else tr("Chưa nhận hồ sơ")
        self.sub.setText(tr("Vòng {year}: {total} / {threshold} điểm — {state}").format(
            year=cur["year"], total=_pts(cur["total"]), threshold=_pts(cur["threshold"]), state=state)
            if cur else state)
        rs = district.area_ruleset(self.ctx.ws)
        self.criteria.setColumnCount(2 + len(rounds))
        self.criteria.setHorizontalHeaderLabels([tr("Tiêu chí"), tr("Tối đa")] + [str(r["year"]) for r in rounds])
        _fill(self.criteria, [[f"{c.id}. {c.name}", _pts(c.max)] + [_pts(r["criteria"].get(c.id)) for r in rounds]
                              for c in rs.criteria])
        self.criteria.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.evidence.clear()
        for e in (cur or {}).get("evidence", []):
            self.evidence.addItem(f"{e.get('criterion_id')}: {e.get('filename')}")
        if cur and not cur.get("evidence"):
            self.evidence.addItem(tr("(không có tệp minh chứng)"))
        self.indicator.clear()
        for iid, ind in rs.indicators.items():
            v = (cur or {}).get("values", {}).get(iid, {}).get("value")
            self.indicator.addItem(f"{iid} — {ind.label[:60]} ({district._show(v) if v is not None else '—'})", iid)
        ap = (cur or {}).get("appraisal", {})
        self.appraisal.setText("\n".join(
            f"{iid}: {tr('đồng ý') if a['verdict'] == 'agree' else tr('không đồng ý')}"
            f"{' — ' + a['comment'] if a['comment'] else ''}" for iid, a in ap.items()))
        self.minutes.setEnabled(bool((cur or {}).get("documents")))

    def _ref(self) -> str:
        cur = self.detail.get("current")
        if not cur:
            raise CffError(tr("đơn vị này chưa có hồ sơ."))
        return str(cur["sha256"])

    def _act(self, fn, done_text: str) -> None:
        try:
            fn()
        except CffError as e:
            say(self.status, error_text(e), error=True)
            return
        say(self.status, done_text)
        self.load(self.code)
        self.ctx.changed.emit("district")

    def appraise(self) -> None:
        self._act(lambda: district.appraise(self.ctx.ws, self._ref(), self.indicator.currentData(),
                                            self.verdict.currentData(), comment=self.comment.text(),
                                            corrected=self.corrected.text() or None, actor=self.ctx.actor),
                  tr("Đã ghi thẩm định."))

    def give_back(self) -> None:
        text = self.return_text.text()
        self._act(lambda: district.return_package(self.ctx.ws, self._ref(), [text] if text else [],
                                                  actor=self.ctx.actor), tr("Đã trả lại hồ sơ cho xã."))

    def receipt_to_usb(self, folder: str | None = None) -> None:
        """The return or decision as a signed receipt for a commune without a connection."""
        from PySide6.QtWidgets import QFileDialog

        from cff_desktop.services.receipts import export_receipt

        folder = folder or QFileDialog.getExistingDirectory(self, tr("Chọn ổ USB hoặc thư mục"))
        if not folder:
            return
        written: list = []
        self._act(lambda: written.append(export_receipt(self.ctx.ws, self._ref(), folder, actor=self.ctx.actor)),
                  tr("Đã ghi giấy báo cho xã vào USB."))
        self.last_receipt = written[0] if written else None

    def to_council(self) -> None:
        self._act(lambda: district.pass_to_council(self.ctx.ws, self._ref(), actor=self.ctx.actor),
                  tr("Đã trình Hội đồng xét duyệt."))

    def decide(self, ok: bool) -> None:
        reason = self.return_text.text()
        self._act(lambda: district.decide(self.ctx.ws, self._ref(), ok, reason=reason, actor=self.ctx.actor),
                  tr("Đã ghi kết luận của Hội đồng."))

    def show_minutes(self) -> None:
        from cff_desktop.ui.documents_page import PreviewDialog

        docs = (self.detail.get("current") or {}).get("documents") or []
        if docs:
            self.preview = PreviewDialog(Path(docs[0]), self)
            self.preview.show()


def _print_and_preview(page: QWidget, ctx: AppContext, kind: str, year: int, status: QLabel) -> None:
    from cff_desktop.services.district_print import render

    db, out = ctx.ws.paths.db, ctx.ws.paths.upper_papers

    def job(_p):
        with open_workspace(db) as ws:
            return render(ws, kind, out, year)

    def done(path: Path) -> None:
        from cff_desktop.ui.documents_page import PreviewDialog

        say(status, tr("Đã in ra {path}").format(path=path))
        page.preview = PreviewDialog(path, page)  # type: ignore[attr-defined]
        page.preview.show()  # type: ignore[attr-defined]

    run_in_background(job, done, lambda m: say(status, m, error=True), owner=page)


class DecisionPage(QWidget):
    """The decision's number and date, the review council, and the two papers to print."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        t = QLabel(tr("Hội đồng xét duyệt và Quyết định công nhận"))
        t.setObjectName("h1")
        lay.addWidget(t)
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setValue(district.latest_year(ctx.ws) or 2025)
        self.number = QLineEdit()
        self.number.setPlaceholderText("125/QĐ-UBND")
        self.date = QLineEdit()
        self.date.setPlaceholderText("2025-12-05")
        self.chair = QLineEdit()
        self.secretary = QLineEdit()
        self.members = QLineEdit()
        self.members.setPlaceholderText(tr("họ tên, chức vụ; cách nhau bằng dấu chấm phẩy"))
        for label, w in ((tr("Năm"), self.year), (tr("Số quyết định"), self.number), (tr("Ngày ký"), self.date),
                         (tr("Chủ tịch Hội đồng"), self.chair), (tr("Thư ký"), self.secretary),
                         (tr("Thành viên"), self.members)):
            form.addRow(label, w)
        lay.addLayout(form)
        row = QHBoxLayout()
        save = QPushButton(tr("Lưu"))
        save.clicked.connect(self.save)
        row.addWidget(save)
        for text, kind in ((tr("In biên bản Hội đồng xét duyệt"), "council-minutes"),
                           (tr("In Quyết định công nhận"), "decision")):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, k=kind: _print_and_preview(self, ctx, k, self.year.value(),
                                                                          self.status))
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.status: QLabel = QLabel("")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.year.valueChanged.connect(lambda _v: self.load())
        self.load()

    def load(self) -> None:
        d = district.get_decision(self.ctx.ws, self.year.value()) or {}
        c = d.get("council") or {}
        self.number.setText(d.get("number", ""))
        self.date.setText(d.get("signed_on", ""))
        self.chair.setText(c.get("chair", ""))
        self.secretary.setText(c.get("secretary", ""))
        self.members.setText("; ".join(c.get("members", [])))

    def save(self) -> None:
        council = {"chair": self.chair.text(), "secretary": self.secretary.text(),
                   "members": [m.strip() for m in self.members.text().split(";") if m.strip()]}
        try:
            district.set_decision(self.ctx.ws, self.year.value(), number=self.number.text(),
                                  signed_on=self.date.text(), council=council, actor=self.ctx.actor)
        except CffError as e:
            say(self.status, error_text(e), error=True)
            return
        say(self.status, tr("Đã lưu."))


class ReportPage(QWidget):
    """The round's figures as the level above asks for them, printable and exportable to Excel."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        head = QHBoxLayout()
        t = QLabel(tr("Báo cáo kết quả đánh giá, công nhận"))
        t.setObjectName("h1")
        head.addWidget(t)
        head.addStretch(1)
        head.addWidget(QLabel(tr("Năm")))
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setValue(district.latest_year(ctx.ws) or 2025)
        head.addWidget(self.year)
        pr = QPushButton(tr("In báo cáo"))
        pr.clicked.connect(lambda: _print_and_preview(self, ctx, "report", self.year.value(), self.status))
        head.addWidget(pr)
        xl = QPushButton(tr("Xuất Excel…"))
        xl.clicked.connect(self.export)
        head.addWidget(xl)
        lay.addLayout(head)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.cats = _table([tr("Loại đơn vị"), tr("Số đơn vị"), tr("Có hồ sơ"), tr("Tự đánh giá đạt"),
                            tr("Được công nhận"), tr("Tỷ lệ (%)")])
        self.cats.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cats.setMaximumHeight(130)
        lay.addWidget(self.cats)
        self.streaks = QLabel("")
        self.streaks.setWordWrap(True)
        lay.addWidget(self.streaks)
        self.status: QLabel = QLabel("")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.year.valueChanged.connect(lambda _v: self.load())
        ctx.changed.connect(lambda what: self.load() if what == "district" else None)
        self.load()

    def load(self) -> None:
        try:
            r = district_report.report(self.ctx.ws, self.year.value())
        except CffError as e:
            say(self.status, error_text(e), error=True)
            return
        text = tr("{units} đơn vị; {assessed} có hồ sơ; {passing} tự đánh giá đạt; {recognized} được công nhận "
                  "({rate} %).").format(units=r["units"], assessed=r["assessed"], passing=r["passing"],
                                        recognized=r["recognized"], rate=format_number(r["rate"], 2))
        if r["target"] is not None:
            text += " " + tr("Chỉ tiêu: {t} %.").format(t=format_number(r["target"], 1))
        if r["change"]:
            text += " " + tr("So với {y}: công nhận {d:+d}.").format(y=r["change"]["previous_round"],
                                                                    d=int(r["change"]["recognized"]))
        self.summary.setText(text)
        _fill(self.cats, [[b["label"], str(b["units"]), str(b["assessed"]), str(b["passing"]), str(b["recognized"]),
                           format_number(b["rate"], 2)] for b in r["by_category"].values()])
        self.streaks.setText(tr("Công nhận 3 năm liên tiếp: {three}. 5 năm liên tiếp: {five}.").format(
            three=", ".join(s["name"] for s in r["recognized_3_in_a_row"]) or "—",
            five=", ".join(s["name"] for s in r["recognized_5_in_a_row"]) or "—"))

    def export(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("Lưu bảng Excel"), f"bao-cao-{self.year.value()}.xlsx",
                                                  "Excel (*.xlsx)")
        if not path:
            return
        db, year = self.ctx.ws.paths.db, self.year.value()

        def job(_p):
            with open_workspace(db) as ws:
                return district_report.export_xlsx(ws, path, year)

        run_in_background(job, lambda p: say(self.status, tr("Đã xuất {path}").format(path=p)),
                          lambda m: say(self.status, m, error=True), owner=self)


class UpperShell(NavShell):
    """Navigation over the upper level's screens, the area's name on top."""

    def __init__(self, ctx: AppContext) -> None:
        area = district.get_area(ctx.ws)
        super().__init__(tr("{area} · cấp trên").format(area=area["name"]))
        self.ctx = ctx
        self.unit = UnitPage(ctx)
        self.inbox = InboxPage(ctx, self.open_unit)
        self._add("inbox", tr("Hộp thư hồ sơ"), self.inbox)
        self._add("unit", tr("Đơn vị"), self.unit)
        self._add("decision", tr("Quyết định"), DecisionPage(ctx))
        self._add("report", tr("Báo cáo"), ReportPage(ctx))
        self.nav.setCurrentRow(0)
        ctx.changed.connect(lambda what: self.inbox.reload() if what == "district" else None)

    def open_unit(self, code: str) -> None:
        self.unit.load(code)
        self.show_page("unit")


def upper_window(ctx: AppContext) -> QWidget:
    """The main window in upper-level mode (no commune sign-in: this machine holds no commune)."""
    from PySide6.QtWidgets import QMainWindow

    from cff_desktop import APP_TITLE

    win = QMainWindow()
    win.setWindowTitle(f"cff_desktop — {APP_TITLE}")
    win.resize(1280, 720)
    win.setMinimumSize(1024, 600)
    win.shell = UpperShell(ctx)  # type: ignore[attr-defined]
    win.setCentralWidget(win.shell)  # type: ignore[attr-defined]
    win.ctx = ctx  # type: ignore[attr-defined]
    # No officer signs in at the upper level yet: the audit names the area's signer and the area.
    from cff_desktop.services.district import get_area

    area = get_area(ctx.ws)
    ctx.default_actor = f"{area.get('signer_name') or 'Cán bộ cấp trên'} ({area.get('name', '')})"
    return win


__all__ = ["DecisionPage", "InboxPage", "ReportPage", "UnitPage", "UpperShell", "upper_window"]
