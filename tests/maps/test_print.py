"""Printed maps: page sizes, text layer, ink in the frame, determinism, errors, the pack."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from matplotlib.figure import Figure

from maps import printing
from maps.printing import furniture, labels
from maps.printing.options import Extent, PrintOptions, parse_extent
from maps.printing.page import Page, uk_sort_key
from maps.printing.render import legend_groups
from maps.printing.sheet import map_prepare
from tests.maps.test_print_helpers import (
    A3,
    A4,
    MAP_DATE,
    demo,  # noqa: F401 (fixture)
    ink_share,
    page_size_pt,
    pdf_reader,
    rasterise,
    squeeze,
)

pytestmark = pytest.mark.django_db
VILLAGE = PrintOptions(
    paper="A3",
    orientation="landscape",
    extent=Extent(kind="village", village="Іванківці"),
    title="Іванківці: покриття інтернетом",
    map_date=MAP_DATE,
)
TERRITORY = PrintOptions(title="Дмитрівська громада: інтернет", map_date=MAP_DATE)


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, demo):  # noqa: F811
    """The territory on A4 portrait and a village on A3 landscape, rendered once."""
    with django_db_blocker.unblock():
        return {
            "territory": printing.map_pdf(TERRITORY, printing.SYSTEM),
            "village": printing.map_pdf(VILLAGE, printing.SYSTEM),
        }


@pytest.fixture(scope="module")
def pack(django_db_setup, django_db_blocker, demo, tmp_path_factory):  # noqa: F811
    """The council pack written by `manage.py maps_council_pack -o FILE`."""
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    with django_db_blocker.unblock():
        call_command(
            "maps_council_pack", "-o", str(path), "--date", "2026-11-26",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    return path.read_bytes()


# --- pages and text -------------------------------------------------------------------------


def test_territory_map_is_an_a4_portrait_page_and_its_numbered_list(rendered):
    reader = pdf_reader(rendered["territory"])
    # The territory numbers more objects than one page lists: the list goes on over the
    # next pages (it used to run off the foot of its only page).
    assert len(reader.pages) >= 2
    assert {page_size_pt(page) for page in reader.pages} == {A4}
    assert "Перелік пронумерованих об'єктів карти" in reader.pages[1].extract_text()
    for page in reader.pages[2:]:
        assert "Перелік пронумерованих об'єктів карти (продовження)" in page.extract_text()


def test_village_map_on_a3_landscape_is_a_page_of_1191_by_842_points_and_its_list(rendered):
    reader = pdf_reader(rendered["village"])
    assert len(reader.pages) == 2
    assert {page_size_pt(page) for page in reader.pages} == {(A3[1], A3[0])}


@pytest.mark.parametrize("which", ["territory", "village"])
def test_text_layer_holds_title_every_legend_entry_and_the_crs_note(rendered, which):
    options = TERRITORY if which == "territory" else VILLAGE
    text = squeeze(pdf_reader(rendered[which]).pages[0].extract_text())
    assert squeeze(options.title) in text
    assert squeeze("УСК-2000 / Ukraine TM zone 11 (EPSG:6385)") in text
    groups = legend_groups(map_prepare(options, printing.SYSTEM))
    entries = [g.title for g in groups] + [s.label for g in groups for s in g.swatches]
    assert len(entries) > 10
    assert [entry for entry in entries if squeeze(entry) not in text] == []


def test_ukrainian_text_extracts_as_the_same_characters_from_an_embedded_font(rendered):
    reader = pdf_reader(rendered["territory"])
    page = reader.pages[0]
    text = page.extract_text()
    for phrase in (
        "Укладач: Дмитрівська сільська рада",
        f"Сторінка 1 з {len(reader.pages)}",
        "Умовні позначення",
        "Схема розташування",
        "Пн",
        "Іванківці",
        "Масштаб 1:",
    ):
        assert squeeze(phrase) in squeeze(text), phrase
    assert "\ufffd" not in text
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert all("DejaVuSans" in str(f["/BaseFont"]) for f in fonts)
    descendants = [f["/DescendantFonts"][0].get_object() for f in fonts if "/DescendantFonts" in f]
    assert descendants and all("/FontFile2" in d["/FontDescriptor"] for d in descendants)


def test_map_frame_has_ink_on_every_page(rendered):
    for which, options in (("territory", TERRITORY), ("village", VILLAGE)):
        page_mm = options.page_mm
        box = Page(*page_mm).box("map", "map")
        image, *_numbered_list = rasterise(rendered[which])
        assert ink_share(image, box, page_mm) > 0.2, which


def test_same_data_and_options_give_the_same_pdf_bytes(rendered):
    assert printing.map_pdf(TERRITORY, printing.SYSTEM) == rendered["territory"]


def test_creation_date_comes_from_source_date_epoch(demo, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # 2026-11-26 00:00 UTC
    options = PrintOptions(layers=("territory",), map_date=MAP_DATE)
    first = printing.map_pdf(options, printing.SYSTEM)
    assert pdf_reader(first).metadata["/CreationDate"].startswith("D:20261126")
    assert printing.map_pdf(options, printing.SYSTEM) == first


def test_without_source_date_epoch_the_pdf_has_no_creation_date(rendered):
    assert "/CreationDate" not in pdf_reader(rendered["territory"]).metadata


# --- bad options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "code", "words"),
    [
        (PrintOptions(layers=("territory", "nope")), "unknown_layer", "nope"),
        (PrintOptions(extent=Extent(kind="village", village="Атлантида")), "unknown_village",
         "Атлантида"),
        (PrintOptions(paper="A0"), "bad_paper", "A0"),
        (PrintOptions(orientation="sideways"), "bad_orientation", "portrait"),
        (PrintOptions(extent=Extent(kind="bbox", bbox=(30.0, 50.0, 30.1, 50.1))),
         "empty_extent", "немає жодної частини території"),
    ],
)  # fmt: skip
def test_bad_options_are_a_clear_print_error(demo, options, code, words):  # noqa: F811
    with pytest.raises(printing.PrintError) as error:
        printing.map_pdf(options, printing.SYSTEM)
    assert error.value.code == code
    assert words in error.value.message


@pytest.mark.parametrize(
    "text", ["bbox:32.7,48.8,32.7,48.8", "bbox:32.9,48.8,32.7,48.9", "bbox:1,2,3", "moon"]
)
def test_empty_or_malformed_extents_are_refused_before_reading(text):
    with pytest.raises(printing.PrintError):
        parse_extent(text)


def test_a_planners_layer_is_unknown_to_staff_who_are_not_planners(demo):  # noqa: F811
    staff = User.objects.create_user("clerk", is_staff=True)
    with pytest.raises(printing.PrintError) as error:
        printing.map_pdf(PrintOptions(layers=("territory", "coverage-gaps")), staff)
    assert error.value.code == "unknown_layer"
    assert "coverage-gaps" not in {s.id for s in printing.print_layers(staff)}


def test_a_planner_prints_the_gaps_hatched_in_the_legend(demo):  # noqa: F811
    planner = User.objects.create_user("planner", is_staff=True)
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    options = PrintOptions(layers=("territory", "coverage-gaps"), map_date=MAP_DATE)
    text = pdf_reader(printing.map_pdf(options, planner)).pages[0].extract_text()
    assert "Прогалини покриття" in text
    assert "немає жодного покриття" in text


# --- cartography -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("needed", "nice"), [(160_000, 200_000), (9_100, 10_000), (12_400, 12_500), (1_000, 1_000)]
)
def test_scale_is_the_next_round_denominator(needed, nice):
    assert furniture.nice_scale(needed) == nice


def test_extent_is_grown_to_the_frame_at_that_scale():
    bounds, scale = furniture.fit_extent((0, 0, 30_000, 10_000), (190, 186))
    assert scale == 200_000
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    assert width == pytest.approx(0.190 * scale)
    assert height == pytest.approx(0.186 * scale)
    assert (bounds[0] + bounds[2]) / 2 == pytest.approx(15_000)


def test_scale_bar_is_a_round_length_near_a_fifth_of_the_map():
    assert furniture.bar_length_m(38_000) == 5_000
    assert furniture.bar_length_m(2_400) == 200


def test_north_arrow_turns_east_west_of_the_central_meridian():
    # West of 33°E the meridians lean towards the central meridian as they go north.
    assert furniture.grid_convergence_deg(300_000, 5_400_000, 6385) == pytest.approx(0, abs=0.01)
    assert 0.2 < furniture.grid_convergence_deg(270_000, 5_400_000, 6385) < 0.4


def test_labels_do_not_overlap_when_there_is_room():
    figure = Figure(figsize=(4, 4))
    ax = figure.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    points = [(50, 50), (52, 50), (50, 52), (48, 50), (50, 48)]
    texts = ["Дмитрівка", "Іванківці", "Цибулеве", "Заломи", "Плоске"]
    page = Page(101.6, 101.6)
    placed = labels.labels_place(ax, page.renderer(), points, texts, size=8)
    assert placed == texts
    boxes = [t.get_window_extent(page.renderer()) for t in ax.texts if not t.get_path_effects()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_villages_sort_in_ukrainian_alphabetical_order():
    names = ["Юхимове", "Іванківці", "Заломи", "Ґудзівка", "Єлизаветівка", "Гостинне", "Калинівка"]
    assert sorted(names, key=uk_sort_key) == [
        "Гостинне", "Ґудзівка", "Єлизаветівка", "Заломи", "Іванківці", "Калинівка", "Юхимове",
    ]  # fmt: skip


# --- council pack ---------------------------------------------------------------------------


def _villages() -> list[str]:
    from layers.models import Settlement

    return sorted(Settlement.objects.values_list("name_uk", flat=True), key=uk_sort_key)


def test_pack_has_a_cover_an_overview_a_page_per_village_a_summary_and_the_lists(pack):
    reader = pdf_reader(pack)
    villages = _villages()
    total = len(reader.pages)
    assert len(villages) + 3 < total <= len(villages) + 3 + 4
    assert {page_size_pt(page) for page in reader.pages} == {A4}
    texts = [page.extract_text() for page in reader.pages]
    assert "Показники стратегії та цілі" in texts[0]
    assert "Покриття території інтернетом, %" in texts[0]
    assert "Покриття інтернетом території громади" in texts[1]
    atlas = texts[2 : 2 + len(villages)]
    for text, name in zip(atlas, villages, strict=True):
        assert name in text and "Домогосподарства, усього" in text
    assert "Звернення мешканців про проблеми" in texts[2 + len(villages)]
    for text in texts[3 + len(villages) :]:
        assert "Пронумеровані об'єкти карт" in text
    for number, text in enumerate(texts, start=1):
        assert f"Сторінка {number} з {total}" in text


def test_the_lists_name_every_numbered_object_under_its_map_and_page(pack):
    """К1 of each village is listed under that village's heading, with its page."""
    reader = pdf_reader(pack)
    villages = _villages()
    lists = squeeze(" ".join(p.extract_text() for p in reader.pages[3 + len(villages) :]))
    for number, name in enumerate(villages, start=3):
        atlas = squeeze(reader.pages[number - 1].extract_text())
        if "К1" in atlas:
            assert squeeze(f"с. {name}, сторінка {number}") in lists
    assert squeeze("Покриття інтернетом території громади, сторінка 2") in lists


def test_every_map_page_of_the_pack_has_ink_in_its_frame(pack):
    images = rasterise(pack, dpi=20)
    page = Page(210, 297)
    assert ink_share(images[1], page.box("map", "map"), (210, 297)) > 0.2
    for image in images[2 : 2 + len(_villages())]:
        assert ink_share(image, page.box("atlas", "map"), (210, 297)) > 0.2


def test_atlas_pages_show_only_open_reports(pack):
    reader = pdf_reader(pack)
    pages = reader.pages[2 : 2 + len(_villages())]
    legend_text = " ".join(page.extract_text() for page in pages)
    assert "виправлено" not in legend_text.replace("не виправлено", "")


def test_no_two_texts_overlap_on_any_page_of_the_pack(pack):
    from tests.maps.test_print_labels import collisions

    assert collisions(pack) == []
