"""Quyết định thành lập Hội đồng đánh giá: the decision forming the commune council.

Inspections check it first (DOMAIN §3), and the council's minutes cite its number. It is the
Chairman's decision (signed CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), issued before the council
meets, so it is numbered while the round is still open; the members are those of the council screen.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.district_papers import local_government_law
from cff_desktop.documents.layout import (
    Part,
    closing_block,
    data_table,
    markup,
    para,
    sign_off,
    styles,
    text_width,
    title_block,
    upper_vn,
)
from cff_desktop.documents.minutes import ROLE_LABELS


def build(ctx: DocContext) -> list[Part]:
    st = styles()
    members = ctx.members()
    rows: list[list[str]] = [["TT", "Họ và tên", "Chức vụ, đơn vị", "Nhiệm vụ trong Hội đồng"]]
    for n, m in enumerate(members, 1):
        role = ROLE_LABELS.get(str(m.get("council_role") or ""), "")
        rows.append([str(n), m["name"], ctx.local(m.get("position") or ""), role])
    w = text_width()
    widths = [10 * mm, 48 * mm, 0, 45 * mm]
    widths[2] = w - sum(widths)
    d = ctx.dates.get("council_decision")
    f: list[Flowable] = [
        ctx.header("council_decision"),
        *title_block("Quyết định", f"Về việc thành lập {ctx.council_name} năm {ctx.year}"),
        markup(f"<b>CHỦ TỊCH ỦY BAN NHÂN DÂN {upper_vn(ctx.unit_name)}</b>", st.center),
        para(f"Căn cứ {ctx.texts.get('local_law') or local_government_law(d)};"),
        para(f"Căn cứ {ctx.ruleset.legal_basis};"),
        para(f"Theo đề nghị của công chức Văn hóa - Xã hội {ctx.unit_word}."),
        markup("<b>QUYẾT ĐỊNH:</b>", st.center),
        markup(f"<b>Điều 1.</b> Thành lập {ctx.council_name} năm {ctx.year} ({len(members)} thành viên), "
               "gồm các ông (bà) có tên sau:"),
        data_table(rows, widths, center_cols=[0]),
        markup(f"<b>Điều 2.</b> Hội đồng có nhiệm vụ chỉ đạo các ngành thu thập số liệu, tổ chức họp xem xét, "
               f"chấm điểm từng tiêu chí theo {ctx.ruleset.legal_basis}; niêm yết công khai kết quả và lập hồ sơ "
               f"đề nghị công nhận. Hội đồng làm việc theo chế độ kiêm nhiệm và tự giải thể sau khi hoàn "
               "thành nhiệm vụ."),
        markup(f"<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký. Văn phòng {ctx.committee}, công chức "
               "Văn hóa - Xã hội và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
    ]
    sign_off(f, closing_block(ctx.chair_signer, *ctx.recipients_for("council_decision", [
        "Như Điều 3", f"Thường trực Đảng ủy, HĐND {ctx.unit_word}"])), 1)
    return [Part("council_decision", "Quyết định thành lập Hội đồng đánh giá", f)]
