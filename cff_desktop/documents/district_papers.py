"""The upper level's papers, laid out like the commune's (Nghị định 30/2020, same primitives and fonts).

* Biên bản họp Hội đồng xét duyệt — the review council's minutes: who sat, each dossier
  considered with its self-assessed total, the appraisal's findings, the vote and the conclusion;
* Quyết định công nhận — the recognition decision with its annex listing the recognised units;
* Báo cáo kết quả đánh giá, công nhận — the summary for the level above (figures, by category,
  change from the previous round, units recognised 3 and 5 years in a row).

Builders take a :class:`DistrictContext` of plain data; they never touch the database or the
services (the services assemble the context).

Nghị định 30: a People's Committee has no parent line above its name; the decision is the
Chairman's (signed CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), the report the committee's (TM. ỦY BAN
NHÂN DÂN); the decision opens with its "Căn cứ" lines and "Theo đề nghị của …"; numbers and dates not
yet known print as dotted blanks to be written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from cff_desktop.common.text import format_number, format_points
from cff_desktop.documents.layout import (
    BLANK,
    Part,
    PdfInfo,
    Signer,
    clock_text,
    closing_block,
    data_table,
    esc,
    header_block,
    heading,
    keep,
    markup,
    para,
    place_date,
    render_parts,
    short_date,
    sign_off,
    styles,
    text_width,
    title_block,
    two_signatures,
    upper_vn,
)

KINDS = {
    "council-minutes": "Biên bản họp Hội đồng xét duyệt",
    "decision": "Quyết định công nhận",
    "report": "Báo cáo kết quả đánh giá, công nhận",
    "correction": "Quyết định điều chỉnh, thu hồi công nhận",
}

STANDARD = "xã, phường, thị trấn phù hợp với trẻ em"


@dataclass
class DistrictContext:
    """Everything the three papers need, already read from the database."""

    area: str  # "Huyện Cao Lộc"
    level: str  # district | province
    province: str
    year: int
    legal_basis: str
    report: dict[str, Any]  # services.district_report.report(...)
    decision: dict[str, Any] = field(default_factory=dict)  # number, signed_on, council{chair, secretary, members}
    dossiers: list[dict[str, Any]] = field(default_factory=list)  # considered by the council, with findings
    signer_name: str = ""
    signer_title: str = "Chủ tịch"
    place: str = ""
    today: date | None = None
    legal_lines: list[str] = field(default_factory=list)  # "Căn cứ" lines from settings (replace the law line)
    proposer: str = ""  # "Theo đề nghị của …" (e.g. "Trưởng phòng Văn hóa - Xã hội"), from settings
    returned: list[dict[str, Any]] = field(default_factory=list)  # dossiers sent back: name, code, comments
    # per criterion over the units' dossiers: id, name, max, full (count), partial (count),
    # zero (unit names), not_assessed (unit names)
    per_criterion: list[dict[str, Any]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"Ủy ban nhân dân\n{self.area}"

    @property
    def parent(self) -> str:
        """A People's Committee is the issuing body itself: no managing agency line above it (NĐ 30)."""
        return ""

    @property
    def signed_on(self) -> date | None:
        s = self.decision.get("signed_on")
        return date.fromisoformat(s) if s else None

    def law_lines(self) -> list[str]:
        """The "Căn cứ" lines of the decision: settings first, else the local-government law in force
        on the signing date, then the standard's legal basis."""
        lines = list(self.legal_lines) or [local_government_law(self.signed_on or self.today)]
        return [*lines, self.legal_basis]

    @property
    def doc_date(self) -> date | None:
        s = self.decision.get("signed_on")
        return date.fromisoformat(s) if s else self.today

    @property
    def place_name(self) -> str:
        if self.place:
            return self.place
        for p in ("Huyện ", "Tỉnh ", "Thành phố ", "Thị xã "):
            if self.area.startswith(p):
                return self.area[len(p):]
        return self.area


def local_government_law(d: date | None) -> str:
    """The Law on the Organisation of Local Government in force on ``d`` (the 2025 laws for the
    two-level local government from 1 July 2025). Offices may replace it in the settings."""
    if d is None or d >= date(2025, 7, 1):
        return "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
    if d >= date(2025, 3, 1):
        return "Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"
    return ("Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
            "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019")


def _number(ctx: DistrictContext, kind: str) -> str:
    base = ctx.decision.get("number") or ""
    if kind == "decision" and base:
        return base
    suffix = {"council-minutes": "BB-HĐXD", "decision": "QĐ-UBND", "report": "BC-UBND"}[kind]
    return f"{BLANK}/{suffix}"


