"""Hồ sơ đề nghị công nhận: one PDF binding the proposal, report, score table and minutes.

A cover and a list of contents come first; the evidence files are listed in an annex, and images
are printed in it when the user asks (other files travel beside the PDF in the package). Each bound
paper keeps its own page numbers, as if printed alone; the list of contents gives where each one
sits in the bound file, so it is laid out twice (the second pass knows the page ranges).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Spacer

from cff_desktop.common.text import format_number
from cff_desktop.documents import council_decision, minutes, posting_end, proposal, report, scores
from cff_desktop.documents.content import DocContext, Evidence
from cff_desktop.documents.layout import (
    Part,
    PdfInfo,
    data_table,
    esc,
    markup,
    para,
    render_parts,
    short_date,
    styles,
    text_width,
    title_block,
    upper_vn,
)

BOUND = [("proposal", "Tờ trình đề nghị công nhận", proposal.build),
         ("report", "Báo cáo kết quả tự đánh giá", report.build),
         ("scores", "Bảng tổng hợp điểm tự đánh giá", scores.build),
         ("minutes", "Biên bản họp Hội đồng đánh giá", minutes.build),
         ("posting_end", "Biên bản kết thúc niêm yết công khai", posting_end.build)]
# Bound only once issued: the decision forming the council (inspectors check it first).
OPTIONAL = [("council_decision", "Quyết định thành lập Hội đồng đánh giá", council_decision.build)]
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
Progress = Callable[[int, int], None]


def _bound(ctx: DocContext) -> list:
    """The bound papers in order; the council's founding decision, once issued, before its minutes."""
    out = list(BOUND)
    if "council_decision" in ctx.bound:
        out.insert([k for k, _, _ in out].index("minutes"), OPTIONAL[0])
    return out


def cover(ctx: DocContext) -> Part:
    st = styles()
    big = st.title.clone("cover", fontSize=20, leading=28, spaceBefore=0)
    f: list[Flowable] = [
        markup("<br/>".join(esc(upper_vn(x)) for x in ctx.issuer.split("\n")), st.center_bold),
        Spacer(1, 70 * mm),
        para("HỒ SƠ", big),
        para("ĐỀ NGHỊ CÔNG NHẬN", big),
        para(f"{upper_vn(ctx.unit_name)} PHÙ HỢP VỚI TRẺ EM", big),
        para(f"NĂM {ctx.year}", big),
        Spacer(1, 20 * mm),
        para(f"Kính gửi: {ctx.upper_level}", st.center_italic.clone("covto", fontSize=14, leading=18)),
        Spacer(1, 60 * mm),
        para(f"{ctx.place}, năm {ctx.year}", st.center_bold),
    ]
    return Part("cover", "Bìa hồ sơ", f, numbered=False)


def contents(ctx: DocContext, pages: dict[str, tuple[int, int]], evidence_key: str | None) -> Part:
    rows: list[list[str]] = [["TT", "Tên tài liệu", "Số, ký hiệu", "Ngày", "Trang"]]
    items = [(key, label) for key, label, _ in _bound(ctx)]
    if evidence_key:
        items.append((evidence_key, "Danh mục tài liệu minh chứng"))
    for n, (key, label) in enumerate(items, 1):
        a, b = pages.get(key, (0, 0))
        span = "" if not a else (str(a) if a == b else f"{a}–{b}")
        rows.append([str(n), label, ctx.numbers.get(key, "") if not ctx.draft else "",
                     short_date(ctx.dates.get(key)) if not ctx.draft else "", span])
    w = text_width()
    widths = [10 * mm, 0, 35 * mm, 25 * mm, 20 * mm]
    widths[1] = w - sum(widths)
    f: list[Flowable] = [
        *title_block("Mục lục hồ sơ", f"Đề nghị công nhận {ctx.unit_name} phù hợp với trẻ em năm {ctx.year}"),
        data_table(rows, widths, center_cols=[0, 2, 3, 4]),
        para(f"Hồ sơ lập từ kết quả Hội đồng đánh giá đã khóa (mã SHA-256 {ctx.snapshot_sha256[:16]}…), "
             f"bộ tiêu chí {ctx.ruleset.id} phiên bản {ctx.ruleset.version}." if ctx.snapshot_sha256 else
             "Bản dự thảo: Hội đồng đánh giá chưa kết thúc họp, số liệu còn có thể thay đổi.",
             styles().small_italic),
    ]
    return Part("contents", "Mục lục", f, numbered=False)


