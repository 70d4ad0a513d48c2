"""The upper level's papers read back: Nghị định 30 header, signer, Căn cứ lines, annex, minutes, reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docs_helpers import flat_text, needs_poppler, page_texts

from cff_desktop.documents.district_papers import DistrictContext, local_government_law, render

pytestmark = needs_poppler


def _report() -> dict:
    communes = [
        {"code": "01234", "name": "Xã Hoàng Đồng", "total": 985, "threshold": 800, "passing": True,
         "recognized": True, "assessed": True, "state": "recognised", "reason": ""},
        {"code": "01237", "name": "Phường Tam Thanh", "total": 870, "threshold": 900, "passing": False,
         "recognized": False, "assessed": True, "state": "not_recognised",
         "reason": "Tổng điểm dưới ngưỡng 900 điểm"},
        {"code": "01240", "name": "Thị trấn Na Sầm", "total": None, "threshold": None, "passing": False,
         "recognized": False, "assessed": False, "state": "", "reason": ""},
    ]
    cat = {"label": "Các xã, phường, thị trấn còn lại", "units": 3, "assessed": 2, "passing": 1, "recognized": 1,
           "rate": 33.33}
    return {"units": 3, "assessed": 2, "passing": 1, "recognized": 1, "rate": 33.33, "by_category": {"other": cat},
            "communes": communes, "recognized_3_in_a_row": [], "recognized_5_in_a_row": [], "target": None,
            "change": {}}


def _ctx(**kw) -> DistrictContext:
    base = dict(area="Huyện Cao Lộc", level="district", province="Lạng Sơn", year=2024,
                legal_basis="Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ", report=_report(),
                decision={"number": "125/QĐ-UBND", "signed_on": "2024-12-05",
                          "council": {"chair": "Hoàng Văn Bình", "secretary": "Lê Thị Mai",
                                      "members": ["Vi Văn Nam", "Nông Thị Hoa"], "absent": ["Triệu Văn Khánh"],
                                      "place": "Phòng họp UBND huyện", "started_at": "2024-12-02T08:00",
                                      "ended_at": "2024-12-02T11:15", "votes": {"01234": 4, "01237": 1}}},
                dossiers=[{"code": "01234", "name": "Xã Hoàng Đồng", "total": 985, "threshold": 800,
                           "state": "recognised", "findings": []},
                          {"code": "01237", "name": "Phường Tam Thanh", "total": 870, "threshold": 900,
                           "state": "not_recognised", "findings": ["Chỉ số 13.1: phiếu khảo sát thiếu"],
                           "reason": "Tổng điểm dưới ngưỡng 900 điểm"}],
                returned=[{"code": "01240", "name": "Thị trấn Na Sầm", "comments": ["7: thiếu minh chứng tiêm chủng"]}],
                per_criterion=[
                    {"id": "1", "name": "Nguồn lực thực hiện quyền trẻ em", "max": 100, "full": 2, "partial": 0,
                     "zero": [], "not_assessed": []},
                    {"id": "3", "name": "Trẻ em bị xâm hại", "max": 100, "full": 1, "partial": 0,
                     "zero": ["Phường Tam Thanh"], "not_assessed": []}],
                signer_name="Nguyễn Văn An", signer_title="Chủ tịch", proposer="Trưởng phòng Văn hóa - Xã hội",
                today=date(2024, 12, 10))
    base.update(kw)
    return DistrictContext(**base)


def _pdf(tmp_path: Path, kind: str, ctx: DistrictContext) -> Path:
    p = tmp_path / f"{kind}.pdf"
    p.write_bytes(render(kind, ctx))
    return p


def test_decision_per_decree_30(tmp_path: Path) -> None:
    f = _pdf(tmp_path, "decision", _ctx())
    pages = page_texts(f)
    first = pages[0]
    assert first.startswith("ỦY BAN NHÂN DÂN HUYỆN CAO LỘC"), "no parent line above a People's Committee"
    assert "TỈNH LẠNG SƠN" not in first
    assert "Số: 125/QĐ-UBND" in first and "Cao Lộc, ngày 05 tháng 12 năm 2024" in first
    text = flat_text(f)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAO LỘC" in text
    assert ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;") in text
    assert "Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ;" in text
    assert ("Biên bản họp Hội đồng xét duyệt xã, phường, thị trấn phù hợp với trẻ em Huyện Cao Lộc năm 2024 "
            "ngày 02/12/2024;") in text
    assert "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội." in text
    assert "TM. ỦY BAN NHÂN DÂN" not in text, "the decision is the Chairman's"
    assert "CHỦ TỊCH Nguyễn Văn An" in text.replace("  ", " ")
    annex = pages[-1]
    assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/12/2024 của Chủ tịch Ủy ban nhân dân Huyện Cao Lộc)" in annex
    assert "01234" in annex and "01237" not in annex


def test_deputy_signs_for_the_chairman_and_settings_replace_the_law(tmp_path: Path) -> None:
    ctx = _ctx(signer_title="Phó Chủ tịch", legal_lines=["Luật Tổ chức chính quyền địa phương năm 2025"],
               decision={"number": "", "signed_on": "", "council": {}}, proposer="")
    text = flat_text(_pdf(tmp_path, "decision", ctx))
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;" in text and "2015" not in text
    assert "Số: ....../QĐ-UBND" in text and "Theo đề nghị của ....." in text
    assert "(Kèm theo Quyết định số ....../QĐ-UBND ngày ....../....../2024" in text
    assert local_government_law(date(2025, 12, 1)).endswith("ngày 16 tháng 6 năm 2025")
    assert local_government_law(date(2025, 4, 1)).endswith("ngày 19 tháng 02 năm 2025")


def test_review_council_minutes_record_the_meeting(tmp_path: Path) -> None:
    text = flat_text(_pdf(tmp_path, "council-minutes", _ctx()))
    assert text.startswith("UBND HUYỆN CAO LỘC HỘI ĐỒNG XÉT DUYỆT")
    assert "Số: ....../BB-HĐXD" in text
    assert "vào lúc 08 giờ 00 phút, ngày 02 tháng 12 năm 2024, tại Phòng họp UBND huyện" in text
    assert "Thành viên có mặt (2): Vi Văn Nam; Nông Thị Hoa." in text
    assert "Vắng mặt (1): Triệu Văn Khánh." in text
    assert "4/4" in text and "1/4" in text
    assert "Không công nhận: Tổng điểm dưới ngưỡng 900 điểm" in text
    assert "Hồ sơ trả lại để hoàn thiện: Thị trấn Na Sầm (7: thiếu minh chứng tiêm chủng)." in text
    assert "Cuộc họp kết thúc vào lúc 11 giờ 15 phút, ngày 02 tháng 12 năm 2024." in text


@pytest.mark.parametrize("title", ["Chủ tịch", "Phó Chủ tịch"])
def test_report_opening_list_reasons_and_closing(tmp_path: Path, title: str) -> None:
    text = flat_text(_pdf(tmp_path, "report", _ctx(signer_title=title)))
    assert text.startswith("ỦY BAN NHÂN DÂN HUYỆN CAO LỘC")
    assert "Thực hiện Quyết định số 06/QĐ-TTg" in text and "báo cáo kết quả đánh giá, công nhận" in text
    assert "(Quyết định số 125/QĐ-UBND ngày 05/12/2024)" in text
    assert "01237" in text and "Tổng điểm dưới ngưỡng 900 điểm" in text
    assert "III. KẾT QUẢ THEO TIÊU CHÍ" in text and "1: Phường Tam Thanh" in text
    assert "Tiêu chí có đơn vị bị 0 điểm (không đủ điều kiện công nhận): tiêu chí 3 (1 đơn vị)." in text
    assert "Trên đây là báo cáo kết quả đánh giá, công nhận" in text
    assert "- Ủy ban nhân dân tỉnh Lạng Sơn;" in text
    assert ("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" if title == "Chủ tịch" else "KT. CHỦ TỊCH PHÓ CHỦ TỊCH") in text
