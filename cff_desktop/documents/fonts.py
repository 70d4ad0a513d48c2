"""Which serif font the printed papers use, and proof that it can write Vietnamese.

Nghị định 30/2020 asks for Times New Roman. Windows has it (``C:\\Windows\\Fonts\\times*.ttf``), so
a commune's papers look exactly like every other paper of its office. Other systems get Liberation
Serif 2.x, bundled in ``resources/fonts`` under the SIL OFL: it is metric-compatible with Times New
Roman (line breaks and page counts stay the same) and covers every Vietnamese letter with every
tone mark, which the PDF core Times font does not. reportlab embeds TrueType fonts as subsets, so
the PDF prints the same on a machine that has neither font.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cff_desktop.common.errors import StoreError
from cff_desktop.common.resources import resource_dir

FAMILY = "CffSerif"
STYLES = ("regular", "bold", "italic", "bolditalic")
BUNDLED = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
WINDOWS = {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf", "bolditalic": "timesbi.ttf"}

# Vietnamese vowels carry one of five tone marks (or none); đ is the one extra consonant.
VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền, sắc, ngã, hỏi, nặng


def vietnamese_letters() -> str:
    """Every Vietnamese letter, with every tone mark, in lower and upper case (NFC)."""
    out: list[str] = []
    for v in VOWELS + VOWELS.upper():
        out.extend(unicodedata.normalize("NFC", v + t) for t in TONES)
    out.extend("đĐ")
    out.extend(c for c in "bcdghklmnpqrstvx" + "bcdghklmnpqrstvx".upper() + "fjwz" + "FJWZ")
    return "".join(dict.fromkeys(out))


@dataclass(frozen=True)
class FontSet:
    """The four faces registered with reportlab under :data:`FAMILY` names, and where they came from."""

    files: dict[str, Path]
    source: str  # "windows" | "bundled"

    @property
    def regular(self) -> str:
        return f"{FAMILY}"

    @property
    def bold(self) -> str:
        return f"{FAMILY}-Bold"

    @property
    def italic(self) -> str:
        return f"{FAMILY}-Italic"

    @property
    def bolditalic(self) -> str:
        return f"{FAMILY}-BoldItalic"


def font_files(windows_fonts: Path | None = None) -> tuple[dict[str, Path], str]:
    """The four TrueType files to use: Windows' Times New Roman when all four exist, else bundled.

    ``windows_fonts`` is the Windows fonts folder (tests pass a temporary one); by default it is
    ``%WINDIR%\\Fonts`` on Windows and nothing elsewhere.
    """
    if windows_fonts is None and os.name == "nt":
        windows_fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    if windows_fonts is not None:
        found = {s: windows_fonts / WINDOWS[s] for s in STYLES}
        if all(p.is_file() for p in found.values()):
            return found, "windows"
    bundled = {s: resource_dir("fonts", BUNDLED[s]) for s in STYLES}
    missing = [p.name for p in bundled.values() if not p.is_file()]
    if missing:
        raise StoreError(
            f"thiếu tệp phông chữ {', '.join(missing)} trong bộ cài đặt; hãy cài lại cff_desktop.",
            str(resource_dir("fonts")),
        )
    return bundled, "bundled"


_lock = threading.Lock()
_registered: FontSet | None = None


def register_fonts() -> FontSet:
    """Register the serif family with reportlab once per process (safe from a worker thread)."""
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        files, source = font_files()
        fs = FontSet(files, source)
        names = {"regular": fs.regular, "bold": fs.bold, "italic": fs.italic, "bolditalic": fs.bolditalic}
        for style, name in names.items():
            pdfmetrics.registerFont(TTFont(name, str(files[style])))
        pdfmetrics.registerFontFamily(FAMILY, normal=fs.regular, bold=fs.bold, italic=fs.italic,
                                      boldItalic=fs.bolditalic)
        _registered = fs
        return fs


def missing_glyphs(text: str, font_name: str | None = None) -> set[str]:
    """Characters of ``text`` the font cannot draw (they would print as empty boxes)."""
    fs = register_fonts()
    font = pdfmetrics.getFont(font_name or fs.regular)
    cmap = font.face.charToGlyph
    return {ch for ch in set(unicodedata.normalize("NFC", text))
            if not ch.isspace() and ord(ch) not in cmap}
