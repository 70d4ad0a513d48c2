"""Layout primitives shared by every printed paper (Nghị định 30/2020/NĐ-CP, Phụ lục I).

One place decides the page (A4, margins top/bottom 20 mm, left 30 mm for binding, right 15 mm),
the body type (13 pt, justified, first line indented 1 cm), the two-column header, the title block,
the signature blocks, "Nơi nhận" and page numbers, so the eight documents cannot drift apart and a
reviewer at the upper level sees the layout they expect.

A printed file is a list of :class:`Part` (one per document bound into it): each part starts on a
new page, in portrait or landscape, and numbers its own pages from its page 2, centred in the top
margin, as a stand-alone paper would. Drafts carry "DỰ THẢO" on every page.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cff_desktop.common import localtime
from cff_desktop.documents.fonts import FontSet, register_fonts

# --- page ----------------------------------------------------------------------------------------
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm  # binding side
MARGIN_RIGHT = 15 * mm
PORTRAIT = A4
LANDSCAPE = landscape(A4)
BODY_SIZE = 13
BODY_LEADING = 16.5  # about "single" line spacing of Times at 13 pt, as Word sets it
TABLE_SIZE = 11.5
INDENT = 10 * mm


def text_width(page: tuple[float, float] = PORTRAIT) -> float:
    return page[0] - MARGIN_LEFT - MARGIN_RIGHT


# --- text ----------------------------------------------------------------------------------------

def esc(text: Any) -> str:
    """User text made safe for reportlab's paragraph markup, in NFC (a stray ``<`` or a
    decomposed accent from Unikey would otherwise break the paragraph or print badly)."""
    return escape(unicodedata.normalize("NFC", "" if text is None else str(text)))


def upper_vn(text: str) -> str:
    """Capitals for headings; Python's upper() maps every Vietnamese letter (đ → Đ, ẹ → Ẹ)."""
    return unicodedata.normalize("NFC", text).upper()


def _two(n: int) -> str:
    return f"{n:02d}"


def day_text(d: date) -> str:
    """Nghị định 30: days 1–9 and months 1–2 get a leading zero (ngày 05 tháng 02, tháng 11)."""
    month = _two(d.month) if d.month <= 2 else str(d.month)
    return f"ngày {_two(d.day)} tháng {month} năm {d.year}"


def place_date(place: str, d: date | None, year: int | None = None) -> str:
    """The italic place-and-date line; a draft leaves day and month blank for the signer."""
    if d is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    return f"{place}, {day_text(d)}"


def short_date(value: str | date | None) -> str:
    """dd/mm/yyyy, as Vietnamese papers write dates inside the text."""
    return localtime.date_text(value)


def clock_text(value: str | None) -> str:
    """``2024-11-05T08:00`` → ``08 giờ 00 phút, ngày 05 tháng 11 năm 2024``; blank when unknown."""
    if not value:
        return "..... giờ ..... phút, ngày ..... tháng ..... năm ......."
    t = localtime.to_local(str(value))
    return f"{t.hour:02d} giờ {t.minute:02d} phút, {day_text(t.date())}"


