"""The clerk's sync panel: "Gửi hồ sơ", the outbox with progress, receipts and decisions.

Every exchange with the server runs in the background (ui/ops): the window never waits for a
2G link. The panel also tries by itself once a minute while something is due, and while a
package waits for its next try it pings the inbox (cheap, no login) and sends at once when it
answers, so a dossier goes up when a connection appears without anyone pressing a button.
"Gửi ngay" sends whatever the schedule. The window and ``cff sync`` share one sender lock; while
either sends, the table is redrawn every two seconds from the sync service's ``status`` (the
same figures as ``cff sync status --json``): this module only draws it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cff_desktop.common.text import format_number
from cff_desktop.services import sync
from cff_desktop.services.workspace import open_workspace
from cff_desktop.ui.changes import Change
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.ops import Op, run_in_background
from cff_desktop.ui.widgets import say

AUTO_SECONDS = 60
LIVE_MS = 2000


def _size(n: float) -> str:
    if n >= 1_000_000:
        return f"{format_number(n / 1e6, 1)} MB"
    return f"{format_number(n / 1e3, 0)} kB"


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("page")
        self.busy = 0
        self._speed: tuple[float, int] | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        head = QLabel(tr("Gửi hồ sơ lên cấp trên"))
        head.setObjectName("h1")
        lay.addWidget(head)
        self.server_label = QLabel()
        self.server_label.setObjectName("muted")
        self.server_label.setWordWrap(True)
        lay.addWidget(self.server_label)

        self.enrol_box = QGroupBox(tr("Đăng ký với máy chủ của cấp trên"))
        el = QHBoxLayout(self.enrol_box)
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("https://…:8765")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("ABCD-EFGH-JKLM")
        self.enrol_button = QPushButton(tr("Đăng ký"))
        self.enrol_button.clicked.connect(self.enrol)
        el.addWidget(QLabel(tr("Địa chỉ")))
        el.addWidget(self.server_edit, 2)
        el.addWidget(QLabel(tr("Mã đăng ký")))
        el.addWidget(self.code_edit, 1)
        el.addWidget(self.enrol_button)
        lay.addWidget(self.enrol_box)

        row = QHBoxLayout()
        self.submit_button = QPushButton(tr("Gửi hồ sơ"))
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit)
        self.sync_button = QPushButton(tr("Gửi ngay"))
        self.sync_button.setToolTip(tr("Gửi ngay mọi gói đang chờ, không đợi đến giờ thử lại; rồi lấy quyết định "
                                       "và bộ tiêu chí mới của cấp trên."))
        self.sync_button.clicked.connect(lambda: self.sync_now(manual=True))
        row.addWidget(self.submit_button)
        row.addWidget(self.sync_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        self.live = QLabel()
        self.live.setObjectName("muted")
        lay.addWidget(self.live)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("Gói"), tr("Kích thước"), tr("Đã gửi"), tr("Tốc độ"),
                                              tr("Trạng thái")])
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        lay.addWidget(self.table, 2)

        dbox = QGroupBox(tr("Quyết định và bộ tiêu chí từ cấp trên"))
        dl = QVBoxLayout(dbox)
        self.decisions = QListWidget()
        self.decisions.setWordWrap(True)
        dl.addWidget(self.decisions)
        rrow = QHBoxLayout()
        self.rulesets = QLabel()
        self.rulesets.setWordWrap(True)
        self.install_button = QPushButton(tr("Cài bộ tiêu chí mới"))
        self.install_button.clicked.connect(self.install)
        rrow.addWidget(self.rulesets, 1)
        rrow.addWidget(self.install_button)
        dl.addLayout(rrow)
        lay.addWidget(dbox, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._auto)
        self.timer.start(AUTO_SECONDS * 1000)
        self.live_timer = QTimer(self)  # redraws from the outbox while someone sends
        self.live_timer.timeout.connect(self._live_tick)
        self.live_timer.start(LIVE_MS)
        self._probing = False
        ctx.changed.connect(lambda what: self.refresh() if what in (Change.COUNCIL, Change.SYNC) else None)
        self.refresh()

    # -- drawing -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        st = sync.status(self.ctx.ws)
        self.state = st
        if st["enrolled"]:
            self.server_label.setText(tr("Máy chủ: {url} — dấu vân tay khóa {fp}").format(
                url=st["server"], fp=st["server_fingerprint"]))
        else:
            self.server_label.setText(tr("Máy này chưa đăng ký với máy chủ của cấp trên: nhập địa chỉ và mã đăng "
                                         "ký cấp trên đọc cho, rồi bấm Đăng ký."))
        self.enrol_box.setVisible(not st["enrolled"])
        idle = not self.busy
        self.submit_button.setEnabled(idle and st["enrolled"])
        self.sync_button.setEnabled(idle and st["enrolled"])
        self.enrol_button.setEnabled(idle)
        self.table.setRowCount(len(st["outbox"]))
        for i, o in enumerate(st["outbox"]):
            speed = f"{_size(o['speed_bps'])}/s" if o["speed_bps"] else ""
            cells = [o["uuid"][:8], _size(o["size"]), _size(o["sent"]), speed, o["text"]]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        sending = [o for o in st["outbox"] if o["state"] == "sending"]
        if sending:  # the line under the bar says exactly what the table's row says
            self.live.setText(sending[0]["text"])
            if not self.busy:  # another program sends: show its progress here too
                self.live.setText(tr("{who} đang gửi. {text}").format(who=st["sender"], text=sending[0]["text"]))
        elif not self.busy:
            self.live.setText("")
        if st.get("device_key_message"):
            self.server_label.setText(self.server_label.text() + "\n" + st["device_key_message"])
        self.decisions.clear()
        for d in st["decisions"]:
            self.decisions.addItem(sync.decision_text(d))
        waiting = [r for r in st["rulesets"] if not r["installed"]]
        self.rulesets.setText("; ".join(tr("Bộ tiêu chí {id} phiên bản {v} (chữ ký đã kiểm tra)").format(
            id=r["id"], v=r["version"]) for r in waiting) or tr("Không có bộ tiêu chí mới."))
        self.install_button.setVisible(bool(waiting))

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)

    def _start(self, text: str) -> None:
        self.busy += 1
        self._speed = None
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.live.setText("")
        self._say(text)
        self.refresh()

    def _finish(self) -> None:
        self.busy -= 1
        self.progress.setVisible(False)
        self.live.setText("")
        self.refresh()
        self.ctx.changed.emit(Change.SYNC)

    def _progress(self, done: int, total: int) -> None:
        try:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            now = time.monotonic()
            if self._speed is None or now - self._speed[0] >= 1.0:
                self._speed = (now, done)
                self.refresh()  # bytes, speed and time left exactly as the outbox has them
        except RuntimeError:  # the page was closed (officer switched) while sending
            pass

    def _live_tick(self) -> None:
        """While this window or another program sends, redraw from the outbox every 2 s."""
        try:
            if self.busy or (self.isVisible() and (self.state.get("sender") or sync.sender(self.ctx.ws))):
                self.refresh()
        except RuntimeError:
            pass

    def _failed(self, message: str) -> None:
        try:
            self._finish()
            self._say(message, error=True)
        except RuntimeError:
            pass

    def _passed(self, report: sync.PassReport, prefix: str = "") -> None:
        try:
            self._finish()
        except RuntimeError:
            return
        if report.auth_error:
            self._say(report.auth_error, error=True)
        elif report.busy:
            self._say(prefix + report.busy)
        elif report.delivered:
            d = report.delivered[-1]
            self._say(prefix + tr("Đã nhận lúc {t}, mã tiếp nhận {id}.").format(
                t=sync.local_time(d["received_at"]), id=d["receipt_id"]))
        elif report.failed:
            self._say(prefix + tr("Chưa gửi xong; hồ sơ vẫn trong hộp thư đi và sẽ được gửi lại."), error=True)
        else:
            self._say(prefix + tr("Không có gì cần gửi."))

    # -- actions ----------------------------------------------------------------------------------
    def _job(self, fn):
        db = self.ctx.ws.paths.db

        def job(progress):
            with open_workspace(db) as ws:
                return fn(ws, lambda uuid, sent, total, speed: progress(sent, total))

        return job

    def enrol(self) -> None:
        url, code = self.server_edit.text(), self.code_edit.text()
        actor = self.ctx.actor
        self._start(tr("Đang đăng ký với máy chủ…"))
        def done(cfg: Any) -> None:
            self._finish()
            self._say(tr("Đã đăng ký. Dấu vân tay khóa máy chủ: {fp} — đối chiếu với cấp trên.").format(
                fp=cfg.fingerprint))

        run_in_background(self._job(lambda ws, p: sync.enrol(ws, url, code, actor=actor)), done, self._failed)

    def submit(self) -> None:
        """"Gửi hồ sơ": queue the council's dossier, then send everything due."""
        actor = self.ctx.actor

        def work(ws, progress):
            sync.submit(ws, actor=actor)
            sync.retry_now(ws)
            return sync.sync_once(ws, progress=progress)

        self._start(tr("Đang đóng gói và gửi hồ sơ…"))
        run_in_background(self._job(work), self._passed, self._failed, self._progress)

    def sync_now(self, manual: bool = False) -> None:
        """"Gửi ngay" (``manual``): every pending package is due now, whatever its schedule; a
        ``cff sync`` already sending sees that within seconds and goes at once."""
        def work(ws, progress):
            if manual:
                sync.retry_now(ws)
            return sync.sync_once(ws, progress=progress)

        self._start(tr("Đang gửi lên cấp trên…") if manual else tr("Đang đồng bộ với cấp trên…"))
        run_in_background(self._job(work), self._passed, self._failed, self._progress)

    def _auto(self) -> None:
        """Try on our own when something is due; while a package waits for its next try, ping the
        inbox (cheap) and send at once if it answers (a connection may have appeared)."""
        if self.busy or self._probing or not self.state.get("enrolled") or self.state.get("sender"):
            return
        nxt = sync.next_due(self.ctx.ws)
        if nxt is None:
            return
        if nxt <= datetime.now(UTC):
            self.sync_now()
            return
        self._probing = True

        def probe(ws, progress):
            return sync.probe(ws)

        def done(reachable: bool) -> None:
            self._probing = False
            try:
                if reachable and not self.busy:
                    sync.retry_now(self.ctx.ws)
                    self.sync_now()
            except RuntimeError:
                pass

        def failed(message: str) -> None:
            self._probing = False

        run_in_background(self._job(probe), done, failed)

    def install(self) -> None:
        waiting = [r for r in self.state.get("rulesets", []) if not r["installed"]]

        def install_all() -> bool:
            for r in waiting:
                sync.install_ruleset(self.ctx.ws, r["sha256"], actor=self.ctx.actor)
            return True

        if Op(self, install_all, say=self._say, ctx=self.ctx).success(
                lambda _r: tr("Đã cài bộ tiêu chí mới; các vòng đánh giá đã có vẫn giữ bộ tiêu chí cũ.")).run():
            self.refresh()

    def describe_row(self, i: int) -> dict[str, Any]:
        return self.state["outbox"][i]
