"""The upper level's inbox: every unit of the round at a glance, sorted, filtered, worked on in batches.

A reviewer with 150 communes must see who is missing, late, failing or waiting for appraisal
without opening anything: a table model over the rows of
:func:`cff_desktop.services.district_report.inbox_rows` (self-assessed and appraised side by side),
a :class:`QSortFilterProxyModel` for sorting and the filters, colours per state, a count per state,
and batch actions on the selection. A batch button is enabled only when every selected dossier's
state allows that step in the workflow table (and, for recognising, its appraised result passes);
each unit still goes through the single-unit service call, so nothing is checked twice differently.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.text import format_points, nfc
from cff_desktop.services import district, district_report
from cff_desktop.services.dashboard import vn_date
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op, run_in_background
from cff_desktop.ui.remedies import ui_hint
from cff_desktop.ui.widgets import say

MISSING = "missing"  # the state filter's key for "no dossier yet"

# Background per state: grey = nothing yet, amber = waiting for the reviewer, blue = before the
# council, green/red = decided, violet = sent back to the commune.
STATE_COLOURS = {
    MISSING: "#eceff3", "received": "#fff4e0", "verified": "#fff4e0", "under_appraisal": "#fde8c8",
    "returned": "#efe6fb", "council": "#dde9f8", "recognised": "#dcf1e2", "not_recognised": "#fbe3e1",
}
FAIL_TEXT = "#b42318"
SHORT_CATEGORY = {"urban_ward": "Phường", "mountain_island_disadvantaged": "Miền núi, khó khăn", "other": "Khác"}
COLUMNS = ["Mã", "Đơn vị", "Loại", "Tự đánh giá", "Thẩm định", "Trạng thái", "Ngày nhận", "Lưu ý"]
NOTES_COLUMN = 7

# Batch action → the workflow action that must be allowed for every selected dossier.
BATCH_ACTIONS = {"agree": "appraise", "council": "council", "recognise": "recognise",
                 "not_recognise": "not_recognise"}


def allowed(row: dict[str, Any], action: str) -> bool:
    """Whether the workflow table lets ``action`` (a key of BATCH_ACTIONS or of the table) run on the row."""
    table = district.TRANSITIONS
    step = BATCH_ACTIONS.get(action, action)
    if not row.get("state") or step not in table:
        return False
    ok = row["state"] in table[step][0]
    if step == "recognise":
        ok = ok and bool(row.get("appraised_passing"))
    return ok


def notes(row: dict[str, Any]) -> str:
    """The row's "Lưu ý": late, category warning, a package held after the decision, the reason."""
    out = []
    if row.get("late"):
        out.append(tr("Gửi muộn") if row.get("assessed") else tr("Quá hạn, chưa gửi"))
    if row.get("warnings"):
        out.append(tr("Khác loại danh sách"))
    if row.get("held_after_decision"):
        out.append(tr("Có gói đến sau quyết định"))
    if row.get("reason"):
        out.append(tr("Lý do: {r}").format(r=row["reason"]))
    elif row.get("assessed") and not row.get("appraised_passing") and row.get("failing_reasons"):
        out.append("; ".join(row["failing_reasons"]))
    return " · ".join(out)


def _result(total: Any, threshold: Any, ok: bool, has: bool) -> str:
    """"1.000 / 850 — Đạt": points, the threshold and the verdict in one cell."""
    if not has:
        return "—"
    return f"{format_points(total)} / {format_points(threshold)} — {tr('Đạt') if ok else tr('Không đạt')}"


