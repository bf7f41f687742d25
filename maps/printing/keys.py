"""The numbered lists: the facilities and reports a map numbers, listed after it (a map
page's own list, split into pages) or, in the council pack, every map's list at the end
under a heading naming the map and its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from maps.printing import tables
from maps.printing.page import Page
from maps.printing.tables import Cell

if TYPE_CHECKING:  # render draws the map and needs key_chunks for its page count
    from maps.printing.render import MapJob

KEY_HEADER = ["№", "Об'єкт на карті", "Вид / стан"]
KEY_WIDTHS = [0.14, 0.56, 0.30]


def key_rows(job: MapJob, keys: list | None = None) -> list[list[str]]:
    """Return the rows of the numbered list after the map: facilities (К1, К2, …) then
    reports (their number as printed, the full public number beside the category); of
    `keys`, or of the numbers placed on the map (job.keys)."""
    rows = []
    for number, kind, text, detail, full in job.keys if keys is None else keys:
        if kind == "report":
            text = f"Звернення {full}: {text}" if full != number else f"Звернення: {text}"
        rows.append([number, str(text), str(detail)])
    return rows


KEY_SUBTITLE = "Перелік пронумерованих об'єктів карти"
KEY_CONTINUED = " (продовження)"


def key_box(page: Page) -> tuple[float, float, float, float]:
    """Return the numbered list's box (mm): under the header, down to 16 mm above the
    foot (a list page's footer is only its page number, on the 10 mm margin)."""
    s = page.scale
    top = page.height_mm - 34 * s
    return (10 * s, 16 * s, page.width_mm - 20 * s, top - 16 * s)


def key_chunks(page: Page, job: MapJob) -> list[list]:
    """Return the numbered list's rows split into pages of `page`'s size (the first pass
    of the layout: the page count is known before any list page is drawn); [] when the
    map numbered nothing."""
    if not job.keys:
        return []
    return tables.table_chunks(page, key_box(page), KEY_HEADER, key_rows(job), KEY_WIDTHS,
                               size=7.5)  # fmt: skip


def key_page(page: Page, job: MapJob, number: int, total: int, rows=None, part: int = 0):
    """Draw the numbered list of the facilities and reports numbered on the map: all its
    rows, or `rows`, part `part` (0-based) of a list split by key_chunks; every part
    starts with the header row, the later ones say "(продовження)" in the title."""
    subtitle = KEY_SUBTITLE + (KEY_CONTINUED if part else "")
    page.header(job.title, subtitle)
    rows = key_rows(job) if rows is None else rows
    tables.table(page, key_box(page), KEY_HEADER, rows, KEY_WIDTHS, size=7.5)
    page.footer([], number, total)


# --- the council pack's lists -------------------------------------------------------------


@dataclass(frozen=True)
class KeyHeading(Cell):
    """A list's heading row: the map's title and its page (the key of its numbers)."""

    page: int = 0


def list_chunks(page: Page, rows: list) -> list[list]:
    """Split the lists' rows (key_sections) into the pages they fill: a page that goes
    on with a map's list starts with its heading again ("(продовження)"), and a heading
    never ends a page."""
    box, chunks, heading = key_box(page), [], None
    while rows:
        head = []
        if heading is not None and not isinstance(rows[0][1], KeyHeading):
            text = f"{heading.text} {KEY_CONTINUED.strip()}"
            head = [["", KeyHeading(text, weight="bold", page=heading.page), ""]]
        count = tables.rows_fitting(page, box, KEY_HEADER, head + rows, KEY_WIDTHS, size=7.5)
        count = max(count - len(head), 1)
        while count > 1 and isinstance(rows[count - 1][1], KeyHeading):
            count -= 1  # the heading goes over with its rows
        for row in rows[:count]:
            if isinstance(row[1], KeyHeading):
                heading = row[1]
        chunks.append(head + rows[:count])
        rows = rows[count:]
    return chunks