def _decision_ref(ctx: DistrictContext) -> str:
    """"Quyết định số 125/QĐ-UBND ngày 05/12/2024", dotted blanks while not yet signed."""
    number = ctx.decision.get("number") or f"{BLANK}/QĐ-UBND"
    d = ctx.signed_on
    when = short_date(d) if d else f"{BLANK}/{BLANK}/{ctx.year}"
    return f"Quyết định số {number} ngày {when}"


def _signer(ctx: DistrictContext) -> Signer:
    """For a paper of the committee as a body (the report): TM. ỦY BAN NHÂN DÂN, or KT. for a deputy."""
    title = ctx.signer_title or "Chủ tịch"
    if title.lower().startswith("phó"):
        return Signer(authority="KT. CHỦ TỊCH", title=upper_vn(title), name=ctx.signer_name)
    return Signer(authority="TM. ỦY BAN NHÂN DÂN", title=upper_vn(title), name=ctx.signer_name)


def _chair_signer(ctx: DistrictContext) -> Signer:
    """The decision is the Chairman's own: CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH; never TM."""
    title = ctx.signer_title or "Chủ tịch"
    if title.lower().startswith("phó"):
        return Signer(authority="KT. CHỦ TỊCH", title=upper_vn(title), name=ctx.signer_name)
    return Signer(title=upper_vn(title), name=ctx.signer_name)


def _pts(v: Any) -> str:
    return format_points(v) if v is not None else "—"


def _recognised(ctx: DistrictContext) -> list[dict[str, Any]]:
    return [c for c in ctx.report["communes"] if c["recognized"]]


# --- the review council's minutes --------------------------------------------------------------------

def _verdict(d: dict[str, Any]) -> str:
    state = d.get("state", "")
    if state == "recognised":
        return "Đề nghị công nhận"
    if state == "not_recognised":
        return "Không công nhận" + (f": {d['reason']}" if d.get("reason") else "")
    return "Chưa kết luận"