class InboxModel(QAbstractTableModel):
    """The rows as the table shows them; texts and sort keys computed once per load, not per paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self._text: list[list[str]] = []
        self._key: list[list[Any]] = []
        self._bg: list[QBrush] = []
        self._failing: list[tuple[bool, bool]] = []
        self._brushes = {k: QBrush(QColor(v)) for k, v in STATE_COLOURS.items()}
        self._fail = QBrush(QColor(FAIL_TEXT))

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._text, self._key, self._bg, self._failing = [], [], [], []
        for r in rows:
            has = bool(r["assessed"])
            self._text.append([
                r["code"], r["name"], tr(SHORT_CATEGORY.get(r["category"], r["category"])),
                _result(r["total"], r["threshold"], r["passing"], has),
                _result(r["appraised_total"], r["appraised_threshold"], r["appraised_passing"], has),
                tr(r["state_label"]), vn_date(r["received_at"] or ""), notes(r)])
            self._key.append([r["code"], r["name"], r["category"], r["total"] if has else -1,
                              r["appraised_total"] if has else -1, r["state_label"], r["received_at"] or "",
                              self._text[-1][-1]])
            self._bg.append(self._brushes.get(r["state"] or MISSING, self._brushes[MISSING]))
            self._failing.append((has and not r["passing"], has and not r["appraised_passing"]))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[r][c]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._bg[r]
        if role == Qt.ItemDataRole.ForegroundRole and c in (3, 4) and self._failing[r][c - 3]:
            return self._fail
        if role == Qt.ItemDataRole.UserRole:
            return self._key[r][c]
        if role == Qt.ItemDataRole.ToolTipRole and c == NOTES_COLUMN:
            row = self.rows[r]
            return "\n".join(row["warnings"] + row["failing_reasons"] + row["return_comments"]) or None
        return None


class InboxFilter(QSortFilterProxyModel):
    """Sort on the raw values (numbers as numbers) and keep the rows the filters let through."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.state = ""  # "" all | MISSING | a state key
        self.result = ""  # "" | pass | fail (appraised)
        self.category = ""
        self.only_missing = self.only_late = self.only_warnings = False
        self.text = ""  # part of the code or name, any case

    def set_filters(self, **kw: Any) -> None:
        modern = hasattr(self, "beginFilterChange")  # Qt ≥ 6.10; invalidateFilter() before (deprecated since)
        if modern:
            self.beginFilterChange()
        for k, v in kw.items():
            setattr(self, k, v)
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        r = self.sourceModel().rows[source_row]  # type: ignore[attr-defined]
        if self.state and (r["state"] or MISSING) != self.state:
            return False
        if self.result and (not r["assessed"] or r["appraised_passing"] != (self.result == "pass")):
            return False
        if self.category and r["category"] != self.category:
            return False
        if self.only_missing and r["assessed"]:
            return False
        if self.only_late and not r["late"]:
            return False
        if self.text and self.text not in r["code"] and self.text not in r["name"].casefold():
            return False
        return not (self.only_warnings and not (r["warnings"] or r["held_after_decision"]))


