"""Reading printed PDFs back: words with their boxes (pdftotext -bbox), text (pypdf), fonts, pages."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

MM = 72 / 25.4
A4 = (595.28, 841.89)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float  # from the top of the page, in points
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pages(pdf: Path) -> list[Page]:
    """Every page's words with their bounding boxes, as poppler lays them out."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    doc = out.decode("utf-8")
    result = []
    for m in _PAGE.finditer(doc):
        words = [Word(html.unescape(w[4]), float(w[0]), float(w[1]), float(w[2]), float(w[3]))
                 for w in _WORD.findall(m.group(3))]
        result.append(Page(float(m.group(1)), float(m.group(2)), words))
    return result


def flat_text(pdf: Path) -> str:
    """The whole text with white space collapsed (lines joined), for phrase searches."""
    reader = PdfReader(str(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def page_texts(pdf: Path) -> list[str]:
    reader = PdfReader(str(pdf))
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]


def fonts(pdf: Path) -> dict[str, dict[str, Any]]:
    """Every font used on any page: its base name and whether its program is embedded."""
    reader = PdfReader(str(pdf))
    found: dict[str, dict[str, Any]] = {}
    for page in reader.pages:
        res = page.get("/Resources") or {}
        for _name, ref in (res.get("/Font") or {}).items():
            f = ref.get_object()
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(f.get("/BaseFont"))] = {"embedded": embedded, "subtype": str(f.get("/Subtype"))}
    return found


def overlapping_words(page: Page, tol: float = 0.8) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes intersect (text printed over text), ignoring touching edges."""
    ws = sorted(page.words, key=lambda w: (w.y0, w.x0))
    bad = []
    for i, a in enumerate(ws):
        for b in ws[i + 1:]:
            if b.y0 >= a.y1 - tol:
                break
            if min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol:
                bad.append((a, b))
    return bad


def close_demo(ws: Any, ended_at: str = "2024-11-05T10:30") -> None:
    """Vote and close the demo council, as the clerk would at the end of the meeting."""
    from cff_desktop.services.council import close_meeting, record_vote

    record_vote(ws, votes_for=10, votes_against=0)
    close_meeting(ws, conclusion="Hoàn thiện hồ sơ gửi cấp trên.", ended_at=ended_at)


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files left in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".cff-") or p.suffix == ".tmp")


def assert_in_order(text: str, needles: list[str]) -> None:
    """Each of ``needles`` appears in ``text``, each after the one before (headings in order)."""
    at = -1
    for n in needles:
        i = text.find(n, at + 1)
        assert i > at, f"{n!r} missing or out of order"
        at = i
