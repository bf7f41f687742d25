"""Labels of the printed maps never collide (issue 19): the text of every page, read back
from the PDF with pdfplumber, has no two characters of different texts on top of each
other; every village is named; facilities and reports carry numbers listed after the map."""

import io
import re

import numpy as np
import pdfplumber
import pytest

from maps import printing
from maps.printing.labels import Label, place
from maps.printing.options import Extent, PrintOptions
from maps.printing.page import Page
from maps.printing.render import reading_order, short_numbers
from tests.maps.test_print_helpers import MAP_DATE, demo  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
VILLAGE = PrintOptions(extent=Extent(kind="village", village="Дмитрівка"), map_date=MAP_DATE)
TERRITORY = PrintOptions(map_date=MAP_DATE)
# Share of the narrower character's width two characters may share: neighbours in one
# word are kerned ("Fi"), characters of different texts never share more than a sliver.
KERNING = 0.6
SLIVER = 0.25


@pytest.fixture(scope="module")
def sheets(django_db_setup, django_db_blocker, demo):  # noqa: F811
    with django_db_blocker.unblock():
        return {
            "village": printing.map_pdf(VILLAGE, printing.SYSTEM),
            "territory": printing.map_pdf(TERRITORY, printing.SYSTEM),
        }


def collisions(pdf: bytes) -> list[tuple[int, str, str]]:
    """Return (page, char, char) of characters of different texts that overlap (see
    page_collisions) on every page of `pdf`."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            (number, a, b)
            for number, page in enumerate(document.pages, start=1)
            for a, b in page_collisions([c for c in page.chars if c["text"].strip()])
        ]


def page_collisions(chars: list[dict]) -> list[tuple[str, str]]:
    """Return (char, char) of characters of different texts that overlap: two characters
    overlap when they share more than SLIVER (neighbours in the text stream: KERNING) of
    the narrower one's width and half of the lower one's height. Neighbours that are both
    turned (a street name along its line) are one text: their upright boxes overlap by
    construction. Each character is compared with every later one at once (numpy: a pack
    page has over a thousand characters)."""
    found = []
    x0, x1, top, bottom = (
        np.asarray([c[key] for c in chars], dtype=float) for key in ("x0", "x1", "top", "bottom")
    )
    wide, tall = x1 - x0, bottom - top
    for i in range(len(chars) - 1):
        later = slice(i + 1, None)
        width = np.minimum(x1[i], x1[later]) - np.maximum(x0[i], x0[later])
        height = np.minimum(bottom[i], bottom[later]) - np.maximum(top[i], top[later])
        share = np.full(len(width), SLIVER)
        share[0] = KERNING  # the next character in the text stream
        hit = (width > share * np.minimum(wide[i], wide[later])) & (
            height > 0.5 * np.minimum(tall[i], tall[later])
        )
        if turned(chars[i]) and turned(chars[i + 1]):
            hit[0] = False
        found += [(chars[i]["text"], chars[i + 1 + k]["text"]) for k in np.flatnonzero(hit)]
    return found


def _page_collisions_by_definition(chars: list[dict]) -> list[tuple[str, str]]:
    """page_collisions pair by pair, as its docstring says (the oracle of its test)."""
    found = []
    for i, a in enumerate(chars):
        for j in range(i + 1, len(chars)):
            b = chars[j]
            if j == i + 1 and turned(a) and turned(b):
                continue
            width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            narrow = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
            low = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
            share = KERNING if j == i + 1 else SLIVER
            if width > share * narrow and height > 0.5 * low:
                found.append((a["text"], b["text"]))
    return found


def test_page_collisions_equals_the_pairwise_definition_on_random_pages():
    import random

    rng = random.Random(5)
    for _ in range(60):
        chars = []
        for n in range(rng.randint(0, 60)):
            x, y, w, h = (
                rng.uniform(0, 80),
                rng.uniform(0, 80),
                rng.uniform(0, 8),
                rng.uniform(0, 9),
            )
            tilt = rng.choice([0.0, 0.0, 0.5])
            chars.append({"text": chr(0x430 + n % 32), "x0": x, "x1": x + w, "top": y,
                          "bottom": y + h, "matrix": (1.0, tilt, -tilt, 1.0, x, y)})  # fmt: skip
        assert page_collisions(chars) == _page_collisions_by_definition(chars)


def turned(char) -> bool:
    return abs(char["matrix"][1]) > 1e-6


def page_texts(pdf: bytes) -> list[str]:
    """Return each page's words in the order they were written (a label stays one word
    where a reading-order extraction would interleave it with a number just above it)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            " ".join(w["text"] for w in page.extract_words(use_text_flow=True))
            for page in document.pages
        ]


@pytest.mark.parametrize("which", ["village", "territory"])
def test_no_two_texts_overlap_on_any_page(sheets, which):
    assert collisions(sheets[which]) == []


