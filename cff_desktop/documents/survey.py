"""The satisfaction questionnaire of criterion 13 (children, residents) and its tally sheet.

The questionnaire asks no name (Nghị định 13/2023 on children's personal data); the overall
question is the one counted, and the tally sheet adds the answers up per village into exactly the
numerator and denominator the rule set asks for. The questions are a template the commune may
adjust: the official wording of criterion 13 is still provisional here.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.common.errors import BadInput
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    Signer,
    closing_block,
    data_table,
    esc,
    markup,
    para,
    sign_off,
    styles,
    text_width,
    title_block,
)
from cff_desktop.rules.model import Criterion, Indicator

CHILD_QUESTIONS = [
    "Em có được cha mẹ, thầy cô lắng nghe ý kiến của em không?",
    "Ở thôn em có nơi vui chơi an toàn cho trẻ em không?",
    "Khi gặp nguy hiểm hoặc bị bắt nạt, em có biết cần báo cho ai không?",
    "Em có được khám sức khỏe, tiêm chủng và đi học đầy đủ không?",
    "Em có được tham gia các hoạt động của Đội, câu lạc bộ, diễn đàn trẻ em không?",
]
# "{unit}" is the unit word of the profile (xã, phường, thị trấn, đặc khu).
ADULT_QUESTIONS = [
    "Ông/bà có được biết về các chính sách, chương trình bảo vệ, chăm sóc trẻ em của {unit} không?",
    "Trẻ em có hoàn cảnh đặc biệt trong thôn có được hỗ trợ kịp thời không?",
    "Các điểm vui chơi, hoạt động văn hóa, thể thao cho trẻ em ở thôn có đáp ứng nhu cầu không?",
    "Dịch vụ y tế, giáo dục cho trẻ em tại {unit} có thuận tiện không?",
    "Khi có vụ việc xâm hại, bạo lực trẻ em, chính quyền {unit} có xử lý kịp thời không?",
]


def satisfaction_criterion(ctx: DocContext) -> Criterion:
    for c in ctx.ruleset.criteria:
        if "hài lòng" in c.name.lower():
            return c
    raise BadInput(f"bộ tiêu chí {ctx.ruleset.id} không có tiêu chí khảo sát mức độ hài lòng; "
                   "không có phiếu khảo sát để in", "survey")


def _is_child(ind: Indicator) -> bool:
    return "trẻ em" in (ind.denominator_label or ind.label).lower()


def questionnaire(ctx: DocContext, ind: Indicator, n: int) -> Part:
    st = styles()
    child = _is_child(ind)
    who = "trẻ em" if child else "người dân"
    qs = CHILD_QUESTIONS if child else ADULT_QUESTIONS
    you = "em" if child else "ông/bà"
    f: list[Flowable] = [
        ctx.header("survey", numbered=False),
        *title_block("Phiếu khảo sát", f"Mức độ hài lòng của {who} về việc thực hiện quyền trẻ em\n"
                                       f"tại {ctx.unit_name} năm {ctx.year}"),
        para(f"Phiếu không ghi họ tên. Xin {you} đánh dấu (X) vào ô phù hợp. Ý kiến của {you} giúp "
             f"{ctx.unit_name} làm tốt hơn việc bảo vệ, chăm sóc trẻ em.", st.small_italic),
        para("Thôn, tổ dân phố: ......................................   "
             + ("Tuổi: ........   Em là: □ Nam   □ Nữ" if child else "Là: □ Cha, mẹ, người chăm sóc trẻ em   □ Khác"),
             st.plain),
    ]
    rows: list[list[str]] = [["TT", "Câu hỏi", "Có / Hài lòng", "Chưa / Không hài lòng"]]
    rows += [[str(k), q.format(unit=ctx.unit_word), "□", "□"] for k, q in enumerate(qs, 1)]
    overall = (f"Nhìn chung, {you} có hài lòng về việc thực hiện quyền trẻ em ở {ctx.unit_word} mình không?")
    rows.append([str(len(qs) + 1), overall, "□", "□"])
    w = text_width()
    widths = [10 * mm, 0, 28 * mm, 32 * mm]
    widths[1] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 2, 3], bold_rows=[len(rows) - 1]))
    f.append(markup(f"<i>Câu {len(qs) + 1} là câu được tính vào chỉ số {esc(ind.id)} "
                    f"({esc(ind.numerator_label)}).</i>", st.small))
    f.append(para(f"{'Em' if child else 'Ông/bà'} có đề xuất gì để trẻ em được bảo vệ, chăm sóc tốt hơn? "
                  + "." * 220, st.plain))
    f.append(para("Xin cảm ơn!", st.center_italic))
    return Part(f"survey-{n}", f"Phiếu khảo sát ({who})", f)


def tally(ctx: DocContext, inds: list[Indicator]) -> Part:
    st = styles()
    villages = [str(v) for v in ctx.commune.get("villages") or []] or [""] * 10
    head = ["TT", "Thôn, tổ dân phố"]
    for ind in inds:
        who = "trẻ em" if _is_child(ind) else "người dân"
        head += [f"Số phiếu {who} thu về", f"Số phiếu {who} hài lòng"]
    rows: list[list[str]] = [head]
    rows += [[str(n), v] + [""] * (2 * len(inds)) for n, v in enumerate(villages, 1)]
    rows.append(["", "Tổng cộng"] + [""] * (2 * len(inds)))
    w = text_width()
    rest = (w - 10 * mm - 45 * mm) / max(1, 2 * len(inds))
    widths = [10 * mm, 45 * mm] + [rest] * (2 * len(inds))
    f: list[Flowable] = [
        ctx.header("survey", numbered=False),
        *title_block("Bảng tổng hợp kết quả khảo sát", f"Mức độ hài lòng của trẻ em và người dân năm {ctx.year}"),
        data_table(rows, widths, bold_rows=[len(rows) - 1], center_cols=[0]),
    ]
    for ind in inds:
        f.append(markup(f"Chỉ số {esc(ind.id)}: tử số = {esc(ind.numerator_label)} = .........; "
                        f"mẫu số = {esc(ind.denominator_label)} = .........; tỷ lệ = ......... %", st.plain))
    sign_off(f, closing_block(Signer(title="Người tổng hợp", name="", note="(Ký, ghi rõ họ tên)"), None),
             len(inds))
    return Part("survey-tally", "Bảng tổng hợp kết quả khảo sát", f)


def build(ctx: DocContext) -> list[Part]:
    c = satisfaction_criterion(ctx)
    inds = [i for i in c.indicators if i.kind == "ratio"]
    if not inds:
        raise BadInput(f"tiêu chí {c.id} không có chỉ số tỷ lệ hài lòng để lập phiếu", "survey")
    return [questionnaire(ctx, ind, n) for n, ind in enumerate(inds, 1)] + [tally(ctx, inds)]
