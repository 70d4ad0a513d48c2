"""The Qt binding must not leak or steal references on ordinary calls.

PySide6 6.12.0 decremented ``None``'s reference count on every call returning void; on Python
3.11 that kills the app at random once it has made some ten thousand calls (seen as
"Fatal Python error: none_dealloc"). This guards the pinned range against that bug returning.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidgetItem


def test_void_calls_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    item = QListWidgetItem("x")
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Xã Hoàng Đồng")
        label.setObjectName("muted")
        item.data(Qt.ItemDataRole.UserRole)
    assert sys.getrefcount(None) >= before - 50
