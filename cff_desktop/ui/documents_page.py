"""Papers and packages: print (with preview), export the dossier to a USB stick, back up.

All three run in the background with a progress bar; the window stays responsive and shows the
outcome in words ("Đã ghi và kiểm tra xong").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.errors import CffError
from cff_desktop.services import maintenance, printing
from cff_desktop.services.rounds import get_round
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say


class PreviewDialog(QDialog):
    """Print preview: the PDF's pages as images; printing itself goes through the system viewer."""

    def __init__(self, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Xem trước: {name}").format(name=pdf.name))
        from cff_desktop.ui.widgets import fit_to_screen

        fit_to_screen(self, 820, 900)
        lay = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        pages = QVBoxLayout(body)
        self.images: list[QImage] = []
        for img in maintenance.preview(pdf, scale=1.1):
            q = QImage(img.rgbx, img.width, img.height, img.stride, QImage.Format.Format_RGBX8888).copy()
            self.images.append(q)
            lbl = QLabel()
            lbl.setPixmap(QPixmap.fromImage(q))
            lbl.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            pages.addWidget(lbl)
        scroll.setWidget(body)
        lay.addWidget(scroll)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("{n} trang").format(n=len(self.images))))
        row.addStretch(1)
        open_btn = QPushButton(tr("Mở để in"))
        open_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf))))
        row.addWidget(open_btn)
        close = QPushButton(tr("Đóng"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)


class DocumentsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("page")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        head = QLabel(tr("In văn bản, xuất hồ sơ, sao lưu"))
        head.setObjectName("h1")
        lay.addWidget(head)
        self.draft_note = QLabel()
        self.draft_note.setObjectName("warn")
        self.draft_note.setWordWrap(True)
        lay.addWidget(self.draft_note)

        pbox = QGroupBox(tr("In văn bản (PDF theo Nghị định 30/2020)"))
        pl = QGridLayout(pbox)
        self.kind_boxes: dict[str, QCheckBox] = {}
        for n, (kind, label) in enumerate(printing.kinds()):
            box = QCheckBox(tr(label))  # the paper's name in the window's language (the paper stays Vietnamese)
            box.setChecked(kind in ("minutes", "report", "proposal", "scores"))
            self.kind_boxes[kind] = box
            pl.addWidget(box, n // 2, n % 2)
        row = len(self.kind_boxes) // 2 + 1
        self.out_dir = QLineEdit(self._default_dir())
        browse = QPushButton(tr("Chọn thư mục…"))
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(QLabel(tr("Lưu vào")))
        out_row.addWidget(self.out_dir, 1)
        out_row.addWidget(browse)
        pl.addLayout(out_row, row, 0, 1, 2)
        # the office's register (sổ văn bản đi) gives the number; 0 = the app's counter
        self.number_box = QSpinBox()
        self.number_box.setRange(0, 99999)
        self.number_box.setSpecialValueText(tr("tự động"))
        self.number_box.setToolTip(tr("Số lấy theo sổ văn bản đi, cho một văn bản có số (quyết định, kế hoạch, "
                                      "biên bản, thông báo, báo cáo, tờ trình). Để \"tự động\" thì lấy số tiếp theo."))
        out_row.addWidget(QLabel(tr("Số theo sổ văn bản đi")))
        out_row.addWidget(self.number_box)
        self.evidence_box = QCheckBox(tr("Kèm minh chứng vào bộ hồ sơ"))
        self.print_button = QPushButton(tr("In các văn bản đã chọn"))
        self.print_button.setObjectName("primary")
        self.print_button.clicked.connect(lambda: self.print_selected())
        brow = QHBoxLayout()
        brow.addWidget(self.evidence_box)
        brow.addStretch(1)
        self.word_button = QPushButton(tr("Biên bản, báo cáo ra Word (.docx)"))
        self.word_button.setToolTip(tr("Bản Word để chỉnh câu chữ trước khi ký; bản PDF là bản chuẩn."))
        self.word_button.clicked.connect(lambda: self.print_selected(["minutes", "report"], "docx"))
        brow.addWidget(self.word_button)
        brow.addWidget(self.print_button)
        pl.addLayout(brow, row + 1, 0, 1, 2)
        self.printed = QListWidget()
        self.printed.setMaximumHeight(130)
        self.printed.itemDoubleClicked.connect(lambda it: self.preview(Path(it.data(Qt.ItemDataRole.UserRole))))
        pl.addWidget(self.printed, row + 2, 0, 1, 2)
        prow = QHBoxLayout()
        self.preview_button = QPushButton(tr("Xem trước"))
        self.preview_button.clicked.connect(lambda: self.preview(self._selected_pdf()))
        self.open_button = QPushButton(tr("Mở bằng chương trình xem PDF"))
        self.open_button.clicked.connect(self.open_selected)
        prow.addWidget(self.preview_button)
        prow.addWidget(self.open_button)
        prow.addStretch(1)
        pl.addLayout(prow, row + 3, 0, 1, 2)
        lay.addWidget(pbox)

        ubox = QGroupBox(tr("Xuất hồ sơ ra USB"))
        ul = QHBoxLayout(ubox)
        self.drives = QComboBox()
        self.drives.setMinimumWidth(280)
        refresh = QPushButton(tr("Tìm lại USB"))
        refresh.clicked.connect(self.refresh_drives)
        self.export_button = QPushButton(tr("Xuất hồ sơ ra USB"))
        self.export_button.setObjectName("primary")
        self.export_button.clicked.connect(self.export)
        ul.addWidget(self.drives, 1)
        ul.addWidget(refresh)
        ul.addWidget(self.export_button)
        lay.addWidget(ubox)

        bbox = QGroupBox(tr("Sao lưu dữ liệu"))
        bl = QHBoxLayout(bbox)
        self.backup_info = QLabel()
        self.backup_info.setObjectName("muted")
        self.backup_button = QPushButton(tr("Sao lưu ngay"))
        self.backup_button.clicked.connect(self.backup)
        bl.addWidget(self.backup_info, 1)
        bl.addWidget(self.backup_button)
        lay.addWidget(bbox)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.busy = 0
        ctx.changed.connect(lambda what: self.refresh() if what == Change.COUNCIL else None)
        self.refresh()
        self.refresh_drives()

    # -- state ------------------------------------------------------------------------------------
    def _default_dir(self) -> str:
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        rnd = get_round(self.ctx.ws)
        return str(Path(docs) / f"Hồ sơ xã phù hợp với trẻ em {rnd.year}")

    def refresh(self) -> None:
        rnd = get_round(self.ctx.ws)
        if rnd.closed:
            self.draft_note.setText(tr("Hội đồng đã kết thúc họp: văn bản in từ số liệu đã khóa, có số và ngày."))
        else:
            self.draft_note.setText(tr("Hội đồng chưa kết thúc họp: biên bản, thông báo, báo cáo, tờ trình in ra là "
                                       "DỰ THẢO (ghi trên mỗi trang), chưa có số; quyết định thành lập Hội đồng, kế "
                                       "hoạch và các phiếu in chính thức. Xuất hồ sơ ra USB cần hội đồng kết thúc họp "
                                       "trước."))
        self.export_button.setEnabled(rnd.closed and not self.busy)
        found = maintenance.backups(self.ctx.ws)
        self.backup_info.setText(tr("Bản sao lưu gần nhất: {name}").format(name=found[0].name) if found
                                 else tr("Chưa có bản sao lưu nào."))

    def refresh_drives(self) -> None:
        self.drives.clear()
        drives = Op(self, maintenance.removable_drives, say=self._say, ctx=self.ctx).run() or []
        for label, path in drives:
            self.drives.addItem(label, str(path))
        self.drives.addItem(tr("Chọn thư mục khác…"), "")

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, tr("Chọn thư mục lưu văn bản"), self.out_dir.text())
        if d:
            self.out_dir.setText(d)

    def _selected_pdf(self) -> Path | None:
        it = self.printed.currentItem()
        return Path(it.data(Qt.ItemDataRole.UserRole)) if it else None

    def _start(self, text: str) -> None:
        self.busy += 1
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        for b in (self.print_button, self.export_button, self.backup_button):
            b.setEnabled(False)
        self._say(text)

    def _finish(self) -> None:
        self.busy -= 1
        self.progress.setVisible(False)
        self.print_button.setEnabled(True)
        self.backup_button.setEnabled(True)
        self.refresh()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _background(self, job, on_done) -> None:
        """Run ``job(progress)`` off the UI thread: a refusal or a bug ends as a sentence on the status line."""
        Op(self, job, say=self._say, ctx=self.ctx).success(on_done).failure(lambda _m: self._finish()) \
            .run_in_background(self._progress)

    # -- actions ----------------------------------------------------------------------------------
    def print_selected(self, wanted: list[str] | None = None, fmt: str = "pdf") -> None:
        wanted = wanted or [k for k, b in self.kind_boxes.items() if b.isChecked()]
        if not wanted:
            self._say(tr("Chọn ít nhất một loại văn bản."), error=True)
            return
        number = self.number_box.value() or None
        numbered = [k for k in wanted if k in printing.TYPE_CODES]
        if number is not None and (len(wanted) != 1 or len(numbered) != 1):
            self._say(tr("Số theo sổ văn bản đi dùng cho một văn bản có số: chỉ chọn một văn bản đó "
                         "(hoặc để ô số là \"tự động\")."), error=True)
            return
        db, out, actor = self.ctx.ws.paths.db, Path(self.out_dir.text()), self.ctx.actor
        include = self.evidence_box.isChecked()

        def job(progress):
            done: list[tuple[str, Path]] = []
            errors: list[str] = []
            with open_workspace(db) as ws:
                for n, kind in enumerate(wanted):
                    try:
                        p = printing.render_printed(ws, kind, out, include_evidence=include and kind == "dossier",
                                                    actor=actor, fmt=fmt, number=number)
                        done += [(x.kind, x.path) for x in (*p.also, p)]  # cited papers printed first
                    except CffError as e:
                        errors.append(f"{dict(printing.kinds())[kind]}: {e.message}")
                    progress(n + 1, len(wanted))
            return done, errors

        self._start(tr("Đang in {n} văn bản…").format(n=len(wanted)))
        self._background(job, self._printed)

    def _printed(self, result: tuple[list[tuple[str, Path]], list[str]]) -> None:  # says its own outcome
        self._finish()
        done, errors = result
        labels = {k: tr(v) for k, v in printing.kinds()}
        for kind, path in done:
            item = QListWidgetItem(f"{labels[kind]} — {path.name}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.printed.addItem(item)
        if done:
            self.printed.setCurrentRow(self.printed.count() - 1)
        if errors:
            self._say(tr("Chưa in được: ") + "; ".join(errors), error=True)
        else:
            self.number_box.setValue(0)  # a register number is for one paper only
            self._say(tr("Đã in {n} văn bản vào {dir}.").format(n=len(done), dir=done[0][1].parent if done else ""))

    def preview(self, pdf: Path | None) -> PreviewDialog | None:
        if pdf is None:
            self._say(tr("Chọn một văn bản đã in trong danh sách."), error=True)
            return None
        if pdf.suffix.lower() != ".pdf":  # a Word copy opens in the word processor
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))
            return None
        dlg = Op(self, lambda: PreviewDialog(pdf, self), say=self._say, ctx=self.ctx).run()
        if dlg is None:
            return None
        dlg.show()
        self.last_preview = dlg
        return dlg

    def open_selected(self) -> None:
        pdf = self._selected_pdf()
        if pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))

    def export(self, target: str | None = None) -> None:
        from cff_desktop.services.packages import export_package

        target = target or self.drives.currentData()
        if not target:
            target = QFileDialog.getExistingDirectory(self, tr("Chọn ổ USB hoặc thư mục"))
            if not target:
                return
        db, actor = self.ctx.ws.paths.db, self.ctx.actor
        from cff_desktop.services.upper_key import check_unencrypted_export, export_plan

        plan = export_plan(self.ctx.ws)
        if not plan.encrypted and not self.confirm_unencrypted(plan.question()):
            self._say(tr("Chưa ghi hồ sơ. Nhập khóa của cấp trên trong Thiết lập → Khóa cấp trên rồi xuất lại."),
                      error=True)
            return
        confirmed = not plan.encrypted

        def job(progress):
            with open_workspace(db) as ws:
                check_unencrypted_export(ws, confirmed=confirmed)
                return export_package(ws, target, kind="dossier", actor=actor, progress=progress)

        self._start(tr("Đang ghi hồ sơ ra {t}…").format(t=target))
        self._background(job, self._exported)

    def _exported(self, result) -> None:
        self._finish()
        self.last_export = result
        enc = (tr("mã hóa cho cấp trên, khóa {fp}").format(fp=result.recipient_fingerprint)
               if getattr(result, "encrypted", False) else tr("KHÔNG MÃ HÓA"))
        self._say(tr("Đã ghi và kiểm tra xong ({enc}): {p}").format(enc=enc, p=getattr(result, "path", result)))

    def confirm_unencrypted(self, question: str) -> bool:
        """Ask before an unencrypted dossier leaves the machine; "Hủy" is the default answer."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, tr("Hồ sơ sẽ không được mã hóa"), question,
                          parent=self)
        go = box.addButton(tr("Vẫn ghi, không mã hóa"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(tr("Hủy"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        self.last_question = box
        box.exec()
        return box.clickedButton() is go

    def backup(self) -> None:
        db = self.ctx.ws.paths.db

        def job(progress):
            with open_workspace(db) as ws:
                return maintenance.backup_now(ws)

        self._start(tr("Đang sao lưu…"))
        self._background(job, self._backed_up)

    def _backed_up(self, path: Path) -> None:
        self._finish()
        self._say(tr("Đã sao lưu vào {p}").format(p=path))
