"""Background operations: run a service call off the UI thread, then report on the UI thread.

Long work (PDFs, packages, backups, imports) must never freeze the window. The callable runs in
Qt's thread pool; it should open its own workspace (SQLite connections are not shared between
threads here). ``on_done``/``on_error`` run back on the UI thread through queued signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from cff_desktop.common.errors import CffError
from cff_desktop.ui.changes import Change
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


# --- Op: one way to run an action from the window ------------------------------------------------

def log_unexpected(home: Path | None, exc: BaseException) -> Path | None:
    """Write the traceback of a bug to the product's one log (``<data folder>/logs/cff.log``, with
    secrets masked); returns the log's path.

    The officer sees a short message naming this file, to send to whoever supports the commune;
    the traceback itself never lands on screen.
    """
    import logging

    from cff_desktop.common import logs

    if home is None:
        return None
    try:
        path = logs.setup_logging(home / "logs")
        logging.getLogger("cff.ui").error("lỗi không mong đợi", exc_info=(type(exc), exc, exc.__traceback__))
        for h in logging.getLogger("cff").handlers:
            h.flush()
    except OSError:
        return None
    return path if path.exists() else None


class Op:
    """Run a service call for a window: show the refusal or the result, announce what changed.

    In the spirit of Anki's ``CollectionOp``::

        Op(self, lambda: svc.record_vote(ws, ...), say=self._say, ctx=self.ctx)
            .success(lambda _r: tr("Đã ghi biểu quyết.")).changes(Change.COUNCIL).run()

    A refusal (:class:`CffError`) shows its message, with a capital letter, as an error; an OS
    error says the file could not be read or written; anything else is a bug: its traceback goes
    to the log and the message names the log's location. ``run`` is for quick calls on the UI
    thread (it returns the result, or None when refused); ``run_in_background`` is for long work
    (the callable then gets a ``progress(done, total)`` argument and must open its own workspace).
    """

    def __init__(self, parent: QObject, fn: Callable[..., Any], *, say: Callable[..., None],
                 ctx: Any = None) -> None:
        self.parent = parent
        self.fn = fn
        self.say = say
        self.ctx = ctx
        self._success: Callable[[Any], str | None] | None = None
        self._failure: Callable[[str], None] | None = None
        self._refused: Callable[[CffError], str] | None = None
        self._changes: tuple[Change, ...] = ()
        self.error: str = ""

    def success(self, fn: Callable[[Any], str | None]) -> Op:
        """Called with the result; a returned text is shown as the outcome."""
        self._success = fn
        return self

    def failure(self, fn: Callable[[str], None]) -> Op:
        """Called with the message after it is shown (to restore a field, say)."""
        self._failure = fn
        return self

    def refused(self, fn: Callable[[CffError], str]) -> Op:
        """How a refusal reads when the default (message and where to fix it) is not enough, e.g. an
        import that names the file's sheet, row and column (``str(e)`` carries ``where``)."""
        self._refused = fn
        return self

    def changes(self, *what: Change) -> Op:
        """What the action changed, announced on ``ctx.changed`` after it succeeded (and only then)."""
        self._changes = what
        return self

    def _home(self) -> Path | None:
        ws = getattr(self.ctx, "ws", None)
        return getattr(getattr(ws, "paths", None), "home", None)

    def _message(self, exc: BaseException) -> str:
        if isinstance(exc, CffError):
            if self._refused is not None:
                return self._refused(exc)
            return error_text(exc)  # the message and where in the window to fix it
        if isinstance(exc, OSError):
            return f"không đọc/ghi được tệp: {exc.strerror or exc}"
        where = log_unexpected(self._home(), exc)
        text = f"lỗi không mong đợi ({type(exc).__name__}). Việc vừa làm chưa xong."
        return text + (f" Chi tiết đã ghi vào {where}; gửi tệp này cho người hỗ trợ." if where else "")

    def _done(self, result: Any) -> None:
        text = self._success(result) if self._success else None
        if text:
            self.say(text)
        if self.ctx is not None:
            for what in self._changes:
                self.ctx.changed.emit(what)

    def _failed(self, message: str) -> None:
        self.error = message
        self.say(message[:1].upper() + message[1:], True)
        if self._failure:
            self._failure(message)

    def run(self) -> Any:
        try:
            result = self.fn()
        except Exception as e:  # every failure reaches the officer as a sentence, never a crash
            self._failed(self._message(e))
            return None
        self._done(result)
        return result

    def run_in_background(self, on_progress: Callable[[int, int], None] | None = None) -> _Signals:
        home = self._home()

        def job(progress: Callable[[int, int], None]) -> Any:
            try:
                return self.fn(progress)
            except (CffError, OSError):
                raise
            except Exception as e:
                where = log_unexpected(home, e)
                raise CffError(f"lỗi không mong đợi ({type(e).__name__}). Việc vừa làm chưa xong."
                               + (f" Chi tiết đã ghi vào {where}; gửi tệp này cho người hỗ trợ."
                                  if where else "")) from e

        return run_in_background(job, self._done, self._failed, on_progress,
                                 owner=self.parent if isinstance(self.parent, QObject) else None)
