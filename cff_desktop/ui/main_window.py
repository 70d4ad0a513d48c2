"""The main window: sign-in, then a navigation bar over the clerk's or the officer's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QPushButton,
    QStackedWidget,
)

from cff_desktop import APP_TITLE
from cff_desktop.services.profile import get_setting
from cff_desktop.services.signin import Session
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.i18n import tr
from cff_desktop.ui.signin import SignInPage
from cff_desktop.ui.widgets import NavShell, fit_to_screen

BACKUP_DELAY_MS = 3000
# What the screens after sign-in need, imported while the officer types the PIN (see _warm_up).
WARM_UP = ("cff_desktop.ui.dashboard", "cff_desktop.ui.entry", "cff_desktop.ui.criterion_page",
           "cff_desktop.ui.evidence")


def _warm_up() -> None:
    """Import the post-sign-in screens' code in a background thread.

    Nothing is created, only modules loaded, so the sign-in screen paints without waiting for
    them and the dashboard does not wait for them either: reading a name and typing a PIN takes
    longer than the imports.
    """
    import importlib
    import threading

    def run() -> None:
        for name in WARM_UP:
            try:
                importlib.import_module(name)
            except Exception:  # the import is retried, and reported, when the screen is built
                return

    threading.Thread(target=run, name="cff-warm-up", daemon=True).start()
_INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)

if TYPE_CHECKING:
    from cff_desktop.ui.setup import SetupPage


class _IdleWatcher(QObject):
    """Restarts the idle timer on any keyboard or mouse input anywhere in the application.

    It filters every event of the application, each a call into Python, so it is installed only
    while the idle lock runs (someone signed in, lock enabled) and removed when the window locks
    or closes; a closed window watching input would also cost every other window.
    """

    def __init__(self, timer: QTimer, parent: QObject) -> None:
        # A child of the window: when the window goes, Qt removes this filter from the
        # application with it (a filter left behind would touch a deleted timer).
        super().__init__(parent)
        self.timer = timer
        self.installed = False

    def watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self.installed:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self.installed = on

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # The cheap test first: this filter sees every event of the application, and reading an
        # event's type from Python costs more than asking whether the lock timer runs at all.
        if self.timer.isActive() and event.type() in _INPUT:
            self.timer.start()
        return False


def _page(key: str, ctx: AppContext):
    """The clerk's screens beyond the dashboard, imported and built on first use."""
    if key == "council":
        from cff_desktop.ui.council import CouncilPage

        return CouncilPage(ctx)
    if key == "documents":
        from cff_desktop.ui.documents_page import DocumentsPage

        return DocumentsPage(ctx)
    if key == "report_texts":
        from cff_desktop.ui.report_texts_page import ReportTextsPage

        return ReportTextsPage(ctx)
    if key == "budget":
        from cff_desktop.ui.budget_page import BudgetPage

        return BudgetPage(ctx)
    if key == "sync":
        from cff_desktop.ui.sync_page import SyncPage

        return SyncPage(ctx)
    from cff_desktop.ui.setup import SetupPage

    return SetupPage(ctx)


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
        from cff_desktop.ui.dashboard import DashboardPage  # loaded after the sign-in screen painted
        from cff_desktop.ui.entry import EntryPage

        self.entry = EntryPage(ctx)
        if session.is_clerk:
            self.dashboard = DashboardPage(ctx)
            self.dashboard.open_criterion.connect(self.open_criterion)
            self.dashboard.go_to.connect(self.show_page)
            self._add("dashboard", tr("Tổng quan"), self.dashboard)
            self._add("entry", tr("Nhập số liệu"), self.entry)
            # Built when first opened: printing, packaging and sync code load only then.
            self._add_lazy("council", tr("Hội đồng"), lambda: _page("council", ctx))
            self._add_lazy("documents", tr("In ấn và hồ sơ"), lambda: _page("documents", ctx))
            self._add_lazy("budget", tr("Kinh phí"), lambda: _page("budget", ctx))
            self._add_lazy("report_texts", tr("Nội dung báo cáo"), lambda: _page("report_texts", ctx))
            self._add_lazy("sync", tr("Gửi lên cấp trên"), lambda: _page("sync", ctx))
            self._add_lazy("setup", tr("Thiết lập"), lambda: _page("setup", ctx))
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
        self.setMinimumSize(1024, 600)
        fit_to_screen(self, 1280, 720)  # a 1024×600 netbook keeps room for its taskbar
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
        self.backup_result: object = None
        # A moment after the window shows, so the copy does not compete with the first paint
        # and the sign-in (the timer dies with the window if it closes sooner).
        QTimer.singleShot(BACKUP_DELAY_MS, self, self._start_daily_backup)
        QTimer.singleShot(0, _warm_up)

    def _start_daily_backup(self) -> None:
        """A daily safety copy, made off the UI thread so the window opens at once."""
        from cff_desktop.services.maintenance import daily_backup
        from cff_desktop.services.workspace import open_workspace
        from cff_desktop.ui.ops import run_in_background

        db = self.ctx.ws.paths.db

        def job(_progress):
            with open_workspace(db) as ws:
                return daily_backup(ws)

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
            self._watcher.watch(True)

    def lock(self) -> None:
        """Back to sign-in (switch officer or idle lock); pending edits are saved first."""
        self.idle.stop()
        self._watcher.watch(False)
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
        self.idle.stop()
        self._watcher.watch(False)
        event.accept()


