"""Shared fixtures: small geometries in the real PostGIS test database."""

import os

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def static_from_finders(settings):
    """Resolve {% static %} without collectstatic's manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def square(lon: float, lat: float, half: float) -> MultiPolygon:
    """A square MultiPolygon centred on (lon, lat), `half` degrees from centre to edge."""
    ring = Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half))
    return MultiPolygon(ring, srid=4326)


@pytest.fixture
def territory(db):
    from layers.models import Territory

    return Territory.objects.create(
        katottg="UA35040090000082553",
        name_uk="Дмитрівська сільська територіальна громада",
        name_en="Dmytrivska rural territorial community",
        boundary=square(32.72, 48.80, 0.2),
    )


@pytest.fixture
def settlement(territory):
    from layers.models import Settlement

    return Settlement.objects.create(
        katottg="UA35040090010099441",
        name_uk="Дмитрівка",
        name_en="Dmytrivka",
        population=4250,
        households=1700,
        boundary=square(32.72, 48.79, 0.02),
        centre=Point(32.720833, 48.793611, srid=4326),
        position_accuracy="surveyed",
        territory=territory,
    )


@pytest.fixture
def facility(settlement):
    from layers.models import Facility

    return Facility.objects.create(
        kind="school",
        name="Дмитрівський ліцей імені Т.Г. Шевченка",
        settlement=settlement,
        location=Point(32.7210, 48.7940, srid=4326),
        internet="connected",
        technology="fibre",
        down_mbps=100,
    )
