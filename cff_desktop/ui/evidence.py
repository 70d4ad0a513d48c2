"""Evidence (minh chứng) of one criterion: attach by dialog or drag-and-drop, preview, open, remove.

Attaching reads and downscales the file off the UI thread (a 4 MB photo takes a noticeable moment
on an old laptop); the list updates when the background job reports back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from cff_desktop.common.errors import CffError
from cff_desktop.common.text import format_number
from cff_desktop.services.evidence import attach, list_evidence, remove
from cff_desktop.services.evidence_view import evidence_bytes, viewer_copy
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say


def _size(n: int) -> str:
    return f"{format_number(n / 1024, 0)} kB" if n < 1_000_000 else f"{format_number(n / 1e6, 1)} MB"


class EvidencePanel(QGroupBox):
    def __init__(self, ctx: AppContext, criterion_id: str) -> None:
        super().__init__(tr("Minh chứng (ảnh chụp, bản quét, bảng tính)"))
        self.ctx = ctx
        self.cid = criterion_id
        self.setAcceptDrops(True)
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(130)
        self.list.currentItemChanged.connect(lambda *_: self.preview())
        left.addWidget(self.list)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton(tr("Đính kèm tệp…"))
        self.attach_button.clicked.connect(lambda: self.attach_files())
        self.open_button = QPushButton(tr("Mở"))
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton(tr("Gỡ bỏ"))
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.attach_button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left.addLayout(buttons)
        self.hint = QLabel(tr("Kéo thả tệp vào đây, hoặc bấm “Đính kèm tệp…”. Ảnh được thu nhỏ "
                              "(cạnh dài tối đa 1.600 điểm ảnh); tệp tối đa 200 MB."))
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        left.addWidget(self.hint)
        self.message = QLabel()
        self.message.setWordWrap(True)
        left.addWidget(self.message)
        lay.addLayout(left, 3)
        self.thumb = QLabel()
        self.thumb.setFixedSize(180, 140)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setObjectName("card")
        lay.addWidget(self.thumb, 1)
        self.busy = 0
        self.editable = True
        self.reload()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.attach_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.setAcceptDrops(editable)

    def reload(self) -> None:
        self.list.clear()
        for row in list_evidence(self.ctx.ws, self.cid):
            item = QListWidgetItem(f"{row['filename']} · {_size(row['size'])} · {row['officer'] or ''}")
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, row["mime"])
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(self.list.count() - 1)
        else:
            self.thumb.setText(tr("Chưa có minh chứng"))

    def _say(self, text: str, error: bool = False) -> None:
        say(self.message, text, error)

    # -- attach -----------------------------------------------------------------------------------
    def attach_files(self, paths: list[str] | None = None) -> None:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, tr("Chọn tệp minh chứng"))
        if not paths or not self.editable:
            return
        db, officer, cid = self.ctx.ws.paths.db, self.ctx.officer_ref, self.cid

        def job(progress):
            done = []
            with open_workspace(db) as ws:
                for n, p in enumerate(paths):
                    try:
                        done.append(attach(ws, cid, p, officer)["filename"])
                    except CffError as e:
                        return done, f"{Path(p).name}: {e.message}"
                    progress(n + 1, len(paths))
            return done, ""

        self.busy += 1
        self._say(tr("Đang đính kèm {n} tệp…").format(n=len(paths)))
        Op(self, job, say=self._say, ctx=self.ctx).success(self._attached).failure(self._failed).run_in_background()

    def _attached(self, result: tuple[list[str], str]) -> None:  # says its own outcome
        self.busy -= 1
        done, error = result
        self.reload()
        if error:
            self._say(error, error=True)
        else:
            self._say(tr("Đã đính kèm: {names}").format(names=", ".join(done)))
        self.ctx.changed.emit(Change.EVIDENCE)

    def _failed(self, _message: str) -> None:  # Op has shown the message
        self.busy -= 1

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editable and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.attach_files(paths)
            event.acceptProposedAction()

    # -- view, open, remove -----------------------------------------------------------------------
    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def preview(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        mime = item.data(Qt.ItemDataRole.UserRole + 1) or ""
        if mime.startswith("image/"):
            pix = QPixmap()
            data = Op(self, lambda: evidence_bytes(self.ctx.ws, item.data(Qt.ItemDataRole.UserRole)),
                      say=lambda text, error=False: self.thumb.setText(text), ctx=self.ctx).run()
            if data is None:
                return
            pix.loadFromData(data)
            self.thumb.setPixmap(pix.scaled(self.thumb.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        else:
            self.thumb.setText(tr("Tệp {kind}\nbấm “Mở” để xem").format(kind=mime.split("/")[-1].upper()[:12]))

    def open_selected(self) -> None:
        eid = self._selected()
        if eid is None:
            return
        path = Op(self, lambda: viewer_copy(self.ctx.ws, eid), say=self._say, ctx=self.ctx).run()
        if path is None:
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def remove_selected(self) -> None:
        eid = self._selected()
        if eid is None:
            return
        def removed(_r: object) -> str:
            self.reload()
            return tr("Đã gỡ minh chứng (vẫn lưu trong nhật ký).")

        Op(self, lambda: remove(self.ctx.ws, eid, self.ctx.officer_ref), say=self._say, ctx=self.ctx) \
            .success(removed).changes(Change.EVIDENCE).run()
