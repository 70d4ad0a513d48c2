"""A service refusal names its remedy; the CLI words it as a command, the window as a page and a button.

A window user must never be told to run a command-line flag, and a CLI user still gets the exact
command. Both are checked on a real refusal (exporting the dossier before the council has met), with
nothing written by the refused export.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from gui_helpers import answer_next_dialog, sign_in
from test_package_damage import dump

from cff_desktop.cli import main
from cff_desktop.cli.remedies import CLI_REMEDIES, cli_hint
from cff_desktop.common.errors import REMEDIES, CffError, Refused
from cff_desktop.ui.remedies import error_text, ui_hint

CLOSE_SENTENCE = "Kết thúc họp hội đồng rồi xuất lại."


def test_every_remedy_is_worded_by_both_front_ends_in_their_own_terms() -> None:
    assert set(CLI_REMEDIES) == set(REMEDIES)
    for remedy in REMEDIES:
        cli, ui = cli_hint(remedy), ui_hint(remedy)
        assert cli.startswith(" ") and ("`cff " in cli or " --" in cli), remedy
        assert ui.startswith(" ") and "cff" not in ui and "--" not in ui and "`" not in ui, remedy
        assert "«" in ui, remedy  # the window names the button or page to use
    assert cli_hint(None) == ui_hint(None) == ""


def test_an_error_keeps_message_and_where_and_refuses_an_unknown_remedy() -> None:
    e = Refused("chưa có hồ sơ để gửi.", "round", code="no_snapshot", remedy="close_council")
    assert (e.message, e.where, e.code, e.remedy) == ("chưa có hồ sơ để gửi.", "round", "no_snapshot",
                                                       "close_council")
    assert str(e) == "round: chưa có hồ sơ để gửi."
    plain = CffError("sai.")
    assert plain.code is None and plain.remedy is None and error_text(plain) == "sai."
    with pytest.raises(ValueError, match="unknown remedy"):
        CffError("sai.", remedy="run_something")


def test_the_cli_adds_the_command_to_the_neutral_sentence(demo_ws, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    before = dump(demo_ws)
    assert main(["package", "export", "--to", str(usb), "--kind", "dossier"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert CLOSE_SENTENCE in err and err.endswith("Kết thúc họp bằng `cff council close`."), err
    assert list(usb.iterdir()) == [] and dump(demo_ws) == before


def test_the_window_names_the_page_and_button_instead_of_a_command(qtbot, demo_ws, tmp_path: Path) -> None:
    from cff_desktop.ui.app import build_window

    w = build_window()
    qtbot.addWidget(w)
    w.show()
    sign_in(qtbot, w, "Hoàng Thị Mai")
    docs = w.shell.show_page("documents")
    assert not docs.export_button.isEnabled()  # the button already waits for the council...
    usb = tmp_path / "USB"
    usb.mkdir()
    db_hash = hashlib.sha256(Path(demo_ws.paths.db).read_bytes()).hexdigest()
    before = dump(demo_ws)
    asked = answer_next_dialog("Vẫn ghi, không mã hóa")  # the demo has no upper-level key
    docs.export(str(usb))  # ... and when export is reached anyway, the service refuses in window words
    qtbot.waitUntil(lambda: docs.busy == 0, timeout=60000)
    text = docs.status.text()
    assert asked
    assert CLOSE_SENTENCE in text and "Mở trang «Hội đồng» và bấm «Kết thúc họp»." in text, text
    assert "cff" not in text and "`" not in text
    assert list(usb.iterdir()) == [] and dump(demo_ws) == before
    assert hashlib.sha256(Path(demo_ws.paths.db).read_bytes()).hexdigest() == db_hash
    w.close()


def test_switching_to_a_rule_set_not_installed_names_the_import_remedy(demo_ws, tmp_path: Path) -> None:
    import json

    from cff_desktop.common.resources import resource_dir
    from cff_desktop.rules.loader import parse_bytes
    from cff_desktop.services.rulesets import switch

    src = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
    src["version"] = "2099.1"
    path = tmp_path / "qd06-2099.json"
    path.write_bytes(json.dumps(src, ensure_ascii=False).encode("utf-8"))
    target = parse_bytes(path.read_bytes(), str(path))
    before = dump(demo_ws)
    with pytest.raises(Refused) as e:
        switch(demo_ws, target, reason="thử", actor="Hoàng Thị Mai")
    assert e.value.remedy == "import_ruleset" and "cff" not in e.value.message
    assert ui_hint(e.value.remedy).endswith("bấm «Nhập bộ tiêu chí chính thức…».")
    assert "`cff rulesets import TỆP`" in cli_hint(e.value.remedy)
    assert dump(demo_ws) == before
