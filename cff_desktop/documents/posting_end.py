"""Biên bản kết thúc niêm yết công khai: the record that the posting ended, with the feedback.

It names the notice it closes, the posting period (working days, holidays skipped), what feedback
was received and how it was handled (from the settings; dotted lines to write by hand otherwise),
and goes into the dossier after the council's minutes.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    Signer,
    day_text,
    keep,
    para,
    short_date,
    title_block,
    two_signatures,
)
from cff_desktop.documents.notice import posting_period

DOTS = "." * 150


def build(ctx: DocContext) -> list[Part]:
    start, end = posting_period(ctx)
    period = (f"từ ngày {short_date(start)} đến hết ngày {short_date(end)}" if start and end
              else "từ ngày ..../..../........ đến hết ngày ..../..../........")
    d = ctx.dates.get("posting_end") or end
    standing = (ctx.members("standing") or ctx.members("secretary") or [{"name": ""}])[0]
    feedback = ctx.texts.get("posting_feedback", "")
    handling = ctx.texts.get("posting_handling", "")
    f: list[Flowable] = [
        ctx.header("posting_end"),
        *title_block("Biên bản", f"Kết thúc niêm yết công khai kết quả tự đánh giá\n{ctx.unit_word} phù hợp "
                                 f"với trẻ em năm {ctx.year}"),
        para(f"Hôm nay, {day_text(d) if d else 'ngày ...... tháng ...... năm ' + str(ctx.year)}, tại trụ sở "
             f"{ctx.committee}, chúng tôi gồm: {ctx.signer.name or '....................'}, "
             f"{ctx.signer.title.capitalize()} Ủy ban nhân dân {ctx.unit_word}; "
             f"{standing['name'] or '....................'}, công chức Văn hóa - Xã hội; đại diện Ủy ban Mặt "
             f"trận Tổ quốc Việt Nam {ctx.unit_word}: ...................."),
        para(f"Cùng lập biên bản kết thúc niêm yết công khai kết quả tự đánh giá {ctx.unit_word} phù hợp với trẻ "
             f"em năm {ctx.year} theo {ctx.doc_ref('notice', 'Thông báo niêm yết')} của {ctx.committee}."),
        para(f"1. Thời gian niêm yết: {ctx.posting_days:02d} ngày làm việc (không kể ngày nghỉ, ngày lễ, Tết), "
             f"{period}."),
        para(f"2. Địa điểm niêm yết: trụ sở {ctx.committee} và nhà văn hóa các thôn, tổ dân phố."),
        para(f"3. Kết quả niêm yết: tổng điểm tự đánh giá {ctx.total_text()}; kết quả: {ctx.verdict}."),
        para(f"4. Ý kiến phản ánh nhận được trong thời gian niêm yết: {feedback or DOTS}"),
        para(f"5. Kết quả xem xét, giải quyết: {handling or DOTS}"),
    ]
    f.append(keep(
        para("Biên bản lập thành 02 bản, đã đọc lại cho những người có mặt cùng nghe và nhất trí ký tên./."),
        two_signatures(Signer(title="Người lập biên bản", name=standing["name"], note="(Ký, ghi rõ họ tên)"),
                       ctx.signer)))
    return [Part("posting_end", "Biên bản kết thúc niêm yết công khai", f)]
