"""A many-page document drawn by several processes (maps/printing/parallel.py): the same
pages, in the same order, with the same georeferencing as drawn by one; errors and dead
processes reach the caller; inside a transaction nothing is forked."""

import io
import os

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from PIL import ImageChops
from pypdf import PdfWriter

from maps import printing
from maps.printing import parallel
from maps.printing.georef import Frame
from maps.printing.options import PrintError
from maps.printing.pack import council_pack_pdf
from tests.conftest import make_facility, make_settlement, make_territory, square
from tests.maps.test_print_helpers import pdf_reader, rasterise, squeeze

VILLAGES = (("UA35040090020011111", "Макариха", 32.66), ("UA35040090030022222", "Цибулеве", 32.78))


def _blank_pdf(indices) -> bytes:
    """One blank page per index, its width (pt) 100 + the index: each page recognisable."""
    writer = PdfWriter()
    for index in indices:
        writer.add_blank_page(width=100 + index, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank(indices, progress):
    for index in indices:
        progress(f"page {index}")
    frames = [Frame(i, (0, 0, 10, 10), (0, 0, 1, 1), 6385) for i in indices]
    return _blank_pdf(indices), frames, {"drawn": list(indices)}


def _widths(pdf: bytes) -> list[int]:
    return [round(float(page.mediabox.width)) for page in pdf_reader(pdf).pages]


@override_settings(PRINT_PROCESSES=3)
def test_pages_drawn_by_three_processes_come_back_in_document_order():
    steps = []
    pdf, frames = parallel.render_pages([[i] for i in range(8)], _blank, steps.append)
    assert _widths(pdf) == [100 + i for i in range(8)]
    assert sorted(frame.page for frame in frames) == list(range(8))
    assert sorted(steps) == sorted(f"page {i}" for i in range(8))


@override_settings(PRINT_PROCESSES=2)
def test_a_group_of_pages_is_drawn_by_one_process():
    """A map and its numbered list: the list greys the numbers its map placed no label for."""

    def by_process(indices, progress):
        pdf, _frames, note = _blank(indices, progress)
        frames = [Frame(i, (0, 0, 1, 1), (0, 0, 1, 1), 6385, str(os.getpid())) for i in indices]
        return pdf, frames, note

    groups = [[0], [1, 2, 3], [4], [5, 6], [7]]
    pdf, frames = parallel.render_pages(groups, by_process, lambda step: None)
    assert _widths(pdf) == [100 + i for i in range(8)]
    drawn_by = {frame.page: frame.name for frame in frames}
    assert len(set(drawn_by.values())) == 2 and os.getpid() not in drawn_by.values()
    for group in groups:
        assert len({drawn_by[i] for i in group}) == 1


@pytest.mark.parametrize("processes", [1, 2])
def test_the_last_pages_are_drawn_here_after_the_others_told_their_notes(processes):
    told = []

    def last(notes):
        told.extend(notes)
        return _blank_pdf([8, 9]), []

    with override_settings(PRINT_PROCESSES=processes):
        pdf, _frames = parallel.render_pages(
            [[i] for i in range(8)], _blank, lambda step: None, last=last, last_count=2
        )
    assert _widths(pdf) == [100 + i for i in range(10)]
    assert sorted(i for note in told for i in note["drawn"]) == list(range(8))
    assert len(told) == processes


@override_settings(PRINT_PROCESSES=2)
def test_an_error_in_a_process_reaches_the_caller():
    def failing(indices, progress):
        if 1 in indices:
            raise PrintError("Село не знайдено.")
        return _blank(indices, progress)

    with pytest.raises(PrintError, match="Село не знайдено"):
        parallel.render_pages([[0], [1], [2], [3]], failing, lambda step: None)


@override_settings(PRINT_PROCESSES=2)
def test_a_process_that_dies_without_its_pages_is_an_error_not_a_hang():
    def dying(indices, progress):
        if 1 in indices:
            os._exit(3)
        return _blank(indices, progress)

    with pytest.raises(RuntimeError, match="ended without its pages"):
        parallel.render_pages([[0], [1], [2], [3]], dying, lambda step: None)


@override_settings(PRINT_PROCESSES=1)
def test_one_process_draws_everything_here():
    assert parallel.processes_for(150) == 1


@override_settings(PRINT_PROCESSES=4)
def test_a_short_document_is_not_split_below_two_pages_a_process():
    assert parallel.processes_for(5) == 2
    assert parallel.processes_for(3) == 1


@pytest.mark.django_db
@override_settings(PRINT_PROCESSES=2)
def test_inside_a_transaction_nothing_is_forked():
    """Other processes could not see the transaction's rows."""
    assert parallel.processes_for(150) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(PRINT_PROCESSES=2)
def test_a_connection_open_at_the_fork_is_left_to_the_parent(monkeypatch):
    """The processes open connections of their own: one the parent still holds (here the
    parent's close before forking is skipped) is neither used nor closed by them, so the
    parent's session on it goes on."""
    from django.db import connection, connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        parent_pid = cursor.fetchone()[0]

    def querying(indices, progress):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        pdf, frames, _note = _blank(indices, progress)
        return pdf, frames, pid

    told = []
    parallel.render_pages([[0], [1], [2], [3]], querying, lambda step: None,
                          last=lambda notes: (told.extend(notes), (_blank_pdf([4]), []))[1],
                          last_count=1)  # fmt: skip
    assert len(told) == 2 and parent_pid not in told
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == parent_pid


def _villages():
    from layers.models import Settlement

    territory = make_territory()
    make_facility(make_settlement(territory))
    for code, name, lon in VILLAGES:
        Settlement.objects.create(
            katottg=code, name_uk=name, name_en=name, population=300, households=120,
            boundary=square(lon, 48.82, 0.015), centre=Point(lon, 48.82, srid=4326),
            territory=territory,
        )  # fmt: skip


def _frames(page) -> list:
    """The page's georeferenced frames: name, box (pt) and ground corners."""
    return [
        (str(vp["/Name"]), [float(v) for v in vp["/BBox"]],
         [round(float(v), 6) for v in vp["/Measure"]["/GPTS"]])
        for vp in page.get("/VP", [])
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_pack_drawn_by_two_processes_has_the_pages_of_one(monkeypatch):
    """Committed rows (a transactional test), which the page processes read, as the
    task worker's do."""
    _villages()
    forked = []
    real_forked = parallel._forked

    def spy(shares, *args):
        forked.append(len(shares))
        return real_forked(shares, *args)

    monkeypatch.setattr(parallel, "_forked", spy)
    with override_settings(PRINT_PROCESSES=1):
        one = council_pack_pdf(printing.SYSTEM)
    steps = []
    with override_settings(PRINT_PROCESSES=2):
        assert parallel.processes_for(6) == 2
        two = council_pack_pdf(printing.SYSTEM, progress=steps.append)
    assert forked == [2]  # one process drew the first, two the second
    first, second = pdf_reader(one), pdf_reader(two)
    assert len(second.pages) == len(first.pages) == 7  # the numbered list last
    assert "Додаток. Пронумеровані об'єкти карт" in first.pages[-1].extract_text()
    assert "К1" in second.pages[-1].extract_text()
    for a, b in zip(first.pages, second.pages, strict=True):
        assert _frames(b) == _frames(a)
    # What a reader sees: every page pixel for pixel (each process embeds its own font
    # subsets, so the files' bytes differ; poppler draws the same glyphs).
    for n, (a, b) in enumerate(zip(rasterise(one), rasterise(two), strict=True), start=1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {n} differs"
    for n, name in enumerate(["Дмитрівка", "Макариха", "Цибулеве"], start=3):
        assert name in squeeze(second.pages[n - 1].extract_text())
    villages = ["Дмитрівка", *(name for _code, name, _lon in VILLAGES)]
    assert sorted(steps) == sorted(["cover", "overview", "reports", *villages])
    assert second.metadata.title == first.metadata.title
