"""Báo cáo kết quả tự đánh giá xã phù hợp với trẻ em: the report to the upper level.

It carries the score table and the notes on data sources (who collected each figure, when, from
what), since the upper level appraises each indicator from exactly these.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.common.text import format_dong, format_number, format_points
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    closing_block,
    data_table,
    esc,
    heading,
    keep,
    markup,
    para,
    short_date,
    sign_off,
    text_width,
    title_block,
)

# The office's own wording, written in the settings (print-settings set report_situation "…") and
# frozen with the report's number; a section left empty prints dotted lines to write by hand (or edit
# the Word copy). Keys in the order of seed 003's outline.
NARRATIVE: dict[str, str] = {
    "report_situation": "Đặc điểm tình hình kinh tế, chính trị, văn hóa - xã hội tác động đến công tác bảo vệ, "
                        "chăm sóc trẻ em của địa phương",
    "report_child_work": "Tình hình công tác bảo vệ, chăm sóc trẻ em và công tác chỉ đạo, triển khai đánh giá",
    "report_direction": "Công tác chỉ đạo, điều hành",
    "report_training": "Công tác bồi dưỡng, tập huấn",
    "report_communication": "Công tác tuyên truyền",
    "report_supervision": "Công tác kiểm tra, giám sát",
    "report_coordination": "Công tác phối hợp",
    "report_budget_need": "Mức độ đáp ứng của ngân sách",
    "report_highlights": "Kết quả nổi bật",
    "report_advantages": "Thuận lợi",
    "report_difficulties": "Khó khăn, tồn tại",
    "report_causes": "Nguyên nhân",
    "report_proposals": "Kiến nghị, đề xuất",
    "report_next": "Phương hướng, nhiệm vụ và giải pháp duy trì",
}
#: The outline's headings, in order (tests compare them with seed 003).
HEADINGS = (
    "A. ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN", "I. ĐẶC ĐIỂM TÌNH HÌNH", "II. CÔNG TÁC CHỈ ĐẠO, PHỐI HỢP TRIỂN KHAI THỰC HIỆN",
    "III. KẾT QUẢ THỰC HIỆN CÁC QUY ĐỊNH", "IV. ĐÁNH GIÁ CHUNG",
    "B. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ CÁC GIẢI PHÁP ĐỂ DUY TRÌ",
)
SECTIONS = [(k, NARRATIVE[k]) for k in ("report_highlights", "report_advantages", "report_difficulties",
                                          "report_causes")]
DOTS = "." * 150


def _text(ctx: DocContext, key: str, default: str = "") -> str:
    return ctx.texts.get(key) or default or DOTS


def _full(c: dict) -> bool:
    return c.get("points") is not None and c.get("max") is not None and float(c["points"]) >= float(c["max"])


def funding(ctx: DocContext) -> list[Flowable]:
    """Funding by source from the round's budget (seed 003 A.II.1.c): planned, spent, how far spent."""
    lines = ctx.budget
    if not lines:
        return [para("Nguồn kinh phí dành cho công tác bảo vệ, chăm sóc trẻ em: chưa ghi trong bảng kinh phí của "
                     f"vòng đánh giá. {ctx.texts.get('report_budget_need') or DOTS}")]
    by: dict[str, list[int]] = {}
    for b in lines:
        got = by.setdefault(b["source_label"], [0, 0])
        got[0] += int(b["planned"])
        got[1] += int(b["spent"])
    planned = sum(v[0] for v in by.values())
    spent = sum(v[1] for v in by.values())
    rows: list[list[str]] = [["Nguồn kinh phí", "Dự toán (đồng)", "Đã chi (đồng)"]]
    rows += [[k, format_number(v[0]), format_number(v[1])] for k, v in by.items()]
    rows.append(["Tổng cộng", format_number(planned), format_number(spent)])
    w = text_width()
    widths = [0, 45 * mm, 45 * mm]
    widths[0] = w - sum(widths)
    share = f"{round(spent * 100 / planned)} %" if planned else "…"
    return [para(f"Nguồn kinh phí dành cho công tác bảo vệ, chăm sóc trẻ em năm {ctx.year}: dự toán "
                 f"{format_dong(planned)}, đã chi {format_dong(spent)} ({share} dự toán), theo nguồn:"),
            data_table(rows, widths, bold_rows=[len(rows) - 1]),
            para("Mức độ đáp ứng của ngân sách so với việc đạt các tiêu chí: "
                 f"{ctx.texts.get('report_budget_need') or DOTS}")]


