"""``cff-desktop``: start the window (or render every main screen to PNG with ``--screenshot``).

Only one copy may hold a database: a second copy says so and exits instead of racing the first
one's writes. A data folder that cannot be opened (removed USB drive, newer database) gets a
screen that says what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, cast

from cff_desktop import APP_TITLE, __version__


def _error_window(message: str):
    from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

    win = QMainWindow()
    win.setWindowTitle(f"cff_desktop — {APP_TITLE}")
    body = QWidget()
    body.setObjectName("page")
    lay = QVBoxLayout(body)
    title = QLabel("Chưa mở được dữ liệu")
    title.setObjectName("h1")
    text = QLabel(message)
    text.setWordWrap(True)
    lay.addWidget(title)
    lay.addWidget(text)
    lay.addStretch(1)
    win.setCentralWidget(body)
    win.resize(760, 360)
    return win


def _sentence(msg: str) -> str:
    return msg[:1].upper() + msg[1:]


def _after_first_run(first: Any, db: str | None) -> None:
    """The installation is set up: open its usual window in place of the first-run one."""
    first.next_window = build_window(db)
    first.next_window.show()
    first.close()


def build_window(db: str | None = None):
    """The main window over the database, or an explanation of why it cannot open."""
    from cff_desktop.common.errors import CffError
    from cff_desktop.services.rounds import get_round
    from cff_desktop.services.workspace import open_workspace
    from cff_desktop.ui.context import AppContext
    from cff_desktop.ui.main_window import MainWindow

    try:
        from cff_desktop.services.first_run import needs_first_run

        if needs_first_run(db):
            from cff_desktop.ui.first_run import FirstRunWindow

            first = FirstRunWindow(db)
            first.finished.connect(lambda: _after_first_run(first, db))
            return first
        ws = open_workspace(db)
        from cff_desktop.services.mode import is_upper

        if is_upper(ws):  # the upper level's mode of the same app (cff district init)
            from cff_desktop.ui.upper import upper_window

            return upper_window(AppContext(ws))
        get_round(ws)
    except CffError as e:
        where = f"\n\n({e.where})" if e.where else ""
        return _error_window(_sentence(e.message) + where)
    win = MainWindow(AppContext(ws))
    return win


def acquire_instance_lock(db_path: Path):
    """A lock file beside the database; returns the lock, or None when another copy holds it."""
    from PySide6.QtCore import QLockFile

    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return "no-folder"  # nothing to lock: the window explains the missing data folder
    lock = QLockFile(str(db_path) + ".lock")
    lock.setStaleLockTime(0)
    if not lock.tryLock(100):
        return None
    return lock


def screenshots(out_dir: Path, db: str | None = None) -> list[Path]:
    """Render every main screen of the current database to PNG files in ``out_dir``."""
    from PySide6.QtWidgets import QApplication

    from cff_desktop.services.officers import assignments, list_officers
    from cff_desktop.services.signin import Session
    from cff_desktop.ui.main_window import MainWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    app = cast(QApplication, QApplication.instance())
    win = build_window(db)
    win.resize(1366, 768)
    win.show()
    written: list[Path] = []

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        path = out_dir / f"{len(written) + 1:02d}-{name}.png"
        win.grab().save(str(path))
        written.append(path)

    from cff_desktop.ui.upper import UpperShell

    shell = getattr(win, "shell", None)
    if isinstance(shell, UpperShell):  # the upper level's mode: every page, and the first unit
        import time

        deadline = time.monotonic() + 20
        while not getattr(shell.inbox, "loaded", True) and time.monotonic() < deadline:
            app.processEvents()
        shot("cap-tren-hop-thu")
        rows = getattr(shell.inbox, "rows", [])
        if rows:
            shell.open_unit(rows[0]["code"])
            shot("cap-tren-don-vi")
        for key in ("decision", "report"):
            shell.show_page(key)
            shot(f"cap-tren-{key}")
        win.close()
        return written
    from cff_desktop.ui.first_run import FirstRunWindow

    shot("bat-dau" if isinstance(win, FirstRunWindow) else "dang-nhap")
    if not isinstance(win, MainWindow):
        return written
    ws = win.ctx.ws
    officers = list_officers(ws)
    clerk = next((o for o in officers if o["role"] == "clerk"), None)
    if clerk:
        win.on_signed_in(Session(clerk))
        shot("tong-quan")
        shell = win.shell
        assert shell is not None  # signing in builds the shell
        shell.show_page("setup")
        for i, name in enumerate(["ho-so-xa", "vong-danh-gia", "can-bo", "phan-cong"]):
            cast(Any, shell.pages["setup"]).setCurrentIndex(i)
            shot(f"thiet-lap-{name}")
        shell.show_page("council")
        shot("hoi-dong")
        shell.show_page("documents")
        shot("in-an-ho-so")
    from cff_desktop.services.rounds import get_round

    asg = assignments(ws, get_round(ws))
    for o in officers:
        if o["role"] == "clerk":
            continue
        mine = sorted((c for c, oid in asg.items() if oid == o["id"]), key=int)
        if not mine:
            continue
        win.on_signed_in(Session(o))
        assert win.shell is not None  # signing in builds the shell
        for cid in mine:
            win.shell.entry.show_criterion(cid)
            shot(f"{o['sector']}-tieu-chi-{cid}")
    win.close()
    return written


def _saved_look(db: str | None) -> tuple[str, int]:
    """The language and text size chosen in Set-up, read in one opening of the database."""
    from cff_desktop.common.errors import CffError
    from cff_desktop.services.profile import get_setting
    from cff_desktop.services.workspace import open_workspace

    try:
        with open_workspace(db) as ws:
            scale = get_setting(ws, "text_scale") or "100"
            return get_setting(ws, "language") or "vi", int(scale) if scale.isdigit() else 100
    except CffError:
        return "vi", 100


def _saved_language(db: str | None) -> str:
    """The language chosen in Set-up (stored per installation), Vietnamese if none or unreadable."""
    from cff_desktop.common.errors import CffError
    from cff_desktop.services.profile import get_setting
    from cff_desktop.services.workspace import open_workspace

    try:
        with open_workspace(db) as ws:
            return get_setting(ws, "language") or "vi"
    except CffError:
        return "vi"


def _probe_first_paint(win) -> None:
    """Print wall-clock time and resident memory at the window's first paint, then quit."""
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class Probe(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and not hasattr(self, "done"):
                self.done = True
                rss = ""
                try:
                    with open("/proc/self/status", encoding="ascii") as f:
                        rss = next((ln.split()[1] for ln in f if ln.startswith("VmRSS:")), "")
                except OSError:
                    pass
                print(f"first-paint {time.time():.6f} rss-kib {rss}", flush=True)
                QTimer.singleShot(0, QApplication.quit)
            return False

    win._probe = Probe()
    win.installEventFilter(win._probe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cff-desktop", description=APP_TITLE)
    parser.add_argument("--db", help="tệp cơ sở dữ liệu")
    parser.add_argument("--screenshot", metavar="DIR", help="lưu ảnh mọi màn hình chính vào DIR rồi thoát")
    parser.add_argument("--lang", default=None, help="ngôn ngữ giao diện (vi, en)")
    parser.add_argument("--version", action="version", version=f"cff-desktop {__version__}")
    parser.add_argument("--probe-startup", action="store_true",
                        help="in ra thời điểm cửa sổ vẽ lần đầu và bộ nhớ đang dùng, rồi thoát (đo khởi động)")
    args = parser.parse_args(argv)

    from cff_desktop.services.diagnostics import start_logging
    from cff_desktop.ui.qtlog import install_qt_log

    start_logging(args.db)
    install_qt_log()
    logging.getLogger("cff.ui").info("cff-desktop %s bắt đầu", __version__)

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from cff_desktop.common.instance import hold_running_mutex
    from cff_desktop.common.resources import resource_dir
    from cff_desktop.ui.i18n import install_language
    from cff_desktop.ui.theme import apply_theme

    hold_running_mutex()  # Windows: lets the installer ask to close this copy before an upgrade
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("cff_desktop")
    app.setApplicationDisplayName("cff_desktop")
    app.setWindowIcon(QIcon(str(resource_dir("icons", "cff-desktop.png"))))
    language, scale = _saved_look(args.db)
    apply_theme(app, scale)
    install_language(app, args.lang or language)
    if args.screenshot:
        for p in screenshots(Path(args.screenshot), args.db):
            print(p)
        return 0
    from cff_desktop.services.workspace import data_paths

    lock = acquire_instance_lock(data_paths(args.db).db)
    if lock is None:
        win = _error_window("Cơ sở dữ liệu này đang được mở trong một cửa sổ cff_desktop khác. "
                            "Hãy chuyển sang cửa sổ đó, hoặc đóng nó rồi mở lại. "
                            "Không mở hai cửa sổ cùng lúc để tránh ghi đè số liệu.")
    else:
        win = build_window(args.db)
    if args.probe_startup:
        _probe_first_paint(win)
    win.show()
    code = app.exec()
    if lock not in (None, "no-folder"):
        lock.unlock()
    return code


if __name__ == "__main__":
    sys.exit(main())
