"""Reading PDFs back with poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) in tests."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _run(command: list[str], pdf: bytes | Path) -> bytes:
    if isinstance(pdf, Path):
        return subprocess.run([*command, str(pdf), "-"], capture_output=True, check=True).stdout
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([*command, handle.name, "-"], capture_output=True, check=True).stdout


def pdf_text(
    pdf: bytes | Path, first: int | None = None, last: int | None = None, raw: bool = False
) -> str:
    """pdftotext of the whole document or a page range (1-based, inclusive).

    raw=True keeps the order the text was drawn in (a wrapped table cell stays together).
    """
    command = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if first is not None:
        command += ["-f", str(first), "-l", str(last if last is not None else first)]
    return _run(command, pdf).decode("utf-8")


@dataclass(frozen=True)
class Word:
    """A word pdftotext -bbox found, with its box in points from the page's top left."""

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def pdf_words(pdf: bytes | Path, page: int = 1) -> list[Word]:
    """The words of one page with their bounding boxes."""
    html = _run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page)], pdf)
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        Word(text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in pattern.findall(html.decode("utf-8"))
    ]


def page_count(pdf: bytes | Path) -> int:
    """Pages according to pdfinfo."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        if isinstance(pdf, Path):
            name = str(pdf)
        else:
            handle.write(pdf)
            handle.flush()
            name = handle.name
        info = subprocess.run(["pdfinfo", name], capture_output=True, check=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


@dataclass(frozen=True)
class FontRow:
    """One line of pdffonts."""

    name: str
    font_type: str
    embedded: bool
    subset: bool
    has_to_unicode: bool


def pdf_fonts(pdf: bytes | Path) -> list[FontRow]:
    """The fonts pdffonts lists (name, type, emb, sub, uni)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        if isinstance(pdf, Path):
            name = str(pdf)
        else:
            handle.write(pdf)
            handle.flush()
            name = handle.name
        out = subprocess.run(["pdffonts", name], capture_output=True, check=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        # columns: name type [type2] encoding emb sub uni object ID
        parts = line.split()
        emb, sub, uni = parts[-5], parts[-4], parts[-3]
        rows.append(FontRow(parts[0], parts[1], emb == "yes", sub == "yes", uni == "yes"))
    return rows


@dataclass(frozen=True)
class GrayImage:
    """An 8-bit grey raster of one page (0 black … 255 white)."""

    width: int
    height: int
    pixels: bytes

    def row(self, y: int) -> bytes:
        return self.pixels[y * self.width : (y + 1) * self.width]

    def dark_fraction(self) -> float:
        return sum(1 for value in self.pixels if value < 128) / len(self.pixels)


def rasterize(
    pdf: bytes | Path,
    page: int = 1,
    dpi: int = 50,
    crop: tuple[int, int, int, int] | None = None,
) -> GrayImage:
    """pdftoppm -gray of one page; crop = (x, y, width, height) in pixels at that dpi."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf.read_bytes() if isinstance(pdf, Path) else pdf)
        command = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        if crop:
            x, y, w, h = crop
            command += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
        subprocess.run([*command, str(source), str(Path(folder) / "out")], check=True)
        (output,) = Path(folder).glob("out*.pgm")
        data = output.read_bytes()
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match, "pdftoppm did not write a PGM"
    width, height = int(match.group(1)), int(match.group(2))
    return GrayImage(width, height, data[match.end() : match.end() + width * height])


def mean_difference(a: GrayImage, b: GrayImage) -> float:
    """Mean absolute grey difference of two same-size rasters (0 identical … 255)."""
    assert (a.width, a.height) == (b.width, b.height)
    return sum(abs(x - y) for x, y in zip(a.pixels, b.pixels, strict=True)) / len(a.pixels)
