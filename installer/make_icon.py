"""Draw the app icon with Qt's QPainter and write ``resources/icons/cff-desktop.{png,ico}``.

The icon is drawn, not downloaded, so its licence is the project's and it can be redrawn at any
size. The ICO carries every size Windows asks for (16 px in lists up to 256 px in tiles), each
drawn at its own size rather than scaled from one bitmap, so the small ones stay sharp. Run it
again only when the drawing changes; the files are committed.

    python installer/make_icon.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
NAVY = QColor("#1f3b57")  # the navigation bar's colour (ui/theme.py)
BLUE = QColor("#1f5fa8")
SUN = QColor("#f2b632")
WHITE = QColor("#ffffff")


def draw(size: int) -> QImage:
    """A house (the commune) sheltering a child, under a sun: "a place that fits children"."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    p.scale(s, s)
    # rounded tile
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(NAVY))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)
    # sun
    p.setBrush(QBrush(SUN))
    p.drawEllipse(QPointF(190, 66), 26, 26)
    # house: roof and walls in one white outline
    house = QPainterPath()
    house.moveTo(128, 52)
    house.lineTo(220, 130)
    house.lineTo(196, 130)
    house.lineTo(196, 214)
    house.lineTo(60, 214)
    house.lineTo(60, 130)
    house.lineTo(36, 130)
    house.closeSubpath()
    p.setBrush(QBrush(WHITE))
    p.drawPath(house)
    # the child: head and body in the app's blue, arms raised
    p.setBrush(QBrush(BLUE))
    p.drawEllipse(QPointF(128, 128), 17, 17)
    body = QPainterPath()
    body.moveTo(104, 206)
    body.quadTo(104, 152, 128, 150)
    body.quadTo(152, 152, 152, 206)
    body.closeSubpath()
    p.drawPath(body)
    pen = QPen(BLUE, 11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(110, 162), QPointF(88, 140))
    p.drawLine(QPointF(146, 162), QPointF(168, 140))
    p.end()
    return img


def to_pil(img: QImage) -> Image.Image:
    buf = QBuffer()
    buf.open(QBuffer.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return Image.open(io.BytesIO(bytes(buf.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = {n: to_pil(draw(n)) for n in SIZES}
    images[256].save(OUT / "cff-desktop.png", optimize=True)
    # Pillow writes each frame from append_images whose size is asked for, instead of rescaling.
    largest = images[256]
    largest.save(OUT / "cff-desktop.ico", format="ICO", sizes=[(n, n) for n in SIZES],
                 append_images=[images[n] for n in SIZES if n != 256])
    for name in ("cff-desktop.png", "cff-desktop.ico"):
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
