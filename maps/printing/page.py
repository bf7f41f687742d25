"""A printed page: a matplotlib Figure measured in millimetres, its boxes (map, legend,
inset, table) for each paper and orientation, and the frame text every page carries:
title, subtitle, CRS note, sources, producer, dates and "Сторінка N з M".
"""

import textwrap
from dataclasses import dataclass
from functools import lru_cache

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Affine2D

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
A4_SHORT_MM = 210.0
PRODUCER = "Дмитрівська сільська рада"
SOFTWARE = "Hromada GIS"
CRS_NOTE = "Система координат: УСК-2000 / Ukraine TM zone 11 (EPSG:6385)"
INK = "#1a1a1a"
MUTED = "#555555"

# Boxes on an A4 page, millimetres (x, y, width, height) from the lower-left corner; A3
# scales them by √2. "table" only on atlas pages.
LAYOUTS = {
    ("map", "portrait"): {
        "map": (10, 86, 190, 186),
        "legend": (10, 24, 128, 57),
        "inset": (146, 24, 54, 52),
    },
    ("map", "landscape"): {
        "map": (10, 24, 205, 163),
        "legend": (222, 82, 65, 105),
        "inset": (222, 24, 65, 50),
    },
    ("atlas", "portrait"): {
        "map": (10, 104, 190, 168),
        "legend": (10, 24, 92, 76),
        "table": (108, 56, 92, 44),
        "inset": (108, 24, 92, 28),
    },
    ("atlas", "landscape"): {
        "map": (10, 24, 205, 163),
        "legend": (222, 100, 65, 87),
        "table": (222, 58, 65, 38),
        "inset": (222, 24, 65, 30),
    },
}


@lru_cache(maxsize=8)
def _renderer(width_px: float, height_px: float, dpi: float) -> RendererAgg:
    return RendererAgg(width_px, height_px, dpi)


def mm_date(value) -> str:
    """Return a date as DD.MM.YYYY, the Ukrainian way; "—" when unknown."""
    return value.strftime("%d.%m.%Y") if value else "—"


def thousands(number: float) -> str:
    """Return an integer with no-break spaces between thousands: 50 000."""
    return f"{round(number):,}".replace(",", "\u00a0")