# --- styles --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Styles:
    """Paragraph styles in the document serif; built once the fonts are registered."""

    fonts: FontSet
    body: ParagraphStyle
    plain: ParagraphStyle
    heading: ParagraphStyle
    center: ParagraphStyle
    center_bold: ParagraphStyle
    center_italic: ParagraphStyle
    title: ParagraphStyle
    subject: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    small: ParagraphStyle
    small_italic: ParagraphStyle
    recipients_title: ParagraphStyle
    recipients: ParagraphStyle
    sign_title: ParagraphStyle
    sign_note: ParagraphStyle
    sign_name: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is not None:
        return _styles
    fs = register_fonts()
    base = ParagraphStyle("body", fontName=fs.regular, fontSize=BODY_SIZE, leading=BODY_LEADING,
                          alignment=TA_JUSTIFY, firstLineIndent=INDENT, spaceBefore=4, spaceAfter=2)
    plain = ParagraphStyle("plain", parent=base, firstLineIndent=0)
    center = ParagraphStyle("center", parent=plain, alignment=TA_CENTER, spaceBefore=0, spaceAfter=0)
    cell = ParagraphStyle("cell", parent=plain, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.22,
                          alignment=TA_LEFT, spaceBefore=0, spaceAfter=0)
    _styles = Styles(
        fonts=fs,
        body=base,
        plain=plain,
        heading=ParagraphStyle("heading", parent=plain, fontName=fs.bold, spaceBefore=8, keepWithNext=1,
                               alignment=TA_LEFT),
        center=center,
        center_bold=ParagraphStyle("center_bold", parent=center, fontName=fs.bold),
        center_italic=ParagraphStyle("center_italic", parent=center, fontName=fs.italic),
        title=ParagraphStyle("title", parent=center, fontName=fs.bold, fontSize=14, leading=18,
                             spaceBefore=14),
        subject=ParagraphStyle("subject", parent=center, fontName=fs.bold, fontSize=14, leading=18),
        cell=cell,
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=fs.bold),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=fs.bold, alignment=TA_CENTER),
        small=ParagraphStyle("small", parent=plain, fontSize=11, leading=13.5, alignment=TA_LEFT),
        small_italic=ParagraphStyle("small_italic", parent=plain, fontName=fs.italic, fontSize=11,
                                    leading=13.5, alignment=TA_LEFT),
        recipients_title=ParagraphStyle("recipients_title", parent=plain, fontName=fs.bolditalic,
                                        fontSize=12, leading=14, alignment=TA_LEFT, spaceBefore=0),
        recipients=ParagraphStyle("recipients", parent=plain, fontSize=11, leading=13, alignment=TA_LEFT,
                                  spaceBefore=0, spaceAfter=0),
        sign_title=ParagraphStyle("sign_title", parent=center, fontName=fs.bold, fontSize=13, leading=16),
        sign_note=ParagraphStyle("sign_note", parent=center, fontName=fs.italic, fontSize=12, leading=15),
        sign_name=ParagraphStyle("sign_name", parent=center, fontName=fs.bold, fontSize=13, leading=16),
    )
    return _styles


def para(text: Any, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain user text (escaped)."""
    return Paragraph(esc(text), style or styles().body)


def markup(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of trusted markup (``<b>``, ``<i>``); callers escape the user parts with :func:`esc`."""
    return Paragraph(unicodedata.normalize("NFC", text), style or styles().body)


def heading(text: str) -> Paragraph:
    return para(text, styles().heading)


# --- small flowables -----------------------------------------------------------------------------

class Rule(Flowable):
    """A short solid line centred in the available width (under the agency name, the motto, the title)."""

    def __init__(self, width: float, thickness: float = 0.6, space_before: float = 1.5,
                 space_after: float = 3) -> None:
        super().__init__()
        self.rule_width = width
        self.thickness = thickness
        self.space_before = space_before
        self.space_after = space_after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self.space_before + self.space_after + self.thickness

    def draw(self) -> None:
        x0 = (self._avail - self.rule_width) / 2
        y = self.space_after
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, y, x0 + self.rule_width, y)


class PartStart(Flowable):
    """Zero-size marker at the top of each bound document; the template restarts page numbers here."""

    def __init__(self, key: str, numbered: bool = True) -> None:
        super().__init__()
        self.key = key
        self.numbered = numbered

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:  # the template reads the marker in afterFlowable
        pass


def _table_font() -> tuple[Any, ...]:
    """Tables select their cell font even for cells holding paragraphs; left at reportlab's
    default that is Helvetica, a font that is never embedded, so name the document serif."""
    return ("FONTNAME", (0, 0), (-1, -1), styles().fonts.regular)


