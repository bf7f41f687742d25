"""Tables drawn on a printed page: a header row, ruled rows, wrapped cells."""

from dataclasses import dataclass

from maps.printing.page import INK, MUTED, PT_PER_MM, Page

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


MIN_HEADER_SIZE = 5.5


def header_size(page: Page, header: list, columns: list[float], size: float, pad: float) -> float:
    """Return the largest size (A4 points, at most `size`) at which every word of every
    header cell fits its column, so that wrapped headers never run into each other."""
    while size > MIN_HEADER_SIZE:
        fits = all(
            len(word) * (0.66 * page.pt(size) / PT_PER_MM) <= w - 2 * pad
            for cell, w in zip(header, columns, strict=True)
            for word in _cell(cell).text.split()
        )
        if fits:
            break
        size -= 0.5
    return size


def _wrap(page: Page, text: str, width: float, size: float, bold: bool) -> list[str]:
    """Wrap to the column; a word longer than the column is broken with a hyphen."""
    lines = page.wrap(text, width, size, bold=bold)
    char_mm = (0.66 if bold else 0.56) * page.pt(size) / PT_PER_MM
    room = max(int(width / char_mm), 3)
    out = []
    for line in lines:
        while len(line) > room and " " not in line:
            out.append(line[: room - 1] + "-")
            line = line[room - 1 :]
        out.append(line)
    return out


def _layout(page: Page, cells: list[Cell], columns, cell_size: float, pad: float, bold_all):
    """Return a row's wrapped cell lines, its line height and its height (mm)."""
    line_h = cell_size * 0.42 * page.font_scale
    wrapped = [
        _wrap(page, c.text, w - 2 * pad, cell_size, bold=bold_all or c.weight == "bold")
        for c, w in zip(cells, columns, strict=True)
    ]
    return wrapped, line_h, max(len(lines) for lines in wrapped) * line_h + 2 * pad


def rows_fitting(page: Page, box, header: list, rows: list[list], widths: list[float],
                 *, size: float = 7.5) -> int:  # fmt: skip
    """Return how many of `rows`, from the first, fit under the header in `box` (mm) as
    `table` draws them (at least one, so that a table always moves on)."""
    width, height = box[2], box[3]
    columns = [w * width for w in widths]
    pad = 0.7 * page.scale
    head = header_size(page, header, columns, size, pad)
    used = _layout(page, [_cell(v) for v in header], columns, head, pad, True)[2]
    for count, row in enumerate(rows):
        used += _layout(page, [_cell(v) for v in row], columns, size, pad, False)[2]
        if used > height:
            return max(count, 1)
    return len(rows)


def table(page: Page, box, header: list, rows: list[list], widths: list[float],
          *, size: float = 7.5) -> float:  # fmt: skip
    """Draw a table from the top of `box` (mm); `widths` are shares of its width. Cells
    wrap to their column; the header shrinks until its longest word fits its column, and
    a word that still does not fit is broken with a hyphen. Return the height used (mm).
    Every row given is drawn: split a long table with `rows_fitting` first."""
    x0, y0, width, height = box
    ax = page.axes(box)
    columns = [w * width for w in widths]
    pad = 0.7 * page.scale
    head = header_size(page, header, columns, size, pad)
    y = height
    for index, row in enumerate([header, *rows]):
        cells = [_cell(v) for v in row]
        cell_size = head if index == 0 else size
        wrapped, line_h, row_h = _layout(page, cells, columns, cell_size, pad, index == 0)
        x = 0.0
        for cell, lines, w in zip(cells, wrapped, columns, strict=True):
            tx = x + (w - pad if cell.align == "right" else pad)
            for i, line in enumerate(lines):
                ax.text(
                    tx, y - pad - (i + 0.5) * line_h, line, ha=cell.align, va="center",
                    fontsize=page.pt(cell_size), color=MUTED if index == 0 else cell.colour,
                    weight="bold" if index == 0 else cell.weight,
                )  # fmt: skip
            x += w
        y -= row_h
        ax.plot([0, width], [y, y], color=INK if index == 0 else RULE,
                linewidth=0.7 if index == 0 else 0.3)  # fmt: skip
    ax.plot([0, width], [height, height], color=INK, linewidth=0.7)
    return height - y


def table_chunks(page: Page, box, header: list, rows: list[list], widths: list[float],
                 *, size: float = 7.5) -> list[list[list]]:  # fmt: skip
    """Return `rows` split into the runs that fit `box` one page after another (each run
    drawn under its own header row); one empty run for an empty table."""
    chunks = []
    while rows or not chunks:
        count = rows_fitting(page, box, header, rows, widths, size=size) if rows else 0
        chunks.append(rows[:count])
        rows = rows[count:]
    return chunks
