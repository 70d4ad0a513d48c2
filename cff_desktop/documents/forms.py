"""Blank data-collection forms (phiếu thu thập số liệu), one per sector officer, for field work.

Each officer gets only the criteria assigned to them, with the rule set's own numerator and
denominator wording and a row per village, so the figures they bring back add up to exactly what
the app asks for. Criteria nobody is assigned to go on a form for the sector that owns them.
"""

from __future__ import annotations

from collections.abc import Callable

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
    sign_off,
    styles,
    text_width,
    title_block,
)
from cff_desktop.rules.kinds import KINDS as IND_KINDS
from cff_desktop.rules.kinds import kind_of
from cff_desktop.rules.model import SECTOR_LABELS, Indicator

BLANK_ROWS = 10


def _villages(ctx: DocContext) -> list[str]:
    v = [str(x) for x in ctx.commune.get("villages") or [] if str(x).strip()]
    return v or [""] * BLANK_ROWS


def indicator_flowables(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [need(35), markup(f"<b>Chỉ số {esc(ind.id)}.</b> {esc(ctx.local(ind.label))}", st.plain)]
    out += _LAYOUTS[kind_of(ind).key](ctx, ind)
    return out


def _village_table(ctx: DocContext, columns: list[str], widths: list[float]) -> Flowable:
    """TT, village, the given columns, a note column filling the rest of the width; a total row."""
    rows = [["TT", "Thôn, tổ dân phố", *columns]]
    blank = [""] * len(columns)
    rows += [[str(n), v, *blank] for n, v in enumerate(_villages(ctx), 1)]
    rows.append(["", "Tổng cộng", *blank])
    widths = [*widths, 0]
    widths[-1] = text_width() - sum(widths)
    return data_table(rows, widths, bold_rows=[len(rows) - 1], center_cols=[0])


def _ratio_layout(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    loc = ctx.local
    return [markup(f"<i>Tử số:</i> {esc(loc(ind.numerator_label))}. "
                   f"<i>Mẫu số:</i> {esc(loc(ind.denominator_label))}.", styles().plain),
            _village_table(ctx, [f"Tử số: {loc(ind.numerator_label)}", f"Mẫu số: {loc(ind.denominator_label)}",
                                 "Ghi chú"], [10 * mm, 42 * mm, 40 * mm, 40 * mm])]


def _rate_layout(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    """A rate: the cases and the children they are among."""
    loc = ctx.local
    return [_village_table(ctx, [loc(ind.count_label or ind.label), loc(ind.population_label),
                                 "Ghi chú (không ghi họ tên trẻ em)"], [10 * mm, 42 * mm, 40 * mm, 40 * mm])]


def _count_layout(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    return [_village_table(ctx, [ctx.local(ind.count_label or ind.label), "Ghi chú (không ghi họ tên trẻ em)"],
                           [10 * mm, 50 * mm, 50 * mm])]


def _yes_no_layout(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    st = styles()
    return [para("□ Có          □ Không", st.plain),
            para("Văn bản, tài liệu chứng minh (số, ngày, cơ quan ban hành): "
                 "......................................................................................."
                 "......................................................................................",
                 st.plain)]


def _manual_layout(ctx: DocContext, ind: Indicator) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if ind.help:
        out.append(para(ctx.local(ind.help), st.small_italic))
    out.append(para(f"Điểm đề xuất: ........ / {ind.max} điểm. Căn cứ: "
                    "............................................................................"
                    "...........................................................................", st.plain))
    return out


#: How each kind of rules/kinds.py is laid out on the collection form; checked complete at import.
_LAYOUTS: dict[str, Callable[[DocContext, Indicator], list[Flowable]]] = {
    "ratio": _ratio_layout, "rate": _rate_layout, "count": _count_layout, "yes_no": _yes_no_layout,
    "manual": _manual_layout,
}
if set(_LAYOUTS) != set(IND_KINDS):  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"kinds without a form layout: {sorted(set(IND_KINDS) ^ set(_LAYOUTS))}")


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
    last = 1
    for cid in criteria:
        c = ctx.ruleset.criterion(cid)
        if c is None:
            continue
        prov = " (*)" if c.provisional else ""
        f.append(need(45))
        f.append(markup(f"<b>Tiêu chí {esc(c.id)}: {esc(ctx.local(c.name))}</b>{prov}", st.heading))
        for ind in c.indicators:
            block = indicator_flowables(ctx, ind)
            f.extend(block)
            last = len(block)
    # the last indicator (its label and table) goes with the signature
    sign_off(f, closing_block(Signer(title="Người thu thập", name=who, note="(Ký, ghi rõ họ tên)"), None), last)
    return Part(key, f"Phiếu thu thập số liệu — {who or sector}", f)


def build(ctx: DocContext) -> list[Part]:
    assigned: dict[str, list[str]] = {}
    sector_of: dict[str, str] = {}
    for c in ctx.ruleset.criteria:
        who = (ctx.snapshot.get("assignments") or {}).get(c.id, "")
        key = who or f"sector:{c.sector}"
        assigned.setdefault(key, []).append(c.id)
        sector_of.setdefault(key, ctx.local(SECTOR_LABELS.get(c.sector, c.sector)))
    parts = []
    for n, (key, crits) in enumerate(assigned.items(), 1):
        who = "" if key.startswith("sector:") else key
        parts.append(officer_part(ctx, f"forms-{n}", who, sector_of[key], crits))
    return parts
