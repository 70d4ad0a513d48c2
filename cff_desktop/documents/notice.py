"""Thông báo niêm yết công khai kết quả tự đánh giá, with the posting period.

The posting period is a setting (provisional default: 5 working days); the period is counted in
working days from its first day: Saturdays, Sundays, Vietnam's public holidays (Tết included) and
the days off the office entered in the settings are skipped.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext, next_working_day, working_days_after
from cff_desktop.documents.layout import (
    Part,
    closing_block,
    esc,
    markup,
    para,
    short_date,
    sign_off,
    title_block,
)


def posting_period(ctx: DocContext) -> tuple[date | None, date | None]:
    start = ctx.posting_start
    if start is None:  # posting starts the working day after the notice is signed
        d = ctx.dates.get("notice")
        start = next_working_day(d, ctx.days_off) if d and not ctx.draft else None
    if start is None:
        return None, None
    return start, working_days_after(start, ctx.posting_days, ctx.days_off)


def build(ctx: DocContext) -> list[Part]:
    start, end = posting_period(ctx)
    period = (f"từ ngày {short_date(start)} đến hết ngày {short_date(end)}" if start and end
              else "từ ngày ..../..../........ đến hết ngày ..../..../........")
    f: list[Flowable] = [
        ctx.header("notice"),
        *title_block("Thông báo", f"Niêm yết công khai kết quả tự đánh giá\n{ctx.unit_word} phù hợp với trẻ em "
                                  f"năm {ctx.year}"),
        para(f"Căn cứ {ctx.ruleset.legal_basis};"),
        para(f"Căn cứ {ctx.doc_ref('minutes', 'Biên bản họp Hội đồng đánh giá')} của {ctx.unit_name},"),
        para(f"{ctx.committee} thông báo niêm yết công khai kết quả tự đánh giá {ctx.unit_word} "
             f"phù hợp với trẻ em năm {ctx.year} như sau:"),
        para("1. Kết quả tự đánh giá:"),
        ctx.score_table(detailed=False),
        *ctx.flow_score_notes(),
        markup(f"Tổng điểm: <b>{esc(ctx.total_text())}</b>; ngưỡng công nhận: {esc(ctx.threshold_text())}; "
               f"kết quả: <b>{ctx.verdict}</b>."),
        para(f"2. Thời gian niêm yết: {ctx.posting_days:02d} ngày làm việc (không kể ngày nghỉ, ngày lễ, Tết), "
             f"{period}."),
        para(f"3. Địa điểm niêm yết: trụ sở {ctx.committee} và nhà văn hóa các thôn, tổ dân phố."),
        para(f"4. Trong thời gian niêm yết, mọi ý kiến phản ánh về kết quả tự đánh giá xin gửi về {ctx.committee} "
             "(qua công chức Văn hóa - Xã hội) để tổng hợp, xem xét."),
        para(f"{ctx.committee} thông báo để cán bộ, nhân dân được biết và tham gia ý kiến./."),
    ]
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("notice", [
        f"Thường trực Đảng ủy, HĐND {ctx.unit_word}", f"Ủy ban MTTQ và các đoàn thể {ctx.unit_word}",
        "Các thôn, tổ dân phố (để niêm yết)"])), 2)
    return [Part("notice", "Thông báo niêm yết công khai", f)]
