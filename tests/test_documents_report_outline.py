"""The commune's report in the order of seed 003's outline (ĐỀ CƯƠNG BÁO CÁO), its facts from the store.

The founding decision is cited by number, funding is given by source from the budget, the criteria met
and not met are set against the year-start plan and against last year's round; the narrative sections
come from the settings (frozen with the report's number), an empty one prints dotted lines.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from docs_helpers import assert_in_order, close_demo, flat_text, needs_poppler, page_texts

from cff_desktop.documents.report import HEADINGS
from cff_desktop.services import budget
from cff_desktop.services.printing import render_printed
from cff_desktop.services.profile import set_print_setting
from cff_desktop.services.rounds import get_round, init_round

pytestmark = needs_poppler
# Seed 003's outline, its headings as written there (A, I–IV, B), upper-cased as the paper prints them.
SEED_003 = ["A. Đánh giá tình hình thực hiện", "I. Đặc điểm tình hình",
            "II. Công tác chỉ đạo, phối hợp triển khai thực hiện",
            "III. Kết quả thực hiện các quy định xã, phường, thị trấn phù hợp với trẻ em", "IV. Đánh giá chung",
            "B. Phương hướng, nhiệm vụ và các giải pháp để duy trì các xã, phường, thị trấn đạt tiêu chuẩn "
            "phù hợp với trẻ em"]




def test_report_follows_seed_003_with_facts_from_the_store(demo_ws, tmp_path: Path) -> None:
    for seed, ours in zip(SEED_003, HEADINGS, strict=True):
        assert seed.upper().startswith(ours), (seed, ours)
    render_printed(demo_ws, "council_decision", tmp_path, doc_date=date(2024, 10, 1))
    budget.add_line(demo_ws, activity="Truyền thông", source="commune", planned=20_000_000, spent=15_000_000)
    budget.add_line(demo_ws, activity="Quà Trung thu", source="mobilised", planned=5_000_000, spent=5_000_000)
    set_print_setting(demo_ws, "report_situation", "Xã có 3 dân tộc cùng sinh sống, kinh tế chủ yếu nông nghiệp.")
    set_print_setting(demo_ws, "report_next", "Duy trì 13 tiêu chí, ưu tiên điểm vui chơi cho trẻ em.")
    close_demo(demo_ws)
    p = render_printed(demo_ws, "report", tmp_path)
    text = flat_text(p.path)
    ours = [h.upper().replace("CÁC XÃ, PHƯỜNG, THỊ TRẤN", "XÃ HOÀNG ĐỒNG") for h in SEED_003]
    assert_in_order(text, [h.replace("XÃ, PHƯỜNG, THỊ TRẤN", "XÃ") for h in ours])
    assert_in_order(text, ["1. Đặc điểm tình hình kinh tế", "Xã có 3 dân tộc cùng sinh sống", "2. Tình hình công tác",
                     "1. Công tác chỉ đạo, điều hành", "2. Công tác bồi dưỡng, tập huấn", "3. Công tác tuyên truyền",
                     "4. Công tác kiểm tra, giám sát", "5. Công tác phối hợp", "6. Nguồn kinh phí",
                     "1. Việc thành lập, kiện toàn Hội đồng", "2. Kết quả chấm điểm", "3. Hồ sơ đề nghị công nhận",
                     "1. Thuận lợi", "2. Khó khăn, tồn tại", "3. Kiến nghị, đề xuất",
                     "Duy trì 13 tiêu chí, ưu tiên điểm vui chơi"])
    assert "được thành lập theo Quyết định thành lập Hội đồng số 01/QĐ-UBND ngày 01/10/2024" in text
    assert "dự toán 25.000.000 đồng, đã chi 20.000.000 đồng (80 % dự toán)" in text
    assert "Ngân sách xã 20.000.000 15.000.000" in text and "Nguồn vận động 5.000.000 5.000.000" in text
    assert "Các tiêu chí đạt đủ điểm so với kế hoạch đầu năm (kế hoạch đầu năm, 13 tiêu chí):" in text
    assert "Năm trước chưa có kết quả tự đánh giá lưu trong phần mềm để so sánh." in text
    assert "2. Công tác bồi dưỡng, tập huấn: ....." in text, "an empty section is left to write by hand"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(p.path), str(tmp_path / "bc")],
                   check=True)


def test_report_compares_with_last_years_round(demo_ws, tmp_path: Path) -> None:
    close_demo(demo_ws)
    c = get_round(demo_ws, 2024).commune
    init_round(demo_ws, commune=c["name"], province=c["province"], category=c["category"], year=2025)
    from cff_desktop.services.council import get_snapshot

    got = get_snapshot(demo_ws, 2024)
    assert got is not None
    score = got[0]["score"]
    full_2024 = [c["id"] for c in score["criteria"] if float(c["points"]) >= float(c["max"])]
    assert full_2024, "the demo meets some criteria in full"
    text = flat_text(render_printed(demo_ws, "report", tmp_path).path)  # a draft of 2025, nothing typed yet
    assert f"So với năm 2024 (tổng {str(score['total']).replace('.', ',')} điểm" in text
    assert ("tiêu chí mới đạt đủ điểm: không có; tiêu chí không còn đạt đủ điểm: " + ", ".join(full_2024) + ".") \
        in text


def test_a_section_longer_than_a_page_paginates(demo_ws, tmp_path: Path) -> None:
    long_text = " ".join(["Tổ chức hội nghị triển khai, tuyên truyền tại các thôn về phòng, chống xâm hại trẻ em."]
                         * 45)
    assert len(long_text) <= 4000
    set_print_setting(demo_ws, "report_communication", long_text)
    close_demo(demo_ws)
    p = render_printed(demo_ws, "report", tmp_path)
    text = flat_text(p.path)
    assert text.count("phòng, chống xâm hại trẻ em.") == 45
    pages = page_texts(p.path)
    holding = [i for i, t in enumerate(pages) if "phòng, chống xâm hại trẻ em." in t]
    assert len(holding) >= 2, "the long section runs onto the next page"
