"""Tờ trình đề nghị công nhận: the commune's request to the configured upper level.

Since July 2025 the district level is gone, so the addressee is the profile's ``upper_level``,
never a constant.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    Styles,
    closing_block,
    esc,
    markup,
    para,
    sign_off,
    styles,
    title_block,
)


def build(ctx: DocContext) -> list[Part]:
    st = styles()
    s = ctx.score
    assessed = sum(1 for c in s["criteria"] if c.get("assessed"))
    evidence = len(ctx.evidence)
    f: list[Flowable] = [
        ctx.header("proposal"),
        *title_block("Tờ trình", f"Về việc đề nghị công nhận {ctx.unit_name} đạt tiêu chuẩn "
                                 f"{ctx.unit_word} phù hợp với trẻ em năm {ctx.year}"),
        markup(f"Kính gửi: {esc(ctx.upper_level)}.", _kinh_gui(st)),
        para(f"Căn cứ {ctx.ruleset.legal_basis};"),
        para(f"Căn cứ kết quả tự đánh giá và {ctx.doc_ref('minutes', 'Biên bản họp Hội đồng đánh giá')} "
             f"của {ctx.unit_name};"),
        para(f"Căn cứ kết quả niêm yết công khai tại {ctx.doc_ref('notice', 'Thông báo niêm yết')}"
             + (f" và {ctx.doc_ref('posting_end', 'Biên bản kết thúc niêm yết')}"
                if ctx.numbers.get("posting_end") else "") + ","
             if ctx.numbers.get("notice") else
             f"Căn cứ kết quả niêm yết công khai kết quả tự đánh giá tại trụ sở {ctx.committee},"),
        para(f"{ctx.committee} kính trình {ctx.upper_level} xem xét, công nhận {ctx.unit_name} "
             f"đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year}, cụ thể như sau:"),
        para(f"1. Tổng điểm tự đánh giá: {ctx.total_text()}; ngưỡng công nhận đối với nhóm "
             f"“{ctx.category_label}”: {ctx.threshold_text()}."),
        para(f"2. Số tiêu chí được đánh giá: {assessed}/{len(s['criteria'])}; không có tiêu chí nào 0 điểm."
             if ctx.recognized else f"2. Số tiêu chí được đánh giá: {assessed}/{len(s['criteria'])}."),
        para("3. Hồ sơ kèm theo gồm:"),
        para(f"- {ctx.doc_ref('report', 'Báo cáo kết quả tự đánh giá')};"),
        para("- Bảng tổng hợp điểm tự đánh giá các tiêu chí;"),
        para(f"- {ctx.doc_ref('minutes', 'Biên bản họp Hội đồng đánh giá')};"),
        para(f"- {ctx.doc_ref('posting_end', 'Biên bản kết thúc niêm yết công khai')};"),
    ]
    if evidence:
        f.append(para(f"- Tài liệu minh chứng ({evidence} tệp, danh mục kèm theo hồ sơ)."))
    f.append(para(f"{ctx.committee} kính trình {ctx.upper_level} xem xét, quyết định./."))
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("proposal", [
        "Như trên", f"Thường trực Đảng ủy, HĐND {ctx.unit_word}"])), 2)
    return [Part("proposal", "Tờ trình đề nghị công nhận", f)]


def _kinh_gui(st: Styles) -> ParagraphStyle:
    """"Kính gửi:" centred on its own line, as Nghị định 30 sets it for a tờ trình."""
    return ParagraphStyle("kinhgui", parent=st.plain, alignment=TA_CENTER, spaceBefore=2, spaceAfter=8)
