"""The upper level's papers, laid out like the commune's (Nghị định 30/2020, same primitives and fonts).

* Biên bản họp Hội đồng xét duyệt — the review council's minutes: who sat, each dossier
  considered with its self-assessed total, the appraisal's findings, the vote and the conclusion;
* Quyết định công nhận — the recognition decision with its annex listing the recognised units;
* Báo cáo kết quả đánh giá, công nhận — the summary for the level above (figures, by category,
  change from the previous round, units recognised 3 and 5 years in a row).

Builders take a :class:`DistrictContext` of plain data; they never touch the database or the
services (the services assemble the context).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from cff_desktop.common.text import format_number, format_points
from cff_desktop.documents.layout import (
    Part,
    PdfInfo,
    Signer,
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

    @property
    def issuer(self) -> str:
        return f"Ủy ban nhân dân\n{self.area}"

    @property
    def parent(self) -> str:
        return f"Ủy ban nhân dân\ntỉnh {self.province}" if self.level == "district" and self.province else ""

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


def _number(ctx: DistrictContext, kind: str) -> str:
    base = ctx.decision.get("number") or ""
    if kind == "decision" and base:
        return base
    suffix = {"council-minutes": "BB-HĐXD", "decision": "QĐ-UBND", "report": "BC-UBND"}[kind]
    return f"      /{suffix}"


def _header(ctx: DistrictContext, kind: str, issuer: str | None = None) -> Flowable:
    return header_block(parent=ctx.parent, issuer=issuer or ctx.issuer, number=_number(ctx, kind),
                        place_line=place_date(ctx.place_name, ctx.doc_date, ctx.year))


def _signer(ctx: DistrictContext) -> Signer:
    title = ctx.signer_title or "Chủ tịch"
    if title.lower().startswith("phó"):
        return Signer(authority="KT. CHỦ TỊCH", title=upper_vn(title), name=ctx.signer_name)
    return Signer(authority="TM. ỦY BAN NHÂN DÂN", title=upper_vn(title), name=ctx.signer_name)


def _pts(v: Any) -> str:
    return format_points(v) if v is not None else "—"


def _recognised(ctx: DistrictContext) -> list[dict[str, Any]]:
    return [c for c in ctx.report["communes"] if c["recognized"]]


# --- the review council's minutes --------------------------------------------------------------------

def council_minutes(ctx: DistrictContext) -> list[Part]:
    st = styles()
    c = ctx.decision.get("council") or {}
    chair, secretary = c.get("chair") or "", c.get("secretary") or ""
    members = list(c.get("members") or [])
    f: list[Flowable] = [
        _header(ctx, "council-minutes", issuer=f"Hội đồng xét duyệt\n{ctx.area}"),
        *title_block("Biên bản", f"Họp Hội đồng xét duyệt xã, phường, thị trấn\nphù hợp với trẻ em năm {ctx.year}"),
        para(f"Hội đồng xét duyệt {ctx.area} họp xét hồ sơ đề nghị công nhận {STANDARD} năm {ctx.year} "
             f"của các đơn vị trên địa bàn, theo {ctx.legal_basis}."),
        heading("I. THÀNH PHẦN THAM DỰ"),
        markup(f"1. Chủ tọa: <b>{esc(chair or '....................')}</b>, Chủ tịch Hội đồng.", st.plain),
        markup(f"2. Thư ký: <b>{esc(secretary or '....................')}</b>.", st.plain),
        para("3. Thành viên: " + ("; ".join(members) if members else "...................."), st.plain),
        heading("II. NỘI DUNG"),
        para(f"1. Cơ quan thường trực báo cáo: đã nhận {ctx.report['assessed']} hồ sơ trên tổng số "
             f"{ctx.report['units']} đơn vị; {ctx.report['passing']} đơn vị tự đánh giá đạt chuẩn; "
             f"{ctx.report.get('appraised_passing', ctx.report['passing'])} đơn vị đạt chuẩn theo kết quả thẩm "
             "định. Kết quả thẩm định từng hồ sơ như sau:"),
    ]
    rows: list[list[Any]] = [["TT", "Đơn vị", "Tự đánh giá / điểm chuẩn", "Thẩm định / điểm chuẩn",
                              "Ý kiến thẩm định", "Kết luận"]]
    for n, d in enumerate(ctx.dossiers, 1):
        findings = "; ".join(d.get("findings") or []) or (
            "Thống nhất số liệu" if d.get("agreed") else "Chưa thẩm định chi tiết")
        verdict = {"recognised": "Đề nghị công nhận", "not_recognised": "Không công nhận"}.get(
            d.get("state", ""), "Chưa kết luận")
        if d.get("reason"):
            verdict += f". Lý do: {d['reason']}"
        appraised = d.get("appraised_total", d.get("total"))
        a_ok = d.get("appraised_passing")
        rows.append([str(n), d["name"], f"{_pts(d.get('total'))} / {_pts(d.get('threshold'))}",
                     f"{_pts(appraised)} / {_pts(d.get('appraised_threshold', d.get('threshold')))}"
                     + ("" if a_ok is None else (" — Đạt" if a_ok else " — Không đạt")),
                     findings, verdict])
    w = text_width()
    widths = [9 * mm, 34 * mm, 22 * mm, 26 * mm, 0, 30 * mm]
    widths[4] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 2, 3]))
    rec = len(_recognised(ctx))
    f += [
        heading("III. KẾT LUẬN"),
        para(f"Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân {ctx.area} công nhận {rec} đơn vị đạt "
             f"chuẩn {STANDARD} năm {ctx.year} (danh sách kèm theo dự thảo Quyết định)."),
        keep(para("Biên bản đã được đọc lại cho các thành viên cùng nghe và nhất trí thông qua."),
             two_signatures(Signer(title="Thư ký", name=secretary.split(",")[0], note="(Ký, ghi rõ họ tên)"),
                            Signer(title="Chủ tọa", name=chair.split(",")[0], note="(Ký, ghi rõ họ tên)"))),
    ]
    return [Part("council-minutes", KINDS["council-minutes"], f)]


# --- the recognition decision with its annex ---------------------------------------------------------

def decision(ctx: DistrictContext) -> list[Part]:
    st = styles()
    rec = _recognised(ctx)
    number = ctx.decision.get("number") or "......"
    f: list[Flowable] = [
        _header(ctx, "decision"),
        *title_block("Quyết định", f"Về việc công nhận {STANDARD} năm {ctx.year}"),
        markup(f"<b>CHỦ TỊCH ỦY BAN NHÂN DÂN {esc(upper_vn(ctx.area))}</b>", st.center),
        para(f"Căn cứ {ctx.legal_basis};"),
        para(f"Xét đề nghị của Hội đồng xét duyệt {STANDARD} {ctx.area} năm {ctx.year}."),
        markup("<b>QUYẾT ĐỊNH:</b>", st.center),
        markup(f"<b>Điều 1.</b> Công nhận {len(rec)} đơn vị đạt chuẩn {STANDARD} năm {ctx.year} "
               "(có danh sách kèm theo)."),
        markup("<b>Điều 2.</b> Các đơn vị được công nhận có trách nhiệm duy trì và nâng cao chất lượng thực hiện "
               "quyền trẻ em trên địa bàn."),
        markup("<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng cơ quan "
               "liên quan và Chủ tịch Ủy ban nhân dân các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành "
               "Quyết định này."),
        closing_block(_signer(ctx), ["Như Điều 3", "Lưu hồ sơ xét duyệt"], archive="VT"),
        PageBreak(),
        *title_block("Danh sách", f"Đơn vị đạt chuẩn {STANDARD} năm {ctx.year}",
                     extra=f"(Kèm theo Quyết định số {number} của Chủ tịch Ủy ban nhân dân {ctx.area})"),
    ]
    rows: list[list[Any]] = [["TT", "Mã đơn vị", "Tên đơn vị", "Tự đánh giá", "Thẩm định", "Điểm chuẩn"]]
    for n, c in enumerate(rec, 1):
        rows.append([str(n), c["code"], c["name"], _pts(c["total"]), _pts(c.get("appraised_total", c["total"])),
                     _pts(c.get("appraised_threshold", c["threshold"]))])
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
        _header(ctx, "report"),
        *title_block("Báo cáo", f"Kết quả đánh giá, công nhận xã, phường, thị trấn\nphù hợp với trẻ em năm {ctx.year}"),
        heading("I. KẾT QUẢ CHUNG"),
        para(f"Tổng số đơn vị trên địa bàn: {r['units']}. Số đơn vị tự đánh giá và gửi hồ sơ: {r['assessed']}; "
             f"số đơn vị tự đánh giá đạt chuẩn: {r['passing']}; số đơn vị đạt chuẩn theo kết quả thẩm định: "
             f"{r.get('appraised_passing', r['passing'])}; số đơn vị được công nhận: {r['recognized']}, "
             f"đạt tỷ lệ {format_number(r['rate'], 2)} %."),
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
    f.append(heading("III. ĐƠN VỊ ĐƯỢC CÔNG NHẬN NHIỀU NĂM LIÊN TIẾP"))
    for k, key in (("5", "recognized_5_in_a_row"), ("3", "recognized_3_in_a_row")):
        names = [f"{s['name']} ({s['consecutive']} năm)" for s in r[key]]
        f.append(para(f"Được công nhận từ {k} năm liên tiếp trở lên ({len(names)} đơn vị): "
                      + ("; ".join(names) if names else "không có") + "."))
    f.append(heading("IV. ĐƠN VỊ KHÔNG ĐƯỢC CÔNG NHẬN, ĐIỀU CHỈNH VÀ LƯU Ý"))
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
    f.append(heading("V. DANH SÁCH ĐƠN VỊ"))
    rows = [["TT", "Tên đơn vị", "Tự đánh giá", "Thẩm định", "Điểm chuẩn", "Kết quả thẩm định", "Công nhận"]]
    for n, c in enumerate(r["communes"], 1):
        rows.append([str(n), c["name"], _pts(c["total"]), _pts(c.get("appraised_total")),
                     _pts(c.get("appraised_threshold", c["threshold"])),
                     ("Đạt" if c.get("appraised_passing") else "Không đạt") if c["assessed"] else "Chưa gửi",
                     "Có" if c["recognized"] else ("Không" if c.get("decided") else "")])
    widths = [10 * mm, 0, 20 * mm, 20 * mm, 20 * mm, 24 * mm, 20 * mm]
    widths[1] = w - sum(widths)
    f.append(data_table(rows, widths, center_cols=[0, 2, 3, 4, 5, 6]))
    f.append(closing_block(_signer(ctx), ["Ủy ban nhân dân tỉnh" if ctx.level == "district" else "Bộ Y tế",
                                          "Lưu hồ sơ"], archive="VT"))
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
