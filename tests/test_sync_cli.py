"""``cff-district`` and ``cff submit`` / ``cff sync`` as a user runs them: real processes, a real
server process on 127.0.0.1, a file keyring (CI has no keyring service)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sync_helpers import wait_for
from test_package_cli import file_keyring, ok, refused, run  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[1]


def district(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cff_desktop.cli.inbox_server", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def serving(data: Path, *extra: str) -> Iterator[str]:
    """``cff-district serve`` as a real process on a free port of 127.0.0.1; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([sys.executable, "-m", "cff_desktop.cli.inbox_server", "serve", "--data", str(data),
                          "--host", "127.0.0.1", "--port", str(port), *extra], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{url}/api/v1/ping", timeout=1).ok
        except requests.RequestException:
            return p.poll() is not None

    try:
        wait_for(up, "cff-district serve", tries=300, step=0.1)
        assert p.poll() is None, p.stderr.read() if p.stderr else ""
        yield url
    finally:
        p.terminate()
        p.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path):
    data = tmp_path / "district"
    with serving(data) as url:
        yield url, data


def test_enrol_submit_sync_status(tmp_path: Path, server) -> None:
    url, data = server
    home = tmp_path / "commune"
    ok(run(home, "demo", "create"))
    before = ok(run(home, "sync", "status", "--json"))
    assert json.loads(before)["enrolled"] is False
    refused(run(home, "sync", "--once"), "chưa đăng ký", "cff sync enrol")
    refused(run(home, "submit"), "chưa kết thúc họp")
    # the demo commune's unit code: a device signs for its own unit only
    p = district("enrol", "99001", "--data", str(data), "--name", "Xã Hoàng Đồng")
    assert p.returncode == 0, p.stderr
    code = p.stdout.strip()
    assert len(code) == 14 and "cff sync enrol" in p.stderr
    refused(run(home, "sync", "enrol", "--server", url, "--code", "ABCD-EFGH-JKLM"), "mã đăng ký không đúng")
    out = ok(run(home, "sync", "enrol", "--server", url, "--code", code))
    assert "Xã Hoàng Đồng" in out and "Dấu vân tay khóa của máy chủ" in out
    refused(run(home, "sync", "enrol", "--server", url, "--code", code), "đã dùng")
    ok(run(home, "council", "vote", "--for", "9"))
    ok(run(home, "council", "close", "--conclusion", "Đề nghị công nhận"))
    assert "Đã đưa hồ sơ vào hộp thư đi" in ok(run(home, "submit"))
    assert "đã có trong hộp thư đi" in ok(run(home, "submit"))
    out = ok(run(home, "sync"))
    assert "Đã nhận lúc" in out and "mã tiếp nhận TN-" in out
    st = json.loads(ok(run(home, "sync", "status", "--json")))
    assert st["enrolled"] and st["commune"] == "99001"
    assert [o["state"] for o in st["outbox"]] == ["delivered"] and st["outbox"][0]["receipt_id"].startswith("TN-")
    listing = json.loads(district("list", "--data", str(data), "--json").stdout)
    assert [p["uuid"] for p in listing["packages"]] == [st["outbox"][0]["uuid"]]
    assert Path(listing["packages"][0]["path"]).is_file()
    uuid = st["outbox"][0]["uuid"]
    p = district("decide", uuid, "--return", "--data", str(data))
    assert p.returncode == 2 and "ít nhất một nhận xét" in p.stderr
    assert district("decide", uuid, "--accept", "--data", str(data)).returncode == 0
    assert "Cấp trên đã chấp nhận hồ sơ" in ok(run(home, "sync", "--once"))
    assert "Cấp trên đã chấp nhận hồ sơ" in ok(run(home, "sync", "status"))
    p = district("revoke", "99001", "--data", str(data))
    assert p.returncode == 0 and "thu hồi 1" in p.stdout
    p = district("revoke", "99001", "--data", str(data))
    assert p.returncode == 2 and p.stderr.startswith("cff-district: lỗi")


def test_district_refuses_bad_arguments(tmp_path: Path) -> None:
    p = district("enrol", "../../x", "--data", str(tmp_path / "d"))
    assert p.returncode == 2 and "mã xã" in p.stderr
    p = district("serve", "--data", str(tmp_path / "d"), "--cert", "x.pem")
    assert p.returncode == 2 and "--cert và --key" in p.stderr
    p = district("decide", "not-a-uuid", "--accept", "--data", str(tmp_path / "d"))
    assert p.returncode == 2 and "UUID" in p.stderr
    p = district("publish-ruleset", str(tmp_path / "missing.json"), "--data", str(tmp_path / "d"))
    assert p.returncode == 2


