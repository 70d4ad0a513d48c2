"""The document font writes every Vietnamese letter, and the right font is chosen per system."""

from __future__ import annotations

import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from docs_helpers import flat_text, fonts, needs_poppler

from cff_desktop.common.resources import resource_dir
from cff_desktop.documents.fonts import BUNDLED, WINDOWS, font_files, missing_glyphs, register_fonts, vietnamese_letters
from cff_desktop.documents.layout import day_text, place_date


def test_every_vietnamese_letter_with_every_tone_has_a_glyph_in_every_face() -> None:
    letters = vietnamese_letters()
    # 12 vowels x 6 tone forms x 2 cases, plus đ/Đ and the consonants
    assert sum(1 for ch in letters if unicodedata.decomposition(ch)) >= 12 * 5 * 2
    assert "ỵ" in letters and "Ỵ" in letters and "ữ" in letters and "Ặ" in letters and "đ" in letters
    fs = register_fonts()
    for face in (fs.regular, fs.bold, fs.italic, fs.bolditalic):
        assert missing_glyphs(letters, face) == set(), face
    assert missing_glyphs("“”–—…%/№") == set()


def test_missing_glyph_check_catches_what_the_font_lacks() -> None:
    assert missing_glyphs("Xã ✓ 😀") == {"✓", "😀"}


def test_bundled_font_and_licence_ship_with_the_app(tmp_path: Path) -> None:
    files, source = font_files(windows_fonts=tmp_path)  # an empty Windows fonts folder
    assert source == "bundled"
    assert {p.name for p in files.values()} == set(BUNDLED.values())
    licence = resource_dir("fonts", "LICENSE-LiberationSerif.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name Liberation" in licence


def test_windows_times_new_roman_preferred_when_all_four_present(tmp_path: Path) -> None:
    for style, name in WINDOWS.items():
        shutil.copy(resource_dir("fonts", BUNDLED[style]), tmp_path / name)
    files, source = font_files(windows_fonts=tmp_path)
    assert source == "windows" and files["bold"] == tmp_path / "timesbd.ttf"
    (tmp_path / "timesbi.ttf").unlink()  # an incomplete set is not used
    assert font_files(windows_fonts=tmp_path)[1] == "bundled"


@pytest.mark.parametrize(("d", "text"), [
    (date(2024, 11, 5), "ngày 05 tháng 11 năm 2024"),
    (date(2025, 1, 9), "ngày 09 tháng 01 năm 2025"),
    (date(2025, 2, 28), "ngày 28 tháng 02 năm 2025"),
    (date(2025, 3, 15), "ngày 15 tháng 3 năm 2025"),
    (date(2025, 12, 10), "ngày 10 tháng 12 năm 2025"),
])
def test_long_dates_as_nghi_dinh_30_writes_them(d: date, text: str) -> None:
    assert day_text(d) == text
    assert place_date("Hoàng Đồng", d) == f"Hoàng Đồng, {text}"


@needs_poppler
def test_every_letter_prints_and_reads_back_from_an_embedded_font(tmp_path: Path) -> None:
    from cff_desktop.documents.layout import Part, PdfInfo, para, render_parts, styles

    letters = vietnamese_letters()
    st = styles()
    body = [para(letters, s) for s in (st.body, st.center_bold, st.center_italic, st.recipients_title)]
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(render_parts([Part("t", "t", body)], PdfInfo("t", "t")))
    text = unicodedata.normalize("NFC", flat_text(pdf)).replace(" ", "")  # long words wrap anywhere
    assert text.count(letters) == 4
    assert all(v["embedded"] for v in fonts(pdf).values())


def test_decomposed_input_prints_composed(tmp_path: Path) -> None:
    from cff_desktop.documents.layout import esc

    decomposed = unicodedata.normalize("NFD", "Hoàng Đồng <ấp>")
    assert esc(decomposed) == "Hoàng Đồng &lt;ấp&gt;"
