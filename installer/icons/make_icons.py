"""Draws the dengji icon (登 on a red seal-like square) as SVG, PNGs and a Windows .ico.

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/icons/make_icons.py

The glyph is stored as an outline path, so the SVG looks the same on a computer without a
CJK font; run once after changing the design and commit the files it writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
CANVAS = 256
GLYPH = "登"
# A Hei (sans) face reads best at 16 px; the Ming face is the fallback of the Makefile's fonts.
GLYPH_FAMILIES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "SimHei", "AR PL UMing CN")
BACKGROUND = "#c8102e"  # 中国红, the colour of official seals
FOREGROUND = "#ffffff"


def glyph_path() -> QPainterPath:
    """The outline of 登 scaled and centred into the 256-unit canvas with a margin."""
    family = next(f for f in GLYPH_FAMILIES if f in QFontDatabase.families())
    font = QFont(family)
    font.setPixelSize(200)
    font.setBold(True)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, GLYPH)
    box = path.boundingRect()
    target = CANVAS * 0.70
    scale = target / max(box.width(), box.height())
    transform = QTransform()
    transform.translate(CANVAS / 2, CANVAS / 2)
    transform.scale(scale, scale)
    transform.translate(-box.center().x(), -box.center().y())
    return transform.map(path)


def path_data(path: QPainterPath) -> str:
    """SVG path data (M/L/C/Z) of a QPainterPath."""
    parts: list[str] = []
    index = 0
    count = path.elementCount()
    while index < count:
        element = path.elementAt(index)
        if element.isMoveTo():
            if parts:
                parts.append("Z")
            parts.append(f"M{element.x:.1f} {element.y:.1f}")
            index += 1
        elif element.isLineTo():
            parts.append(f"L{element.x:.1f} {element.y:.1f}")
            index += 1
        else:  # CurveTo followed by two CurveToData elements
            c1, c2 = element, path.elementAt(index + 1)
            end = path.elementAt(index + 2)
            parts.append(f"C{c1.x:.1f} {c1.y:.1f} {c2.x:.1f} {c2.y:.1f} {end.x:.1f} {end.y:.1f}")
            index += 3
    parts.append("Z")
    return "".join(parts)


def svg_text() -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS} {CANVAS}" '
        f'width="{CANVAS}" height="{CANVAS}">\n'
        f"  <title>登记 dengji</title>\n"
        f'  <rect x="8" y="8" width="240" height="240" rx="40" fill="{BACKGROUND}"/>\n'
        f'  <rect x="22" y="22" width="212" height="212" rx="28" fill="none" '
        f'stroke="{FOREGROUND}" stroke-width="6"/>\n'
        f'  <path fill="{FOREGROUND}" fill-rule="nonzero" d="{path_data(glyph_path())}"/>\n'
        f"</svg>\n"
    )


def render(svg: str, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv)
    svg = svg_text()
    (HERE / "dengji.svg").write_text(svg, encoding="utf-8")
    for size in PNG_SIZES:
        render(svg, size).save(str(HERE / f"dengji-{size}.png"))
    if not render(svg, 256).save(str(HERE / "dengji.ico"), "ICO"):
        print("无法写入 dengji.ico（Qt 的 ico 插件缺失）", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