# --- blocks --------------------------------------------------------------------------------------

MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT_COL = 72 * mm


def header_block(*, parent: str, issuer: str, number: str | None, place_line: str,
                 width: float | None = None) -> Table:
    """The Nghị định 30 two-column header.

    Left: parent agency (upright caps, may be empty), issuing agency (bold caps), a short rule, then
    ``Số: …`` (``number`` None = no number line, e.g. blank forms). Right: the national name (bold
    caps 12 pt), the motto (bold 13 pt) with a rule its own length, then the italic place and date.
    """
    st = styles()
    width = width or text_width()
    right_w = width - LEFT_COL
    left: list[Flowable] = []

    def lines(text: str) -> str:  # "\n" marks where the agency name is meant to break
        return "<br/>".join(esc(upper_vn(x)) for x in text.split("\n"))

    if parent:
        left.append(Paragraph(lines(parent), ParagraphStyle("hp", parent=st.center, fontSize=13, leading=16)))
    left.append(Paragraph(lines(issuer), ParagraphStyle("hi", parent=st.center_bold, fontSize=13, leading=16)))
    left.append(Rule(22 * mm, space_before=4))
    nation = ParagraphStyle("hn", parent=st.center_bold, fontSize=12, leading=15)
    motto = ParagraphStyle("hm", parent=st.center_bold, fontSize=13, leading=16)
    right: list[Flowable] = [Paragraph(MOTTO_NATION, nation), Paragraph(MOTTO, motto),
                             Rule(stringWidth(MOTTO, st.fonts.bold, 13), space_before=4)]
    rows: list[list[Any]] = [[left, right]]
    num = Paragraph(f"Số: {esc(number)}", st.center) if number is not None else Spacer(0, 0)
    rows.append([num, Paragraph(esc(place_line), ParagraphStyle("hd", parent=st.center_italic,
                                                                 fontSize=13, leading=16))])
    t = Table(rows, colWidths=[LEFT_COL, right_w], hAlign="LEFT")
    t.setStyle(TableStyle([
        _table_font(),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 1), (-1, 1), 4),
    ]))
    return t


def title_block(kind_title: str, subject: str, *, rule: bool = True, extra: str = "") -> list[Flowable]:
    """Document type in bold caps (BIÊN BẢN, TỜ TRÌNH…), the subject in bold below, a short rule."""
    st = styles()
    out: list[Flowable] = [Paragraph(esc(upper_vn(kind_title)), st.title)]
    for line in subject.split("\n"):
        out.append(Paragraph(esc(line), st.subject))
    if rule:
        out.append(Rule(35 * mm, space_before=5, space_after=8 if not extra else 4))
    if extra:
        out.append(Paragraph(esc(extra), st.center_italic))
    out.append(Spacer(1, 8 if extra or not rule else 0))
    return out


@dataclass(frozen=True)
class Signer:
    """Who signs: ``authority`` is the TM./KT. line (may be empty), ``title`` the signer's post."""

    title: str
    name: str
    authority: str = ""
    note: str = ""  # e.g. "(Ký, ghi rõ họ tên)" on minutes and forms


def ubnd_signer(chair_name: str, chair_title: str) -> Signer:
    """Nghị định 30 signing for a People's Committee: TM. for the chair, KT. for a deputy."""
    title = (chair_title or "Chủ tịch").strip()
    if title.lower().startswith("phó"):
        return Signer(authority="KT. CHỦ TỊCH", title=upper_vn(title), name=chair_name)
    return Signer(authority="TM. ỦY BAN NHÂN DÂN", title=upper_vn(title), name=chair_name)


def _signature_flowables(s: Signer, space: float = 24 * mm) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if s.authority:
        out.append(Paragraph(esc(s.authority), st.sign_title))
    out.append(Paragraph(esc(upper_vn(s.title)), st.sign_title))
    if s.note:
        out.append(Paragraph(esc(s.note), st.sign_note))
    out.append(Spacer(1, space))
    out.append(Paragraph(esc(s.name) if s.name else "", st.sign_name))
    return out


