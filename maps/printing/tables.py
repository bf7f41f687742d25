"""Tables drawn on a printed page: a header row, ruled rows, wrapped cells."""

from dataclasses import dataclass

from maps.printing.page import INK, MUTED, Page

RULE = "#9e9e9e"


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, and optionally its colour, weight and alignment."""

    text: str
    colour: str = INK
    weight: str = "normal"
    align: str = "left"


def _cell(value) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value))


def table(page: Page, box, header: list, rows: list[list], widths: list[float],
          *, size: float = 7.5) -> float:  # fmt: skip
    """Draw a table from the top of `box` (mm); `widths` are shares of its width. Cells
    wrap to their column. Return the height used in millimetres."""
    x0, y0, width, height = box
    ax = page.axes(box)
    columns = [w * width for w in widths]
    line_h = size * 0.42 * page.font_scale
    pad = 0.7 * page.scale
    y = height
    for index, row in enumerate([header, *rows]):
        cells = [_cell(v) for v in row]
        wrapped = [
            page.wrap(c.text, w - 2 * pad, size, bold=index == 0 or c.weight == "bold")
            for c, w in zip(cells, columns, strict=True)
        ]
        row_h = max(len(lines) for lines in wrapped) * line_h + 2 * pad
        x = 0.0
        for cell, lines, w in zip(cells, wrapped, columns, strict=True):
            tx = x + (w - pad if cell.align == "right" else pad)
            for i, line in enumerate(lines):
                ax.text(
                    tx, y - pad - (i + 0.5) * line_h, line, ha=cell.align, va="center",
                    fontsize=page.pt(size), color=MUTED if index == 0 else cell.colour,
                    weight="bold" if index == 0 else cell.weight,
                )  # fmt: skip
            x += w
        y -= row_h
        ax.plot([0, width], [y, y], color=INK if index == 0 else RULE,
                linewidth=0.7 if index == 0 else 0.3)  # fmt: skip
    ax.plot([0, width], [height, height], color=INK, linewidth=0.7)
    return height - y