def test_the_check_finds_texts_written_over_each_other():
    from matplotlib.backends.backend_pdf import FigureCanvasPdf

    page = Page(100, 100)
    page.text(10, 50, "виконується", 9)
    page.text(22, 50, "виправлено", 9)
    buffer = io.BytesIO()
    FigureCanvasPdf(page.figure).print_pdf(buffer)
    assert collisions(buffer.getvalue())


def test_every_village_is_named_on_the_territory_sheet(sheets):
    from layers.models import Settlement

    text = page_texts(sheets["territory"])[0]
    names = Settlement.objects.values_list("name_uk", flat=True)
    assert [name for name in names if name not in text] == []


def test_numbers_on_the_map_match_the_numbered_list(sheets):
    first, _ = page_texts(sheets["village"])
    with pdfplumber.open(io.BytesIO(sheets["village"])) as document:
        listed = document.pages[1].extract_text()
    assert "Дмитрівка" in first
    numbers = re.findall(r"^(К\d+|\d+) ", listed, flags=re.MULTILINE)
    assert "К1" in numbers and any(n.isdigit() for n in numbers)
    words = set(first.split())
    for number in numbers:
        assert number in words


def test_a_label_with_no_free_place_is_dropped_not_overprinted():
    page = Page(50, 50)
    ax = page.figure.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    labels = [Label("Дмитрівка", anchor=(5, 5), size=8), Label("Дмитрівка", anchor=(5, 5), size=8)]
    full = [ax.get_window_extent(page.renderer())]
    assert place(ax, page.renderer(), labels, full) == []
    # With room, the second takes the next free position around the same point.
    assert place(ax, page.renderer(), labels) == ["Дмитрівка"] * 2


def test_report_numbers_lose_year_and_zeros_only_when_they_stay_unique():
    assert short_numbers(["2026-00035", "2026-00001"]) == {"2026-00035": "35", "2026-00001": "1"}
    both = ["2025-00007", "2026-00007"]
    assert short_numbers(both) == {n: n for n in both}


def test_facilities_are_numbered_north_to_south_then_west_to_east():
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(geometry=[Point(5, 0), Point(0, 100), Point(9, 100), Point(0, 0)])
    assert reading_order(frame, (0, 0, 10, 100)) == [1, 2, 3, 0]


# --- black-and-white safe ------------------------------------------------------------------


def test_grayscale_sheet_has_no_colour_left(sheets, demo):  # noqa: F811
    import subprocess
    import tempfile
    from pathlib import Path

    import numpy as np
    from PIL import Image

    pdf = printing.map_pdf(PrintOptions(map_date=MAP_DATE, grayscale=True), printing.SYSTEM)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(source), f"{tmp}/p"],  # noqa: S607
            check=True,
        )
        pixels = np.asarray(Image.open(next(Path(tmp).glob("p*.png"))).convert("RGB"), dtype=int)
    colour = np.abs(pixels[..., 0] - pixels[..., 1]) + np.abs(pixels[..., 1] - pixels[..., 2])
    assert colour.max() <= 6
    colour_pdf = sheets["territory"]
    assert pdf != colour_pdf


def _grey_key(swatch) -> tuple:
    """What is left of a legend key on a black-and-white copy: its hatch, its marker shape,
    and the greys of its face and edge (to a 20th of the range)."""
    from maps.printing.draw import grey

    def level(colour):
        value = grey(colour)
        if value is None or isinstance(value, str):
            return value
        r, _, _, a = value
        return round((1 - a) + a * r, 1)

    return (swatch.kind, swatch.hatch, swatch.marker, level(swatch.face), swatch.width)


def test_every_class_of_the_legend_stays_apart_in_grey(demo):  # noqa: F811
    from maps.printing.render import legend_groups
    from maps.printing.sheet import map_prepare

    job = map_prepare(TERRITORY, printing.SYSTEM)
    groups = {group.title: group for group in legend_groups(job)}
    for title in ("Покриття інтернетом", "Звернення про проблеми", "Комунальні заклади"):
        swatches = [s for s in groups[title].swatches if s.kind != "heading"]
        keys = [_grey_key(s) for s in swatches]
        assert len(swatches) >= 3, title
        assert len(set(keys)) == len(keys), (title, keys)


# --- the kilometre grid ----------------------------------------------------------------------


@pytest.mark.parametrize(("width_m", "step"), [(3_000, 500), (9_000, 2000), (40_000, 10000)])
def test_grid_spacing_gives_at_most_six_lines(width_m, step):
    from maps.printing.furniture import grid_step_m

    assert grid_step_m(width_m) == step


def test_territory_sheet_names_its_grid_and_labels_kilometres(sheets):
    text = page_texts(sheets["territory"])[0]
    assert "сітка 10 км" in text and "EPSG:6385" in text
    # Eastings (km) along the bottom edge; northings (about 5 400 km from the equator)
    # written upwards along the left edge.
    assert re.search(r"\b2[89]0\b", text)
    with pdfplumber.open(io.BytesIO(sheets["territory"])) as document:
        upwards = "".join(c["text"] for c in document.pages[0].chars if turned(c))
    assert re.search(r"54[01]\d", upwards)
