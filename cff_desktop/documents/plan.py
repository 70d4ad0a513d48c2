"""Kế hoạch đánh giá: the commune's assessment plan (purpose, who collects what by when, timeline).

In the style of the plans communes issue (the Hoàng Đồng plan of 2024): sectors report their
figures to the Văn hóa - Xã hội officer before the internal deadline, then the council meets, the
result is posted, and the dossier goes up. Assignments and dates come from the set-up screens.
"""

from __future__ import annotations

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
    short_date,
    sign_off,
    text_width,
    title_block,
)


def _d(v: object) -> str:
    return short_date(v) if v else f"{BLANK}/{BLANK}"  # type: ignore[arg-type]


def build(ctx: DocContext) -> list[Part]:
    t = ctx.timeline
    rnd = ctx.snapshot.get("round") or {}
    deadline = _d(rnd.get("sector_deadline") or t.get("sector_deadline"))
    rows: list[list[str]] = [["TT", "Tiêu chí", "Người, ngành thu thập số liệu", "Thời hạn gửi số liệu"]]
    assigned = ctx.snapshot.get("assignments") or {}
    for c in ctx.ruleset.criteria:
        who = assigned.get(c.id, "")
        sector = ctx.criterion_sector(c.id)
        rows.append([c.id, ctx.local(c.name), f"{who} ({sector})" if who else sector, deadline])
    w = text_width()
    widths = [10 * mm, 0, 52 * mm, 27 * mm]
    widths[1] = w - sum(widths)
    steps = [
        ["1", "Các ngành thu thập số liệu, gửi công chức Văn hóa - Xã hội",
         f"Từ {_d(rnd.get('window_start'))} đến {deadline}"],
        ["2", f"Họp {ctx.council_name}, chấm điểm từng tiêu chí", _d(t.get("council_date"))],
        ["3", f"Niêm yết công khai kết quả ({ctx.posting_days:02d} ngày làm việc)", f"Từ {_d(t.get('posting_start'))}"],
        ["4", "Hoàn thiện hồ sơ, gửi " + (ctx.upper_level or "cấp trên"), _d(t.get("submission_date"))],
    ]
    sw = [10 * mm, 0, 50 * mm]
    sw[1] = w - sum(sw)
    f: list[Flowable] = [
        ctx.header("plan"),
        *title_block("Kế hoạch", f"Tự đánh giá {ctx.unit_word} phù hợp với trẻ em năm {ctx.year}"),
        para(f"Thực hiện {ctx.ruleset.legal_basis}, {ctx.committee} ban hành Kế hoạch tự đánh giá "
             f"{ctx.unit_word} phù hợp với trẻ em năm {ctx.year} như sau:"),
        heading("I. MỤC ĐÍCH, YÊU CẦU"),
        para(f"1. Đánh giá đúng, đủ kết quả thực hiện quyền trẻ em trên địa bàn {ctx.unit_name} theo "
             f"{ctx.ruleset.title}; làm căn cứ đề nghị công nhận {ctx.unit_word} phù hợp với trẻ em."),
        para("2. Số liệu thu thập trung thực, có nguồn (sổ sách, báo cáo của thôn, tổ dân phố và các đơn vị), "
             f"kỳ số liệu từ ngày {_d(rnd.get('window_start'))} đến ngày {_d(rnd.get('window_end'))}; chỉ ghi số "
             "lượng, không ghi họ tên trẻ em (Nghị định 13/2023/NĐ-CP)."),
        heading("II. PHÂN CÔNG THU THẬP SỐ LIỆU"),
        data_table(rows, widths, center_cols=[0, 3]),
        heading("III. THỜI GIAN THỰC HIỆN"),
        data_table([["TT", "Nội dung", "Thời gian"], *steps], sw, center_cols=[0]),
        heading("IV. TỔ CHỨC THỰC HIỆN"),
        para("1. Công chức Văn hóa - Xã hội là thường trực, hướng dẫn các ngành, tổng hợp số liệu, chuẩn bị "
             "nội dung họp Hội đồng và hồ sơ đề nghị công nhận."),
        para("2. Các ngành được phân công thu thập số liệu theo phiếu, gửi đúng thời hạn và chịu trách nhiệm "
             "về số liệu của ngành mình."),
        para("3. Các thôn, tổ dân phố phối hợp cung cấp số liệu và tổ chức niêm yết công khai kết quả./."),
    ]
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("plan", [
        ctx.upper_level, f"Thường trực Đảng ủy, HĐND {ctx.unit_word}", "Các ngành, thôn, tổ dân phố"])), 1)
    return [Part("plan", "Kế hoạch tự đánh giá", f)]