def council_minutes(ctx: DistrictContext) -> list[Part]:
    st = styles()
    c = ctx.decision.get("council") or {}
    chair, secretary = c.get("chair") or "", c.get("secretary") or ""
    members = list(c.get("members") or [])
    absent = list(c.get("absent") or [])
    votes = c.get("votes") or {}
    dots = "...................."
    f: list[Flowable] = [
        header_block(parent=f"UBND {ctx.area}", issuer="Hội đồng xét duyệt", number=_number(ctx, "council-minutes"),
                     place_line=place_date(ctx.place_name, _meeting_day(c), ctx.year)),
        *title_block("Biên bản", f"Họp Hội đồng xét duyệt xã, phường, thị trấn\nphù hợp với trẻ em năm {ctx.year}"),
        para(f"Hôm nay, vào lúc {clock_text(c.get('started_at'))}, tại {c.get('place') or dots}, Hội đồng xét "
             f"duyệt {ctx.area} họp xét hồ sơ đề nghị công nhận {STANDARD} năm {ctx.year} của các đơn vị trên "
             f"địa bàn, theo {ctx.legal_basis}."),
        heading("I. THÀNH PHẦN THAM DỰ"),
        markup(f"1. Chủ tọa: <b>{esc(chair or dots)}</b>, Chủ tịch Hội đồng.", st.plain),
        markup(f"2. Thư ký: <b>{esc(secretary or dots)}</b>.", st.plain),
        para(f"3. Thành viên có mặt ({len(members)}): " + ("; ".join(members) if members else dots) + ".",
             st.plain),
        para(f"4. Vắng mặt ({len(absent)}): " + ("; ".join(absent) if absent else "không") + ".", st.plain),
        heading("II. NỘI DUNG"),
        para(f"1. Cơ quan thường trực báo cáo: đã nhận {ctx.report['assessed']} hồ sơ trên tổng số "
             f"{ctx.report['units']} đơn vị; {ctx.report['passing']} đơn vị tự đánh giá đạt chuẩn; "
             f"{ctx.report.get('appraised_passing', ctx.report['passing'])} đơn vị đạt chuẩn theo kết quả thẩm "
             "định."),
        para("2. Hội đồng xem xét từng hồ sơ, ý kiến thẩm định, thảo luận và biểu quyết (số thành viên đồng ý/"
             "số thành viên có mặt) như sau:"),
    ]
    rows: list[list[Any]] = [["TT", "Đơn vị", "Tự đánh giá / điểm chuẩn", "Thẩm định / điểm chuẩn",
                              "Ý kiến thẩm định, thảo luận", "Biểu quyết", "Kết luận"]]
    present = len(members) + (1 if chair else 0) + (1 if secretary else 0)
    for n, d in enumerate(ctx.dossiers, 1):
        findings = "; ".join(d.get("findings") or []) or (
            "Thống nhất số liệu" if d.get("agreed") else "Chưa thẩm định chi tiết")
        vote = votes.get(d.get("code") or "") or votes.get(d["name"])
        vote_text = f"{vote}/{present}" if vote is not None else f"...../{present or '.....'}"
        appraised = d.get("appraised_total", d.get("total"))
        a_ok = d.get("appraised_passing")
        rows.append([str(n), d["name"], f"{_pts(d.get('total'))} / {_pts(d.get('threshold'))}",
                     f"{_pts(appraised)} / {_pts(d.get('appraised_threshold', d.get('threshold')))}"
                     + ("" if a_ok is None else (" — Đạt" if a_ok else " — Không đạt")),
                     findings, vote_text, _verdict(d)])
    w = text_width()
    widths = [9 * mm, 30 * mm, 21 * mm, 24 * mm, 0, 17 * mm, 28 * mm]
    widths[4] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 2, 3, 5]))
    rec = len(_recognised(ctx))
    f += [
        heading("III. KẾT LUẬN"),
        para(f"Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân {ctx.area} công nhận {rec} đơn vị đạt "
             f"chuẩn {STANDARD} năm {ctx.year} (danh sách kèm theo dự thảo Quyết định)."),
    ]
    refused = [d for d in ctx.dossiers if d.get("state") == "not_recognised"]
    if refused:
        f.append(para("Không đề nghị công nhận: " + "; ".join(
            f"{d['name']} ({d.get('reason') or 'chưa ghi lý do'})" for d in refused) + "."))
    if ctx.returned:
        f.append(para("Hồ sơ trả lại để hoàn thiện: " + "; ".join(
            f"{d['name']} ({'; '.join(d.get('comments') or []) or 'chưa ghi lý do'})" for d in ctx.returned) + "."))
    f.append(keep(para(f"Cuộc họp kết thúc vào lúc {clock_text(c.get('ended_at'))}. Biên bản đã được đọc lại cho các "
                       "thành viên cùng nghe và nhất trí thông qua."),
                  two_signatures(Signer(title="Thư ký", name=secretary.split(",")[0], note="(Ký, ghi rõ họ tên)"),
                                 Signer(title="Chủ tọa", name=chair.split(",")[0], note="(Ký, ghi rõ họ tên)"))))
    return [Part("council-minutes", KINDS["council-minutes"], f)]


def _meeting_day(council: dict[str, Any]) -> date | None:
    v = council.get("started_at")
    try:
        return date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


# --- the recognition decision with its annex ---------------------------------------------------------

def decision(ctx: DistrictContext) -> list[Part]:
    st = styles()
    rec = _recognised(ctx)
    c = ctx.decision.get("council") or {}
    met = _meeting_day(c)
    minutes_ref = (f"Biên bản họp Hội đồng xét duyệt {STANDARD} {ctx.area} năm {ctx.year}"
                   + (f" ngày {short_date(met)}" if met else ""))
    f: list[Flowable] = [
        header_block(parent=ctx.parent, issuer=ctx.issuer, number=_number(ctx, "decision"),
                     place_line=place_date(ctx.place_name, ctx.signed_on, ctx.year)),
        *title_block("Quyết định", f"Về việc công nhận {STANDARD} năm {ctx.year}", rule=True),
        markup(f"<b>CHỦ TỊCH ỦY BAN NHÂN DÂN {esc(upper_vn(ctx.area))}</b>", st.center),
        *[para(f"Căn cứ {line};") for line in ctx.law_lines()],
        para(f"Xét Tờ trình đề nghị công nhận của Ủy ban nhân dân các xã, phường, thị trấn và {minutes_ref};"),
        para(f"Theo đề nghị của {ctx.proposer or '....................................'}."),
        markup("<b>QUYẾT ĐỊNH:</b>", st.center),
        markup(f"<b>Điều 1.</b> Công nhận {len(rec)} đơn vị đạt chuẩn {STANDARD} năm {ctx.year} "
               "(có danh sách kèm theo)."),
        markup("<b>Điều 2.</b> Các đơn vị được công nhận có trách nhiệm duy trì và nâng cao chất lượng thực hiện "
               "quyền trẻ em trên địa bàn."),
        markup("<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng cơ quan "
               "liên quan và Chủ tịch Ủy ban nhân dân các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành "
               "Quyết định này./."),
    ]
    sign_off(f, closing_block(_chair_signer(ctx), ["Như Điều 3", "Lưu hồ sơ xét duyệt"], archive="VT"), 1)
    f += [
        PageBreak(),
        *title_block("Danh sách", f"Đơn vị đạt chuẩn {STANDARD} năm {ctx.year}",
                     extra=f"(Kèm theo {_decision_ref(ctx)} của Chủ tịch Ủy ban nhân dân {ctx.area})"),
    ]
    rows: list[list[Any]] = [["TT", "Mã đơn vị", "Tên đơn vị", "Tự đánh giá", "Thẩm định", "Điểm chuẩn"]]
    for n, cm in enumerate(rec, 1):
        rows.append([str(n), cm["code"], cm["name"], _pts(cm["total"]), _pts(cm.get("appraised_total", cm["total"])),
                     _pts(cm.get("appraised_threshold", cm["threshold"]))])
    w = text_width()
    widths = [10 * mm, 22 * mm, 0, 22 * mm, 22 * mm, 22 * mm]
    widths[2] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 1, 3, 4, 5]))
    f.append(para(f"Tổng số: {len(rec)} đơn vị."))
    return [Part("decision", KINDS["decision"], f)]