def test_progress_on_a_terminal_and_one_line_per_state_in_a_log() -> None:
    """``cff sync`` on a terminal rewrites one line (bytes, speed, time left); in a log or a pipe
    it writes one line per change of state, so a two-hour upload leaves a readable log."""
    import io

    from cff_desktop.cli.sync import _Live

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    live = _Live(tty)
    live.progress("5aae76fd-37bb", 0, 2_000_000, 0.0)
    live.progress("5aae76fd-37bb", 500_000, 2_000_000, 8_000.0)
    live.progress("5aae76fd-37bb", 620_000, 2_000_000, 8_000.0)
    live.state("5aae76fd-37bb", "Mất kết nối lúc 19:50 — đang thử lại liên tục; phần đã gửi được giữ.")
    live.end()
    text = tty.getvalue()
    assert text.startswith("Gói 5aae76fd: bắt đầu gửi 2,0 MB.\n")
    assert "\rGói 5aae76fd: 500 kB / 2,0 MB (25%) · 8 kB/s · còn khoảng 3 phút" in text
    assert "\rGói 5aae76fd: 620 kB / 2,0 MB (31%) · 8 kB/s · còn khoảng 3 phút" in text
    assert text.endswith("\nGói 5aae76fd: Mất kết nối lúc 19:50 — đang thử lại liên tục; phần đã gửi được giữ.\n")
    log = io.StringIO()
    live = _Live(log)
    for sent in (100_000, 200_000, 300_000):
        live.progress("5aae76fd-37bb", sent, 2_000_000, 8_000.0)
    live.state("5aae76fd-37bb", "Có kết nối lại; gửi tiếp từ phần máy chủ đã nhận.")
    live.end()
    assert log.getvalue().splitlines() == ["Gói 5aae76fd: bắt đầu gửi 2,0 MB; máy chủ đã có 100 kB.",
                                           "Gói 5aae76fd: Có kết nối lại; gửi tiếp từ phần máy chủ đã nhận."]


def test_enrolment_brings_the_upper_levels_encryption_key(tmp_path: Path) -> None:
    """Issue 13 item 4: the inbox sends the upper level's age key; the commune's next dossier is
    encrypted to it with no `cff keys import-upper`, and the upper level reads it with its own key."""
    upper, home, data, usb = tmp_path / "upper", tmp_path / "commune", tmp_path / "district", tmp_path / "USB"
    ok(run(upper, "keys", "generate", "--out", str(tmp_path / "tinh.pub")))
    with serving(data, "--recipient", str(tmp_path / "tinh.pub")) as url:
        ok(run(home, "demo", "create"))
        p = district("enrol", "99001", "--data", str(data), "--name", "Xã Hoàng Đồng")
        assert p.returncode == 0, p.stderr
        ok(run(home, "sync", "enrol", "--server", url, "--code", p.stdout.strip()))
    ok(run(home, "council", "vote", "--for", "9"))
    ok(run(home, "council", "close", "--conclusion", "Đề nghị công nhận"))
    usb.mkdir()
    path = Path(ok(run(home, "package", "export", "--to", str(usb))).strip().splitlines()[0])
    seen = json.loads(ok(run(upper, "package", "verify", str(path), "--json", "--trust")))
    assert seen["ok"] and seen["encrypted"] and seen["readable"]
    # the inbox remembers the key: a restart without --recipient still sends it
    with serving(data) as url:
        home2 = tmp_path / "commune2"
        ok(run(home2, "demo", "create"))
        p = district("enrol", "99001", "--data", str(data))
        ok(run(home2, "sync", "enrol", "--server", url, "--code", p.stdout.strip()))
    ok(run(home2, "council", "vote", "--for", "9"))
    ok(run(home2, "council", "close", "--conclusion", "Đề nghị công nhận"))
    usb2 = tmp_path / "USB2"
    usb2.mkdir()
    path2 = Path(ok(run(home2, "package", "export", "--to", str(usb2))).strip().splitlines()[0])
    seen2 = json.loads(ok(run(upper, "package", "verify", str(path2), "--json", "--trust")))
    assert seen2["encrypted"] and seen2["readable"]


@pytest.mark.parametrize("value,needle", [
    ("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "--recipient"),
    ("khong-co-tep.pub", "không có tệp khóa này"),
])
def test_serve_refuses_a_wrong_upper_key_and_creates_nothing(tmp_path: Path, value: str, needle: str) -> None:
    data = tmp_path / "district"
    p = district("serve", "--data", str(data), "--port", "1", "--recipient", value)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert p.stderr.startswith("cff-district: lỗi") and needle in p.stderr
    assert not data.exists()
