"""The council pack's numbered lists (its last pages): every map's numbered objects under
a heading naming the map and its page, the heading repeated where a page goes on with
it and never left alone at a page's foot; numbers a map found no room for are grey."""

import io

import pdfplumber
import pytest

from maps.printing.document import Document
from maps.printing.keys import KeyHeading, list_chunks
from maps.printing.pack import KEYS_NOTE, keys_page
from maps.printing.page import MUTED
from maps.printing.tables import Cell

A4_MM = (210.0, 297.0)


def _rows(maps: int, each: int) -> list[list]:
    rows = []
    for number in range(3, 3 + maps):
        rows.append(["", KeyHeading(f"с. Село{number}, сторінка {number}", page=number), ""])
        rows += [[f"К{n}", f"Об'єкт {n}", "бібліотека"] for n in range(1, each + 1)]
    return rows


@pytest.fixture(scope="module")
def chunks():
    with Document("test") as document:
        return list_chunks(document.page(*A4_MM), _rows(maps=9, each=13))


def test_the_rows_are_split_into_pages_and_none_is_lost(chunks):
    assert len(chunks) >= 2
    body = [row for chunk in chunks for row in chunk if not isinstance(row[1], KeyHeading)]
    assert len(body) == 9 * 13


def test_a_page_going_on_with_a_map_repeats_its_heading(chunks):
    for previous, chunk in zip(chunks, chunks[1:], strict=False):
        heading = chunk[0][1]
        assert isinstance(heading, KeyHeading)
        if not isinstance(previous[-1][1], KeyHeading) and heading.text.endswith("(продовження)"):
            last = next(row[1] for row in reversed(previous) if isinstance(row[1], KeyHeading))
            assert heading.page == last.page


def test_a_heading_never_ends_a_page(chunks):
    for chunk in chunks:
        assert not isinstance(chunk[-1][1], KeyHeading)


def _page_pdf(rows, placed) -> bytes:
    with Document("test") as document:
        page = document.page(*A4_MM)
        keys_page(page, rows, placed, 0, 16, 17)
        document.add(page)
    return document.pdf


@pytest.mark.django_db  # the page's header names the community
def test_a_number_its_map_did_not_place_is_grey_and_the_page_says_so():
    rows = _rows(maps=1, each=2)
    with pdfplumber.open(io.BytesIO(_page_pdf(rows, {3: {"К1"}}))) as pdf:
        page = pdf.pages[0]
        assert KEYS_NOTE in page.extract_text()
        colours = {w["text"]: w["non_stroking_color"] for w in page.extract_words(
            extra_attrs=["non_stroking_color"])}  # fmt: skip
    assert colours["К2"] != colours["К1"]
    grey = {round(int(MUTED[i : i + 2], 16) / 255, 2) for i in (1, 3, 5)}
    assert {round(c, 2) for c in colours["К2"]} == grey  # a grey: one level, or three


@pytest.mark.django_db
def test_all_numbers_placed_leave_no_note():
    rows = _rows(maps=1, each=2)
    with pdfplumber.open(io.BytesIO(_page_pdf(rows, {3: {"К1", "К2"}}))) as pdf:
        assert KEYS_NOTE not in pdf.pages[0].extract_text()


def test_cells_stay_cells():
    assert isinstance(KeyHeading("x", page=1), Cell)
