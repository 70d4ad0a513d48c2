"""The report's narrative sections for the round, in the outline's order (services/report_texts.py).

A section this round has not written yet shows the latest earlier round's text, marked as carried
over, so the officer edits last year's words instead of starting blank.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from cff_desktop.services import report_texts
from cff_desktop.services.rounds import get_round
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say, scroll_page


class ReportTextsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = scroll_page(self)
        title = QLabel(tr("Nội dung tự viết của báo cáo kết quả tự đánh giá"))
        title.setObjectName("title")
        lay.addWidget(title)
        hint = QLabel(tr("Theo đề cương báo cáo của cấp trên. Số liệu (điểm, kinh phí, quyết định thành lập Hội đồng) "
                         "được điền sẵn; ở đây chỉ ghi phần nhận xét. Mục để trống in dòng chấm để viết tay."))
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.fields: dict[str, QPlainTextEdit] = {}
        self.origins: dict[str, QLabel] = {}
        for key, label in report_texts.labels().items():
            box = QGroupBox(label)
            v = QVBoxLayout(box)
            edit = QPlainTextEdit()
            edit.setFixedHeight(70)
            origin = QLabel()
            origin.setObjectName("hint")
            v.addWidget(edit)
            v.addWidget(origin)
            self.fields[key], self.origins[key] = edit, origin
            lay.addWidget(box)
        row = QHBoxLayout()
        self.save_button = QPushButton(tr("Lưu nội dung báo cáo"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        ctx.changed.connect(lambda what: self.reload() if what in ("setup", "round") else None)
        self.reload()

    def reload(self) -> None:
        rnd = get_round(self.ctx.ws)
        self._loaded = report_texts.round_texts(self.ctx.ws, rnd)
        for key, item in self._loaded.items():
            self.fields[key].setPlainText(item["value"])
            came = item["from"]
            self.origins[key].setText("" if came in (None, rnd.year) else
                                      tr("Mang sang từ năm {year}; sửa rồi lưu cho năm nay.").format(year=came))

    def save(self) -> None:
        changes = {k: w.toPlainText() for k, w in self.fields.items()
                   if w.toPlainText() != self._loaded[k]["value"] or self._loaded[k]["from"] is not None}

        def saved(_r: object) -> str:
            self.reload()
            return tr("Đã lưu nội dung báo cáo của vòng đánh giá.")

        Op(self, lambda: report_texts.set_texts(self.ctx.ws, changes, actor=self.ctx.actor),
           say=lambda text, error=False: say(self.status, text, error), ctx=self.ctx).success(saved) \
            .changes(Change.REPORT_TEXTS).run()
