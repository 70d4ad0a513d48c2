"""Op: one way for a window to run a service call and report the outcome."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from cff_desktop.common.errors import Refused
from cff_desktop.ui.context import AppContext
from cff_desktop.ui.ops import Op
from cff_desktop.ui.widgets import say


def make(qtbot, demo_ws):
    ctx = AppContext(demo_ws)
    label = QLabel()
    qtbot.addWidget(label)
    changed: list[str] = []
    ctx.changed.connect(changed.append)
    return ctx, label, changed, (lambda text, error=False: say(label, text, error))


def test_success_says_and_announces(qtbot, demo_ws) -> None:
    ctx, label, changed, tell = make(qtbot, demo_ws)
    got = Op(label, lambda: 42, say=tell, ctx=ctx).success(lambda r: f"Được {r}.").changes("values").run()
    assert got == 42 and label.text() == "Được 42." and label.objectName() == "ok"
    assert changed == ["values"]


def test_refusal_is_shown_and_nothing_announced(qtbot, demo_ws) -> None:
    ctx, label, changed, tell = make(qtbot, demo_ws)
    restored = []

    def refuse():
        raise Refused("vòng đánh giá đã khóa")

    op = Op(label, refuse, say=tell, ctx=ctx).changes("values").failure(restored.append)
    assert op.run() is None
    assert label.text() == "Vòng đánh giá đã khóa" and label.objectName() == "error"
    assert changed == [] and restored == ["vòng đánh giá đã khóa"] and op.error


def test_a_bug_is_logged_with_its_traceback_and_the_log_named(qtbot, demo_ws, cff_home: Path) -> None:
    ctx, label, changed, tell = make(qtbot, demo_ws)

    def buggy():
        return {}["không có"]

    assert Op(label, buggy, say=tell, ctx=ctx).changes("values").run() is None
    log = cff_home / "logs" / "cff.log"  # the one log, secrets masked
    assert str(log) in label.text() and "KeyError" in label.text() and changed == []
    text = log.read_text("utf-8")
    assert "Traceback" in text and "def buggy" not in text and "in buggy" in text


def test_background_op_reports_on_the_ui_thread(qtbot, demo_ws, cff_home: Path) -> None:
    ctx, label, changed, tell = make(qtbot, demo_ws)

    def slow(progress):
        progress(1, 2)
        raise ValueError("hỏng")

    Op(label, slow, say=tell, ctx=ctx).changes("documents").run_in_background()
    qtbot.waitUntil(lambda: "lỗi không mong đợi" in label.text().lower(), timeout=10000)
    assert "ValueError" in label.text() and str(cff_home / "logs") in label.text() and changed == []
    Op(label, lambda progress: "xong", say=tell, ctx=ctx).success(lambda r: r).changes("documents") \
        .run_in_background()
    qtbot.waitUntil(lambda: label.text() == "Xong", timeout=10000)
    assert changed == ["documents"]
