"""Báo cáo kết quả tự đánh giá xã phù hợp với trẻ em: the report to the upper level.

It carries the score table and the notes on data sources (who collected each figure, when, from
what), since the upper level appraises each indicator from exactly these.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    closing_block,
    data_table,
    esc,
    heading,
    markup,
    para,
    short_date,
    sign_off,
    text_width,
    title_block,
)

# The office's own assessment, written in the settings (print-settings set report_highlights "…");
# a section left empty prints dotted lines to write by hand (or edit the Word copy).
SECTIONS = [("report_highlights", "Kết quả nổi bật"), ("report_advantages", "Thuận lợi"),
            ("report_difficulties", "Khó khăn, hạn chế"), ("report_causes", "Nguyên nhân")]
DOTS = "." * 150


def sources_table(ctx: DocContext) -> Flowable:
    """Notes on data sources: per indicator, the officer, the sector, the date and their note."""
    rows: list[list[str]] = [["Chỉ số", "Người cung cấp số liệu", "Ngày nhập", "Ghi chú, nguồn số liệu"]]
    values = ctx.snapshot.get("values") or {}
    for c in ctx.score["criteria"]:
        for i in c["indicators"]:
            v = values.get(i["id"])
            if not v:
                rows.append([i["id"], "Chưa có số liệu", "", ""])
                continue
            who = str(v.get("officer") or "")
            sector = ctx.criterion_sector(c["id"])
            rows.append([i["id"], f"{who}, {sector}" if who and sector else (who or sector),
                         short_date(v.get("entered_at")), str(v.get("note") or "")])
    w = text_width()
    widths = [15 * mm, 55 * mm, 24 * mm, 0]
    widths[3] = w - sum(widths)
    return data_table(rows, widths, center_cols=[0, 2])


def body(ctx: DocContext) -> list[Flowable]:
    s = ctx.score
    rnd = ctx.snapshot.get("round") or {}
    villages = (ctx.commune.get("villages") or [])
    present = ctx.members(present=True)
    council = ctx.council
    f: list[Flowable] = [
        para(f"Thực hiện {ctx.ruleset.legal_basis}, {ctx.committee} báo cáo kết quả tự đánh giá "
             f"{ctx.unit_word} phù hợp với trẻ em năm {ctx.year} như sau:"),
        heading("I. TÌNH HÌNH CHUNG"),
        para(f"{ctx.unit_title} thuộc nhóm “{ctx.category_label}”"
             + (f", gồm {len(villages)} thôn, tổ dân phố" if villages else "") + ". "
             f"Kỳ số liệu đánh giá từ ngày {short_date(rnd.get('window_start')) or '....'} đến ngày "
             f"{short_date(rnd.get('window_end')) or '....'}."),
        heading("II. TỔ CHỨC TỰ ĐÁNH GIÁ"),
        para(f"Ủy ban nhân dân {ctx.unit_word} phân công công chức và các ngành thu thập số liệu theo từng tiêu chí: "
             + "; ".join(f"tiêu chí {cid}: {name}" for cid, name in sorted(
                 (ctx.snapshot.get("assignments") or {}).items(), key=lambda kv: int(kv[0])
                 if str(kv[0]).isdigit() else 0)) + "."),
        para(f"{ctx.council_name} họp ngày {short_date(ctx.meeting_date) or '....'} tại "
             f"{council.get('place') or '....'}, có {len(present)}/{len(ctx.members())} thành viên dự họp; "
             f"kết quả được ghi tại {ctx.doc_ref('minutes', 'Biên bản họp Hội đồng')}."),
        heading("III. KẾT QUẢ TỰ ĐÁNH GIÁ"),
        para("Kết quả chấm điểm từng tiêu chí (chi tiết từng chỉ số tại Bảng tổng hợp điểm kèm theo):"),
        ctx.score_table(detailed=False),
        *ctx.flow_score_notes(),
        *[para(line) for line in ctx.verdict_lines()],
        markup(f"Đối chiếu điều kiện công nhận, {esc(ctx.unit_name)} <b>{ctx.verdict}</b> tiêu chuẩn xã, phường, "
               f"thị trấn phù hợp với trẻ em năm {ctx.year}."),
    ]
    reasons = ctx.reasons()
    if reasons:
        f.append(para("Lý do chưa đạt: " + "; ".join(reasons) + "."))
    overrides = [c for c in s["criteria"] if c.get("override")]
    if overrides:
        f.append(para("Hội đồng điều chỉnh điểm các tiêu chí: " + "; ".join(
            f"tiêu chí {c['id']} ({c['override']['reason']})" for c in overrides) + "."))
    f += [
        heading("IV. NGUỒN SỐ LIỆU"),
        para("Số liệu do các công chức, ngành được phân công cung cấp, tổng hợp từ sổ sách, báo cáo của "
             "các thôn và đơn vị; chi tiết như sau:"),
        sources_table(ctx),
        heading("V. ĐÁNH GIÁ CHUNG"),
    ]
    for n, (key, label) in enumerate(SECTIONS, 1):
        f.append(para(f"{n}. {label}: {ctx.texts.get(key) or DOTS}"))
    f.append(heading("VI. KIẾN NGHỊ"))
    if ctx.texts.get("report_proposals"):
        f.append(para(ctx.texts["report_proposals"]))
    if ctx.recognized:
        f.append(para(f"{ctx.committee} đề nghị {ctx.upper_level} xem xét, công nhận "
                      f"{ctx.unit_name} đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year}."))
    else:
        f.append(para(f"{ctx.committee} tiếp tục chỉ đạo khắc phục các tiêu chí chưa đạt, "
                      "phấn đấu đạt chuẩn trong kỳ đánh giá sau."))
    f.append(para(f"Trên đây là báo cáo kết quả tự đánh giá {ctx.unit_word} phù hợp với trẻ em năm {ctx.year} "
                  f"của {ctx.committee}./."))
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("report", [
        ctx.upper_level, f"Thường trực Đảng ủy, HĐND {ctx.unit_word}",
        f"Chủ tịch, các Phó Chủ tịch UBND {ctx.unit_word}"])), 2)
    return f


def build(ctx: DocContext) -> list[Part]:
    f: list[Flowable] = [ctx.header("report"),
                         *title_block("Báo cáo", f"Kết quả tự đánh giá {ctx.unit_word} phù hợp với trẻ em "
                                                 f"năm {ctx.year}"),
                         *body(ctx)]
    return [Part("report", "Báo cáo kết quả tự đánh giá", f)]
