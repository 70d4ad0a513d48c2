"""The sender lock names its holder even to a sender that starts at the same moment.

The holder writes who it is just after the operating system gave it the lock; a second sender
that found the lock taken in between used to say "một chương trình khác" instead of naming it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from cff_desktop.sync.sender_lock import INFO_NAME, LOCK_NAME, SenderBusy, SenderLock, _try_lock, _unlock


def _taken_without_name(home: Path) -> int:
    """The lock file locked as a holder does in its first instant (its name not written yet)."""
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    assert _try_lock(fd)
    return fd


def test_a_sender_starting_at_the_same_moment_names_the_holder(tmp_path: Path) -> None:
    fd = _taken_without_name(tmp_path)
    info = {"pid": 4242, "program": "cửa sổ", "since": "2026-12-01T01:00:00+00:00"}
    later = threading.Timer(0.3, lambda: (tmp_path / INFO_NAME).write_text(json.dumps(info), "utf-8"))
    later.start()
    try:
        with pytest.raises(SenderBusy) as busy:
            SenderLock(tmp_path, "cff sync").acquire(wait=False)
        assert busy.value.holder is not None and busy.value.holder.program == "cửa sổ"
        assert "cửa sổ (tiến trình 4242" in str(busy.value)
    finally:
        later.join()
        _unlock(fd)
        os.close(fd)


def test_the_waiting_sender_is_told_the_holders_name_once_and_then_sends(tmp_path: Path) -> None:
    fd = _taken_without_name(tmp_path)
    told: list[object] = []

    def holder_writes_then_finishes() -> None:
        time.sleep(0.2)
        (tmp_path / INFO_NAME).write_text(json.dumps({"pid": 77, "program": "cff sync", "since": ""}), "utf-8")
        time.sleep(0.5)
        (tmp_path / INFO_NAME).unlink()
        _unlock(fd)
        os.close(fd)

    t = threading.Thread(target=holder_writes_then_finishes)
    t.start()
    lock = SenderLock(tmp_path, "cửa sổ")
    try:
        lock.acquire(on_wait=told.append, step=0.05)
        assert lock.held
        assert len(told) == 1 and getattr(told[0], "program", None) == "cff sync"
        assert json.loads((tmp_path / INFO_NAME).read_text("utf-8"))["program"] == "cửa sổ"
    finally:
        t.join()
        lock.release()
    assert not (tmp_path / INFO_NAME).exists()
