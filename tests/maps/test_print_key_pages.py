"""The numbered list after a map: laid out in two passes (its pages counted before any is
drawn), split across pages with the header row on every page and no row cut."""

from types import SimpleNamespace

import pdfplumber
import pytest

from maps.printing.document import Document
from maps.printing.keys import KEY_CONTINUED, KEY_SUBTITLE, key_box, key_chunks, key_page
from maps.printing.tables import rows_fitting
from tests.maps.test_print_helpers import MM_TO_PT

A4_MM = (210.0, 297.0)
ROWS = 140


def _long_job():
    """A map job with ROWS numbered objects, every seventh with a name that wraps."""
    keys = []
    for n in range(1, ROWS + 1):
        name = f"Об'єкт{n:03d}"
        if n % 7 == 0:
            name += " з дуже довгою назвою, що переноситься на другий і третій рядок таблиці"
        keys.append((f"К{n}", "facility", name, "бібліотека", ""))
    return SimpleNamespace(title="с. Довгий Перелік", keys=keys)


@pytest.fixture(scope="module")
def key_pdf(tmp_path_factory):
    job = _long_job()
    with Document("test") as document:
        chunks = key_chunks(document.page(*A4_MM), job)
        for part, rows in enumerate(chunks):
            page = document.page(*A4_MM)
            key_page(page, job, 2 + part, 1 + len(chunks), rows, part)
            document.add(page)
    path = tmp_path_factory.mktemp("keys") / "keys.pdf"
    path.write_bytes(document.pdf)
    return path, chunks


def _lines(page) -> list[str]:
    """Return the page's text lines top to bottom (words joined by a space)."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    rows: dict[int, list] = {}
    for word in words:
        rows.setdefault(round(word["top"]), []).append(word)
    return [" ".join(w["text"] for w in sorted(rows[top], key=lambda w: w["x0"]))
            for top in sorted(rows)]  # fmt: skip


def test_a_long_list_takes_several_pages_counted_before_drawing(key_pdf):
    path, chunks = key_pdf
    assert len(chunks) >= 3
    assert sum(len(rows) for rows in chunks) == ROWS
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(chunks)
        for number, page in enumerate(pdf.pages, start=2):
            assert f"Сторінка {number} з {len(chunks) + 1}" in page.extract_text()


def test_every_page_of_the_list_starts_with_the_header_row(key_pdf):
    path, _ = key_pdf
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            lines = _lines(page)
            subtitle = next(i for i, line in enumerate(lines) if line.startswith(KEY_SUBTITLE))
            continued = KEY_CONTINUED.strip() in lines[subtitle]
            assert continued == (index > 0), lines[subtitle]
            header = lines[subtitle + 1]
            assert header.startswith("№") and "Об'єкт на карті" in header, header


def test_no_row_is_cut_each_row_whole_on_one_page_above_the_footer(key_pdf):
    from maps.printing.page import Page

    path, _ = key_pdf
    # The table's box ends 30 mm above the page's foot; only "Сторінка N з M" is lower.
    bottom_pt = (A4_MM[1] - key_box(Page(*A4_MM))[1]) * MM_TO_PT
    seen = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            text = " ".join(w["text"] for w in words)
            for n in range(1, ROWS + 1):
                if f"Об'єкт{n:03d}" in text:
                    seen.append(n)
                    if n % 7 == 0:
                        # The wrapped name's last words are on the same page as its number.
                        assert "таблиці" in text.split(f"Об'єкт{n:03d}", 1)[1][:200]
            below = [w["text"] for w in words if w["bottom"] > bottom_pt + 0.5]
            assert below[:1] == ["Сторінка"] and len(below) == 4, below
    assert seen == list(range(1, ROWS + 1))


def test_rows_fitting_never_returns_zero_for_a_row_taller_than_the_page():
    from maps.printing.page import Page

    page = Page(*A4_MM)
    huge = [["К1", "слово " * 3000, "x"]]
    assert rows_fitting(page, key_box(page), ["№", "Об'єкт", "Вид"], huge, [0.14, 0.56, 0.30]) == 1
