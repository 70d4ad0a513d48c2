"""One sender per installation: an OS-level lock shared by the window's auto-sync and ``cff sync``.

Two senders of the same outbox on one laptop fight over the same upload (each PATCH stops the
other's, every chunk is answered 409 or cut) and can send the package twice. The lock is the
operating system's (``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows), taken on
an open file: the OS releases it when the holder exits, even after ``kill -9`` or a power cut,
so a stale lock never blocks sending. The standard library covers both platforms, so no extra
dependency is needed. Who holds it (process id, which program, since when) is written next to
it, so the second sender can say who it is waiting for.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cff_desktop.common.errors import CffError

LOCK_NAME = "sync-sender.lock"
INFO_NAME = "sync-sender.json"


@dataclass(frozen=True)
class Holder:
    """The sender that holds the lock: process id, program ("cff sync", "cửa sổ"), since (UTC)."""

    pid: int
    program: str
    since: str

    def text(self) -> str:
        try:
            since = datetime.fromisoformat(self.since).astimezone().strftime("%H:%M %d/%m/%Y")
        except ValueError:
            since = "?"
        return f"{self.program} (tiến trình {self.pid}, từ {since})"


class SenderBusy(CffError):
    """Another program of this installation is sending the outbox right now."""

    def __init__(self, holder: Holder | None) -> None:
        who = holder.text() if holder else "một chương trình khác"
        super().__init__(f"hộp thư đi đang được gửi bởi {who}; chờ nó gửi xong (tiến độ vẫn hiện ở đây).", "sync")
        self.holder = holder


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


class SenderLock:
    """The installation's sender lock in folder ``home``; ``program`` names the holder."""

    def __init__(self, home: Path, program: str) -> None:
        self.home = Path(home)
        self.program = program
        self.fd: int | None = None

    @property
    def held(self) -> bool:
        return self.fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if free; False when another sender (in any process) holds it."""
        if self.fd is not None:
            return True
        self.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.home / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            return False
        self.fd = fd
        info = {"pid": os.getpid(), "program": self.program,
                "since": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = self.home / f".{INFO_NAME}.{os.getpid()}"
        tmp.write_text(json.dumps(info, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.home / INFO_NAME)
        return True

    def acquire(self, *, wait: bool = True, on_wait: Callable[[Holder | None], None] | None = None,
                sleep: Callable[[float], None] = time.sleep, step: float = 1.0) -> None:
        """Take the lock; with ``wait`` poll until it is free (``on_wait`` is told once who holds
        it), otherwise raise :class:`SenderBusy` naming the holder."""
        told = False
        while not self.try_acquire():
            if not wait:
                raise SenderBusy(holder_soon(self.home))
            if not told and on_wait:
                on_wait(holder_soon(self.home))
                told = True
            sleep(step)

    def fd_release_quiet(self) -> None:
        """Drop a lock taken only to probe it (the holder's info file is not ours to delete)."""
        if self.fd is not None:
            _unlock(self.fd)
            os.close(self.fd)
            self.fd = None

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            (self.home / INFO_NAME).unlink()
        _unlock(self.fd)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> SenderLock:
        self.acquire(wait=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(home: Path) -> Holder | None:
    """Who sends right now (None when nobody does). Probes the lock itself: the info file alone
    could be left behind by a sender that was killed."""
    probe = SenderLock(home, "?")
    if not Path(home, INFO_NAME).exists():
        return None  # a holder writes this at once; without it nobody sends (and no probe races one)
    if probe.try_acquire():
        probe.fd_release_quiet()
        return None
    try:
        doc = json.loads(Path(home, INFO_NAME).read_text("utf-8"))
        return Holder(int(doc["pid"]), str(doc["program"]), str(doc["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(0, "một chương trình khác", "")


def holder_soon(home: Path, grace: float = 2.0) -> Holder | None:
    """Who holds the lock, for a sender that just found it taken: the holder writes its name right
    after taking the lock, so a sender starting at the same moment gives it ``grace`` seconds
    rather than saying "another program". None when the lock is free again meanwhile."""
    deadline = time.monotonic() + grace
    while True:
        who = holder(home)
        if who is not None or time.monotonic() >= deadline:
            return who
        probe = SenderLock(home, "?")
        if probe.try_acquire():  # freed meanwhile: nobody to name
            probe.fd_release_quiet()
            return None
        time.sleep(0.05)


@contextlib.contextmanager
def sending(home: Path, program: str) -> Iterator[SenderLock]:
    """``with sending(home, "cff sync"):`` — raise :class:`SenderBusy` when another sender runs."""
    lock = SenderLock(home, program)
    lock.acquire(wait=False)
    try:
        yield lock
    finally:
        lock.release()
