"""The minutes and the report as editable Word files (.docx), from the very same content as the PDF.

Clerks often must adjust a sentence before signing. Rather than a second set of templates that
could drift from the PDF, the builders' flowables are translated one by one: paragraphs keep
their alignment, size, bold and italic (including inline <b>/<i>), tables keep their columns and
ruling, the two-column header and signature blocks become borderless tables. The PDF stays the
reference; the .docx is a starting point for the clerk's wording.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table

from cff_desktop.documents.layout import (
    DRAFT_MARK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    Part,
    PdfInfo,
    Rule,
)

FONT = "Times New Roman"
_ALIGN = {0: WD_ALIGN_PARAGRAPH.LEFT, 1: WD_ALIGN_PARAGRAPH.CENTER, 2: WD_ALIGN_PARAGRAPH.RIGHT,
          4: WD_ALIGN_PARAGRAPH.JUSTIFY}
_TAG = re.compile(r"(<br\s*/?>|</?b>|</?i>|</?u>|<[^>]+>)", re.IGNORECASE)
PT_PER_MM = 72 / 25.4


def _runs(markup: str) -> list[tuple[str, bool, bool, bool]]:
    """Split reportlab paragraph markup into (text, bold, italic, line_break) runs."""
    out: list[tuple[str, bool, bool, bool]] = []
    bold = italic = False
    for piece in _TAG.split(markup):
        if not piece:
            continue
        low = piece.lower()
        if low.startswith("<br"):
            out.append(("", bold, italic, True))
        elif low == "<b>":
            bold = True
        elif low == "</b>":
            bold = False
        elif low == "<i>":
            italic = True
        elif low == "</i>":
            italic = False
        elif piece.startswith("<"):
            continue  # font colour and the like: not needed in an editable copy
        else:
            out.append((html.unescape(piece), bold, italic, False))
    return out


def _style_flags(style: Any) -> tuple[bool, bool]:
    name = (getattr(style, "fontName", "") or "").lower()
    return ("bold" in name, "italic" in name or "oblique" in name)


def _paragraph(container: Any, p: Paragraph) -> None:
    style = p.style
    para = container.add_paragraph()
    fmt = para.paragraph_format
    fmt.alignment = _ALIGN.get(getattr(style, "alignment", 0), WD_ALIGN_PARAGRAPH.LEFT)
    fmt.space_before = Pt(getattr(style, "spaceBefore", 0) or 0)
    fmt.space_after = Pt(getattr(style, "spaceAfter", 0) or 0)
    indent = getattr(style, "firstLineIndent", 0) or 0
    if indent:
        fmt.first_line_indent = Pt(indent)
    size = getattr(style, "fontSize", 13) or 13
    leading = getattr(style, "leading", 0) or 0
    if leading:
        fmt.line_spacing = Pt(leading)
    base_bold, base_italic = _style_flags(style)
    for text, bold, italic, brk in _runs(p.text):
        run = para.add_run()
        if brk:
            run.add_break()
            continue
        run.text = text
        run.bold = base_bold or bold
        run.italic = base_italic or italic
        run.font.size = Pt(size)


def _cell_flowables(cell: Any) -> Iterable[Any]:
    if isinstance(cell, (list, tuple)):
        return cell
    return [cell]


def _table(container: Any, t: Table) -> None:
    rows: Sequence[Sequence[Any]] = t._cellvalues
    if not rows:
        return
    ncols = max(len(r) for r in rows)
    table = container.add_table(rows=len(rows), cols=ncols)
    ruled = any(cmd[0] in ("GRID", "BOX", "INNERGRID") for cmd in getattr(t, "_linecmds", []))
    if ruled:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths = [w for w in (t._colWidths or []) if w]
    if widths and len(widths) == ncols:
        # Word reads cell widths, LibreOffice the grid: set both, and keep them fixed.
        table.autofit = False
        for c, w in enumerate(widths):
            table.columns[c].width = Mm(w / PT_PER_MM)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            if widths and c < len(widths):
                cell.width = Mm(widths[c] / PT_PER_MM)
            first = cell.paragraphs[0]
            avail = widths[c] if widths and c < len(widths) else 80 * PT_PER_MM
            for fl in _cell_flowables(value):
                if isinstance(fl, str):
                    first.add_run(fl)
                else:
                    _flowable(cell, fl, avail)
            if not first.text and len(cell.paragraphs) > 1:
                first._element.getparent().remove(first._element)
    for span in getattr(t, "_spanCmds", []):
        _, (c0, r0), (c1, r1) = span
        c1 = ncols - 1 if c1 < 0 else c1
        r1 = len(rows) - 1 if r1 < 0 else r1
        if (c0, r0) != (c1, r1):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    if getattr(t, "repeatRows", 0):
        for r in range(t.repeatRows):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            el = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
            tr_pr.append(el)


def _rule(container: Any, rule: Rule, avail_pt: float) -> None:
    """A short centred rule: an empty paragraph with a bottom border, indented to the rule's width."""
    para = container.add_paragraph()
    fmt = para.paragraph_format
    side = max(0.0, (avail_pt - rule.rule_width) / 2)
    fmt.left_indent = fmt.right_indent = Pt(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = Pt(4)
    para.add_run().font.size = Pt(2)
    ppr = para._p.get_or_add_pPr()
    bdr = ppr.makeelement(qn("w:pBdr"), {})
    bottom = bdr.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1",
                                             qn("w:color"): "000000"})
    bdr.append(bottom)
    ppr.append(bdr)


