"""Background operations: run a service call off the UI thread, then report on the UI thread.

Long work (PDFs, packages, backups, imports) must never freeze the window. The callable runs in
Qt's thread pool; it should open its own workspace (SQLite connections are not shared between
threads here). ``on_done``/``on_error`` run back on the UI thread through queued signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from cff_desktop.common.errors import CffError
from cff_desktop.ui.remedies import error_text


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total: self.signals.progress.emit(done, total))
        except CffError as e:
            self.signals.failed.emit(error_text(e))
        except OSError as e:
            self.signals.failed.emit(f"Không đọc/ghi được tệp: {e.strerror or e}")
        except Exception as e:  # a bug: show it plainly rather than crash the window
            logging.getLogger("cff.ui").exception("lỗi không mong đợi trong một thao tác nền")
            self.signals.failed.emit(f"Lỗi không mong đợi: {type(e).__name__}: {e}")
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(
    fn: Callable[[Callable[[int, int], None]], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None],
    on_progress: Callable[[int, int], None] | None = None,
    owner: QObject | None = None,
) -> _Signals:
    """Start ``fn(progress)`` in the pool; callbacks arrive on the thread that called this.

    ``owner`` is the widget the callbacks update: if it was closed and deleted before the job
    finished (the officer switched screens, the window closed), the result is dropped instead of
    touching a deleted widget. The signal object itself stays alive until the job reports.
    """
    sig = _Signals()
    _alive.add(sig)

    def owner_alive() -> bool:
        return owner is None or shiboken6.isValid(owner)

    def release() -> None:
        # Dropping the last reference deletes the QObject; never do that inside its own signal
        # emission (the dispatch still uses it), so release it on the next turn of the loop.
        QTimer.singleShot(0, lambda: _alive.discard(sig))

    def finish_ok(result: Any) -> None:
        release()
        if owner_alive():
            on_done(result)

    def finish_err(msg: str) -> None:
        release()
        if owner_alive():
            on_error(msg)

    def step(done: int, total: int) -> None:
        if on_progress and owner_alive():
            on_progress(done, total)

    sig.done.connect(finish_ok)
    sig.failed.connect(finish_err)
    sig.progress.connect(step)
    QThreadPool.globalInstance().start(_Job(fn, sig))
    return sig
