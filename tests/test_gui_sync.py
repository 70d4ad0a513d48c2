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


def test_slow_upload_the_table_and_the_line_under_the_bar_say_what_the_wire_says(qtbot, page, demo_ws,
                                                                                  district: District,
                                                                                  tmp_path: Path) -> None:
    """During a slow upload the window shows the server-confirmed bytes, the speed and the time
    left; the row, the line under the bar and ``cff sync status --json`` say the same."""
    import os

    from sync_helpers import LinkProxy, make_package

    from cff_desktop.services import sync

    proxy = LinkProxy(district.port, rate=40_000, rtt=0.3, max_seconds=300)
    try:
        set_text(page.server_edit, proxy.url)
        set_text(page.code_edit, district.code())
        page.enrol_button.click()
        idle(qtbot, page)
        # 64 KiB first, then a chunk sized by the measured rate: the speed shows from the second
        path, _, sha = make_package(demo_ws, tmp_path / "o", 600_000)
        sync.queue_file(demo_ws, path)
        page.refresh()
        assert page.table.item(0, 4).text() == "Đang chờ gửi."
        page.sync_button.click()  # "Gửi ngay"
        assert page.sync_button.text() == "Gửi ngay"
        qtbot.waitUntil(lambda: "/s" in page.table.item(0, 4).text(), timeout=120000)
        page.refresh()
        st = sync.status(demo_ws)["outbox"][0]
        row_text = page.table.item(0, 4).text()
        assert st["state"] == "sending" and row_text == st["text"] == page.live.text(), (row_text, st["text"])
        assert row_text.startswith("Đang gửi: ") and "còn khoảng" in row_text
        assert 0 < st["sent"] < st["size"] and st["speed_bps"] > 0 and st["eta_s"] > 0
        # true to the wire: never more than the server holds, never faster than the link
        on_server = sum(p.stat().st_size for p in district.upload_files())
        assert st["sent"] <= on_server and st["speed_bps"] <= 40_000 * 1.05
        assert page.table.item(0, 2).text() == sync.size_text(st["sent"])
        if os.environ.get("CFF_SHOTS"):
            page.window().grab().save(str(Path(os.environ["CFF_SHOTS"]) / "sync-slow-upload.png"))
        proxy.rate = None  # the rest at full speed: what is left to check is the end, not the pace
        idle(qtbot, page)
        assert page.table.item(0, 4).text().startswith("Đã nhận lúc ")
        assert [p["sha256"] for p in district.packages()] == [sha]
    finally:
        proxy.close()


def test_while_cff_sync_sends_the_window_shows_its_progress_and_does_not_send(qtbot, page, demo_ws,
                                                                             district: District,
                                                                             tmp_path: Path) -> None:
    from sync_helpers import make_package

    from cff_desktop.services import sync
    from cff_desktop.sync import outbox

    enrol(qtbot, page, district)
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 300_000)
    sync.queue_file(demo_ws, path)
    lock = sync.sender_lock(demo_ws, "cff sync")  # as a `cff sync` running in a terminal holds it
    assert lock.try_acquire()
    try:
        outbox.started(demo_ws.store, uid)
        outbox.progress(demo_ws.store, uid, 100_000, 8_000.0)
        qtbot.waitUntil(lambda: "cff sync (tiến trình" in page.live.text(), timeout=20000)
        row = page.table.item(0, 4).text()
        size = path.stat().st_size
        want = f"Đang gửi: 100 kB / {round(size / 1000)} kB ({100_000 * 100 // size}%), 8 kB/s, còn khoảng "
        assert row.startswith(want) and row in page.live.text()
        assert page.table.item(0, 3).text() == "8 kB/s"
        page.sync_button.click()  # "Gửi ngay" while another program sends: it is told, nothing is sent twice
        idle(qtbot, page)
        assert page.status.text().startswith("Hộp thư đi đang được gửi bởi cff sync (tiến trình "), page.status.text()
        assert district.packages() == [] and district.upload_files() == []
    finally:
        lock.release()
    qtbot.waitUntil(lambda: page.table.item(0, 4).text().startswith("Đã dừng giữa chừng"), timeout=20000)
