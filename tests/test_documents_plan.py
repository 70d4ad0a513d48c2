"""The plan in the structure of seed 002 (a real commune plan, Số 75/KH-UBND), its budget from the store.

Its headings appear in the seed's order; the "Căn cứ" lines are settable with defaults; III. Kinh phí
prints the round's budget lines in Vietnamese amounts; the assignment table starts on page 1 and
repeats its header when it runs onto page 2.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docs_helpers import assert_in_order, flat_text, needs_poppler, page_texts

from cff_desktop.documents.plan import HEADINGS
from cff_desktop.services import budget
from cff_desktop.services.printing import render_printed
from cff_desktop.services.profile import set_print_setting

pytestmark = needs_poppler
SEED_002_HEADINGS = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. KINH PHÍ THỰC HIỆN",
                     "IV. TỔ CHỨC THỰC HIỆN", "V. CHẾ ĐỘ THÔNG TIN, BÁO CÁO"]




def _demo(cff_home: Path, name: str, category: str):
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(create=True)
    create_demo(ws, commune=name, category=category, seed=0)
    return ws


def test_plan_follows_seed_002_with_budget_and_settable_legal_lines(demo_ws, tmp_path: Path) -> None:
    assert list(HEADINGS) == SEED_002_HEADINGS
    budget.add_line(demo_ws, activity="Truyền thông, tuyên truyền", source="commune", planned=3_690_000_000)
    budget.add_line(demo_ws, activity="Tập huấn cán bộ", source="provincial", planned=10_000_000)
    set_print_setting(demo_ws, "plan_upper_plan", "Kế hoạch số 135/KH-UBND ngày 26/3/2024 của UBND thành phố "
                                                  "Lạng Sơn về triển khai thực hiện Quyết định số 06/QĐ-TTg")
    p = render_printed(demo_ws, "plan", tmp_path, doc_date=date(2024, 4, 16))
    text = flat_text(p.path)
    assert_in_order(text, ["Số: 01/KH-UBND", "KẾ HOẠCH", "Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019",
                     "Căn cứ Hướng dẫn số 604/TE-PTTG ngày 20/9/2019",
                     "Căn cứ Kế hoạch số 135/KH-UBND ngày 26/3/2024 của UBND thành phố Lạng Sơn",
                     *SEED_002_HEADINGS])
    assert_in_order(text, ["1. Mục đích", "2. Yêu cầu", "II. NỘI DUNG THỰC HIỆN", "1. Triển khai", "6. Vận động"])
    assert "Tổng kinh phí dự kiến: 3.700.000.000 đồng" in text
    assert "Ngân sách xã: 3.690.000.000 đồng; Ngân sách tỉnh: 10.000.000 đồng" in text
    assert "3.690.000.000" in text and "Tổng cộng" in text
    assert_in_order(text, ["IV. TỔ CHỨC THỰC HIỆN", "1. Công chức Văn hóa - Xã hội", "Công chức Tư pháp - Hộ tịch",
                     "Công an xã", "Trạm Y tế", "Công chức Tài chính - Kế toán", "Đề nghị MTTQ và các đoàn thể",
                     "V. CHẾ ĐỘ THÔNG TIN, BÁO CÁO"])
    assert re.search(r"theo dõi, đánh giá tiêu chí 3, 4\b", text), "Công an follows criteria 3 and 4 (seed 002)"
    assert "trước ngày 10/11/2024" in text  # the round's sector deadline
    pages = page_texts(p.path)
    assert len(pages) >= 2
    header = "Người, ngành thu thập số liệu"
    holding = [i for i, t in enumerate(pages) if header in t]
    first_rows = [i for i, t in enumerate(pages) if "Bảng phân công thu thập số liệu" in t]
    assert holding and first_rows and holding[0] == first_rows[0], "the table starts under its heading"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(p.path), str(tmp_path / "plan")], check=True)


def test_office_legal_lines_replace_the_defaults(demo_ws, tmp_path: Path) -> None:
    set_print_setting(demo_ws, "plan_legal_lines", "Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019\n"
                                                   "Công văn số 12/SLĐTBXH ngày 01/3/2024 của Sở")
    p = render_printed(demo_ws, "plan", tmp_path, doc_date=date(2024, 4, 16))
    text = flat_text(p.path)
    assert_in_order(text, ["Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019;", "Căn cứ Công văn số 12/SLĐTBXH"])
    assert "604/TE-PTTG" not in text
    assert "Nguồn kinh phí thực hiện từ nguồn ngân sách của xã" in text  # no budget yet: the seed's words
    pages = page_texts(p.path)
    start = next(i for i, t in enumerate(pages) if "Bảng phân công thu thập số liệu" in t)
    assert "Người, ngành thu thập số liệu" in pages[start], "the table starts under its heading, not a page later"
    rest = next(i for i, t in enumerate(pages) if "Trẻ em được khám sức khỏe định kỳ" in t)
    assert rest > start and "Người, ngành thu thập số liệu" in pages[rest], "split, header repeated"


@pytest.mark.parametrize(("name", "category", "village"), [("Xã Hoàng Đồng", "mountain_island_disadvantaged", "thôn"),
                                                           ("Phường Tân Lập", "other", "tổ dân phố")])
def test_plan_for_a_xa_and_a_phuong(cff_home: Path, tmp_path: Path, name: str, category: str, village: str) -> None:
    ws = _demo(cff_home, name, category)
    try:
        budget.add_line(ws, activity="Hội nghị triển khai", source="mobilised", planned=2_500_000)
        p = render_printed(ws, "plan", tmp_path, doc_date=date(2024, 4, 16))
    finally:
        ws.close()
    text = flat_text(p.path)
    word = name.split()[0].lower()
    assert f"Thực hiện xây dựng {word} phù hợp với trẻ em" in text
    assert f"Công an {word}" in text and village in text and "Nguồn vận động: 2.500.000 đồng" in text
    assert_in_order(text, SEED_002_HEADINGS)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(p.path), str(tmp_path / f"plan-{word}")], check=True)
