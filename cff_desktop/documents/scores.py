"""Bảng tổng hợp điểm: every criterion and indicator with its figures, points and source.

Landscape A4 (Nghị định 30 allows it for wide tables): eight columns do not fit a portrait page
at a readable size. Provisional maxima and bands are marked (*), as the rule set says.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    LANDSCAPE,
    Part,
    closing_block,
    esc,
    markup,
    para,
    sign_off,
    styles,
    text_width,
    title_block,
)


def build(ctx: DocContext) -> list[Part]:
    st = styles()
    width = text_width(LANDSCAPE)
    extra = ""
    if ctx.numbers.get("report"):
        extra = f"(Kèm theo {ctx.doc_ref('report', 'Báo cáo')} của {ctx.committee})"
    f: list[Flowable] = [
        ctx.header("scores", numbered=False, width=width),
        *title_block("Bảng tổng hợp điểm", f"Tự đánh giá {ctx.unit_word} phù hợp với trẻ em năm {ctx.year}",
                     extra=extra),
        para(f"Bộ tiêu chí: {ctx.ruleset.title} — mã {ctx.ruleset.id}, phiên bản {ctx.ruleset.version}.",
             st.plain),
        Spacer(1, 4),
        ctx.score_table(detailed=True, width=width),
        *ctx.flow_score_notes(),
        *[para(line, st.plain) for line in ctx.verdict_lines()],
        markup(f"Kết luận: {esc(ctx.unit_title)} <b>{ctx.verdict}</b> tiêu chuẩn "
               f"xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year}.", st.plain),
    ]
    reasons = ctx.reasons()
    if reasons:
        f.append(para("Lý do chưa đạt: " + "; ".join(reasons) + ".", st.plain))
    for c in ctx.score["criteria"]:
        if c.get("override"):
            f.append(para(f"Tiêu chí {c['id']}: Hội đồng điều chỉnh từ {c['computed_points']} thành "
                          f"{c['override']['points']} điểm. Lý do: {c['override']['reason']}", st.plain))
    sign_off(f, closing_block(ctx.signer, None, width=width), 2)
    return [Part("scores", "Bảng tổng hợp điểm", f, landscape=True)]