def _size(n: int) -> str:
    return f"{format_number(n / 1024, 1)} KB" if n < 1024 * 1024 else f"{format_number(n / 1048576, 1)} MB"


def evidence_parts(ctx: DocContext, progress: Progress | None = None) -> list[Part]:
    """The evidence annex: a list of every file; images printed one per page when asked."""
    st = styles()
    rows: list[list[str]] = [["TT", "Tiêu chí", "Tên tệp", "Dung lượng", "Mã SHA-256 (đầu)", "Hình thức"]]
    printable = []
    for n, ev in enumerate(ctx.evidence, 1):
        is_image = ev.filename.lower().endswith(IMAGE_TYPES) or ev.mime.startswith("image/")
        printed = ctx.include_evidence and is_image and bool(ev.path) and os.path.isfile(ev.path)
        if printed:
            printable.append((n, ev))
        rows.append([str(n), ev.criterion_id, ev.filename, _size(ev.size), ev.sha256[:16],
                     "In kèm hồ sơ" if printed else "Tệp điện tử gửi kèm"])
    w = text_width()
    widths = [10 * mm, 16 * mm, 0, 22 * mm, 36 * mm, 30 * mm]
    widths[2] = w - sum(widths)
    f: list[Flowable] = [*title_block("Phụ lục", "Danh mục tài liệu minh chứng")]
    if ctx.evidence:
        f.append(data_table(rows, widths, center_cols=[0, 1, 3]))
    else:
        f.append(para("Không có tài liệu minh chứng kèm theo.", st.plain))
    parts = [Part("evidence", "Danh mục tài liệu minh chứng", f)]
    for k, (n, ev) in enumerate(printable, 1):
        parts.append(Part(f"evidence-{n}", ev.filename, _image_page(ev, n), numbered=False))
        if progress:
            progress(k, len(printable))
    return parts


def _image_page(ev: Evidence, n: int) -> list[Flowable]:
    st = styles()
    w = text_width()
    img = Image(ev.path)
    h_max = 230 * mm
    scale = min(w / img.imageWidth, h_max / img.imageHeight, 1.0 * 72 / 96 * 4)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return [para(f"Minh chứng {n} — tiêu chí {ev.criterion_id}: {ev.filename}", st.center_bold), Spacer(1, 4), img]


def parts(ctx: DocContext, pages: dict[str, tuple[int, int]] | None = None,
          progress: Progress | None = None) -> list[Part]:
    out = [cover(ctx), contents(ctx, pages or {}, "evidence")]
    for key, _label, build in _bound(ctx):
        out.extend(build(ctx.bound.get(key, ctx)))
    out.extend(evidence_parts(ctx, progress))
    return out


def render(ctx: DocContext, info: PdfInfo, progress: Progress | None = None) -> bytes:
    """Two passes: the first finds where each paper starts, the second prints the contents with it.

    Every page carries its running number ("Trang 7/16"). Should the second pass move a paper
    (a longer contents table), it is laid out once more, so the ranges always equal the real pages.
    """
    probe = PdfInfo(info.title, info.author, info.subject, info.draft, info.keywords, running=True)
    render_parts(parts(ctx), probe)
    for _ in range(3):
        info.running, info.total_pages = True, probe.pages
        data = render_parts(parts(ctx, probe.part_pages, progress), info)
        if info.part_pages == probe.part_pages and info.pages == probe.pages:
            return data
        probe = PdfInfo(info.title, info.author, info.subject, info.draft, info.keywords, running=True,
                        part_pages=dict(info.part_pages), pages=info.pages)
    return data


def build(ctx: DocContext) -> list[Part]:
    """Single pass (no page ranges in the contents); :func:`render` is what the service calls."""
    return parts(ctx)