def recipients_flowables(recipients: Sequence[str], archive: str = "VT, VHXH") -> list[Flowable]:
    """"Nơi nhận:" in bold italic 12 pt; each recipient 11 pt as ``- …;``, the last ``- Lưu: …``."""
    st = styles()
    out: list[Flowable] = [Paragraph("Nơi nhận:", st.recipients_title)]
    for r in recipients:
        out.append(Paragraph(f"- {esc(r)};", st.recipients))
    out.append(Paragraph(f"- Lưu: {esc(archive)}.", st.recipients))
    return out


def closing_block(signer: Signer, recipients: Sequence[str] | None = None, archive: str = "VT, VHXH",
                  width: float | None = None) -> Table:
    """"Nơi nhận" bottom left and the signature right, as one unsplittable row.

    A table row never splits across pages, so long content pushes the whole block to the next page
    instead of printing the signature over the text.
    """
    width = width or text_width()
    # an empty cell is a Spacer, not "": a string cell would be drawn in Helvetica, never embedded
    left: list[Flowable] = recipients_flowables(recipients, archive) if recipients is not None else [Spacer(0, 0)]
    t = Table([[left, _signature_flowables(signer)]], colWidths=[width * 0.48, width * 0.52])
    t.setStyle(TableStyle([
        _table_font(),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (0, 0), 10), ("TOPPADDING", (1, 0), (1, 0), 6),
    ]))
    return t


def two_signatures(left: Signer, right: Signer, width: float | None = None) -> Table:
    """Two signature columns on one row (minutes: THƯ KÝ left, CHỦ TỌA right)."""
    width = width or text_width()
    t = Table([[_signature_flowables(left), _signature_flowables(right)]], colWidths=[width / 2, width / 2])
    t.setStyle(TableStyle([
        _table_font(),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
    ]))
    return t


def data_table(rows: Sequence[Sequence[Any]], col_widths: Sequence[float], *, header_rows: int = 1,
               bold_rows: Iterable[int] = (), span: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
               center_cols: Iterable[int] = ()) -> Table:
    """A ruled table whose header rows repeat at the top of every page it runs onto.

    Plain strings become wrapping paragraphs (so long names and reasons never overflow a cell);
    flowables are used as given.
    """
    st = styles()
    center_cols = set(center_cols)
    bold_rows = set(bold_rows)
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        out = []
        for c, cell in enumerate(row):
            if isinstance(cell, Flowable):
                out.append(cell)
                continue
            if r < header_rows:
                style = st.cell_head
            elif r in bold_rows:
                style = st.cell_bold if c not in center_cols else ParagraphStyle(
                    "cbc", parent=st.cell_bold, alignment=TA_CENTER)
            else:
                style = st.cell_center if c in center_cols else st.cell
            out.append(Paragraph(esc(cell), style))
        data.append(out)
    t = Table(data, colWidths=list(col_widths), repeatRows=header_rows, hAlign="LEFT")
    cmds: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for a, b in span:
        cmds.append(("SPAN", a, b))
    t.setStyle(TableStyle([_table_font(), *cmds]))
    return t


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def need(height_mm: float) -> CondPageBreak:
    """Start a new page when less than ``height_mm`` is left (keeps a heading with its text)."""
    return CondPageBreak(height_mm * mm)


# --- the document template -----------------------------------------------------------------------

@dataclass
class Part:
    """One bound document: its flowables, orientation, and whether its pages are numbered."""

    key: str
    title: str
    flowables: list[Flowable]
    landscape: bool = False
    numbered: bool = True


@dataclass
class PdfInfo:
    title: str
    author: str
    subject: str = ""
    draft: bool = False
    keywords: str = ""
    part_pages: dict[str, tuple[int, int]] = field(default_factory=dict)


