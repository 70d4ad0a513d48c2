"""Báo cáo công tác trẻ em: the half-year and year reports of seed 004 (§II.11), NĐ 30 layout.

Shared by the two kinds (``child_work_half``, ``child_work_year``): the statistics table, drawn from
the round's figures where the assessment holds them (criteria 3 to 6) and typed where it does not,
then the plan's tasks II.1–10 as sections, each the office's own text or dotted lines to write by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.common.text import format_number
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
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


@dataclass(frozen=True)
class StatRow:
    key: str
    label: str
    indicator: str = ""  # the rule set's indicator whose figure it is ("" = typed for the report)
    part: str = ""  # the key of the indicator's value


#: Seed 004 §II.11's statistics, in its order; the indicators of QĐ 06/2019 that hold each.
STATS: tuple[StatRow, ...] = (
    StatRow("children", "Tổng số trẻ em trên địa bàn", "3.1", "population"),
    StatRow("special", "Trẻ em có hoàn cảnh đặc biệt", "6.1", "denominator"),
    StatRow("special_helped", "Trong đó: được trợ giúp", "6.1", "numerator"),
    StatRow("injured", "Trẻ em bị tai nạn, thương tích phải điều trị", "5.2", "count"),
    StatRow("injury_deaths", "Trẻ em tử vong do tai nạn, thương tích", "5.1", "count"),
    StatRow("abused", "Trẻ em bị xâm hại", "3.1", "count"),
    StatRow("offending", "Trẻ em vi phạm pháp luật, nghiện ma túy", "4.1", "count"),
    StatRow("working", "Trẻ em lao động sớm, lao động trái quy định của pháp luật"),
    StatRow("at_risk", "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt"),
)

#: Seed 004's tasks II.1–10, as the report's sections (short titles).
TASKS: tuple[str, ...] = (
    "Thực hiện các nghị quyết, chương trình, đề án, kế hoạch về trẻ em",
    "Nâng cao nhận thức, trách nhiệm của các cấp, các ngành; phòng ngừa xâm hại, tai nạn thương tích",
    "Tổ chức bộ máy, nhân lực làm công tác trẻ em; mạng lưới cộng tác viên",
    "Bố trí ngân sách, vận động nguồn lực; điểm vui chơi, giải trí cho trẻ em",
    "Hệ thống dịch vụ bảo vệ trẻ em; các mô hình bảo vệ, chăm sóc trẻ em",
    "Truyền thông, giáo dục kiến thức, kỹ năng; Tổng đài 111",
    "Theo dõi, kiểm tra việc thực hiện pháp luật, chính sách về trẻ em",
    "Phối hợp liên ngành phòng ngừa, hỗ trợ, can thiệp các vụ việc xâm hại trẻ em",
    "Tháng hành động vì trẻ em, Diễn đàn trẻ em, Tết Trung thu",
    "Giám sát của HĐND, MTTQ; phong trào “Toàn dân chăm sóc, giáo dục, bảo vệ trẻ em”",
)
TASK_KEYS = tuple(f"child_task_{n}" for n in range(1, len(TASKS) + 1))
PERIOD_WORDS = {"half": "6 tháng đầu năm", "year": "năm"}
DOTS = "." * 150


def stat_rows(values: dict[str, Any], indicators: set[str], typed: dict[str, int]) -> list[dict[str, Any]]:
    """Each statistic's value (None when unknown) and where it comes from: an indicator of the round, or typed."""
    out = []
    for r in STATS:
        if r.indicator and r.indicator in indicators:
            raw = (values.get(r.indicator) or {}).get("value") or {}
            v = raw.get(r.part) if isinstance(raw, dict) else None
            out.append({"key": r.key, "label": r.label, "value": v, "source": f"chỉ số {r.indicator}"})
        else:
            out.append({"key": r.key, "label": r.label, "value": typed.get(r.key), "source": "nhập riêng"})
    return out


def build_period(ctx: DocContext, period: str) -> list[Part]:
    info = ctx.child_work.get(period) or {}
    rows = stat_rows(ctx.snapshot.get("values") or {}, set(ctx.ruleset.indicators), info.get("typed") or {})
    words = PERIOD_WORDS[period]
    rnd = ctx.snapshot.get("round") or {}
    due = info.get("deadline")
    table: list[list[str]] = [["TT", "Chỉ tiêu thống kê", "Số lượng", "Nguồn số liệu"]]
    for i, r in enumerate(rows, 1):
        table.append([str(i), r["label"], format_number(r["value"]) if r["value"] is not None else "", r["source"]])
    w = text_width()
    widths = [10 * mm, 0, 25 * mm, 32 * mm]
    widths[1] = w - sum(widths)
    kind = f"child_work_{period}"
    f: list[Flowable] = [
        ctx.header(kind),
        *title_block("Báo cáo", f"Kết quả thực hiện công tác trẻ em {words} {ctx.year}"),
        para(f"Thực hiện kế hoạch công tác trẻ em năm {ctx.year} của {ctx.upper_level or 'cấp trên'}, {ctx.committee} "
             f"báo cáo kết quả thực hiện công tác trẻ em {words} {ctx.year}"
             + (f" (hạn gửi {short_date(date.fromisoformat(due))})" if due else "") + " như sau:"),
        heading("I. TÌNH HÌNH TRẺ EM"),
        para(f"Số liệu theo kỳ số liệu của vòng đánh giá từ ngày {short_date(rnd.get('window_start')) or '....'} "
             f"đến ngày {short_date(rnd.get('window_end')) or '....'}; chỉ ghi số lượng, không ghi họ tên trẻ em."),
        data_table(table, widths, center_cols=[0, 2]),
        heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"),
    ]
    for n, (key, title) in enumerate(zip(TASK_KEYS, TASKS, strict=True), 1):
        f.append(para(f"{n}. {title}: {ctx.texts.get(key) or DOTS}"))
    f += [
        heading("III. ĐÁNH GIÁ CHUNG, KIẾN NGHỊ"),
        para(ctx.texts.get("child_assessment") or DOTS),
        para(f"Trên đây là báo cáo kết quả thực hiện công tác trẻ em {words} {ctx.year} của {ctx.committee}./."),
    ]
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for(kind, [
        ctx.upper_level, f"Thường trực Đảng ủy, HĐND {ctx.unit_word}"])), 1)
    return [Part(kind, f"Báo cáo công tác trẻ em {words}", f)]
