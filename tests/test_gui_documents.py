"""The clerk prints, previews, exports to a "USB" folder and backs up, all off the UI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import answer_next_dialog

from cff_desktop.services.council import close_meeting, record_vote


@pytest.fixture
def docs(clerk):
    page = clerk.shell.show_page("documents")
    yield page
    clerk.close()


def idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.busy == 0, timeout=60000)


def test_print_draft_then_preview(qtbot, docs, tmp_path: Path) -> None:
    assert "DỰ THẢO" in docs.draft_note.text()
    for kind, box in docs.kind_boxes.items():
        box.setChecked(kind in ("minutes", "scores"))
    docs.out_dir.setText(str(tmp_path / "in ấn"))
    docs.print_selected()
    assert docs.progress.isVisible()  # the window stays live while PDFs are made
    idle(qtbot, docs)
    assert "Đã in 2 văn bản" in docs.status.text(), docs.status.text()
    pdfs = sorted((tmp_path / "in ấn").glob("*.pdf"))
    assert len(pdfs) == 2
    assert docs.printed.count() == 2
    docs.printed.setCurrentRow(0)
    dlg = docs.preview(docs._selected_pdf())
    assert dlg is not None and len(dlg.images) >= 1 and dlg.images[0].width() > 500
    dlg.close()


def test_print_into_an_unusable_folder_says_so(qtbot, docs, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    docs.out_dir.setText(str(blocker / "sub"))
    docs.print_selected()
    idle(qtbot, docs)
    assert "Chưa in được" in docs.status.text()


def test_export_needs_a_closed_round_then_writes_and_verifies(qtbot, docs, demo_ws, tmp_path: Path) -> None:
    assert not docs.export_button.isEnabled()
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    docs.ctx.changed.emit("council")
    assert docs.export_button.isEnabled()
    usb = tmp_path / "USB"
    usb.mkdir()
    asked = answer_next_dialog("Vẫn ghi, không mã hóa")  # the demo has no upper-level key
    docs.export(str(usb))
    idle(qtbot, docs)
    assert asked and "KHÔNG MÃ HÓA" in asked[0]
    assert "Đã ghi và kiểm tra xong (KHÔNG MÃ HÓA)" in docs.status.text(), docs.status.text()
    assert len(list(usb.glob("*.cffpkg"))) == 1


def test_backup_button(qtbot, docs, cff_home: Path) -> None:
    docs.backup()
    idle(qtbot, docs)
    assert "Đã sao lưu" in docs.status.text()
    assert len(list((cff_home / "backups").glob("cff-*thu-cong.sqlite"))) == 1


def test_word_copies_of_minutes_and_report(qtbot, docs, tmp_path: Path) -> None:
    docs.out_dir.setText(str(tmp_path / "word"))
    docs.word_button.click()
    idle(qtbot, docs)
    assert sorted(p.suffix for p in (tmp_path / "word").iterdir()) == [".docx", ".docx"]
    assert "Đã in 2 văn bản" in docs.status.text()


def test_number_from_the_register_in_the_print_dialog(qtbot, docs, demo_ws, tmp_path: Path) -> None:
    from docs_helpers import flat_text

    out = tmp_path / "so"
    docs.out_dir.setText(str(out))
    for box in docs.kind_boxes.values():
        box.setChecked(False)
    docs.kind_boxes["minutes"].setChecked(True)
    docs.kind_boxes["report"].setChecked(True)
    docs.number_box.setValue(12)
    docs.print_selected()
    assert "chỉ chọn một văn bản" in docs.status.text() and not out.exists()
    docs.kind_boxes["minutes"].setChecked(False)
    docs.kind_boxes["report"].setChecked(False)
    docs.kind_boxes["council_decision"].setChecked(True)  # issued before the meeting: numbered now
    docs.print_selected()
    idle(qtbot, docs)
    assert "Đã in 1 văn bản" in docs.status.text(), docs.status.text()
    assert "Số: 12/QĐ-UBND" in flat_text(out / "quyet-dinh-thanh-lap-hoi-dong-2024.pdf")
    assert docs.number_box.value() == 0, "the register number is not reused for the next print"
    docs.grab().save(str(tmp_path / "documents-page.png"))
