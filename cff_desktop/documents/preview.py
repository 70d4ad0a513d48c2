"""Page images of a printed PDF for the in-app print preview (PDFium through pypdfium2).

Returns raw RGBX pixels so the window can wrap them in a QImage without this layer knowing Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    stride: int
    rgbx: bytes


def page_images(pdf: Path, scale: float = 1.25, max_pages: int | None = None) -> list[PageImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for n in range(len(doc) if max_pages is None else min(len(doc), max_pages)):
            page = doc[n]
            bmp = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True, fill_color=(255, 255, 255, 255))
            out.append(PageImage(bmp.width, bmp.height, bmp.stride, bytes(bmp.buffer)))
            page.close()
        return out
    finally:
        doc.close()