@dataclass
class Page:
    """One page of `width_mm` × `height_mm`; `scale` enlarges boxes and text on A3."""

    width_mm: float
    height_mm: float

    def __post_init__(self):
        # No drawing canvas until the PDF is written: geopandas asks the canvas to redraw
        # after every plot, which the base canvas ignores.
        self.figure = Figure(figsize=(self.width_mm / MM_PER_INCH, self.height_mm / MM_PER_INCH))
        self.scale = min(self.width_mm, self.height_mm) / A4_SHORT_MM
        self.font_scale = self.scale**0.5

    @property
    def orientation(self) -> str:
        return "landscape" if self.width_mm > self.height_mm else "portrait"

    def renderer(self) -> RendererAgg:
        """Return a renderer to measure text with (the page's size and resolution).

        One per paper size and resolution for the whole process: matplotlib caches text
        metrics per renderer, so the house numbers and names measured on one page are not
        measured again on the next (a new renderer per call measured every text anew).
        """
        bbox = self.figure.bbox
        return _renderer(bbox.width, bbox.height, self.figure.dpi)

    def pt(self, size: float) -> float:
        """Return a font size for this paper from its A4 size in points."""
        return size * self.font_scale

    def box(self, layout: str, name: str) -> tuple[float, float, float, float] | None:
        """Return the box `name` of a layout in this page's millimetres, or None."""
        found = LAYOUTS[(layout, self.orientation)].get(name)
        return tuple(v * self.scale for v in found) if found else None

    def display_box(self, box):
        """Return a box in millimetres as a Bbox in display units (the labels' space)."""
        from matplotlib.transforms import Bbox

        per_mm = self.figure.dpi / MM_PER_INCH
        x, y, w, h = (v * per_mm for v in box)
        return Bbox.from_bounds(x, y, w, h)

    def rect(self, box) -> list[float]:
        """Return a box in millimetres as a figure-fraction rectangle for add_axes."""
        x, y, w, h = box
        return [x / self.width_mm, y / self.height_mm, w / self.width_mm, h / self.height_mm]

    @property
    def sheet(self):
        """Return the page-wide axes in millimetres, above the map, for legends and tables
        (one axes per page: each axes costs as much to set up as a whole legend)."""
        if getattr(self, "_sheet", None) is None:
            self._sheet = self.figure.add_axes([0, 0, 1, 1], zorder=5)
            self._sheet.set_xlim(0, self.width_mm)
            self._sheet.set_ylim(0, self.height_mm)
            self._sheet.set_axis_off()
        return self._sheet

    def axes(self, box) -> "Panel":
        """Return a panel over a box, measured in millimetres from its lower-left corner."""
        return Panel(self.sheet, box[0], box[1])

    def text(self, x_mm: float, y_mm: float, text: str, size: float, **kwargs):
        """Write `text` at a point in millimetres; `size` in A4 points."""
        kwargs.setdefault("color", INK)
        return self.figure.text(
            x_mm / self.width_mm, y_mm / self.height_mm, text, fontsize=self.pt(size), **kwargs
        )

    def wrap(self, text: str, width_mm: float, size: float, bold: bool = False) -> list[str]:
        """Split text into lines that fit `width_mm` at `size` A4 points (DejaVu Sans)."""
        char_mm = (0.66 if bold else 0.56) * self.pt(size) / PT_PER_MM
        width = max(int(width_mm / char_mm), 6)
        return textwrap.wrap(text, width, break_long_words=False) or [""]

    def header(self, title: str, subtitle: str) -> None:
        """Write the title and subtitle at the top, left-aligned with the margins; both
        wrap, never cut (the subtitle's lines grow downwards into the gap above the map,
        at a smaller size when it needs more than one line)."""
        margin = 10 * self.scale
        top = self.height_mm - margin
        titles = self.wrap(title, self.width_mm - 2 * margin, 15, bold=True)
        size = 15 if len(titles) == 1 else 12
        titles = self.wrap(title, self.width_mm - 2 * margin, size, bold=True)
        step = size * 0.42 * self.font_scale
        self.text(margin, top, "\n".join(titles), size, va="top", weight="bold",
                  linespacing=1.0)  # fmt: skip
        if subtitle:
            below = len(titles) * step + 1.5 * self.scale
            y = top - (8 * self.scale if len(titles) == 1 else below)
            lines = self.wrap(subtitle, self.width_mm - 2 * margin, 10)
            sub = 10 if len(lines) == 1 else 7.5
            lines = self.wrap(subtitle, self.width_mm - 2 * margin, sub)
            self.text(margin, y, "\n".join(lines), sub, va="top", color=MUTED, linespacing=1.0)

    def footer(self, lines: list[str], number: int, total: int) -> None:
        """Write the footer notes and "Сторінка N з M" along the bottom margin."""
        margin = 10 * self.scale
        width = self.width_mm - 2 * margin - 30 * self.scale
        wrapped = [part for line in lines for part in self.wrap(line, width, 6.3)]
        step = 2.9 * self.scale
        top = margin + step * (len(wrapped) - 1)
        for i, line in enumerate(wrapped):
            self.text(margin, top - i * step, line, 6.3, va="baseline", color=MUTED)
        self.text(
            self.width_mm - margin,
            margin,
            f"Сторінка {number} з {total}",
            8,
            ha="right",
            va="baseline",
        )


def footer_lines(*, scale_text: str, sources: list[str], map_date, data_date) -> list[str]:
    """Return the footer: CRS and scale, sources, producer and dates."""
    lines = [f"{CRS_NOTE}. {scale_text}".strip()] if scale_text else []
    if sources:
        lines.append("Джерела: " + "; ".join(sources) + ".")
    lines.append(
        f"Укладач: {PRODUCER}. Дата карти: {mm_date(map_date)}. "
        f"Дані станом на: {mm_date(data_date)}. Підготовлено в {SOFTWARE}."
    )
    return lines


class Panel:
    """Draw on the page's sheet in millimetres from a box's lower-left corner."""

    def __init__(self, sheet, x0: float, y0: float):
        self.sheet = sheet
        self.transform = Affine2D().translate(x0, y0) + sheet.transData

    def text(self, *args, **kwargs):
        return self.sheet.text(*args, transform=self.transform, **kwargs)

    def plot(self, xs, ys, **kwargs):
        """Add a line (or markers) through xs, ys (millimetres) as a bare Line2D: the
        sheet's limits are fixed, so Axes.plot's argument parsing and autoscaling, which
        cost more than the line, buy nothing here."""
        return self.sheet.add_line(Line2D(xs, ys, transform=self.transform, **kwargs))

    def add_patch(self, patch):
        patch.set_transform(self.transform)
        return self.sheet.add_patch(patch)


UK_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"


def uk_sort_key(text: str) -> tuple:
    """Sort key in Ukrainian alphabetical order (І after И, Є after Е, Ї after І)."""
    return tuple(
        (UK_ALPHABET.index(ch), ch) if ch in UK_ALPHABET else (len(UK_ALPHABET), ch)
        for ch in text.lower()
    )