# --- the summary report for the level above -----------------------------------------------------------

def report(ctx: DistrictContext) -> list[Part]:
    r = ctx.report
    ch = r.get("change") or {}
    target = r.get("target")
    f: list[Flowable] = [
        header_block(parent=ctx.parent, issuer=ctx.issuer, number=_number(ctx, "report"),
                     place_line=place_date(ctx.place_name, ctx.today, ctx.year)),
        *title_block("Báo cáo", f"Kết quả đánh giá, công nhận xã, phường, thị trấn\nphù hợp với trẻ em năm {ctx.year}"),
        para(f"Thực hiện {ctx.legal_basis}, Ủy ban nhân dân {ctx.area} báo cáo kết quả đánh giá, công nhận "
             f"{STANDARD} năm {ctx.year} trên địa bàn như sau:"),
        heading("I. KẾT QUẢ CHUNG"),
        para(f"Tổng số đơn vị trên địa bàn: {r['units']}. Số đơn vị tự đánh giá và gửi hồ sơ: {r['assessed']}; "
             f"số đơn vị tự đánh giá đạt chuẩn: {r['passing']}; số đơn vị đạt chuẩn theo kết quả thẩm định: "
             f"{r.get('appraised_passing', r['passing'])}; số đơn vị được công nhận: {r['recognized']}, "
             f"đạt tỷ lệ {format_number(r['rate'], 2)} %"
             + (f" ({_decision_ref(ctx)})" if ctx.decision.get("number") else "") + "."),
    ]
    if target is not None:
        met = "đạt" if r["rate"] >= target else "chưa đạt"
        f.append(para(f"So với chỉ tiêu kế hoạch năm {ctx.year} ({format_number(target, 1)} % đơn vị được công "
                      f"nhận): {met}."))
    else:
        f.append(para(f"Chỉ tiêu kế hoạch năm {ctx.year}: chưa đặt."))
    if r.get("missing") or r.get("late"):
        f.append(para(f"Số đơn vị chưa gửi hồ sơ: {len(r.get('missing') or [])}; số đơn vị gửi muộn hoặc quá hạn: "
                      f"{len(r.get('late') or [])}."))
    if ch:
        sign = "tăng" if ch["recognized"] >= 0 else "giảm"
        f.append(para(f"So với năm {ch['previous_round']}: số đơn vị được công nhận {sign} {abs(ch['recognized'])}; "
                      f"tỷ lệ công nhận thay đổi {format_number(ch['rate'], 2)} điểm phần trăm."))
    f.append(heading("II. KẾT QUẢ THEO LOẠI ĐƠN VỊ"))
    rows: list[list[Any]] = [["Loại đơn vị", "Số đơn vị", "Có hồ sơ", "Tự đánh giá đạt", "Thẩm định đạt",
                              "Được công nhận", "Tỷ lệ (%)"]]
    for b in r["by_category"].values():
        rows.append([b["label"], str(b["units"]), str(b["assessed"]), str(b["passing"]),
                     str(b.get("appraised_passing", b["passing"])), str(b["recognized"]),
                     format_number(b["rate"], 2)])
    w = text_width()
    widths = [0, 16 * mm, 16 * mm, 20 * mm, 20 * mm, 20 * mm, 16 * mm]
    widths[0] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[1, 2, 3, 4, 5, 6]))
    f.append(heading("III. KẾT QUẢ THEO TIÊU CHÍ"))
    if ctx.per_criterion:
        f.append(para(f"Kết quả chấm điểm từng tiêu chí của {r['assessed']} đơn vị có hồ sơ (theo số liệu đã "
                      "kiểm tra lại tại cấp trên):"))
        rows = [["TC", "Tiêu chí", "Đạt điểm tối đa", "Đạt một phần", "0 điểm (đơn vị)", "Chưa đánh giá"]]
        for c in ctx.per_criterion:
            rows.append([c["id"], c["name"], str(c["full"]), str(c["partial"]),
                         f"{len(c['zero'])}" + (f": {'; '.join(c['zero'])}" if c["zero"] else ""),
                         f"{len(c['not_assessed'])}" + (f": {'; '.join(c['not_assessed'])}" if c["not_assessed"]
                                                        else "")])
        cw = [10 * mm, 0, 20 * mm, 20 * mm, 38 * mm, 26 * mm]
        cw[1] = w - sum(cw)
        f.append(data_table(rows, cw, center_cols=[0, 2, 3]))
        weak = [c for c in ctx.per_criterion if c["zero"]]
        if weak:
            f.append(para("Tiêu chí có đơn vị bị 0 điểm (không đủ điều kiện công nhận): " + "; ".join(
                f"tiêu chí {c['id']} ({len(c['zero'])} đơn vị)" for c in weak) + "."))
    else:
        f.append(para("Chưa có hồ sơ nào để tổng hợp theo tiêu chí."))
    f.append(heading("IV. ĐƠN VỊ ĐƯỢC CÔNG NHẬN NHIỀU NĂM LIÊN TIẾP"))
    for k, key in (("5", "recognized_5_in_a_row"), ("3", "recognized_3_in_a_row")):
        names = [f"{s['name']} ({s['consecutive']} năm)" for s in r[key]]
        f.append(para(f"Được công nhận từ {k} năm liên tiếp trở lên ({len(names)} đơn vị): "
                      + ("; ".join(names) if names else "không có") + "."))
    f.append(heading("V. ĐƠN VỊ KHÔNG ĐƯỢC CÔNG NHẬN, ĐIỀU CHỈNH VÀ LƯU Ý"))
    for c in r.get("not_recognized") or []:
        f.append(para(f"- {c['name']}: không công nhận. Lý do: {c['reason'] or '(không ghi)'}."))
    for k in r.get("corrections") or []:
        what = "thu hồi công nhận" if k["kind"] == "revoke" else (
            "sửa thành công nhận" if k["now_recognized"] else "sửa thành không công nhận")
        f.append(para(f"- {k['name']}: {what} theo Quyết định số {k['number'] or '......'}. Lý do: {k['reason']}."))
    for c in r.get("category_warnings") or []:
        f.append(para(f"- {c['name']}: " + "; ".join(c["warnings"]) + "."))
    for c in r.get("held_after_decision") or []:
        f.append(para(f"- {c['name']}: có hồ sơ gửi đến sau quyết định, chưa xem xét."))
    if not any(r.get(k) for k in ("not_recognized", "corrections", "category_warnings", "held_after_decision")):
        f.append(para("Không có."))
    f.append(heading("VI. DANH SÁCH ĐƠN VỊ"))
    rows = [["TT", "Mã", "Tên đơn vị", "Tự đánh giá", "Thẩm định", "Điểm chuẩn", "Kết quả thẩm định", "Công nhận",
             "Ghi chú"]]
    for n, cm in enumerate(r["communes"], 1):
        rows.append([str(n), cm.get("code", ""), cm["name"], _pts(cm["total"]), _pts(cm.get("appraised_total")),
                     _pts(cm.get("appraised_threshold", cm["threshold"])),
                     ("Đạt" if cm.get("appraised_passing") else "Không đạt") if cm["assessed"] else "Chưa gửi",
                     "Có" if cm["recognized"] else ("Không" if cm.get("decided") else ""),
                     cm.get("reason") or ""])
    widths = [8 * mm, 14 * mm, 0, 15 * mm, 15 * mm, 15 * mm, 19 * mm, 16 * mm, 30 * mm]
    widths[2] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 1, 3, 4, 5, 6, 7]))
    f.append(heading("VII. ĐỀ XUẤT, KIẾN NGHỊ"))
    f.append(para("Tiếp tục chỉ đạo các đơn vị chưa đạt chuẩn khắc phục các tiêu chí còn hạn chế; duy trì, nâng "
                  "cao chất lượng thực hiện quyền trẻ em ở các đơn vị đã được công nhận."))
    f.append(para(f"Trên đây là báo cáo kết quả đánh giá, công nhận {STANDARD} năm {ctx.year} của Ủy ban "
                  f"nhân dân {ctx.area}./."))
    above = f"Ủy ban nhân dân tỉnh {ctx.province}" if ctx.level == "district" and ctx.province else "Bộ Y tế"
    sign_off(f, closing_block(_signer(ctx), [above, "Lưu hồ sơ"], archive="VT"), 1)
    return [Part("report", KINDS["report"], f)]


