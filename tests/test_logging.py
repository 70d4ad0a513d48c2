"""The log file: tracebacks of bugs land in the data folder, secrets never do.

A window action that fails with a bug used to lose its traceback; now uncaught exceptions, Qt's
own warnings and the CLI's unexpected errors go to ``logs/cff.log`` beside the database. The
officer's PIN, the upper level's private key, sync tokens and enrolment codes pass through the same
commands and must not appear in the file (nor on the console with ``CFF_DEBUG=1``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ok
from cli_inproc import cff_inproc

from cff_desktop.common import logs
from cff_desktop.services.diagnostics import start_logging

SECRETS = ["4321", "8765", "AGE-SECRET-KEY-1QQ", "tok-Zz9", "ABCD-EFGH-JKLM"]


def log_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("cff.log*")))


def test_clean_and_refused_commands_leave_no_log(home: Path, demo_db: Path) -> None:
    ok(cff_inproc(home, "score", db=demo_db))
    assert cff_inproc(home, "officer", "pin", "1", "--pin", "12", db=demo_db).returncode == 2
    assert not (home / "logs").exists()


def test_unexpected_error_is_logged_with_traceback_and_no_secret(
        home: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cff_desktop.services.officers as officers

    def broken(ws: object, ref: str, pin: str, actor: str = "") -> None:  # a bug, injected
        raise RuntimeError(f"hỏng khi đặt pin={pin} với token={SECRETS[3]} khóa {SECRETS[2]}X")

    monkeypatch.setattr(officers, "set_pin", broken)
    p = cff_inproc(home, "officer", "pin", "1", "--pin", "4321", db=demo_db)
    assert p.returncode == 1
    log_file = home / "logs" / "cff.log"
    assert str(log_file) in p.stderr and "Traceback" not in p.stderr
    text = log_file.read_text(encoding="utf-8")
    assert "cff officer pin: lỗi không mong đợi" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text
    assert "pin=***" in text and "token=***" in text
    for s in SECRETS:
        assert s not in text


def test_debug_console_and_file_hold_no_secret(tmp_path: Path) -> None:
    """Real processes with CFF_DEBUG=1: every record on the console and in the file, no secret."""
    home = tmp_path / "home"
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8", CFF_DEBUG="1",
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
               XDG_DATA_HOME=str(tmp_path / "xdg"))

    def cff(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cff_desktop.cli", *args], capture_output=True,
                              text=True, encoding="utf-8", env=env, cwd=tmp_path)

    consoles = []
    for args in (("init", "--commune", "Xã A", "--province", "Lào Cai", "--category", "other",
                  "--round", "2025"),
                 ("officer", "add", "--name", "Lò Thị Mai", "--sector", "vhxh", "--role", "clerk",
                  "--pin", "4321"),
                 ("officer", "pin", "1", "--pin", "8765"),
                 ("keys", "generate", "--out", str(tmp_path / "k.pub")),
                 ("sync", "enrol", "--server", "http://127.0.0.1:9", "--code", "ABCD-EFGH-JKLM")):
        p = cff(*args)
        consoles.append(p.stderr)
    assert "cff officer pin" in consoles[2]  # the console shows the records
    text = log_text(home / "logs")
    assert "cff officer add" in text and "cff sync enrol" in text
    for s in SECRETS:
        assert s not in text
        assert all(s not in c for c in consoles)


def test_uncaught_exception_goes_to_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda k, e, tb: seen.append(e))
    monkeypatch.delitem(logs._state, "hooked", raising=False)
    path = start_logging(tmp_path / "cff.sqlite")
    try:
        raise ValueError("nút Lưu hỏng; passphrase: hunter2 Bearer tok-Zz9")
    except ValueError as e:
        sys.excepthook(type(e), e, e.__traceback__)
    assert len(seen) == 1  # the previous hook still runs (Qt prints, the test sees it)
    text = path.read_text(encoding="utf-8")
    assert "lỗi không mong đợi" in text and "ValueError: nút Lưu hỏng" in text
    assert "test_uncaught_exception_goes_to_the_log" in text  # the traceback
    assert "hunter2" not in text and "tok-Zz9" not in text


def test_qt_messages_go_to_the_log(tmp_path: Path) -> None:
    from PySide6.QtCore import qWarning

    from cff_desktop.ui.qtlog import install_qt_log

    path = start_logging(tmp_path / "cff.sqlite")
    install_qt_log()
    qWarning("QFont: phông chữ không có; token=tok-Zz9")
    text = path.read_text(encoding="utf-8")
    assert "WARNING cff.qt: QFont: phông chữ không có; token=***" in text
    assert "tok-Zz9" not in text


def test_log_rotates_and_keeps_five_files(tmp_path: Path) -> None:
    path = logs.setup_logging(tmp_path / "logs")
    log = logging.getLogger("cff.test")
    for i in range(7000):
        log.warning("dòng %05d %s", i, "x" * 900)
    files = sorted(path.parent.glob("cff.log*"))
    assert [f.name for f in files] == ["cff.log", *(f"cff.log.{n}" for n in range(1, 6))]
    assert all(f.stat().st_size <= logs.MAX_BYTES for f in files)
    assert "dòng 06999" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("text,secret", [
    ("--pin 4321", "4321"), ('{"pin_hash": "scrypt$16384$8$1$aa$bb"}', "scrypt"),
    ("Authorization: Bearer tok-Zz9", "tok-Zz9"), ("AGE-SECRET-KEY-1QQPZ", "QQPZ"),
    ("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----", "MC4CAQ"),
    ("mật khẩu: hunter2", "hunter2"), ("enrol code=ABCD-EFGH-JKLM", "ABCD"),
    ("'token': 'tok-Zz9'", "tok-Zz9"),
])
def test_redact_masks_every_kind_of_secret(text: str, secret: str) -> None:
    assert secret not in logs.redact(text)
