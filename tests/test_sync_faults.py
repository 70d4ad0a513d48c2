"""The sync as a clerk's laptop really meets it, with real processes on 127.0.0.1: ``cff sync``
and ``cff-district serve`` killed with SIGKILL at chosen moments, two senders on one laptop,
the link dropping and staying down, "send now" — and every time the package arrives exactly
once with the same SHA-256, and no byte is sent twice."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest
from sync_helpers import LinkProxy, make_package, wait_for, wait_until_serving
from test_package_cli import file_keyring, ok, run  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow  # processes killed, links cut at real speed (not in `test --fast`)

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """``cff-district serve`` as a separate process on a fixed port (restartable after a kill)."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self.start()

    def start(self, program: list[str] | None = None) -> None:
        """Run the inbox (``program``: another way to start the same server, e.g. one that dies
        at a chosen point)."""
        program = program or ["-m", "cff_desktop.cli.inbox_server"]
        self.proc = subprocess.Popen([sys.executable, *program, "serve", "--data", str(self.data), "--host",
                                      "127.0.0.1", "--port", str(self.port)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_serving(self.url, "cff-district serve")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def code(self) -> str:
        p = subprocess.run([sys.executable, "-m", "cff_desktop.cli.inbox_server", "enrol", "03199", "--data",
                            str(self.data), "--name", "Xã Hoàng Đồng"], capture_output=True, text=True, cwd=ROOT,
                           env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        assert p.returncode == 0, p.stderr
        return p.stdout.strip()

    def packages(self) -> list[tuple[str, str]]:
        conn = sqlite3.connect(self.data / "inbox.sqlite")
        try:
            return conn.execute("SELECT uuid, sha256 FROM package").fetchall()
        finally:
            conn.close()

    def received(self) -> int:
        """Bytes held in unfinished uploads right now."""
        return sum(p.stat().st_size for p in (self.data / "uploads").iterdir() if not p.name.endswith(".chunk"))

    def stored_sha(self, sha: str) -> str:
        path = self.data / "packages" / sha[:2] / sha[2:4] / f"{sha}.cffpkg"
        return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path: Path):
    i = Inbox(tmp_path / "district")
    yield i
    i.stop()


@pytest.fixture
def link(inbox: Inbox):
    """The slow mountain link (40 kB/s up, 100 ms round trip) in front of ``inbox``."""
    proxy = LinkProxy(inbox.port, rate=40_000, rtt=0.1, max_seconds=300)
    yield proxy
    proxy.close()


@pytest.fixture
def home(tmp_path: Path, file_keyring, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    h = tmp_path / "commune"
    ok(run(h, "demo", "create"))
    return h


def queue_package(home: Path, tmp: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """A real signed package of ``size`` bytes queued in ``home``'s outbox (same file keyring)."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from cff_desktop.services.sync import queue_file
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(home))
    old = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        ws = open_workspace()
        try:
            path, uid, sha = make_package(ws, tmp / "pk", size)
            queue_file(ws, path)
        finally:
            ws.close()
    finally:
        keyring.set_keyring(old)
    return path, uid, sha


def start_sync(home: Path, tmp: Path, *args: str, name: str = "sync") -> tuple[subprocess.Popen[str], Path, Path]:
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "cff_desktop.cli", "sync", *args], cwd=ROOT, env=env,
                         stdout=open(out, "w", encoding="utf-8"), stderr=open(err, "w", encoding="utf-8"),
                         stdin=subprocess.DEVNULL)
    return p, out, err


def status(home: Path) -> dict:
    return json.loads(ok(run(home, "sync", "status", "--json")))


def enrolled(home: Path, inbox: Inbox, url: str) -> None:
    ok(run(home, "sync", "enrol", "--server", url, "--code", inbox.code()))


class Upload(NamedTuple):
    """A ``cff sync`` process in the middle of an upload, and the package it sends."""

    proc: subprocess.Popen[str]
    out: Path
    err: Path
    uid: str
    sha: str
    size: int


def upload_under_way(home: Path, inbox: Inbox, link: LinkProxy, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch, moment: int) -> Upload:
    """Enrol over ``link``, queue a 300 kB package and start ``cff sync``; return once the server
    holds ``moment`` bytes of the upload: the moment the kill tests kill one side."""
    enrolled(home, inbox, link.url)
    path, uid, sha = queue_package(home, tmp_path, 300_000, monkeypatch)
    p, out, err = start_sync(home, tmp_path)
    wait_for(lambda: (tmp_path / "district" / "uploads").is_dir() and inbox.received() >= moment,
             "bytes at the server", tries=3000, step=0.02)
    return Upload(p, out, err, uid, sha, path.stat().st_size)


@pytest.mark.parametrize("moment", [20_000, 180_000])
def test_client_killed_mid_upload_resumes_and_delivers_once(home: Path, inbox: Inbox, link: LinkProxy,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            moment: int) -> None:
    p, _, _, uid, sha, size = upload_under_way(home, inbox, link, tmp_path, monkeypatch, moment)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    time.sleep(0.5)  # let what was already on the link reach the server (or be dropped)
    up_at_kill, kept = link.up_bytes, inbox.received()
    st = status(home)["outbox"][0]
    # nobody sends any more: the row says so, and never claims more than the server holds
    assert st["state"] == "waiting" and st["speed_bps"] == 0 and st["eta_s"] is None, st
    assert "dừng giữa chừng" in st["text"] and st["sent"] <= inbox.received()
    assert status(home)["sender"] == ""
    p2, out2, err2 = start_sync(home, tmp_path, name="again")
    assert p2.wait(timeout=240) == 0, err2.read_text("utf-8")
    assert "Đã nhận lúc" in out2.read_text("utf-8")
    assert inbox.packages() == [(uid, sha)] and inbox.stored_sha(sha) == sha
    # the second sender asks the server's offset and sends only what it lacks: no byte the server
    # kept is sent again (what the killed process still had on the link when it died is lost with
    # it; how much that is depends on timing, so it is not what is measured here)
    assert link.up_bytes - up_at_kill < size - kept + 8_000, (link.up_bytes, up_at_kill, kept, size)
    st = status(home)["outbox"][0]
    assert st["state"] == "delivered" and st["sent"] == st["size"] == size


@pytest.mark.parametrize("moment", [30_000, 200_000])
def test_server_killed_mid_upload_the_running_sync_waits_it_out(home: Path, inbox: Inbox, link: LinkProxy,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               moment: int) -> None:
    """SIGKILL of the inbox in the middle of a chunk; it comes back after a few seconds. The same
    ``cff sync`` run (default settings) probes, finds the server's offset and finishes."""
    p, out, err, uid, sha, size = upload_under_way(home, inbox, link, tmp_path, monkeypatch, moment)
    inbox.kill()
    kept = inbox.received()
    wait_for(lambda: "mất kết nối" in out.read_text("utf-8").lower(), "the link-down line", tries=300, step=0.1)
    st = status(home)["outbox"][0]
    assert st["state"] == "sending" and st["text"].startswith("Mất kết nối lúc ") and st["speed_bps"] == 0
    time.sleep(3)
    inbox.start()
    assert p.wait(timeout=240) == 0, err.read_text("utf-8")
    text = out.read_text("utf-8")
    assert "Có kết nối lại" in text and "Đã nhận lúc" in text, text
    assert inbox.packages() == [(uid, sha)] and inbox.stored_sha(sha) == sha
    assert kept >= moment  # the bytes that reached the killed server were kept and not sent again
    assert link.up_bytes < size * 1.06 + 8_000, (link.up_bytes, size)


def test_two_senders_on_one_laptop_never_send_a_byte_twice(home: Path, inbox: Inbox, link: LinkProxy,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import sync
    from cff_desktop.services.workspace import open_workspace

    enrolled(home, inbox, link.url)
    path, uid, sha = queue_package(home, tmp_path, 250_000, monkeypatch)
    size = path.stat().st_size
    a, out_a, err_a = start_sync(home, tmp_path, name="a")
    b, out_b, err_b = start_sync(home, tmp_path, name="b")
    wait_for(lambda: "đang được gửi bởi cff sync (tiến trình" in err_a.read_text("utf-8")
             + err_b.read_text("utf-8"), "the second sender to say who holds the lock", tries=600, step=0.05)
    # the window's auto-sync meets the same lock: it does not send, it says who does
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    old = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        ws = open_workspace(home / "cff.sqlite")
        try:
            before = link.up_bytes
            report = sync.sync_once(ws)
            assert report.busy.startswith("hộp thư đi đang được gửi bởi cff sync (tiến trình ")
            assert not report.delivered and not report.failed
            assert sync.status(ws)["sender"].startswith("cff sync (tiến trình ")
        finally:
            ws.close()
    finally:
        keyring.set_keyring(old)
    assert a.wait(timeout=240) == 0 and b.wait(timeout=240) == 0, err_a.read_text() + err_b.read_text()
    assert before <= link.up_bytes
    outs = out_a.read_text("utf-8") + out_b.read_text("utf-8")
    assert outs.count("Đã nhận lúc") == 1, outs
    assert inbox.packages() == [(uid, sha)] and inbox.stored_sha(sha) == sha
    assert link.up_bytes < size * 1.03 + 8_000, (link.up_bytes, size)  # one upload's worth of bytes


def test_once_says_when_it_will_try_and_now_sends_at_once(home: Path, inbox: Inbox, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    enrolled(home, inbox, inbox.url)
    _, uid, sha = queue_package(home, tmp_path, 50_000, monkeypatch)
    inbox.stop()
    p = run(home, "sync", "--once")
    assert p.returncode == 0 and "sẽ thử lại lúc" in p.stderr, p.stderr
    st = status(home)["outbox"][0]
    assert st["state"] == "waiting" and st["until"] and st["text"].startswith("Mất kết nối — sẽ thử lại lúc ")
    inbox.start()
    p = run(home, "sync", "--once")  # the server is up, but the package's next try is later
    assert p.returncode == 0 and "chưa đến lượt thử lại" in p.stderr and "cff sync --now" in p.stderr, p.stderr
    assert inbox.packages() == []
    out = ok(run(home, "sync", "--now", "--once"))
    assert "Đã nhận lúc" in out and "bắt đầu gửi" in out
    assert inbox.packages() == [(uid, sha)]
    st = status(home)["outbox"][0]
    assert st["state"] == "delivered" and st["sent"] == st["size"] and st["speed_bps"] == 0


CRASH_AFTER_RENAME = """
import os, sys
import cff_desktop.sync.server.finish as finish

real_replace = finish.replace_durably


def replace_then_die(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    os._exit(137)  # the package file is in place; the receipt was never committed


finish.replace_durably = replace_then_die
from cff_desktop.cli.inbox_server import main
sys.exit(main(sys.argv[1:]))
"""


def test_server_dies_between_moving_the_package_and_committing_the_receipt(home: Path, inbox: Inbox,
                                                                          tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The inbox process dies right after the finished upload was renamed into packages/ and
    before the receipt's transaction: on restart the upload is finished (never reset to 0), and
    the commune gets the receipt without sending the package again."""
    enrolled(home, inbox, inbox.url)
    path, uid, sha = queue_package(home, tmp_path, 120_000, monkeypatch)
    inbox.stop()
    runner = tmp_path / "crash_after_rename.py"
    runner.write_text(CRASH_AFTER_RENAME, "utf-8")
    inbox.start([str(runner)])
    p = run(home, "sync", "--once")
    assert p.returncode == 0 and "sẽ thử lại lúc" in p.stderr, p.stderr
    assert inbox.proc is not None and inbox.proc.wait(timeout=30) == 137
    # the crash left exactly this: the file in place, the upload row, no package row
    conn = sqlite3.connect(tmp_path / "district" / "inbox.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM upload").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM package").fetchone()[0] == 0
    finally:
        conn.close()
    assert inbox.stored_sha(sha) == sha
    st = status(home)["outbox"][0]
    sent_before = st["wire_bytes"]
    assert st["state"] == "waiting" and sent_before >= path.stat().st_size
    inbox.start()  # the ordinary server: it finishes what the crash left
    assert inbox.packages() == [(uid, sha)]
    out = ok(run(home, "sync", "--now", "--once"))
    assert "Đã nhận lúc" in out
    st = status(home)["outbox"][0]
    assert st["state"] == "delivered" and st["wire_bytes"] == sent_before  # not one byte sent again
    assert inbox.packages() == [(uid, sha)] and inbox.stored_sha(sha) == sha
    assert list((tmp_path / "district" / "uploads").iterdir()) == []


def test_a_waiting_sync_goes_as_soon_as_the_inbox_answers(home: Path, inbox: Inbox, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A package that failed many times waits up to 10 minutes for its next try; the running
    ``cff sync`` pings the inbox meanwhile and sends as soon as it answers, not at the scheduled time."""
    from datetime import UTC, datetime

    enrolled(home, inbox, inbox.url)
    _, uid, sha = queue_package(home, tmp_path, 30_000, monkeypatch)
    inbox.stop()
    conn = sqlite3.connect(home / "cff.sqlite")
    try:
        conn.execute("UPDATE sync_outbox SET attempts = 9")
        conn.commit()
    finally:
        conn.close()
    p, out, err = start_sync(home, tmp_path)
    wait_for(lambda: status(home)["outbox"][0]["until"] != "", "the failed try to be scheduled", tries=600, step=0.1)
    st = status(home)["outbox"][0]
    assert st["state"] == "waiting" and st["text"].startswith("Mất kết nối — sẽ thử lại lúc ")
    until = datetime.fromisoformat(st["until"])
    assert (until - datetime.now(UTC)).total_seconds() > 250  # the 10-minute cap, with jitter
    inbox.start()
    assert p.wait(timeout=150) == 0, err.read_text("utf-8")
    assert datetime.now(UTC) < until  # it went before its scheduled time: the ping woke it
    assert "Đã nhận lúc" in out.read_text("utf-8")
    assert inbox.packages() == [(uid, sha)]
