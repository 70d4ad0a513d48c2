"""The upper level's screens (district or province): inbox, one unit, decision, report.

The same window and services as the commune's, in another mode: an installation whose area is set
(``cff district init``) opens here instead of the commune's sign-in. Widgets stay thin: every
figure comes from :mod:`cff_desktop.services.district` and ``district_report``; imports, loading,
printing and the Excel export run off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
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
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.dates import parse_date, vn
from cff_desktop.common.errors import CffError
from cff_desktop.common.text import format_number, format_points
from cff_desktop.services import district, district_report
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op, run_in_background
from cff_desktop.ui.upper_inbox import InboxPage
from cff_desktop.ui.widgets import NavShell, say, scroll_page
from cff_desktop.ui.widgets import fill_table as _fill


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



def _teller(label: QLabel) -> Callable[..., None]:
    """``Op``'s ``say`` for a page whose outcomes go on one status label."""
    return lambda text, error=False: say(label, text, error)

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
        self.sub.setWordWrap(True)
        lay.addWidget(self.sub)
        self.warnings = QLabel("")
        self.warnings.setObjectName("warn")
        self.warnings.setWordWrap(True)
        self.warnings.setVisible(False)
        lay.addWidget(self.warnings)
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
        self.save_appraisal = QPushButton(tr("Ghi thẩm định"))
        self.save_appraisal.clicked.connect(self.appraise)
        form.addRow("", self.save_appraisal)
        lay.addWidget(box)
        self.appraisal = QLabel("")
        self.appraisal.setWordWrap(True)
        lay.addWidget(self.appraisal)
        acts = QHBoxLayout()
        self.return_text = QLineEdit()
        self.return_text.setPlaceholderText(tr("Nhận xét khi trả lại, hoặc lý do không công nhận / thu hồi / sửa"))
        self.return_text.setToolTip(self.return_text.placeholderText())  # the field is narrower than its hint
        acts.addWidget(self.return_text, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("return", tr("Trả lại xã"), self.give_back),
                                ("council", tr("Trình Hội đồng xét duyệt"), self.to_council),
                                ("recognise", tr("Công nhận"), lambda: self.decide(True)),
                                ("not_recognise", tr("Không công nhận"), lambda: self.decide(False)),
                                ("receipt", tr("Giấy báo ra USB…"), lambda: self.receipt_to_usb())):
            b = QPushButton(text)
            b.clicked.connect(slot)
            acts.addWidget(b)
            self.buttons[key] = b
        lay.addLayout(acts)
        fix = QHBoxLayout()
        fix.addWidget(QLabel(tr("Quyết định điều chỉnh số")))
        self.fix_number = QLineEdit()
        self.fix_number.setPlaceholderText("140/QĐ-UBND")
        fix.addWidget(self.fix_number)
        fix.addWidget(QLabel(tr("ngày")))
        self.fix_date = QLineEdit()
        self.fix_date.setPlaceholderText("20/12/2026")
        fix.addWidget(self.fix_date)
        for key, text, slot in (("revoke", tr("Thu hồi quyết định"), self.revoke),
                                ("correct", tr("Sửa quyết định"), self.correct),
                                ("held_accept", tr("Nhận gói đến sau"), lambda: self.held(True)),
                                ("held_dismiss", tr("Bỏ qua gói đến sau"), lambda: self.held(False))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            fix.addWidget(b)
            self.buttons[key] = b
        fix.addStretch(1)
        lay.addLayout(fix)
        self.status: QLabel = QLabel("")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)

    def load(self, code: str) -> None:
        self.code = code
        self.detail = district_report.unit_history(self.ctx.ws, code)
        u, rounds, cur = self.detail["unit"], self.detail["rounds"], self.detail["current"]
        life = ""
        if u.get("valid_from") or u.get("valid_to"):
            life = " · " + tr("tồn tại {a}–{b}").format(a=u.get("valid_from") or "…", b=u.get("valid_to") or "nay")
        preds = self.detail.get("predecessor_names") or {}
        if preds:
            life += " · " + tr("sáp nhập từ: {names}").format(names=", ".join(preds.values()))
        self.title.setText(f"{u['name']} ({u['code']})")
        state = district.STATES.get(cur["state"], "") if cur else tr("Chưa nhận hồ sơ")
        if cur:
            a = cur["appraised"]
            verdict = tr("Đạt") if a["passing"] else tr("Không đạt") + " — " + "; ".join(a["reasons"])
            self.sub.setText(tr("Vòng {year}: tự đánh giá {total} / {threshold} ({own}) · thẩm định {at} / {ath} "
                                "({verdict}) — {state}").format(
                year=cur["year"], total=_pts(cur["total"]), threshold=_pts(cur["threshold"]),
                own=tr("Đạt") if cur["passing"] else tr("Không đạt"), at=_pts(a["total"]),
                ath=_pts(a["threshold"]), verdict=verdict, state=state) + life)
        else:
            self.sub.setText(state + life)
        notes = list((cur or {}).get("warnings") or [])
        notes += [tr("Có gói gửi đến sau quyết định ({uuid}), chưa xem xét.").format(uuid=h["uuid"])
                  for h in self.detail.get("held") or []]
        notes += [tr("Quyết định {n} ({kind}): {reason}").format(
            n=k["number"], kind=tr("thu hồi") if k["kind"] == "revoke" else tr("sửa"), reason=k["reason"])
            for k in self.detail.get("corrections") or []]
        self.warnings.setText("\n".join(notes))
        self.warnings.setVisible(bool(notes))
        rs = district.area_ruleset(self.ctx.ws)
        heads = [str(r["year"]) if r.get("unit_code", u["code"]) == u["code"]
                 else f"{r['year']} ({r.get('unit_name', r.get('unit_code'))})" for r in rounds]
        appraised = cur["appraised"]["criteria"] if cur else {}
        self.criteria.setColumnCount(2 + len(rounds) + (1 if cur else 0))
        self.criteria.setHorizontalHeaderLabels([tr("Tiêu chí"), tr("Tối đa")] + heads
                                                + ([tr("Thẩm định {y}").format(y=cur["year"])] if cur else []))
        _fill(self.criteria, [[f"{c.id}. {c.name}", _pts(c.max)] + [_pts(r["criteria"].get(c.id)) for r in rounds]
                              + ([_pts(appraised.get(c.id))] if cur else []) for c in rs.criteria])
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
        def line(iid: str, a: dict[str, Any]) -> str:
            fixed = a["corrected"]
            return (f"{iid}: {tr('đồng ý') if a['verdict'] == 'agree' else tr('không đồng ý')}"
                    f"{' — ' + a['comment'] if a['comment'] else ''}"
                    + ("" if fixed is None else " — " + tr("số liệu thẩm định: {v}").format(v=district._show(fixed))))

        self.appraisal.setText("\n".join(line(iid, a) for iid, a in ap.items()
                                         if a["verdict"] == "disagree" or a["comment"])
            or (tr("Đã thống nhất số liệu ({n} chỉ số).").format(n=len(ap)) if ap else ""))
        self.minutes.setEnabled(bool((cur or {}).get("documents")))
        self._enable()

    def _enable(self) -> None:
        """Each button only when the dossier's state allows that step (the workflow table decides)."""
        from cff_desktop.ui.upper_inbox import allowed

        cur = self.detail.get("current") or {}
        row = {"state": cur.get("state", ""), "appraised_passing": (cur.get("appraised") or {}).get("passing")}
        self.save_appraisal.setEnabled(allowed(row, "appraise"))
        held = bool(self.detail.get("held"))
        for key, b in self.buttons.items():
            if key == "receipt":
                b.setEnabled(row["state"] in ("returned", "recognised", "not_recognised"))
            elif key == "held_accept":  # only once no decision stands on the current dossier
                b.setEnabled(held and allowed(row, "replace"))
            elif key == "held_dismiss":
                b.setEnabled(held)
            else:
                b.setEnabled(allowed(row, key))

    def held(self, accept: bool) -> None:
        """Act on the package that came after the decision (the oldest waiting one)."""
        from cff_desktop.services.district_decisions import act_on_held

        waiting = self.detail.get("held") or []
        if not waiting:
            return
        self._act(lambda: act_on_held(self.ctx.ws, waiting[0]["sha256"], accept, reason=self.return_text.text(),
                                      actor=self.ctx.actor),
                  tr("Đã nhận gói mới thay hồ sơ cũ.") if accept else tr("Đã bỏ qua gói đến sau, vẫn lưu lại."))

    def revoke(self) -> None:
        from cff_desktop.services.district_decisions import revoke_decision

        self._act(lambda: revoke_decision(self.ctx.ws, self._ref(), reason=self.return_text.text(),
                                          number=self.fix_number.text(), signed_on=self.fix_date.text(),
                                          actor=self.ctx.actor), tr("Đã thu hồi quyết định."))

    def correct(self) -> None:
        from cff_desktop.services.district_decisions import correct_decision

        now = (self.detail.get("current") or {}).get("state") != "recognised"
        self._act(lambda: correct_decision(self.ctx.ws, self._ref(), now, reason=self.return_text.text(),
                                           number=self.fix_number.text(), signed_on=self.fix_date.text(),
                                           actor=self.ctx.actor), tr("Đã sửa quyết định."))

    def _ref(self) -> str:
        cur = self.detail.get("current")
        if not cur:
            raise CffError(tr("đơn vị này chưa có hồ sơ."))
        return str(cur["sha256"])

    def _act(self, fn, done_text: str) -> None:
        if Op(self, lambda: (fn(), True)[1], say=_teller(self.status), ctx=self.ctx).success(
                lambda _r: done_text).run():
            self.load(self.code)
        self.ctx.changed.emit(Change.DISTRICT)

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
        self.date.setPlaceholderText("05/12/2025")
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
                           (tr("In Quyết định công nhận"), "decision"),
                           (tr("In quyết định điều chỉnh, thu hồi"), "correction")):
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
        self.date.setText(vn(d.get("signed_on", "")))
        self.chair.setText(c.get("chair", ""))
        self.secretary.setText(c.get("secretary", ""))
        self.members.setText("; ".join(c.get("members", [])))

    def save(self) -> None:
        council = {"chair": self.chair.text(), "secretary": self.secretary.text(),
                   "members": [m.strip() for m in self.members.text().split(";") if m.strip()]}
        Op(self, lambda: district.set_decision(self.ctx.ws, self.year.value(), number=self.number.text(),
                                               signed_on=parse_date(self.date.text(), tr("Ngày ký")).isoformat(),
                                               council=council, actor=self.ctx.actor),
           say=_teller(self.status), ctx=self.ctx).success(lambda _r: tr("Đã lưu.")).run()


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
                            tr("Thẩm định đạt"), tr("Được công nhận"), tr("Tỷ lệ (%)")])
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
        ctx.changed.connect(lambda what: self.load() if what == Change.DISTRICT else None)
        self.load()

    def load(self) -> None:
        r = Op(self, lambda: district_report.report(self.ctx.ws, self.year.value()), say=_teller(self.status),
               ctx=self.ctx).run()
        if r is None:
            return
        text = tr("{units} đơn vị; {assessed} có hồ sơ; {passing} tự đánh giá đạt; {appraised} đạt theo thẩm định; "
                  "{recognized} được công nhận ({rate} %).").format(
            units=r["units"], assessed=r["assessed"], passing=r["passing"], appraised=r["appraised_passing"],
            recognized=r["recognized"], rate=format_number(r["rate"], 2))
        if r["target"] is not None:
            text += " " + tr("Chỉ tiêu: {t} % — {met}.").format(
                t=format_number(r["target"], 1), met=tr("đạt") if r["meets_target"] else tr("chưa đạt"))
        else:
            text += " " + tr("Chưa đặt chỉ tiêu năm {y}.").format(y=r["round"])
        text += " " + tr("Chưa gửi: {m}; gửi muộn hoặc quá hạn: {l}; không công nhận: {n}; điều chỉnh quyết định: "
                         "{k}; khác loại danh sách: {w}.").format(
            m=len(r["missing"]), l=len(r["late"]), n=len(r["not_recognized"]), k=len(r["corrections"]),
            w=len(r["category_warnings"]))
        if r["change"]:
            text += " " + tr("So với {y}: công nhận {d:+d}.").format(y=r["change"]["previous_round"],
                                                                    d=int(r["change"]["recognized"]))
        self.summary.setText(text)
        _fill(self.cats, [[b["label"], str(b["units"]), str(b["assessed"]), str(b["passing"]),
                           str(b["appraised_passing"]), str(b["recognized"]), format_number(b["rate"], 2)]
                          for b in r["by_category"].values()])
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
        ctx.changed.connect(lambda what: self.inbox.reload() if what == Change.DISTRICT else None)

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
    from PySide6.QtWidgets import QStackedWidget

    from cff_desktop.services.district import get_area
    from cff_desktop.services.reviewers import has_reviewers

    win.shell = UpperShell(ctx)  # type: ignore[attr-defined]
    stack = QStackedWidget()
    win.signin = ReviewerSignIn(ctx, lambda: stack.setCurrentWidget(win.shell))  # type: ignore[attr-defined]
    stack.addWidget(win.signin)  # type: ignore[attr-defined]
    stack.addWidget(win.shell)  # type: ignore[attr-defined]
    win.setCentralWidget(stack)
    win.ctx = ctx  # type: ignore[attr-defined]
    # Until the area names its reviewers, the audit names the area's signer and the area.
    area = get_area(ctx.ws)
    ctx.default_actor = f"{area.get('signer_name') or 'Cán bộ cấp trên'} ({area.get('name', '')})"
    stack.setCurrentWidget(win.signin if has_reviewers(ctx.ws) else win.shell)  # type: ignore[attr-defined]
    return win


