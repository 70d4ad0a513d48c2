"""The dashboard walks the clerk through the procedure, from the data rather than the calendar."""

from __future__ import annotations

from cli_helpers import ok, run_cff
from gui_helpers import close_council, labels_text


def test_a_step_is_ticked_when_done_not_when_its_date_passed(qtbot, clerk, demo_ws) -> None:
    dash = clerk.shell.dashboard
    d = dash.last
    states = {s.key: s.state for s in d.steps}
    # The demo's council date (05/11/2024) has passed but nobody met: late, not ticked.
    assert states == {"setup": "done", "data": "done", "council": "late", "posting": "late",
                      "dossier": "late", "send": "todo"}
    assert "✔ Họp hội đồng" not in dash.timeline.text()
    assert "⚠ Họp hội đồng đánh giá" in dash.timeline.text()
    assert d.next_step.key == "council"
    assert "Việc cần làm tiếp:" in dash.next_text.text() and "trễ hạn 05/11/2024" in dash.next_text.text()
    assert dash.next_button.text() == "Mở Hội đồng"
    dash.next_button.click()
    assert clerk.shell.stack.currentWidget() is clerk.shell.pages["council"]


def test_the_next_thing_follows_the_work(qtbot, clerk, demo_ws, cff_home, tmp_path) -> None:
    # An officer takes criterion 7 back: the sector step is the next thing again.
    page = clerk.shell.entry.show_criterion("7")
    page.reopen_button.click()
    d = clerk.shell.dashboard.last
    assert d.next_step.key == "data" and "12/13" in d.next_step.detail
    assert clerk.shell.dashboard.next_button.text() == "Xem số liệu các ngành"
    page.done_button.click()
    council = clerk.shell.show_page("council")
    close_council(council)
    d = clerk.shell.dashboard.last
    assert {s.key: s.state for s in d.steps}["council"] == "done"
    assert d.next_step.key == "posting" and clerk.shell.dashboard.next_button.text() == "In thông báo niêm yết"
    ok(run_cff(cff_home, "print", "notice", "--out", str(tmp_path / "in")))
    clerk.shell.dashboard.refresh()
    assert clerk.shell.dashboard.last.next_step.key == "dossier"
    assert "đã in thông báo niêm yết" in labels_text(clerk.shell.dashboard)