# --- decisions revoked or corrected: each one its own decision with its own number -----------------------

def correction(ctx: DistrictContext) -> list[Part]:
    """One correcting decision per revoked or corrected recognition of the round, in the order made."""
    st = styles()
    parts: list[Part] = []
    original = ctx.decision.get("number") or "......"
    for k in ctx.report.get("corrections") or []:
        sub = DistrictContext(**{**ctx.__dict__, "decision": {**ctx.decision, "number": k["number"],
                                                              "signed_on": k["signed_on"]}})
        if k["kind"] == "revoke":
            about, art1 = (f"Về việc thu hồi công nhận {k['name']} đạt chuẩn {STANDARD} năm {ctx.year}",
                           f"Thu hồi công nhận {k['name']} (mã {k['unit_code']}) đạt chuẩn {STANDARD} năm "
                           f"{ctx.year} tại Quyết định số {original}.")
        elif k["now_recognized"]:
            about, art1 = (f"Về việc điều chỉnh kết quả công nhận {STANDARD} năm {ctx.year}",
                           f"Điều chỉnh kết quả đối với {k['name']} (mã {k['unit_code']}): công nhận đạt chuẩn "
                           f"{STANDARD} năm {ctx.year}.")
        else:
            about, art1 = (f"Về việc điều chỉnh kết quả công nhận {STANDARD} năm {ctx.year}",
                           f"Điều chỉnh kết quả đối với {k['name']} (mã {k['unit_code']}): không công nhận đạt "
                           f"chuẩn {STANDARD} năm {ctx.year}.")
        f: list[Flowable] = [
            header_block(parent=sub.parent, issuer=sub.issuer, number=k["number"] or "      /QĐ-UBND",
                         place_line=place_date(sub.place_name, sub.doc_date, ctx.year)),
            *title_block("Quyết định", about),
            markup(f"<b>CHỦ TỊCH ỦY BAN NHÂN DÂN {esc(upper_vn(ctx.area))}</b>", st.center),
            para(f"Căn cứ {ctx.legal_basis};"),
            para(f"Căn cứ Quyết định số {original} về việc công nhận {STANDARD} năm {ctx.year};"),
            para(f"Xét lý do: {k['reason']}."),
            markup("<b>QUYẾT ĐỊNH:</b>", st.center),
            markup(f"<b>Điều 1.</b> {esc(art1)}"),
            markup("<b>Điều 2.</b> Quyết định này có hiệu lực kể từ ngày ký."),
            closing_block(_signer(sub), ["Như Điều 1", "Lưu hồ sơ xét duyệt"], archive="VT"),
        ]
        parts.append(Part(f"correction-{len(parts) + 1}", KINDS["correction"], f))
    if not parts:
        parts.append(Part("correction", KINDS["correction"],
                          [para(f"Năm {ctx.year} không có quyết định nào bị thu hồi hoặc điều chỉnh.")]))
    return parts


BUILDERS = {"council-minutes": council_minutes, "decision": decision, "report": report, "correction": correction}


def render(kind: str, ctx: DistrictContext) -> bytes:
    """One paper as PDF bytes."""
    if kind not in BUILDERS:
        raise KeyError(kind)
    info = PdfInfo(title=f"{KINDS[kind]} năm {ctx.year} — {ctx.area}", author=f"Ủy ban nhân dân {ctx.area}",
                   subject=KINDS[kind], keywords=f"cff_desktop; {kind}; {ctx.year}")
    return render_parts(BUILDERS[kind](ctx), info)