class ReviewerSignIn(QWidget):
    """Name + PIN of one of the area's reviewers, like the commune's sign-in; the audit then names them."""

    def __init__(self, ctx: AppContext, done) -> None:
        super().__init__()
        self.ctx, self.done = ctx, done
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        box = QFrame()
        box.setObjectName("card")
        box.setMaximumWidth(420)
        form = QFormLayout(box)
        t = QLabel(tr("Đăng nhập cán bộ thẩm định"))
        t.setObjectName("h2")
        form.addRow(t)
        self.who = QComboBox()
        from cff_desktop.services.reviewers import list_reviewers

        for r in list_reviewers(ctx.ws):
            self.who.addItem(f"{r['name']}" + (f" — {r['position']}" if r["position"] else ""), str(r["id"]))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.returnPressed.connect(self.sign_in)
        go = QPushButton(tr("Đăng nhập"))
        go.setObjectName("primary")
        go.clicked.connect(self.sign_in)
        form.addRow(tr("Cán bộ"), self.who)
        form.addRow(tr("Mã PIN"), self.pin)
        form.addRow("", go)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)

    def sign_in(self) -> None:
        from cff_desktop.services.reviewers import sign_in

        session = Op(self, lambda: sign_in(self.ctx.ws, self.who.currentData() or "", self.pin.text()),
                     say=_teller(self.status), ctx=self.ctx).run()
        self.pin.clear()  # the PIN never stays in the field, right or wrong
        if session is None:
            return
        self.ctx.sign_in(session)
        self.done()


__all__ = ["DecisionPage", "InboxPage", "ReportPage", "ReviewerSignIn", "UnitPage", "UpperShell", "upper_window"]
