"""Settings of the printed papers: "Nơi nhận" per kind, days off in posting periods, and their bad inputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli_helpers import assert_refused, db_dump
from docs_helpers import close_demo, flat_text, needs_poppler

from cff_desktop.documents.content import next_working_day, public_holidays, working_days_after

pytestmark = needs_poppler


def test_posting_period_skips_tet_and_the_office_days_off() -> None:
    assert date(2025, 1, 29) in public_holidays(2025), "Tết Ất Tỵ"
    # 24/01/2025 (Friday) + 5 working days: Tết runs 27/01–02/02, so the posting ends on Thursday 06/02
    assert working_days_after(date(2025, 1, 24), 5) == date(2025, 2, 6)
    assert working_days_after(date(2025, 1, 24), 5, [date(2025, 2, 3)]) == date(2025, 2, 7)
    assert working_days_after(date(2024, 8, 30), 2) == date(2024, 9, 4), "Quốc khánh 02–03/09/2024"
    assert next_working_day(date(2025, 4, 29)) == date(2025, 5, 5), "30/4, 1/5, 2/5 (swapped), weekend"
    assert working_days_after(date(2024, 11, 9), 1) == date(2024, 11, 11), "a Saturday start moves to Monday"


def test_print_all_honours_posting_options_and_days_off(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    cff("print-settings", "set", "extra_days_off", "2024-11-08, 2024-11-12", check=True)
    out = tmp_path / "in"
    cff("print", "all", "--out", str(out), "--posting-start", "2024-11-07", "--posting-days", "3", check=True)
    text = flat_text(out / "thong-bao-niem-yet-2024.pdf")
    # 07/11 (Thursday), 08/11 off, weekend, 11/11, 12/11 off, 13/11
    assert "03 ngày làm việc (không kể ngày nghỉ, ngày lễ, Tết), từ ngày 07/11/2024 đến hết ngày 13/11/2024" in text
    assert "Hoàng Đồng, ngày 07 tháng 11 năm 2024" in text


def test_recipients_per_kind_from_settings_frozen_with_the_number(demo_ws, cff, cff_json, tmp_path: Path) -> None:
    close_demo(demo_ws)
    cff("print-settings", "set", "recipients.report",
        "- UBND tỉnh Lạng Sơn (qua Sở Y tế);\n- Thường trực Đảng ủy phường;\nLưu: VT, VP", check=True)
    shown = cff_json("print-settings", "show", "--json")
    assert shown["recipients.report"] == "UBND tỉnh Lạng Sơn (qua Sở Y tế)\nThường trực Đảng ủy phường\nLưu: VT, VP"
    assert shown["recipients.proposal"] == ""
    out = tmp_path / "a"
    cff("print", "proposal", "--out", str(out), check=True)
    report = flat_text(out / "bao-cao-ket-qua-tu-danh-gia-2024.pdf")
    assert "- UBND tỉnh Lạng Sơn (qua Sở Y tế); - Thường trực Đảng ủy phường; - Lưu: VT, VP." in report
    proposal = flat_text(out / "to-trinh-de-nghi-cong-nhan-2024.pdf")
    assert "- Như trên; - Thường trực Đảng ủy, HĐND xã; - Lưu: VT, VHXH." in proposal, "default when unset"
    cff("print-settings", "set", "recipients.report", "Nơi khác", check=True)
    again = tmp_path / "b"
    cff("print", "report", "--out", str(again), check=True)
    assert (again / "bao-cao-ket-qua-tu-danh-gia-2024.pdf").read_bytes() == \
        (out / "bao-cao-ket-qua-tu-danh-gia-2024.pdf").read_bytes(), "a numbered paper keeps its Nơi nhận"


def test_bad_settings_refused_nothing_written(demo_ws, cff) -> None:
    db = demo_ws.paths.db
    before = db_dump(db)
    assert_refused(cff("print-settings", "set", "extra_days_off", "2024-11-08, 2024-13-01"), "2024-13-01",
                   "YYYY-MM-DD")
    assert_refused(cff("print-settings", "set", "recipients.letter", "X"), "recipients.letter",
                   "recipients.report")
    assert_refused(cff("print-settings", "set", "recipients.notice", "; ".join(f"Thôn {n}" for n in range(16))),
                   "16 dòng", "tối đa 15")
    assert_refused(cff("print-settings", "set", "recipients.notice", "x" * 201), "200 ký tự")
    assert db_dump(db) == before


def test_upper_level_decision_settings(demo_ws, cff, cff_json) -> None:
    from cff_desktop.services.profile import get_setting, recipient_lines

    cff("print-settings", "set", "upper.proposer", "  Trưởng phòng Văn hóa -  Xã hội. ", check=True)
    cff("print-settings", "set", "upper.legal_lines",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\nCăn cứ Nghị định số 42/2025/NĐ-CP",
        check=True)
    shown = cff_json("print-settings", "show", "--json")
    assert shown["upper.proposer"] == "Trưởng phòng Văn hóa - Xã hội"
    assert recipient_lines(get_setting(demo_ws, "upper.legal_lines")) == [
        "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025", "Nghị định số 42/2025/NĐ-CP"]
    assert_refused(cff("print-settings", "set", "upper.proposer", "x" * 201), "200 ký tự")
