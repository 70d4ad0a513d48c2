"""The window opens offscreen on the demo commune and shows the same verdict as the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QLabel

from cff_desktop.ui.app import build_window, main


def test_window_shows_commune_and_total(qtbot, demo_ws, cff) -> None:
    win = build_window()
    qtbot.addWidget(win)
    win.show()
    text = " ".join(lbl.text() for lbl in win.findChildren(QLabel))
    r = json.loads(cff("score", "--json", check=True).stdout)
    assert "Xã Hoàng Đồng" in text
    assert f"<b>{r['total']}</b>/1.000" in text
    assert ("ĐẠT" if r["recognized"] else "CHƯA ĐẠT") in text
    assert "cff_desktop" in win.windowTitle()


def test_screenshot_renders_a_png(qtbot, demo_ws, tmp_path: Path) -> None:
    out = tmp_path / "main.png"
    assert main(["--screenshot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_window_without_data_explains_instead_of_crashing(qtbot, cff_home) -> None:
    win = build_window()
    qtbot.addWidget(win)
    text = " ".join(lbl.text() for lbl in win.findChildren(QLabel))
    assert "Chưa mở được dữ liệu" in text and "cff init" in text
