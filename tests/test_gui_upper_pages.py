"""The upper level's pages report refusals on their status line, in Vietnamese, and change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from gui_helpers import open_upper_window


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def upper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from cff_desktop.services.district import import_units, init_area
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / "upper"))
    ws = open_workspace(create=True)
    init_area(ws, name="Huyện Cao Lộc", level="district", province="Lạng Sơn")
    (tmp_path / "u.csv").write_text("code,name,category\n99001,Xã Hoàng Đồng,mountain_island_disadvantaged\n"
                                    "99002,Phường Đông Kinh,urban_ward\n", "utf-8")
    import_units(ws, tmp_path / "u.csv")
    yield ws
    ws.close()


def _window(qtbot, ws):

    win = open_upper_window(qtbot, ws.paths.db)
    return win


def test_a_wrong_pin_is_refused_and_cleared_then_the_right_one_opens_the_shell(qtbot, upper) -> None:
    from cff_desktop.services.reviewers import add_reviewer

    add_reviewer(upper, name="Nguyễn Thị Hà", pin="246810", position="Chuyên viên")
    win = _window(qtbot, upper)
    stack = win.centralWidget()
    assert stack.currentWidget() is win.signin
    win.signin.pin.setText("000000")
    win.signin.sign_in()
    assert win.signin.status.objectName() == "error" and "PIN" in win.signin.status.text()
    assert win.signin.pin.text() == "" and stack.currentWidget() is win.signin
    win.signin.pin.setText("246810")
    win.signin.sign_in()
    assert win.signin.pin.text() == "" and stack.currentWidget() is win.shell
    assert "Nguyễn Thị Hà" in win.ctx.actor


def test_a_bad_signing_date_saves_nothing(qtbot, upper) -> None:
    from cff_desktop.services import district

    win = _window(qtbot, upper)
    page = win.shell.pages["decision"]
    page.number.setText("125/QĐ-UBND")
    page.date.setText("31/02/2025")
    before = _digest(upper.paths.db)
    page.save()
    assert page.status.objectName() == "error" and "31/02/2025" in page.status.text()
    assert "ví dụ 05/12/2025" in page.status.text()
    assert page.status.text()[:1].isupper()
    assert _digest(upper.paths.db) == before and not district.get_decision(upper, page.year.value())
    page.date.setText("05/12/2025")
    page.save()
    assert page.status.objectName() == "ok" and page.status.text() == "Đã lưu."
    assert district.get_decision(upper, page.year.value())["number"] == "125/QĐ-UBND"


def test_acting_on_a_unit_without_a_dossier_says_so_and_changes_nothing(qtbot, upper) -> None:
    win = _window(qtbot, upper)
    win.shell.open_unit("99002")
    unit = win.shell.unit
    unit.return_text.setText("Số liệu sai")
    before = _digest(upper.paths.db)
    unit.revoke()
    assert unit.status.objectName() == "error" and unit.status.text() == "Đơn vị này chưa có hồ sơ."
    assert _digest(upper.paths.db) == before
