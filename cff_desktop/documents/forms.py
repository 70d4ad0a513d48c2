"""Blank data-collection forms (phiếu thu thập số liệu), one per sector officer, for field work.

Each officer gets only the criteria assigned to them, with the rule set's own numerator and
denominator wording and a row per village, so the figures they bring back add up to exactly what
the app asks for. Criteria nobody is assigned to go on a form for the sector that owns them.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    Signer,
    closing_block,
    data_table,
    esc,
    markup,
    need,
    para,
    short_date,
    styles,
    text_width,
    title_block,
)
from cff_desktop.rules.model import SECTOR_LABELS, Indicator

BLANK_ROWS = 10


def _villages(ctx: DocContext) -> list[str]:
    v = [str(x) for x in ctx.commune.get("villages") or [] if str(x).strip()]
    return v or [""] * BLANK_ROWS


def indicator_flowables(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [need(35), markup(f"<b>Chỉ số {esc(ind.id)}.</b> {esc(ind.label)}", st.plain)]
    w = text_width()
    villages = _villages(ctx)
    if ind.kind == "ratio":
        out.append(markup(f"<i>Tử số:</i> {esc(ind.numerator_label)}. <i>Mẫu số:</i> {esc(ind.denominator_label)}.",
                          st.plain))
        rows = [["TT", "Thôn, tổ dân phố", f"Tử số: {ind.numerator_label}", f"Mẫu số: {ind.denominator_label}",
                 "Ghi chú"]]
        rows += [[str(n), v, "", "", ""] for n, v in enumerate(villages, 1)]
        rows.append(["", "Tổng cộng", "", "", ""])
        widths = [10 * mm, 42 * mm, 40 * mm, 40 * mm, 0]
        widths[4] = w - sum(widths)
        out.append(data_table(rows, widths, bold_rows=[len(rows) - 1], center_cols=[0]))
    elif ind.kind == "count" and ind.is_rate:  # a rate: the cases and the children they are among
        rows = [["TT", "Thôn, tổ dân phố", ind.count_label or ind.label, ind.population_label,
                 "Ghi chú (không ghi họ tên trẻ em)"]]
        rows += [[str(n), v, "", "", ""] for n, v in enumerate(villages, 1)]
        rows.append(["", "Tổng cộng", "", "", ""])
        widths = [10 * mm, 42 * mm, 40 * mm, 40 * mm, 0]
        widths[4] = w - sum(widths)
        out.append(data_table(rows, widths, bold_rows=[len(rows) - 1], center_cols=[0]))
    elif ind.kind == "count":
        label = ind.count_label or ind.label
        rows = [["TT", "Thôn, tổ dân phố", label, "Ghi chú (không ghi họ tên trẻ em)"]]
        rows += [[str(n), v, "", ""] for n, v in enumerate(villages, 1)]
        rows.append(["", "Tổng cộng", "", ""])
        widths = [10 * mm, 50 * mm, 50 * mm, 0]
        widths[3] = w - sum(widths)
        out.append(data_table(rows, widths, bold_rows=[len(rows) - 1], center_cols=[0]))
    elif ind.kind == "yes_no":
        out.append(para("□ Có          □ Không", st.plain))
        out.append(para("Văn bản, tài liệu chứng minh (số, ngày, cơ quan ban hành): "
                        "......................................................................................."
                        "......................................................................................",
                        st.plain))
    else:  # manual points
        if ind.help:
            out.append(para(ind.help, st.small_italic))
        out.append(para(f"Điểm đề xuất: ........ / {ind.max} điểm. Căn cứ: "
                        "............................................................................"
                        "...........................................................................", st.plain))
    return out


def officer_part(ctx: DocContext, key: str, who: str, sector: str, criteria: list[str]) -> Part:
    st = styles()
    rnd = ctx.snapshot.get("round") or {}
    f: list[Flowable] = [
        ctx.header("forms", numbered=False),
        *title_block("Phiếu thu thập số liệu", f"Tiêu chí {ctx.unit_word} phù hợp với trẻ em năm {ctx.year}"),
        markup(f"Người thu thập: <b>{esc(who) if who else '..............................'}</b> — "
               f"{esc(sector)}", st.plain),
        para(f"Kỳ số liệu: từ ngày {short_date(rnd.get('window_start')) or '....'} đến ngày "
             f"{short_date(rnd.get('window_end')) or '....'}. Hạn gửi công chức Văn hóa - Xã hội: "
             f"{short_date(rnd.get('sector_deadline')) or '....'}.", st.plain),
        para("Ghi số liệu của từng thôn; chỉ ghi số lượng, không ghi họ tên trẻ em (Nghị định 13/2023/NĐ-CP).",
             st.small_italic),
    ]
    for cid in criteria:
        c = ctx.ruleset.criterion(cid)
        if c is None:
            continue
        prov = " (*)" if c.provisional else ""
        f.append(need(45))
        f.append(markup(f"<b>Tiêu chí {esc(c.id)}: {esc(c.name)}</b>{prov}", st.heading))
        for ind in c.indicators:
            f.extend(indicator_flowables(ctx, ind))
    f.append(closing_block(Signer(title="Người thu thập", name=who, note="(Ký, ghi rõ họ tên)"), None))
    return Part(key, f"Phiếu thu thập số liệu — {who or sector}", f)


def build(ctx: DocContext) -> list[Part]:
    assigned: dict[str, list[str]] = {}
    sector_of: dict[str, str] = {}
    for c in ctx.ruleset.criteria:
        who = (ctx.snapshot.get("assignments") or {}).get(c.id, "")
        key = who or f"sector:{c.sector}"
        assigned.setdefault(key, []).append(c.id)
        sector_of.setdefault(key, SECTOR_LABELS.get(c.sector, c.sector))
    parts = []
    for n, (key, crits) in enumerate(assigned.items(), 1):
        who = "" if key.startswith("sector:") else key
        parts.append(officer_part(ctx, f"forms-{n}", who, sector_of[key], crits))
    return parts
