"""The main window: sign-in, then a navigation bar over the clerk's or the officer's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QPushButton,
    QStackedWidget,
)

from cff_desktop import APP_TITLE
from cff_desktop.services.profile import get_setting
from cff_desktop.services.signin import Session
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.dashboard import DashboardPage
from cff_desktop.ui.entry import EntryPage
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.signin import SignInPage
from cff_desktop.ui.widgets import NavShell

if TYPE_CHECKING:
    from cff_desktop.ui.setup import SetupPage


class _IdleWatcher(QObject):
    """Restarts the idle timer on any keyboard or mouse input anywhere in the application."""

    def __init__(self, timer: QTimer, parent: QObject) -> None:
        # A child of the window: when the window goes, Qt removes this filter from the
        # application with it (a filter left behind would touch a deleted timer).
        super().__init__(parent)
        self.timer = timer

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            if self.timer.isActive():
                self.timer.start()
        return False


class Shell(NavShell):
    """Navigation on the left, the chosen screen on the right, who is signed in on top."""

    def __init__(self, ctx: AppContext, session: Session) -> None:
        super().__init__(tr("{name} · {position}").format(name=session.officer["name"],
                                                           position=session.officer["position"]))
        self.ctx = ctx
        self.about_button = QPushButton(tr("Giới thiệu"))
        self.about_button.clicked.connect(self.show_about)
        self.topbar.addWidget(self.about_button)
        self.switch_button = QPushButton(tr("Đổi cán bộ"))
        self.topbar.addWidget(self.switch_button)
        self.entry = EntryPage(ctx)
        if session.is_clerk:
            from cff_desktop.ui.council import CouncilPage
            from cff_desktop.ui.setup import SetupPage

            self.dashboard = DashboardPage(ctx)
            self.dashboard.open_criterion.connect(self.open_criterion)
            self._add("dashboard", tr("Tổng quan"), self.dashboard)
            self._add("entry", tr("Nhập số liệu"), self.entry)
            self._add("council", tr("Hội đồng"), CouncilPage(ctx))
            from cff_desktop.ui.documents_page import DocumentsPage

            self._add("documents", tr("In ấn và hồ sơ"), DocumentsPage(ctx))
            from cff_desktop.ui.sync_page import SyncPage

            self._add("sync", tr("Gửi lên cấp trên"), SyncPage(ctx))
            self._add("setup", tr("Thiết lập"), SetupPage(ctx))
            self.entry.import_ruleset_requested.connect(self.import_ruleset)
        else:
            self._add("entry", tr("Tiêu chí của tôi"), self.entry)
        self.nav.setCurrentRow(0)

    def show_about(self) -> None:
        from cff_desktop.ui.about import AboutDialog

        self.about = AboutDialog(self.ctx.ws, self)
        self.about.show()

    def import_ruleset(self, path: str | None = None) -> None:
        """From a provisional criterion's banner to Set-up → Round, where the import lives."""
        setup = cast("SetupPage", self.show_page("setup"))
        setup.setCurrentWidget(setup.round)
        setup.round.import_ruleset(path)

    def open_criterion(self, cid: str) -> None:
        self.show_page("entry")
        self.entry.show_criterion(cid)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"cff_desktop — {APP_TITLE}")
        self.resize(1280, 720)
        self.setMinimumSize(1024, 600)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.signin = SignInPage(ctx)
        self.signin.signed_in.connect(self.on_signed_in)
        self.stack.addWidget(self.signin)
        self.shell: Shell | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self._watcher = _IdleWatcher(self.idle, self)
        from PySide6.QtWidgets import QApplication

        cast(QApplication, QApplication.instance()).installEventFilter(self._watcher)
        self._start_daily_backup()

    def _start_daily_backup(self) -> None:
        """A daily safety copy, made off the UI thread so the window opens at once."""
        from cff_desktop.services.maintenance import daily_backup
        from cff_desktop.services.workspace import open_workspace
        from cff_desktop.ui.ops import run_in_background

        db = self.ctx.ws.paths.db

        def job(_progress):
            with open_workspace(db) as ws:
                return daily_backup(ws)

        self.backup_result: object = None
        run_in_background(job, lambda p: setattr(self, "backup_result", p or "skipped"),
                          lambda msg: setattr(self, "backup_result", f"error: {msg}"), owner=self)

    def on_signed_in(self, session: Session) -> None:
        self.ctx.sign_in(session)
        if self.shell is not None:
            self.stack.removeWidget(self.shell)
            self.shell.deleteLater()
        self.shell = Shell(self.ctx, session)
        self.shell.switch_button.clicked.connect(self.lock)
        self.stack.addWidget(self.shell)
        self.stack.setCurrentWidget(self.shell)
        minutes = int(get_setting(self.ctx.ws, "idle_lock_minutes") or 0)
        if minutes > 0:
            self.idle.start(minutes * 60_000)

    def lock(self) -> None:
        """Back to sign-in (switch officer or idle lock); pending edits are saved first."""
        self.idle.stop()
        if self.shell is not None:
            self.shell.entry.flush()
            self.stack.removeWidget(self.shell)
            self.shell.deleteLater()
            self.shell = None
        self.ctx.sign_out()
        self.signin.reload()
        self.stack.setCurrentWidget(self.signin)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.shell is not None:
            self.shell.entry.flush()
        event.accept()