def results_against_plans(ctx: DocContext) -> list[Flowable]:
    """Criteria met and not met against the year-start plan (the registration's targeted criteria, else
    every criterion the plan set out), and against last year's round when the store holds it (seed 003
    A.III.2)."""
    crits = ctx.score["criteria"]
    reg = ctx.registration
    targeted = set(reg.get("criteria") or []) if reg else {c["id"] for c in crits}
    met = [c["id"] for c in crits if _full(c) and c["id"] in targeted]
    missed = [c["id"] for c in crits if not _full(c) and c["id"] in targeted]
    basis = (f"đăng ký đầu năm ngày {short_date(reg['registered_on'])}, {len(targeted)} tiêu chí phấn đấu"
             if reg else f"kế hoạch đầu năm, {len(targeted)} tiêu chí")
    out = [para(f"Các tiêu chí đạt đủ điểm so với kế hoạch đầu năm ({basis}): {', '.join(met) or 'không có'} "
                f"({len(met)}/{len(targeted)} tiêu chí); các tiêu chí chưa đạt đủ điểm: "
                f"{', '.join(missed) or 'không có'}.")]
    extra = [c["id"] for c in crits if _full(c) and c["id"] not in targeted]
    if extra:
        out.append(para(f"Ngoài đăng ký, các tiêu chí đạt đủ điểm: {', '.join(extra)}."))
    prev = ctx.previous
    if prev and prev.get("criteria"):
        before = {cid for cid, (pts, mx) in prev["criteria"].items() if pts is not None and mx is not None
                  and float(pts) >= float(mx)}
        gained = [c for c in met if c not in before]
        lost = [c for c in missed if c in before]
        out.append(para(f"So với năm {prev['year']} (tổng {format_points(prev['total'])} điểm, nay "
                        f"{format_points(ctx.score['total'])} điểm): tiêu chí mới đạt đủ điểm: "
                        f"{', '.join(gained) or 'không có'}; tiêu chí không còn đạt đủ điểm: "
                        f"{', '.join(lost) or 'không có'}."))
    else:
        out.append(para("Năm trước chưa có kết quả tự đánh giá lưu trong phần mềm để so sánh."))
    return out


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
    situation = (f"{ctx.unit_title} thuộc nhóm “{ctx.category_label}”"
                 + (f", gồm {len(villages)} thôn, tổ dân phố" if villages else "") + ". "
                 f"Kỳ số liệu đánh giá từ ngày {short_date(rnd.get('window_start')) or '....'} đến ngày "
                 f"{short_date(rnd.get('window_end')) or '....'}.")
    assigned = "; ".join(f"tiêu chí {cid}: {name}" for cid, name in sorted(
        (ctx.snapshot.get("assignments") or {}).items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0))
    direction = (f"{ctx.committee} ban hành {ctx.doc_ref('plan', 'Kế hoạch')} thực hiện xây dựng {ctx.unit_word} "
                 f"phù hợp với trẻ em năm {ctx.year}; phân công công chức và các ngành thu thập số liệu theo từng "
                 f"tiêu chí: {assigned}.")
    f: list[Flowable] = [
        para(f"Thực hiện {ctx.ruleset.legal_basis}, {ctx.committee} báo cáo kết quả tự đánh giá "
             f"{ctx.unit_word} phù hợp với trẻ em năm {ctx.year} như sau:"),
        heading(HEADINGS[0]),
        heading(HEADINGS[1]),
        para(f"1. {NARRATIVE['report_situation']}: {situation} {ctx.texts.get('report_situation') or DOTS}"),
        para(f"2. {NARRATIVE['report_child_work']}: {_text(ctx, 'report_child_work')}"),
        heading(HEADINGS[2]),
        para(f"1. {NARRATIVE['report_direction']}: {direction} {ctx.texts.get('report_direction') or ''}".rstrip()),
        para(f"2. {NARRATIVE['report_training']}: {_text(ctx, 'report_training')}"),
        para(f"3. {NARRATIVE['report_communication']}: {_text(ctx, 'report_communication')}"),
        para(f"4. {NARRATIVE['report_supervision']}: {_text(ctx, 'report_supervision')}"),
        para(f"5. {NARRATIVE['report_coordination']}: {_text(ctx, 'report_coordination')}"),
        keep(para("6. Nguồn kinh phí"), *funding(ctx)[:1]),
        *funding(ctx)[1:],
        heading(HEADINGS[3] + f" {ctx.unit_word.upper()} PHÙ HỢP VỚI TRẺ EM"),
        para(f"1. Việc thành lập, kiện toàn Hội đồng đánh giá: {ctx.council_name} được thành lập theo "
             f"{ctx.doc_ref('council_decision', 'Quyết định thành lập Hội đồng')}, gồm {len(ctx.members())} thành "
             f"viên. Hội đồng họp ngày {short_date(ctx.meeting_date) or '....'} tại {council.get('place') or '....'}, "
             f"có {len(present)}/{len(ctx.members())} thành viên dự họp; kết quả được ghi tại "
             f"{ctx.doc_ref('minutes', 'Biên bản họp Hội đồng')}."),
        para("2. Kết quả chấm điểm từng tiêu chí (chi tiết từng chỉ số tại Bảng tổng hợp điểm kèm theo):"),
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
    f += results_against_plans(ctx)
    f += [
        para("Nguồn số liệu: số liệu do các công chức, ngành được phân công cung cấp, tổng hợp từ sổ sách, báo cáo "
             "của các thôn và đơn vị; chi tiết như sau:"),
        sources_table(ctx),
        para(f"3. Hồ sơ đề nghị công nhận: kết quả tự đánh giá được niêm yết công khai tại trụ sở {ctx.committee}; "
             + (f"{ctx.committee} hoàn thiện hồ sơ, đề nghị {ctx.upper_level} thẩm định, công nhận."
                if ctx.recognized else "chưa đủ điều kiện đề nghị công nhận.")),
        heading(HEADINGS[4]),
        para(f"1. Thuận lợi: {_text(ctx, 'report_advantages')}"),
    ]
    if ctx.texts.get("report_highlights"):
        f.append(para(f"Kết quả nổi bật: {ctx.texts['report_highlights']}"))
    f.append(para(f"2. Khó khăn, tồn tại: {_text(ctx, 'report_difficulties')}"))
    if ctx.texts.get("report_causes"):
        f.append(para(f"Nguyên nhân: {ctx.texts['report_causes']}"))
    f.append(para("3. Kiến nghị, đề xuất:" + (f" {ctx.texts['report_proposals']}" if ctx.texts.get("report_proposals")
                                              else "")))
    if ctx.recognized:
        f.append(para(f"{ctx.committee} đề nghị {ctx.upper_level} xem xét, công nhận "
                      f"{ctx.unit_name} đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year}."))
    else:
        f.append(para(f"{ctx.committee} tiếp tục chỉ đạo khắc phục các tiêu chí chưa đạt, "
                      "phấn đấu đạt chuẩn trong kỳ đánh giá sau."))
    f.append(heading(HEADINGS[5] + f" {ctx.unit_name.upper()} ĐẠT TIÊU CHUẨN PHÙ HỢP VỚI TRẺ EM"))
    f.append(para(_text(ctx, "report_next")))
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