def refusal_text(r: district.Received) -> str:
    """Why a package was refused, in the window's terms.

    The service's wording for an unknown signer names the command line's ``--trust-fingerprint``;
    here the officer trusts a signer with the dialog shown while importing, so say that instead.
    """
    if r.error != "unknown_key" or not r.fingerprint:
        return r.reason + ui_hint(r.remedy)
    return tr("Gói tự nhận là của {name} (mã {code}) được ký bằng máy chưa đăng ký, dấu vân tay {fp}; chưa tin "
              "máy này nên chưa nhập. Gọi điện cho xã để so dấu vân tay; nếu khớp, nhập lại gói và chọn "
              "\"Tin máy này\".").format(name=r.claimed.get("name") or tr("(không ghi tên)"),
                                        code=r.claimed.get("code") or tr("không có mã"), fp=r.fingerprint)


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
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setObjectName("muted")
        lay.addWidget(self.counts)
        filt = QHBoxLayout()
        self.state_filter = QComboBox()
        self.state_filter.addItem(tr("Mọi trạng thái"), "")
        self.state_filter.addItem(tr("Chưa nhận"), MISSING)
        for k, v in district.STATES.items():
            self.state_filter.addItem(tr(v), k)
        self.result_filter = QComboBox()
        self.result_filter.addItem(tr("Mọi kết quả thẩm định"), "")
        self.result_filter.addItem(tr("Thẩm định đạt"), "pass")
        self.result_filter.addItem(tr("Thẩm định không đạt"), "fail")
        self.category_filter = QComboBox()
        self.category_filter.addItem(tr("Mọi loại"), "")
        for k, v in SHORT_CATEGORY.items():
            self.category_filter.addItem(tr(v), k)
        self.missing_box = QCheckBox(tr("Chưa gửi"))
        self.late_box = QCheckBox(tr("Gửi muộn / quá hạn"))
        self.warn_box = QCheckBox(tr("Có cảnh báo"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Tìm theo mã hoặc tên…"))
        for w in (self.state_filter, self.result_filter, self.category_filter, self.missing_box, self.late_box,
                  self.warn_box):
            filt.addWidget(w)
        filt.addWidget(self.search, 1)
        lay.addLayout(filt)
        self.model = InboxModel()
        self.proxy = InboxFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((58, 140, 135, 160, 170, 130, 86)):
            self.table.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)
        acts = QHBoxLayout()
        self.selected = QLabel("")
        acts.addWidget(self.selected)
        acts.addStretch(1)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Lý do không công nhận (bắt buộc)"))
        self.reason.setMinimumWidth(220)
        self.reason.setToolTip(self.reason.placeholderText())  # the hint is cut at narrow widths
        self.batch: dict[str, QPushButton] = {}
        for key, text in (("agree", tr("Thống nhất số liệu")), ("council", tr("Trình Hội đồng")),
                          ("recognise", tr("Công nhận")), ("not_recognise", tr("Không công nhận"))):
            if key == "not_recognise":
                acts.addWidget(self.reason)
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, k=key: self.run_batch(k))
            acts.addWidget(b)
            self.batch[key] = b
        self.receipts = QPushButton(tr("In giấy báo ra USB…"))
        self.receipts.clicked.connect(lambda: self.receipts_to(None))
        acts.addWidget(self.receipts)
        lay.addLayout(acts)
        self.status = QLabel(tr("Đang tải…"))
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.loaded = False
        self.state_filter.currentIndexChanged.connect(self._filters)
        self.result_filter.currentIndexChanged.connect(self._filters)
        self.category_filter.currentIndexChanged.connect(self._filters)
        for box in (self.missing_box, self.late_box, self.warn_box):
            box.toggled.connect(self._filters)
        self.search.textChanged.connect(lambda t: self.proxy.set_filters(text=nfc(t).strip().casefold()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        latest = ctx.ws.store.one("SELECT MAX(year) AS y FROM received_package")
        self.year.setValue(int(latest["y"]) if latest and latest["y"] else 2025)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self._enable()
        self.reload()

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.model.rows

    def _filters(self, *_a: Any) -> None:
        self.proxy.set_filters(state=self.state_filter.currentData(), result=self.result_filter.currentData(),
                               category=self.category_filter.currentData(), only_missing=self.missing_box.isChecked(),
                               only_late=self.late_box.isChecked(), only_warnings=self.warn_box.isChecked())
        self._enable()

    def selected_rows(self) -> list[dict[str, Any]]:
        picked = self.table.selectionModel().selectedRows()
        return [self.model.rows[self.proxy.mapToSource(i).row()] for i in picked]

    def _enable(self) -> None:
        """Each batch button only when every selected dossier may take that step now."""
        sel = self.selected_rows()
        for key, b in self.batch.items():
            b.setEnabled(bool(sel) and all(allowed(r, key) for r in sel))
        self.receipts.setEnabled(bool(sel) and all(r["state"] in ("returned", "recognised", "not_recognised")
                                                   for r in sel))
        self.selected.setText(tr("Đã chọn {n} đơn vị").format(n=len(sel)) if sel else "")

    def _open(self, index: QModelIndex) -> None:
        self.open_unit(self.model.rows[self.proxy.mapToSource(index).row()]["code"])

    def reload(self) -> None:
        """Read the inbox off the UI thread (150 units × 5 rounds must not freeze the window)."""
        db, year = self.ctx.ws.paths.db, self.year.value()
        self.loaded = False

        def job(_progress):
            with open_workspace(db) as ws:
                return district_report.inbox_rows(ws, year), district_report.reminders(ws)

        run_in_background(job, self._show, lambda m: say(self.status, m, error=True), owner=self)

    def _show(self, result: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        rows, rem = result
        self.model.set_rows(rows)
        self._filters()
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["state"] or MISSING] = counts.get(r["state"] or MISSING, 0) + 1
        labels = {MISSING: tr("Chưa nhận")} | {k: tr(v) for k, v in district.STATES.items()}
        parts = [f"{labels[k]}: {counts[k]}" for k in labels if counts.get(k)]
        late = sum(1 for r in rows if r["late"])
        failing = sum(1 for r in rows if r["assessed"] and not r["appraised_passing"])
        warn = sum(1 for r in rows if r["warnings"] or r["held_after_decision"])
        self.counts.setText(" · ".join(parts) + "   |   " + tr(
            "Thẩm định không đạt: {f} · Gửi muộn/quá hạn: {l} · Có cảnh báo: {w}").format(f=failing, l=late, w=warn))
        got = sum(1 for r in rows if r["state"])
        self.status.setText(tr("{got}/{n} đơn vị đã gửi hồ sơ").format(got=got, n=len(rows))
                            + (f" — {self.last_import}" if getattr(self, "last_import", "") else ""))
        self.reminders.setText("  ".join(tr("Hạn: {label} — còn {days} ngày ({due}).").format(
            label=r["label"], days=r["days_left"], due=vn_date(str(r["due"]))) for r in rem))
        self.loaded = True

    def run_batch(self, key: str) -> None:
        """Apply one step to the selection, each unit on its own; say what was done and what was left."""
        from cff_desktop.services.district_batch import apply_to

        sel = self.selected_rows()
        reason = self.reason.text().strip()
        if key == "not_recognise" and not reason:
            say(self.status, tr("Ghi lý do không công nhận trước."), error=True)
            return
        out = Op(self, lambda: apply_to(self.ctx.ws, [r["sha256"] for r in sel], key, reason=reason,
                                        actor=self.ctx.actor),
                 say=lambda text, error=False: say(self.status, text, error), ctx=self.ctx).run()
        if out is None:
            return
        text = tr("Đã làm cho {n} đơn vị.").format(n=len(out.done))
        if out.skipped:
            text += " " + tr("Để nguyên {n} đơn vị: {first}").format(
                n=len(out.skipped), first=f"{out.skipped[0]['name']} — {out.skipped[0]['reason']}")
        say(self.status, text, error=bool(out.skipped))
        self.ctx.changed.emit(Change.DISTRICT)

    def receipts_to(self, folder: str | None) -> None:
        """Signed receipts (return or decision) for the selected communes without a connection."""
        from cff_desktop.common.errors import CffError
        from cff_desktop.services.receipts import export_receipt

        folder = folder or QFileDialog.getExistingDirectory(self, tr("Chọn ổ USB hoặc thư mục"))
        if not folder:
            return
        done, bad = 0, []
        for r in self.selected_rows():
            try:
                export_receipt(self.ctx.ws, r["sha256"], folder, actor=self.ctx.actor)
                done += 1
            except CffError as e:
                bad.append(f"{r['name']}: {e.message}")
        say(self.status, tr("Đã ghi {n} giấy báo.").format(n=done) + (" " + bad[0] if bad else ""), error=bool(bad))

    def _run_import(self, fn, retry=None) -> None:
        """Run an import off the UI thread; ``retry(fingerprints)`` re-runs it trusting the signers
        the officer confirmed (each unknown signer is asked about, with its fingerprint and commune)."""
        db = self.ctx.ws.paths.db
        say(self.status, tr("Đang nhập và kiểm tra…"))

        def job(progress):
            with open_workspace(db) as ws:
                return fn(ws, progress)

        def done(res: list[district.Received]) -> None:
            unknown = {r.fingerprint: r.claimed for r in res if r.error == "unknown_key" and r.fingerprint}
            confirmed = [fp for fp, claimed in unknown.items() if retry and self.confirm_signer(fp, claimed)]
            if confirmed and retry:
                retry(confirmed)
                return
            ok = sum(r.status == "imported" for r in res)
            bad = [r for r in res if r.status == "refused"]
            text = tr("Đã nhập {ok} gói; {bad} gói bị từ chối.").format(ok=ok, bad=len(bad))
            if bad:
                text += " " + refusal_text(bad[0])
            say(self.status, text, error=bool(bad))
            self.last_import = text  # kept on the status line when the table reloads
            self.reload()
            self.ctx.changed.emit(Change.DISTRICT)

        run_in_background(job, done, lambda m: say(self.status, m, error=True),
                          lambda d, t: self.status.setText(tr("Đã kiểm tra {d}/{t} gói").format(d=d, t=t)),
                          owner=self)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn USB hoặc thư mục chứa gói hồ sơ"))
        if folder:
            self.import_from(folder)

    def import_from(self, folder: str, trusted: tuple[str, ...] = ()) -> None:
        def retry(more: list[str]) -> None:
            self.import_from(folder, (*trusted, *more))

        self._run_import(lambda ws, p: district.import_path(ws, folder, trust_fingerprints=trusted, progress=p),
                         retry if not trusted else None)

    def confirm_signer(self, fingerprint: str, claimed: dict[str, Any]) -> bool:
        """Ask about one unknown signer: trust it for the commune it claims only after a phone check."""
        name = claimed.get("name") or tr("(không ghi tên)")
        code = claimed.get("code") or tr("không có mã")
        text = tr("Có gói hồ sơ tự nhận là của {name} (mã {code}), ký bằng một máy chưa đăng ký:\n\n"
                  "Dấu vân tay: {fp}\n\nGọi điện cho xã, đề nghị đọc dấu vân tay trên máy của xã (mục Gửi "
                  "hồ sơ / `cff keys show`). Chỉ chọn \"Tin máy này\" khi từng ký tự khớp; máy này sẽ chỉ được "
                  "ký cho {name}.").format(name=name, code=code, fp=fingerprint)
        box = QMessageBox(QMessageBox.Icon.Question, tr("Máy ký chưa đăng ký"), text, parent=self)
        yes = box.addButton(tr("Tin máy này"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Không tin"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def import_server(self) -> None:
        self._run_import(lambda ws, p: district.import_inbox(ws, progress=p))


__all__ = ["InboxFilter", "InboxModel", "InboxPage", "allowed", "refusal_text"]
