"""Biên bản họp Hội đồng đánh giá xã phù hợp với trẻ em (the council's minutes).

Order follows the meeting (DOMAIN §4): time and place, who attended and who was absent, chair and
secretary, each criterion with its figures, points, maximum and data source, overrides with their
reasons, discussion, vote, conclusion (total, the category's threshold, đạt / không đạt with the
blocking reasons), closing time; THƯ KÝ and CHỦ TỌA sign side by side.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cff_desktop.common.text import format_points
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    Part,
    Signer,
    clock_text,
    data_table,
    esc,
    heading,
    keep,
    markup,
    need,
    para,
    styles,
    text_width,
    title_block,
    two_signatures,
)

ROLE_LABELS = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "standing": "Thường trực Hội đồng",
    "secretary": "Thư ký Hội đồng",
    "member": "Thành viên",
}
COUNCIL_NAME = "Hội đồng đánh giá xã phù hợp với trẻ em"


def _person(m: dict) -> str:
    return f"{m['name']}, {m['position']}" if m.get("position") else str(m["name"])


def members_table(ctx: DocContext) -> Flowable:
    rows: list[list[str]] = [["TT", "Họ và tên", "Chức vụ, đơn vị", "Nhiệm vụ trong Hội đồng", "Có mặt"]]
    for n, m in enumerate(ctx.members(), 1):
        rows.append([str(n), m["name"], m.get("position") or "", ROLE_LABELS.get(m.get("council_role") or "", ""),
                     "Có mặt" if m.get("present") else "Vắng"])
    w = text_width()
    widths = [10 * mm, 45 * mm, 0, 38 * mm, 17 * mm]
    widths[2] = w - sum(widths)
    return data_table(rows, widths, center_cols=[0, 4])


def criterion_flowables(ctx: DocContext) -> list[Flowable]:
    """Each criterion as the council went through it: figures and points per indicator, source, override."""
    st = styles()
    out: list[Flowable] = []
    for c in ctx.score["criteria"]:
        prov = " (*)" if c.get("provisional") else ""
        status = "" if c.get("assessed") else " (chưa đánh giá đủ chỉ số)"
        block: list[Flowable] = [markup(
            f"<b>Tiêu chí {esc(c['id'])}: {esc(c['name'])}</b>{prov} — tối đa {format_points(c['max'])} điểm, "
            f"Hội đồng thống nhất <b>{format_points(c['points'])}</b> điểm{status}.", st.body)]
        for i in c["indicators"]:
            block.append(markup(
                f"- {esc(i['id'])}. {esc(ctx.indicator_label(i['id']))}: {esc(ctx.value_text(i))}; "
                f"đạt {format_points(i['points'])}/{format_points(i['max'])} điểm.", st.body))
        sources = list(dict.fromkeys(ctx.source_text(i["id"], dated=False) for i in c["indicators"]))
        sources = [x for x in sources if x]
        if sources:
            block.append(markup(f"<i>Nguồn số liệu: {esc('; '.join(sources))}.</i>", st.body))
        ov = c.get("override")
        if ov:
            block.append(markup(
                f"Hội đồng điều chỉnh điểm tiêu chí {esc(c['id'])} từ {format_points(c['computed_points'])} "
                f"thành <b>{format_points(ov['points'])}</b> điểm. Lý do: {esc(ov['reason'])}", st.body))
        out.append(need(25))
        out.extend(block)
    return out


def build(ctx: DocContext) -> list[Part]:
    st = styles()
    council = ctx.council
    chair = (ctx.members("chair") or [{"name": "", "position": ""}])[0]
    secretary = (ctx.members("secretary") or [{"name": "", "position": ""}])[0]
    present = ctx.members(present=True)
    absent = ctx.members(present=False)
    f: list[Flowable] = [
        ctx.header("minutes", parent=ctx.short_issuer,
                   issuer=f"Hội đồng đánh giá\n{ctx.unit_word} phù hợp với trẻ em"),
        *title_block("Biên bản", f"Họp {ctx.council_name} năm {ctx.year}"),
        para(f"Hôm nay, vào lúc {_clock(council.get('started_at'))}, tại "
             f"{council.get('place') or '....................'}, {ctx.council_name} {ctx.unit_name} tổ chức họp "
             f"đánh giá kết quả thực hiện tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year} "
             f"theo {ctx.ruleset.legal_basis}."),
        para(f"Hội đồng được thành lập theo {_founding(ctx)} của Chủ tịch {ctx.committee}."),
        heading("I. THÀNH PHẦN THAM DỰ"),
        markup(f"1. Chủ tọa: <b>{esc(chair['name'])}</b>"
               f"{', ' + esc(chair['position']) if chair.get('position') else ''}, Chủ tịch Hội đồng.", st.plain),
        markup(f"2. Thư ký: <b>{esc(secretary['name'])}</b>"
               f"{', ' + esc(secretary['position']) if secretary.get('position') else ''}.", st.plain),
        para(f"3. Thành viên Hội đồng có mặt: {len(present)}/{len(ctx.members())} thành viên; "
             f"vắng mặt: {len(absent)} thành viên.", st.plain),
        members_table(ctx),
    ]
    if absent:
        f.append(para("Vắng mặt: " + "; ".join(_person(m) for m in absent) + ".", st.plain))
    vals = ctx.snapshot.get("round") or {}
    f += [
        heading("II. NỘI DUNG CUỘC HỌP"),
        para(f"1. Thường trực Hội đồng báo cáo kết quả thu thập số liệu của các ngành trong kỳ từ ngày "
             f"{_d(vals.get('window_start'))} đến ngày {_d(vals.get('window_end'))}, theo bộ tiêu chí "
             f"{ctx.ruleset.title} (mã {ctx.ruleset.id}, phiên bản {ctx.ruleset.version})."),
        para("2. Hội đồng xem xét từng tiêu chí, đối chiếu số liệu, điểm và nguồn số liệu như sau:"),
        *criterion_flowables(ctx),
        *ctx.flow_score_notes(),
        heading("3. Ý kiến thảo luận"),
        para(council.get("discussion") or "Các thành viên Hội đồng nhất trí với số liệu và điểm nêu trên, "
             "không có ý kiến khác."),
        heading("4. Biểu quyết"),
        para(_vote_text(council, len(present))),
        heading("III. KẾT LUẬN"),
        *[para(line) for line in ctx.verdict_lines()],
        markup(f"Kết luận: {esc(ctx.unit_title)} <b>{ctx.verdict}</b> tiêu chuẩn "
               f"xã, phường, thị trấn phù hợp với trẻ em năm {ctx.year}."),
    ]
    reasons = ctx.reasons()
    if reasons:
        f.append(para("Lý do chưa đạt: " + "; ".join(reasons) + "."))
    if council.get("conclusion"):
        f.append(para(f"Ý kiến kết luận của chủ tọa: {council['conclusion']}"))
    ended = council.get("ended_at") or ctx.snapshot.get("closed_at")
    # The closing sentence travels with the signatures: a signature page never stands alone.
    f.append(keep(
        para(f"Cuộc họp kết thúc vào lúc {_clock(ended)}. Biên bản đã được đọc lại cho các thành viên "
             "dự họp cùng nghe và nhất trí thông qua."),
        two_signatures(Signer(title="Thư ký", name=secretary["name"], note="(Ký, ghi rõ họ tên)"),
                       Signer(title="Chủ tọa", name=chair["name"], note="(Ký, ghi rõ họ tên)"))))
    return [Part("minutes", "Biên bản họp Hội đồng đánh giá", f)]


def _clock(value: str | None) -> str:
    """A meeting time in words; a time that cannot be read prints as blanks to fill in by hand.

    Rounds closed before end times were checked may hold words such as "chiều nay" in their
    frozen snapshot. The snapshot cannot be changed without changing its hash, so the minutes
    print the dotted blank instead of failing, and the secretary writes the time on paper.
    """
    try:
        return clock_text(value)
    except ValueError:
        return clock_text(None)


def _founding(ctx: DocContext) -> str:
    """The decision forming the council, with a dotted blank for its number until it is issued."""
    if ctx.numbers.get("council_decision"):
        return ctx.doc_ref("council_decision", "Quyết định")
    return f"Quyết định số ....../QĐ-UBND ngày ...... tháng ...... năm {ctx.year}"


def _d(value: str | None) -> str:
    from cff_desktop.documents.layout import short_date

    return short_date(value) or "........"


def _vote_text(council: dict, present: int) -> str:
    vf, va, vb = council.get("votes_for"), council.get("votes_against"), council.get("votes_abstain")
    if vf is None:
        return (f"Số thành viên có mặt: {present}. Đồng ý: ..... ; không đồng ý: ..... ; "
                "không biểu quyết: ..... (chưa ghi kết quả biểu quyết).")
    return (f"Số thành viên có mặt: {present}. Đồng ý: {vf}/{present}; không đồng ý: {va or 0}/{present}; "
            f"không biểu quyết: {vb or 0}/{present}.")
