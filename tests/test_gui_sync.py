"""The clerk's sync panel, offscreen, against a real inbox on 127.0.0.1: enrol, "Gửi hồ sơ", the
receipt, a decision coming back, and what the panel says when the link is down."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import set_text, sign_in
from sync_helpers import District
from test_package_damage import memory_keyring  # noqa: F401  (fixture)

from cff_desktop.services.council import close_meeting, record_vote
from cff_desktop.ui.app import build_window


@pytest.fixture
def district(tmp_path: Path):
    d = District(tmp_path / "district")
    yield d
    d.stop()


@pytest.fixture
def page(qtbot, demo_ws):
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    w = build_window()
    qtbot.addWidget(w)
    w.show()
    sign_in(qtbot, w, "Hoàng Thị Mai")
    p = w.shell.show_page("sync")
    yield p
    w.close()


def idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.busy == 0, timeout=120000)


def enrol(qtbot, page, district: District) -> None:
    assert page.enrol_box.isVisible() and not page.submit_button.isEnabled()
    set_text(page.server_edit, district.url)
    set_text(page.code_edit, district.code("99001"))  # the demo commune's unit code
    page.enrol_button.click()
    idle(qtbot, page)
    assert "Đã đăng ký" in page.status.text(), page.status.text()
    assert district.inbox.store.fingerprint in page.server_label.text()
    assert not page.enrol_box.isVisible() and page.submit_button.isEnabled()


def test_send_the_dossier_then_see_the_receipt_and_the_decision(qtbot, page, district: District) -> None:
    from cff_desktop.services.sync_district import decide

    enrol(qtbot, page, district)
    page.submit_button.click()
    assert page.progress.isVisible()  # the window stays live while the dossier is packed and sent
    idle(qtbot, page)
    assert "Đã nhận lúc" in page.status.text() and "mã tiếp nhận TN-" in page.status.text(), page.status.text()
    assert page.table.rowCount() == 1
    state = page.table.item(0, 4).text()
    assert state.startswith("Đã nhận lúc ") and "mã tiếp nhận TN-" in state
    uuid = page.describe_row(0)["uuid"]
    assert district.packages()[0]["uuid"] == uuid
    decide(district.data, uuid, "returned", ["7: Thiếu sổ tiêm chủng"])
    page.sync_button.click()
    idle(qtbot, page)
    assert page.decisions.count() == 1
    text = page.decisions.item(0).text()
    assert "Cấp trên trả lại hồ sơ" in text and "tiêu chí 7: Thiếu sổ tiêm chủng" in text
    page.submit_button.click()  # the same snapshot is not packed again
    idle(qtbot, page)
    assert page.table.rowCount() == 1 and len(district.packages()) == 1


def test_link_down_says_when_it_will_try_again(qtbot, page, district: District) -> None:
    enrol(qtbot, page, district)
    district.stop()
    page.submit_button.click()
    idle(qtbot, page)
    state = page.table.item(0, 4).text()
    assert state.startswith("Mất kết nối — sẽ thử lại lúc "), state
    assert "hộp thư đi" in page.status.text()
    district.start()  # for the fixture's teardown
