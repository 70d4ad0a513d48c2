"""Attaching evidence from the criterion page: dialog/drag-and-drop path, limits, odd names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gui_helpers import sign_in
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from cff_desktop.ui.app import build_window


@pytest.fixture
def panel(qtbot, win):
    sign_in(qtbot, win, "Vi Thị Hồng")
    yield win.shell.entry.show_criterion("7").evidence
    win.close()  # keeps the window (and so the panel) alive until the test is over


def evidence_rows(home: Path) -> list:
    con = sqlite3.connect(home / "cff.sqlite")
    rows = con.execute("SELECT filename, size, mime FROM evidence WHERE removed_at IS NULL").fetchall()
    con.close()
    return rows


def photo(path: Path, w: int = 4000, h: int = 3000) -> Path:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#8fb3d9"))
    for x in range(0, w, 50):  # some detail so the JPEG is not trivially small
        for y in range(0, h, 50):
            img.setPixelColor(x, y, QColor((x * 7) % 255, (y * 3) % 255, (x + y) % 255))
    assert img.save(str(path), "PNG")
    return path


def wait_idle(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: panel.busy == 0, timeout=20000)


def test_attach_photo_with_vietnamese_name_is_downscaled(qtbot, panel, tmp_path: Path, cff_home: Path) -> None:
    src = photo(tmp_path / "Sổ tiêm chủng thôn Nà Cạn (bản #2) — ảnh.png")
    panel.attach_files([str(src)])
    wait_idle(qtbot, panel)
    rows = evidence_rows(cff_home)
    assert len(rows) == 1
    name, size, mime = rows[0]
    assert name == "Sổ tiêm chủng thôn Nà Cạn (bản #2) — ảnh.jpg" and mime == "image/jpeg"
    assert size < src.stat().st_size
    assert panel.list.count() == 1 and "Nà Cạn" in panel.list.item(0).text()
    assert panel.thumb.pixmap() is not None and not panel.thumb.pixmap().isNull()


def test_attach_by_drag_and_drop(qtbot, panel, tmp_path: Path, cff_home: Path) -> None:
    src = tmp_path / "Biên bản họp thôn.pdf"
    src.write_bytes(b"%PDF-1.4\n% minh chung\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(src))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)  # Qt delivers a drop only to the widget that took the drag
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, drop)
    wait_idle(qtbot, panel)
    assert evidence_rows(cff_home) == [("Biên bản họp thôn.pdf", src.stat().st_size, "application/pdf")]


@pytest.mark.parametrize("make,fragment", [
    (lambda d: (d / "rỗng.xlsx").write_bytes(b"") or d / "rỗng.xlsx", "0 byte"),
    (lambda d: d / "không-có.jpg", "không có tệp"),
    (lambda d: d, "không phải một tệp"),
])
def test_unusable_files_are_refused_and_nothing_is_stored(qtbot, panel, tmp_path, cff_home, make, fragment) -> None:
    panel.attach_files([str(make(tmp_path))])
    wait_idle(qtbot, panel)
    assert fragment in panel.message.text()
    assert evidence_rows(cff_home) == []
    blobs = cff_home / "blobs"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("*"))


def test_file_over_200_mb_is_refused_with_the_limit(qtbot, panel, tmp_path: Path, cff_home: Path) -> None:
    big = tmp_path / "video họp.mp4"
    with open(big, "wb") as f:
        f.truncate(200 * 1000 * 1000 + 1)  # sparse: the size is real, the disk use is not
    panel.attach_files([str(big)])
    wait_idle(qtbot, panel)
    assert "200 MB" in panel.message.text()
    assert evidence_rows(cff_home) == []


def test_remove_is_audited(qtbot, panel, tmp_path: Path, cff_home: Path) -> None:
    src = tmp_path / "bảng tính.csv"
    src.write_text("thôn;số trẻ\nNà Cạn;12\n", "utf-8")
    panel.attach_files([str(src)])
    wait_idle(qtbot, panel)
    panel.list.setCurrentRow(0)
    panel.remove_selected()
    assert evidence_rows(cff_home) == []
    con = sqlite3.connect(cff_home / "cff.sqlite")
    actions = [r[0] for r in con.execute("SELECT action FROM audit ORDER BY seq")]
    con.close()
    assert actions[-2:] == ["evidence.attach", "evidence.remove"]


def test_read_only_criterion_cannot_take_evidence(qtbot, demo_ws) -> None:
    w = build_window()
    qtbot.addWidget(w)
    sign_in(qtbot, w, "Vi Thị Hồng")
    p = w.shell.entry.show_criterion("3").evidence
    assert not p.attach_button.isEnabled() and not p.acceptDrops()
