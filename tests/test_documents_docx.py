"""The minutes and the report as editable Word files: same words, numbers and figures as the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from cff_desktop.services.council import close_meeting, record_vote
from cff_desktop.services.printing import render_printed


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@pytest.fixture
def closed(demo_ws):
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    return demo_ws


def test_minutes_docx_matches_the_pdf(closed, tmp_path: Path, cff_json) -> None:
    pdf = render_printed(closed, "minutes", tmp_path)
    word = render_printed(closed, "minutes", tmp_path, fmt="docx")
    assert word.path.suffix == ".docx" and word.number == pdf.number == "01/BB-UBND"
    text = docx_text(word.path)
    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(pdf.path)).pages)
    assert "Tổng điểm tự đánh giá" in pdf_text  # the same sentence in both files
    for needle in ("BIÊN BẢN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: 01/BB-UBND", "THƯ KÝ", "CHỦ TỌA", "Hoàng Văn Bình", "I. THÀNH PHẦN THAM DỰ"):
        assert needle in text, needle
    score = cff_json("score", "--json")
    assert f"Tổng điểm tự đánh giá: {score['total']:,}".replace(",", ".") in text
    assert ("ĐẠT tiêu chuẩn" if score["recognized"] else "KHÔNG ĐẠT") in text
    for c in score["criteria"]:
        assert f"Tiêu chí {c['id']}:" in text
    d = docx.Document(str(word.path))
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert round(sec.left_margin.mm) == 30
    assert d.styles["Normal"].font.name == "Times New Roman"
    members = d.tables[1]
    assert members.rows[0].cells[1].text == "Họ và tên" and len(members.rows) == 11


def test_report_docx_and_register(closed, tmp_path: Path) -> None:
    word = render_printed(closed, "report", tmp_path, fmt="docx")
    assert "BÁO CÁO" in docx_text(word.path)
    rows = closed.store.query("SELECT kind, number, path FROM document WHERE path LIKE '%.docx'")
    assert rows == [{"kind": "report", "number": word.number, "path": str(word.path)}]


def test_draft_docx_is_marked(demo_ws, tmp_path: Path) -> None:
    word = render_printed(demo_ws, "minutes", tmp_path, fmt="docx")
    assert word.draft and word.path.name.startswith("du-thao-")
    d = docx.Document(str(word.path))
    for header in (d.sections[0].header, d.sections[0].first_page_header):
        assert "DỰ THẢO" in " ".join(p.text for p in header.paragraphs), "every page, the first included"


def test_every_paper_but_the_dossier_has_a_word_version(cff, demo_ws, tmp_path: Path) -> None:
    p = cff("print", "dossier", "--out", str(tmp_path / "out"), "--format", "docx")
    assert p.returncode == 2 and "chỉ in ra PDF" in p.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    for kind in ("scores", "notice", "forms", "survey"):
        got = json.loads(cff("print", kind, "--out", str(tmp_path / "w"), "--format", "docx", "--json",
                             check=True).stdout)["printed"][0]
        assert got["path"].endswith(".docx")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in docx_text(Path(got["path"]))
    assert json.loads(cff("print", "minutes", "--out", str(tmp_path / "w"), "--format", "docx", "--json",
                          check=True).stdout)["printed"][0]["path"].endswith(".docx")


def test_docx_numbers_pages_and_keeps_the_pdf_spacing(closed, tmp_path: Path) -> None:
    from docx.oxml.ns import qn

    word = render_printed(closed, "minutes", tmp_path, fmt="docx")
    d = docx.Document(str(word.path))
    sec = d.sections[0]
    assert sec.different_first_page_header_footer, "no number on page 1, as Nghị định 30 sets it"
    assert sec._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    fields = sec.header._element.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
    assert sec.header.paragraphs[0].alignment == 1  # centred
    assert not sec.first_page_header._element.findall(".//" + qn("w:fldSimple"))
    # only the signature blocks leave a tall empty paragraph (was one ~25 mm gap per criterion)
    gaps = [p for p in d.paragraphs if not p.text.strip() and p.paragraph_format.space_after
            and p.paragraph_format.space_after.pt >= 20]
    assert len(gaps) <= 2, len(gaps)
