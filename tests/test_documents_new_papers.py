"""The papers inspections ask for: the council's founding decision, the plan, the end of posting; report sections."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import assert_refused, db_dump
from docs_helpers import close_demo, flat_text, needs_poppler, page_texts

pytestmark = needs_poppler


def test_founding_decision_and_plan_before_the_meeting_cited_by_the_minutes(demo_ws, cff, tmp_path: Path) -> None:
    out = tmp_path / "in"
    got = json.loads(cff("print", "council_decision", "--out", str(out), "--date", "2024-10-01", "--json",
                         check=True).stdout)["printed"]
    assert [(p["kind"], p["number"], p["draft"]) for p in got] == [("council_decision", "01/QĐ-UBND", False)]
    dec = flat_text(out / "quyet-dinh-thanh-lap-hoi-dong-2024.pdf")
    assert "DỰ THẢO" not in dec and "Số: 01/QĐ-UBND" in dec and "Hoàng Đồng, ngày 01 tháng 10 năm 2024" in dec
    assert "Về việc thành lập Hội đồng đánh giá xã phù hợp với trẻ em năm 2024" in dec
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HOÀNG ĐỒNG" in dec and "(10 thành viên)" in dec
    for name in ("Hoàng Văn Bình", "Đinh Thị Nga", "Thư ký Hội đồng", "Thường trực Hội đồng"):
        assert name in dec
    assert "TM. ỦY BAN NHÂN DÂN" not in dec, "the Chairman's own decision"
    cff("print", "plan", "--out", str(out), "--date", "2024-10-02", check=True)
    plan = flat_text(out / "ke-hoach-tu-danh-gia-2024.pdf")
    assert "Số: 01/KH-UBND" in plan and "I. MỤC ĐÍCH, YÊU CẦU" in plan and "IV. TỔ CHỨC THỰC HIỆN" in plan
    assert "Nông Văn Hải (Công an xã)" in plan and "10/11/2024" in plan and "05/11/2024" in plan
    close_demo(demo_ws)
    cff("print", "minutes", "--out", str(out), check=True)
    minutes = flat_text(out / "bien-ban-hop-hoi-dong-2024.pdf")
    assert ("Hội đồng được thành lập theo Quyết định số 01/QĐ-UBND ngày 01/10/2024 của Chủ tịch Ủy ban nhân dân "
            "xã Hoàng Đồng.") in minutes
    # reprinted after the council closed: the same frozen decision
    again = tmp_path / "again"
    cff("print", "council_decision", "--out", str(again), check=True)
    assert (again / "quyet-dinh-thanh-lap-hoi-dong-2024.pdf").read_bytes() == \
        (out / "quyet-dinh-thanh-lap-hoi-dong-2024.pdf").read_bytes()
    cff("print", "dossier", "--out", str(out), check=True)
    texts = page_texts(out / "ho-so-de-nghi-cong-nhan-2024.pdf")
    contents = texts[1]
    assert contents.index("Quyết định thành lập Hội đồng đánh giá") < contents.index("Biên bản họp Hội đồng")
    assert "Biên bản kết thúc niêm yết công khai 01/BB-UBND" not in contents  # the minutes took 01
    assert "Biên bản kết thúc niêm yết công khai 02/BB-UBND 12/11/2024" in contents


def test_minutes_without_founding_decision_leave_a_dotted_reference(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render

    close_demo(demo_ws)
    text = flat_text(render(demo_ws, "minutes", tmp_path))
    assert "theo Quyết định số ....../QĐ-UBND ngày ...... tháng ...... năm 2024 của Chủ tịch" in text


def test_end_of_posting_record_with_feedback_in_the_dossier(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    cff("print-settings", "set", "posting_feedback", "01 ý kiến của thôn Nà Cạn về số liệu tiêm chủng.", check=True)
    cff("print-settings", "set", "posting_handling", "Trạm Y tế đối chiếu sổ tiêm chủng, số liệu đúng.", check=True)
    out = tmp_path / "in"
    cff("print", "all", "--out", str(out), "--posting-start", "2025-01-24", check=True)
    end = flat_text(out / "bien-ban-ket-thuc-niem-yet-2024.pdf")
    assert "theo Thông báo niêm yết số 01/TB-UBND ngày 24/01/2025" in end
    assert "từ ngày 24/01/2025 đến hết ngày 06/02/2025" in end, "Tết skipped, the notice's period"
    # dated 2025: the first BB of that year (numbers restart each year)
    assert "Hôm nay, ngày 06 tháng 02 năm 2025" in end and "Số: 01/BB-UBND" in end
    assert "01 ý kiến của thôn Nà Cạn" in end and "Trạm Y tế đối chiếu sổ tiêm chủng" in end
    proposal = flat_text(out / "to-trinh-de-nghi-cong-nhan-2024.pdf")
    assert "Biên bản kết thúc niêm yết số 01/BB-UBND ngày 06/02/2025" in proposal
    dossier = flat_text(out / "ho-so-de-nghi-cong-nhan-2024.pdf")
    assert "KẾT THÚC NIÊM YẾT" in dossier.upper() and "01 ý kiến của thôn Nà Cạn" in dossier


def test_report_sections_from_settings(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    cff("print-settings", "set", "report_highlights", "100 % trẻ em dưới 1 tuổi được tiêm chủng đầy đủ.", check=True)
    cff("print-settings", "set", "report_difficulties", "Địa bàn rộng, giao thông khó khăn.", check=True)
    cff("print-settings", "set", "report_proposals", "Đề nghị hỗ trợ kinh phí xây dựng điểm vui chơi.", check=True)
    out = tmp_path / "in"
    cff("print", "report", "--out", str(out), check=True)
    text = flat_text(out / "bao-cao-ket-qua-tu-danh-gia-2024.pdf")
    assert "IV. ĐÁNH GIÁ CHUNG" in text and "3. Kiến nghị, đề xuất:" in text
    assert "Kết quả nổi bật: 100 % trẻ em dưới 1 tuổi được tiêm chủng đầy đủ." in text
    assert "1. Thuận lợi: ....." in text, "an empty section is left to write by hand"
    assert "2. Khó khăn, tồn tại: Địa bàn rộng, giao thông khó khăn." in text
    assert "Đề nghị hỗ trợ kinh phí xây dựng điểm vui chơi." in text
    db = demo_ws.paths.db
    before = db_dump(db)
    assert_refused(cff("print-settings", "set", "report_causes", "x" * 4001), "tối đa 4.000")
    assert db_dump(db) == before


def test_founding_decision_needs_members_and_signer(cff_home: Path, cff, tmp_path: Path) -> None:
    from cff_desktop.services.rounds import init_round
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(create=True) as ws:
        init_round(ws, commune="Xã Mới", province="Lạng Sơn", category="other", year=2024)
        db = ws.paths.db
    before = db_dump(db)
    line = assert_refused(cff("print", "council_decision", "--out", str(tmp_path / "in")), "thành viên Hội đồng")
    assert "họ tên Chủ tịch" in line
    assert db_dump(db) == before and not (tmp_path / "in").exists()


def test_founding_decision_after_the_meeting_needs_its_signing_date(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    db = demo_ws.paths.db
    out = tmp_path / "in"
    before = db_dump(db)
    assert_refused(cff("print", "council_decision", "--out", str(out)), "Hội đồng đã họp ngày 05/11/2024",
                   "--date YYYY-MM-DD")
    assert_refused(cff("print", "plan", "--out", str(out)), "kế hoạch tự đánh giá phải mang ngày ký trước đó")
    assert db_dump(db) == before and not out.exists()
    cff("print", "council_decision", "--out", str(out), "--date", "2024-10-15", check=True)
    assert "Hoàng Đồng, ngày 15 tháng 10 năm 2024" in flat_text(out / "quyet-dinh-thanh-lap-hoi-dong-2024.pdf")