DRAFT_MARK = "DỰ THẢO"


class _PaperTemplate(BaseDocTemplate):
    """Portrait and landscape A4 pages; page numbers restart with every :class:`PartStart`."""

    def __init__(self, buf: io.BytesIO, info: PdfInfo, first_landscape: bool) -> None:
        self.info = info
        self._part_key = ""
        self._part_first = 1
        self._part_numbered = True
        self.part_pages: dict[str, list[int]] = {}
        templates = [self._template("portrait", PORTRAIT), self._template("landscape", LANDSCAPE)]
        if first_landscape:
            templates.reverse()
        super().__init__(buf, pagesize=PORTRAIT, pageTemplates=templates, title=info.title,
                         author=info.author, subject=info.subject, creator="cff_desktop",
                         producer="cff_desktop (reportlab)", keywords=info.keywords, invariant=1,
                         leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, lang="vi-VN",
                         # else every page names Helvetica, a font that is never embedded
                         initialFontName=styles().fonts.regular, initialFontSize=BODY_SIZE,
                         initialLeading=BODY_LEADING)

    def _template(self, tid: str, page: tuple[float, float]) -> PageTemplate:
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, page[0] - MARGIN_LEFT - MARGIN_RIGHT,
                      page[1] - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id=f"{tid}-body")
        return PageTemplate(id=tid, frames=[frame], pagesize=page, onPage=self._on_page,
                            onPageEnd=self._on_page_end)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, PartStart):
            self._part_key = flowable.key
            self._part_first = self.page
            self._part_numbered = flowable.numbered
            self.part_pages[flowable.key] = [self.page, self.page]

    def _on_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if not self.info.draft:
            return
        w, h = canv._pagesize
        fs = styles().fonts
        canv.saveState()
        canv.setFillColor(colors.Color(0.82, 0.82, 0.82))
        canv.setFont(fs.bold, 96)
        canv.translate(w / 2, h / 2)
        canv.rotate(35)
        canv.drawCentredString(0, -30, DRAFT_MARK)
        canv.restoreState()

    def _on_page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = canv._pagesize
        fs = styles().fonts
        if self._part_key in self.part_pages:
            self.part_pages[self._part_key][1] = self.page
        n = self.page - self._part_first + 1
        canv.saveState()
        if self._part_numbered and n >= 2:
            canv.setFont(fs.regular, 13)
            canv.drawCentredString(MARGIN_LEFT + (w - MARGIN_LEFT - MARGIN_RIGHT) / 2, h - MARGIN_TOP / 2 - 4,
                                   str(n))
        if self.info.draft:
            canv.setFont(fs.bold, 12)
            tw = stringWidth(DRAFT_MARK, fs.bold, 12)
            x, y = w - MARGIN_RIGHT - tw - 4, h - MARGIN_TOP / 2 - 4
            canv.drawString(x, y, DRAFT_MARK)
            canv.setLineWidth(0.8)
            canv.rect(x - 4, y - 4, tw + 8, 17, stroke=1, fill=0)
        canv.restoreState()


def render_parts(parts: Sequence[Part], info: PdfInfo) -> bytes:
    """Lay the parts out into one PDF; ``info.part_pages`` is filled with each part's page range."""
    if not parts:
        raise ValueError("no parts to render")
    buf = io.BytesIO()
    doc = _PaperTemplate(buf, info, parts[0].landscape)
    story: list[Flowable] = []
    current = parts[0].landscape
    for i, part in enumerate(parts):
        if i > 0:
            if part.landscape != current:
                story.append(NextPageTemplate("landscape" if part.landscape else "portrait"))
                current = part.landscape
            story.append(PageBreak())
        story.append(PartStart(part.key, part.numbered))
        story.extend(part.flowables)
    doc.build(story)
    info.part_pages = {k: (v[0], v[1]) for k, v in doc.part_pages.items()}
    return buf.getvalue()
