"""The demo data: the real community's codes and names, approximate positions marked."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command

from layers import demo
from layers.models import Facility, Settlement, Territory
from tests.helpers.db import rolled_back

pytestmark = pytest.mark.django_db

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "dmytrivska.json"


@pytest.fixture
def reference():
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The layers demo, loaded once for the module and rolled back after it."""
    with rolled_back(django_db_blocker):
        demo.load_layers(lambda line: None)
        yield


def test_demo_has_the_12_villages_with_official_katottg_codes_and_names(loaded, reference):
    stored = {s.katottg: (s.name_uk, s.name_en) for s in Settlement.objects.all()}
    official = {r["katottg"]: (r["name_uk"], r["name_en"]) for r in reference["settlements"]}
    assert stored == official


def test_demo_territory_has_the_community_code_and_about_551_km2(loaded, reference):
    row = Territory.objects.get()
    assert row.katottg == reference["hromada"]["katottg"]
    area_km2 = row.boundary.transform(settings.METRIC_SRID, clone=True).area / 1e6
    assert area_km2 == pytest.approx(550.9, rel=0.01)


def test_only_published_coordinates_are_marked_surveyed(loaded, reference):
    published = {r["katottg"]: (r["lon"], r["lat"]) for r in reference["settlements"] if "lat" in r}
    for village in Settlement.objects.all():
        if village.katottg in published:
            assert village.position_accuracy == "surveyed"
            assert village.centre.coords == pytest.approx(published[village.katottg], abs=1e-6)
        else:
            assert village.position_accuracy == "approximate"
    assert not Facility.objects.exclude(position_accuracy="approximate").exists()


def test_every_village_and_facility_lies_inside_the_territory(loaded):
    boundary = Territory.objects.get().boundary
    for village in Settlement.objects.all():
        assert boundary.contains(village.boundary)
        assert village.boundary.contains(village.centre)
    for facility in Facility.objects.select_related("settlement"):
        assert facility.settlement.boundary.contains(facility.location)


def test_dmytrivka_and_ploske_have_their_published_areas(loaded):
    for code, km2 in [("UA35040090010099441", 13.674), ("UA35040090110088346", 2.96)]:
        village = Settlement.objects.with_area_m2().get(katottg=code)
        assert village.area_m2.sq_m / 1e6 == pytest.approx(km2, rel=0.02)


def test_demo_is_marked_demo_and_the_named_facilities_are_present(loaded, reference):
    assert not Settlement.objects.filter(is_demo=False).exists()
    names = set(Facility.objects.values_list("name", flat=True))
    assert "Дмитрівський ліцей імені Т.Г. Шевченка" in names
    assert "Цибулівська філія Дмитрівського ліцею" in names


def test_the_neighbouring_city_znamianka_is_outside(loaded, reference):
    city = reference["hromada"]["nearby"]["Знам'янка"]
    assert not Territory.objects.filter(
        boundary__intersects=Point(city["lon"], city["lat"], srid=4326)
    ).exists()


def test_load_demo_twice_creates_nothing_new(loaded):
    counts = (Territory.objects.count(), Settlement.objects.count(), Facility.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (
        Territory.objects.count(),
        Settlement.objects.count(),
        Facility.objects.count(),
    ) == counts
    assert counts == (1, 12, 46)


SHARED = Path(settings.BASE_DIR).parent / "shared" / "reference" / "dmytrivska.json"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside this checkout")
def test_the_committed_reference_copy_matches_shared(reference):
    assert json.loads(SHARED.read_text(encoding="utf-8")) == reference
