"""The budget of child work: one line per activity, planned and spent, by source (services/budget.py).

The window names the field at fault in its own words ("Dự toán: số tiền không được âm"), keeps what
was typed after a refusal, and shows a spent amount above the plan as a warning beside the totals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import format_dong, format_number
from cff_desktop.services import budget
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import fill_table, say, scroll_page


def _field_labels() -> dict[str, str]:
    return {"--activity": tr("Hoạt động"), "--source": tr("Nguồn kinh phí"), "--planned": tr("Dự toán"),
            "--spent": tr("Đã chi"), "--note": tr("Ghi chú")}


def _named(fn: Callable[[], Any]) -> Callable[[], Any]:
    """The service's refusal with the window's name of the field in front of it."""
    def run() -> Any:
        try:
            return fn()
        except BadInput as e:
            label = _field_labels().get(e.where or "")
            if label is None:
                raise
            raise BadInput(f"{label}: {e.message}", e.where) from None
    return run


class BudgetPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        title = QLabel(tr("Kinh phí công tác trẻ em của vòng đánh giá"))
        title.setObjectName("title")
        lay.addWidget(title)
        lay.addWidget(QLabel(tr("Số tiền ghi bằng đồng, số tròn (ví dụ 3.690.000.000). Kế hoạch, báo cáo và "
                                "minh chứng chỉ tiêu 1.4 lấy số liệu từ bảng này.")))
        box = QGroupBox(tr("Thêm dòng kinh phí"))
        form = QFormLayout(box)
        self.activity = QLineEdit()
        self.activity.setPlaceholderText(tr("ví dụ: Tổ chức truyền thông, tuyên truyền"))
        self.source = QComboBox()
        for code, label in budget.SOURCES.items():
            self.source.addItem(tr(label), code)
        self.planned = QLineEdit()
        self.spent = QLineEdit()
        self.note = QLineEdit()
        for w in (self.planned, self.spent):
            w.setPlaceholderText("0")
        form.addRow(tr("Hoạt động"), self.activity)
        form.addRow(tr("Nguồn kinh phí"), self.source)
        form.addRow(tr("Dự toán (đồng)"), self.planned)
        form.addRow(tr("Đã chi (đồng)"), self.spent)
        form.addRow(tr("Ghi chú"), self.note)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Thêm dòng"))
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(tr("Xóa dòng đã chọn"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button = QPushButton(tr("Nhập từ Excel…"))
        self.import_button.clicked.connect(lambda: self.import_sheet())
        self.export_button = QPushButton(tr("Xuất ra Excel…"))
        self.export_button.clicked.connect(lambda: self.export_sheet())
        for b in (self.add_button, self.remove_button, self.import_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        lay.addWidget(box)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("Hoạt động"), tr("Nguồn kinh phí"), tr("Dự toán"), tr("Đã chi"),
                                              tr("Ghi chú")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(220)
        lay.addWidget(self.table)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        lay.addWidget(self.totals)
        self.warnings = QLabel()
        self.warnings.setObjectName("error")
        self.warnings.setWordWrap(True)
        lay.addWidget(self.warnings)
        lay.addStretch(1)
        self._ids: list[int] = []
        ctx.changed.connect(lambda what: self.reload() if what in ("budget", "setup", "round") else None)
        self.reload()

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)

    def reload(self) -> None:
        view = budget.budget_view(self.ctx.ws)
        self._ids = [b["id"] for b in view["lines"]]
        fill_table(self.table, [[b["activity"], tr(b["source_label"]), format_number(b["planned"]),
                                 format_number(b["spent"]), b["note"]] for b in view["lines"]])
        s = view["summary"]
        parts = [tr("{label}: dự toán {planned}, đã chi {spent}").format(
            label=tr(x["label"]), planned=format_dong(x["planned"]), spent=format_dong(x["spent"]))
            for x in s["by_source"] if x["planned"] or x["spent"]]
        self.totals.setText(tr("Tổng dự toán {planned}; đã chi {spent}.").format(
            planned=format_dong(s["planned"]), spent=format_dong(s["spent"])) + ("\n" + "\n".join(parts)
                                                                                 if parts else ""))
        self.warnings.setText("\n".join(view["warnings"]))

    def add(self) -> None:
        def added(result: tuple[budget.BudgetLine, list[str]]) -> str:
            line, warnings = result
            for w in (self.activity, self.planned, self.spent, self.note):
                w.clear()
            self.reload()
            text = tr("Đã thêm dòng «{a}».").format(a=line.activity)
            return text + (" " + tr("Cảnh báo: đã chi vượt dự toán; kiểm tra lại.") if warnings else "")

        Op(self, _named(lambda: budget.add_line(
            self.ctx.ws, activity=self.activity.text(), source=str(self.source.currentData()),
            planned=self.planned.text(), spent=self.spent.text(), note=self.note.text(), actor=self.ctx.actor)),
           say=self._say, ctx=self.ctx).success(added).changes(Change.BUDGET).run()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._ids):
            self._say(tr("Chọn một dòng trong bảng rồi bấm «Xóa dòng đã chọn»."), True)
            return
        line_id = self._ids[row]

        def removed(old: budget.BudgetLine) -> str:
            self.reload()
            return tr("Đã xóa dòng «{a}».").format(a=old.activity)

        Op(self, lambda: budget.remove_line(self.ctx.ws, line_id, actor=self.ctx.actor), say=self._say,
           ctx=self.ctx).success(removed).changes(Change.BUDGET).run()

    def import_sheet(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("Nhập bảng kinh phí"), "", "Excel (*.xlsx)")
            if not path:
                return
        chosen = path

        def imported(view: dict[str, Any]) -> str:
            self.reload()
            return tr("Đã nhập {n} dòng kinh phí (thay các dòng cũ).").format(n=len(view["lines"]))

        Op(self, lambda: budget.import_xlsx(self.ctx.ws, chosen, actor=self.ctx.actor), say=self._say,
           ctx=self.ctx).success(imported).changes(Change.BUDGET).run()

    def export_sheet(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Xuất bảng kinh phí"), "kinh-phi.xlsx", "Excel (*.xlsx)")
            if not path:
                return
        chosen = path
        Op(self, lambda: budget.export_xlsx(self.ctx.ws, chosen), say=self._say, ctx=self.ctx) \
            .success(lambda p: tr("Đã xuất bảng kinh phí: {p}").format(p=p)).run()
