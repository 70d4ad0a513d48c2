"""The upper level's papers printed from real received dossiers: reasons, settings, per-criterion results."""

from __future__ import annotations

from pathlib import Path

from docs_helpers import flat_text, needs_poppler, page_texts
from test_district import N, _decide_rounds, _import_all, built, upper  # noqa: F401  (fixtures)

pytestmark = needs_poppler


def test_upper_papers_from_received_dossiers(upper, built, tmp_path: Path) -> None:  # noqa: F811
    from cff_desktop.services.district import set_decision
    from cff_desktop.services.district_print import context, render
    from cff_desktop.services.profile import set_print_setting

    _import_all(upper, built)
    rec = _decide_rounds(upper, built)
    set_decision(upper, 2024, number="125/QĐ-UBND", signed_on="2024-12-05",
                 council={"chair": "Hoàng Văn Bình", "secretary": "Lê Thị Mai", "members": ["Vi Văn Nam"]})
    set_print_setting(upper, "upper.proposer", "Trưởng phòng Văn hóa - Xã hội")
    ctx = context(upper, 2024)
    assert ctx.per_criterion, "every dossier's criteria are counted"
    names = {c["code"]: c["name"] for c in ctx.report["communes"]}
    passing_names = {c["name"] for c in ctx.report["communes"] if c["passing"]}
    for c in ctx.per_criterion:
        assert c["full"] + c["partial"] + len(c["zero"]) + len(c["not_assessed"]) == N, c["id"]
        assert not set(c["zero"]) & passing_names, "a unit with a criterion at 0 cannot pass"
    decision = flat_text(render(upper, "decision", tmp_path, 2024))
    assert not decision.startswith("ỦY BAN NHÂN DÂN TỈNH"), "no parent line above the committee"
    assert "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội." in decision
    assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/12/2024" in decision
    assert "TM. ỦY BAN NHÂN DÂN" not in decision
    refused = [code for code in names if code.endswith("7")]
    minutes = flat_text(render(upper, "council-minutes", tmp_path, 2024))
    assert "Không công nhận: Hồ sơ minh chứng tiêu chí 13 chưa đầy đủ" in minutes
    report = render(upper, "report", tmp_path, 2024)
    text = flat_text(report)
    assert "III. KẾT QUẢ THEO TIÊU CHÍ" in text and "Trên đây là báo cáo" in text
    assert all(code in text for code in refused) and "Hồ sơ minh chứng tiêu chí 13 chưa đầy đủ" in text
    assert len(rec[2024]) >= 1 and page_texts(report)[0].startswith("ỦY BAN NHÂN DÂN")


def test_review_meeting_recorded_from_the_cli_and_printed(upper, built, cff, tmp_path: Path) -> None:  # noqa: F811
    from cli_helpers import assert_refused, db_dump

    from cff_desktop.services.district_print import render

    _import_all(upper, built)
    _decide_rounds(upper, built)
    db = str(upper.paths.db)
    base = ["--db", db, "district", "decision", "--round", "2024", "--number", "125/QĐ-UBND", "--date",
            "2024-12-05", "--chair", "Hoàng Văn Bình", "--secretary", "Lê Thị Mai",
            "--members", "Vi Văn Nam; Nông Thị Hoa"]
    before = db_dump(upper.paths.db)
    assert_refused(cff(*base, "--started-at", "hôm qua"), "YYYY-MM-DDTHH:MM")
    assert_refused(cff(*base, "--started-at", "2024-12-02T08:00", "--ended-at", "2024-12-02T07:00"), "sau giờ bắt đầu")
    assert_refused(cff(*base, "--vote", "01234=bảy"), "MÃ_ĐƠN_VỊ=SỐ")
    assert db_dump(upper.paths.db) == before
    first = next(r["unit_code"] for r in upper.store.query(
        "SELECT unit_code FROM received_package WHERE year = 2024 AND state = 'recognised' ORDER BY unit_code"))
    cff(*base, "--place", "Phòng họp số 2", "--started-at", "2024-12-02T08:00", "--ended-at", "2024-12-02T10:45",
        "--absent", "Triệu Văn Khánh", "--vote", f"{first}=3", check=True)
    text = flat_text(render(upper, "council-minutes", tmp_path, 2024))
    assert "vào lúc 08 giờ 00 phút, ngày 02 tháng 12 năm 2024, tại Phòng họp số 2" in text
    assert "Vắng mặt (1): Triệu Văn Khánh." in text and "3/4" in text
    assert "Cuộc họp kết thúc vào lúc 10 giờ 45 phút, ngày 02 tháng 12 năm 2024." in text
    assert "ngày 02 tháng 12 năm 2024" in page_texts(render(upper, "council-minutes", tmp_path, 2024))[0], \
        "the minutes are dated the meeting's day"