def _flowable(container: Any, fl: Any, avail_pt: float = 165 * PT_PER_MM) -> None:
    if isinstance(fl, Paragraph):
        _paragraph(container, fl)
    elif isinstance(fl, Table):
        _table(container, fl)
    elif isinstance(fl, KeepTogether):
        for inner in fl._content:
            _flowable(container, inner, avail_pt)
    elif isinstance(fl, Rule):
        _rule(container, fl, avail_pt)
    elif isinstance(fl, PageBreak) and hasattr(container, "add_page_break"):
        container.add_page_break()
    elif isinstance(fl, CondPageBreak):  # before Spacer: it is one, and must not become a 25 mm gap
        return
    elif isinstance(fl, Spacer):
        if fl.height >= 12:  # the room left for a signature and seal
            gap = container.add_paragraph()
            gap.paragraph_format.space_after = Pt(fl.height)
    # other flowables (part markers, images) carry no words to edit


def _page_numbers(section: Any, numbered: bool, draft: bool) -> None:
    """As in the PDF: the page number centred in the top margin from page 2, each part from 1;
    a draft says DỰ THẢO at the top right of every page."""
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    section.different_first_page_header_footer = True
    sect = section._sectPr
    pg = sect.find(qn("w:pgNumType"))
    if pg is None:
        pg = sect.makeelement(qn("w:pgNumType"), {})
        sect.append(pg)
    pg.set(qn("w:start"), "1")
    head = section.header.paragraphs[0]
    if numbered:
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = head._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
        run = field.makeelement(qn("w:r"), {})
        text = run.makeelement(qn("w:t"), {})
        text.text = "2"
        run.append(text)
        field.append(run)
        head._p.append(field)
    if draft:
        for h, taken in ((section.header, numbered), (section.first_page_header, False)):
            mark = h.add_paragraph() if taken else h.paragraphs[0]
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            mark.add_run(DRAFT_MARK).bold = True


def parts_to_docx(parts: Sequence[Part], info: PdfInfo) -> bytes:
    """One .docx with the parts in order (A4, Nghị định 30 margins, Times New Roman 13 pt)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    props = doc.core_properties
    props.title, props.author, props.subject = info.title, info.author, info.subject
    props.keywords = info.keywords
    for i, part in enumerate(parts):
        section = doc.sections[0] if i == 0 else doc.add_section()
        section.page_height, section.page_width = Mm(297), Mm(210)
        if part.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_height, section.page_width = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP / PT_PER_MM), Mm(MARGIN_BOTTOM / PT_PER_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT / PT_PER_MM), Mm(MARGIN_RIGHT / PT_PER_MM)
        _page_numbers(section, part.numbered, info.draft)
        page_w = (297 if part.landscape else 210) * PT_PER_MM
        for fl in part.flowables:
            _flowable(doc, fl, page_w - MARGIN_LEFT - MARGIN_RIGHT)
        if i < len(parts) - 1:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
