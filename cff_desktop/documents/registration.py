"""Đăng ký phấn đấu: the commune's registration for the year, sent to the upper level at its start.

The provincial plans (seed 001) ask every commune to register whether it strives to reach the
standard that year; the upper level counts registered against assessed and recognised. The paper is
dated the day of the registration, lists the criteria targeted and what the commune commits to.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    BLANK,
    Part,
    closing_block,
    data_table,
    heading,
    para,
    sign_off,
    text_width,
    title_block,
)

DOTS_LINE = BLANK * 8


def build(ctx: DocContext) -> list[Part]:
    reg = ctx.registration
    on = date.fromisoformat(reg["registered_on"]) if reg else None
    dated = replace(ctx, dates={**ctx.dates, "registration": on}) if on else ctx
    targeted = set(reg.get("criteria") or []) if reg else set()
    intends = bool(reg.get("intends")) if reg else None
    rows: list[list[str]] = [["TT", "Tiêu chí", "Đăng ký phấn đấu", "Ngành theo dõi"]]
    for c in ctx.ruleset.criteria:
        rows.append([c.id, ctx.local(c.name), "Có" if c.id in targeted else ("" if not reg else "Không"),
                     ctx.criterion_sector(c.id)])
    w = text_width()
    widths = [10 * mm, 0, 28 * mm, 45 * mm]
    widths[1] = w - sum(widths)
    word = ctx.unit_word
    if intends is None:
        decision = f"{ctx.committee} đăng ký: {DOTS_LINE}"
    elif intends:
        decision = (f"{ctx.committee} đăng ký phấn đấu xây dựng {ctx.unit_name} đạt tiêu chuẩn {word} phù hợp với "
                    f"trẻ em năm {ctx.year}, với {len(targeted)}/{len(ctx.ruleset.criteria)} tiêu chí phấn đấu đạt "
                    "như bảng dưới đây.")
    else:
        decision = (f"{ctx.committee} chưa đăng ký phấn đấu đạt tiêu chuẩn {word} phù hợp với trẻ em năm {ctx.year}; "
                    f"tiếp tục thực hiện {len(targeted)} tiêu chí đăng ký dưới đây.")
    f: list[Flowable] = [
        dated.header("registration"),
        *title_block("Đăng ký", f"Phấn đấu xây dựng {word} phù hợp với trẻ em năm {ctx.year}"),
        para(f"Kính gửi: {ctx.upper_level or DOTS_LINE}."),
        para(f"Thực hiện {ctx.ruleset.legal_basis}, căn cứ tình hình thực tế của địa phương,"),
        para(decision),
        heading("CÁC TIÊU CHÍ ĐĂNG KÝ PHẤN ĐẤU"),
        data_table(rows, widths, center_cols=[0, 2]),
        para(f"{ctx.committee} cam kết chỉ đạo các ngành, thôn, tổ dân phố thực hiện các tiêu chí đã đăng ký, bố "
             f"trí kinh phí và báo cáo kết quả tự đánh giá theo quy định."
             + (f" {reg['note']}" if reg and reg.get("note") else "")),
    ]
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("registration", [
        ctx.upper_level, f"Thường trực Đảng ủy, HĐND {word}"])), 1)
    return [Part("registration", "Đăng ký phấn đấu", f)]
