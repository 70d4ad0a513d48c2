"""The upper level's window asks about each unknown signer, showing its fingerprint and commune."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import answer_next_dialog, open_upper_window
from test_package_damage import laptop, memory_keyring  # noqa: F401  (fixture)


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A USB stick with the real dossier of Xã Hoàng Đồng (99001), and its laptop's fingerprint."""
    from cff_desktop.services import packages
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.keys import device_info

    monkeypatch.setattr(packages.export, "_printing_available", lambda: False)
    ws = laptop(tmp_path, monkeypatch, "xa")
    record_vote(ws, votes_for=9, votes_against=0)
    close_meeting(ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:30")
    usb = tmp_path / "usb"
    usb.mkdir()
    packages.export_package(ws, usb)
    fp = device_info(ws)["fingerprint"]
    ws.close()
    return usb, fp


@pytest.fixture
def upper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from cff_desktop.services.district import import_units, init_area
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / "upper"))
    ws = open_workspace(create=True)
    init_area(ws, name="Huyện Cao Lộc", level="district", province="Lạng Sơn")
    (tmp_path / "u.csv").write_text("code,name,category\n99001,Xã Hoàng Đồng,mountain_island_disadvantaged\n", "utf-8")
    import_units(ws, tmp_path / "u.csv")
    yield ws
    ws.close()


@pytest.mark.parametrize("answer", ["Tin máy này", "Không tin"])
def test_each_unknown_signer_is_asked_about(qtbot, upper, stick, tmp_path: Path, answer: str) -> None:
    from cff_desktop.services.unit_keys import list_keys

    usb, fp = stick
    win = open_upper_window(qtbot, upper.paths.db)
    page = win.shell.inbox
    qtbot.waitUntil(lambda: page.loaded)
    asked = answer_next_dialog(answer, picture=tmp_path / "ask.png")
    page.import_from(str(usb))
    qtbot.waitUntil(lambda: "Đã nhập" in page.status.text() and page.loaded, timeout=60_000)
    assert len(asked) == 1 and fp in asked[0] and "Xã Hoàng Đồng" in asked[0] and "99001" in asked[0]
    win.grab().save(str(tmp_path / "inbox.png"))
    keys = [(k["unit_code"], k["fingerprint"]) for k in list_keys(upper)]
    if answer == "Tin máy này":
        assert "Đã nhập 1 gói; 0 gói bị từ chối." in page.status.text()
        assert keys == [("99001", fp)]
        assert [r["unit_code"] for r in upper.store.query("SELECT unit_code FROM received_package")] == ["99001"]
    else:
        shown = page.status.text()
        assert "Đã nhập 0 gói; 1 gói bị từ chối." in shown and fp in shown and "Xã Hoàng Đồng" in shown
        # the window's remedy is its own dialog, never the command line's flag
        assert "Tin máy này" in shown and "--trust-fingerprint" not in shown and "cff " not in shown
        assert keys == []
        assert upper.store.query("SELECT unit_code FROM received_package") == []
