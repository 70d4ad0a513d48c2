"""The upper level's key on the commune's side: set-up page, enrolment, and exports without it."""

from __future__ import annotations

import json
from pathlib import Path

import pyrage
import pytest
from gui_helpers import answer_next_dialog, ime_type

from cff_desktop.common.errors import Refused
from cff_desktop.services import keys
from cff_desktop.services.council import close_meeting, record_vote
from cff_desktop.services.upper_key import check_unencrypted_export, export_plan, key_from_enrolment


def new_recipient() -> str:
    return str(pyrage.x25519.Identity.generate().to_public())


@pytest.fixture
def clerk(clerk):
    """The shared signed-in window, closed at the end (closing is part of what these tests rely on)."""
    yield clerk
    clerk.close()


def settings_bytes(home: Path) -> bytes | None:
    files = [p for p in home.rglob("*.json") if "setting" in p.name or "keys" in p.name]
    return b"".join(p.read_bytes() for p in sorted(files)) if files else None


def test_setup_page_takes_the_key_as_read_out_by_phone(qtbot, clerk, demo_ws, cff_home) -> None:
    tab = clerk.shell.pages["setup"].upper_key
    assert "Chưa có" in tab.current.text()
    before = settings_bytes(cff_home)
    ime_type(tab.text, "age1 không phải khóa")
    tab.text_button.click()
    assert "không thấy khóa công khai" in tab.status.text().lower()
    assert keys.upper_recipient(demo_ws) is None and settings_bytes(cff_home) == before
    rec = new_recipient()
    spoken = " ".join(rec[i:i + 6] for i in range(0, len(rec), 6)).upper()
    ime_type(tab.text, spoken)
    tab.text_button.click()
    fp = keys.upper_recipient(demo_ws)["fingerprint"]
    assert keys.upper_recipient(demo_ws)["recipient"] == rec
    assert fp in tab.current.text() and fp in tab.status.text()


def test_setup_page_imports_a_key_file(qtbot, clerk, demo_ws, tmp_path) -> None:
    tab = clerk.shell.pages["setup"].upper_key
    rec = new_recipient()
    f = tmp_path / "khoa-tinh.pub"
    f.write_text(f"# Khóa công khai của tỉnh\n{rec}\n", "utf-8")
    tab.import_file(str(f))
    assert keys.upper_recipient(demo_ws)["recipient"] == rec
    assert keys.upper_recipient(demo_ws)["fingerprint"] in tab.current.text()
    bad = tmp_path / "rong.pub"
    bad.write_text("không có khóa", "utf-8")
    tab.import_file(str(bad))
    assert "age1" in tab.status.text() and keys.upper_recipient(demo_ws)["recipient"] == rec


def close(ws) -> None:
    record_vote(ws, votes_for=10, votes_against=0)
    close_meeting(ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:00")


def idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.busy == 0, timeout=60000)


def test_export_without_a_key_asks_and_cancel_writes_nothing(qtbot, clerk, demo_ws, tmp_path) -> None:
    close(demo_ws)
    docs = clerk.shell.show_page("documents")
    docs.ctx.changed.emit("council")
    usb = tmp_path / "USB"
    usb.mkdir()
    asked = answer_next_dialog("Hủy")
    docs.export(str(usb))
    idle(qtbot, docs)
    assert "KHÔNG MÃ HÓA" in asked[0] and "Khóa cấp trên" in asked[0]
    assert list(usb.iterdir()) == []
    assert "Chưa ghi hồ sơ" in docs.status.text()
    assert demo_ws.store.query("SELECT count(*) AS n FROM package")[0]["n"] == 0


def test_export_with_a_key_is_encrypted_and_says_so(qtbot, clerk, demo_ws, tmp_path) -> None:
    close(demo_ws)
    keys.import_upper(demo_ws, new_recipient())
    fp = keys.upper_recipient(demo_ws)["fingerprint"]
    docs = clerk.shell.show_page("documents")
    docs.ctx.changed.emit("council")
    usb = tmp_path / "USB"
    usb.mkdir()
    docs.export(str(usb))  # no question: nothing to confirm
    idle(qtbot, docs)
    assert f"mã hóa cho cấp trên, khóa {fp}" in docs.status.text()
    manifest = json.loads(demo_ws.store.query("SELECT manifest FROM package")[0]["manifest"])
    assert manifest["encryption"]["recipient_fingerprint"] == fp


def test_evidence_bearing_dossier_is_refused_unless_confirmed(demo_ws, tmp_path) -> None:
    from cff_desktop.services.evidence import attach

    photo = tmp_path / "so-tiem-chung.txt"
    photo.write_text("Sổ tiêm chủng thôn Nà Cạn", "utf-8")
    attach(demo_ws, "7", str(photo), as_officer="Vi Thị Hồng")
    plan = export_plan(demo_ws)
    assert not plan.encrypted and plan.evidence_files == 1
    assert "1 tệp minh chứng" in plan.question() and "tên" in plan.question()
    with pytest.raises(Refused) as e:
        check_unencrypted_export(demo_ws, confirmed=False)
    assert "1 tệp minh chứng" in e.value.message and "Khóa cấp trên" in e.value.message
    assert check_unencrypted_export(demo_ws, confirmed=True).evidence_files == 1
    keys.import_upper(demo_ws, new_recipient())
    assert check_unencrypted_export(demo_ws, confirmed=False).encrypted


def test_enrolment_answer_with_a_key_stores_it_once(demo_ws) -> None:
    assert key_from_enrolment(demo_ws, {"public_key": "x"}) is None
    assert key_from_enrolment(demo_ws, {"recipient": "không phải khóa"}) is None
    assert keys.upper_recipient(demo_ws) is None
    first = new_recipient()
    got = key_from_enrolment(demo_ws, {"public_key": "x", "recipient": first})
    assert got and keys.upper_recipient(demo_ws)["recipient"] == first
    # A second enrolment never replaces a configured key silently.
    assert key_from_enrolment(demo_ws, {"recipient": new_recipient()}) is None
    assert keys.upper_recipient(demo_ws)["recipient"] == first


def test_cli_export_without_a_key_needs_unencrypted_and_says_so(home, demo_db, tmp_path) -> None:
    """The CLI asks as the window does: no key, no dossier, unless --unencrypted says the clerk knows."""
    from cli_helpers import assert_refused, db_dump, ok, run_cff

    ok(run_cff(home, "council", "vote", "--for", "10"))
    ok(run_cff(home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
    usb = tmp_path / "usb"
    usb.mkdir()
    before = db_dump(demo_db)
    line = assert_refused(run_cff(home, "package", "export", "--to", str(usb)), "không được mã hóa")
    assert "--unencrypted" in line and "cff keys import-upper" in line
    assert db_dump(demo_db) == before and list(usb.iterdir()) == []
    p = run_cff(home, "package", "export", "--to", str(usb), "--unencrypted")
    assert p.returncode == 0 and "không mã hóa" in p.stderr, p.stderr
    assert len(list(usb.glob("*.cffpkg"))) == 1
