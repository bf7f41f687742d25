"""Fixtures of the coverage tests: providers, villages, addresses and coverage in PostGIS."""

import random
from datetime import date

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point

from tests.conftest import square
from tests.helpers.isolation import private_cache_and_media
from tests.helpers.users import make_user


def to_geos(geom: shapely.Geometry) -> MultiPolygon:
    """A shapely (Multi)Polygon in EPSG:4326 as a GEOS MultiPolygon."""
    g = GEOSGeometry(geom.wkt, srid=4326)
    return g if g.geom_type == "MultiPolygon" else MultiPolygon(g, srid=4326)


@pytest.fixture
def providers(db):
    from coverage.models import Provider

    return {
        name: Provider.objects.create(name=name, kind=kind)
        for name, kind in [
            ("ProstoNet", "fixed"),
            ("Укртелеком", "fixed"),
            ("Київстар", "mobile"),
            ("Громада Wi-Fi", "community_wifi"),
        ]
    }


@pytest.fixture
def village2(territory):
    """A second village without addresses: its households are estimated from its area."""
    from layers.models import Settlement

    return Settlement.objects.create(
        katottg="UA35040090090035423",
        name_uk="Макариха",
        name_en="Makarykha",
        households=104,
        boundary=square(32.80, 48.86, 0.015),
        centre=Point(32.80, 48.86, srid=4326),
        territory=territory,
    )


def make_area(provider, technology, down, up, geom, **extra):
    from coverage.models import CoverageArea

    return CoverageArea.objects.create(
        provider=provider,
        technology=technology,
        down_mbps=down,
        up_mbps=up,
        area=to_geos(geom) if isinstance(geom, shapely.Geometry) else geom,
        **extra,
    )


def make_addresses(settlement, points, households):
    """Create one street and an active address per point, with the given households."""
    from addresses.models import Address, Street

    street, _ = Street.objects.get_or_create(settlement=settlement, name="Шевченка")
    return [
        Address.objects.create(
            street=street,
            settlement=settlement,
            house_number=str(i + 1),
            number=i + 1,
            location=Point(x, y, srid=4326),
            households=h,
        )
        for i, ((x, y), h) in enumerate(zip(points, households, strict=True))
    ]


def random_polygon(rng: random.Random, centre: tuple[float, float], spread: float):
    """An irregular polygon (union of a few discs) near `centre`, in degrees."""
    discs = [
        shapely.Point(
            centre[0] + rng.uniform(-spread, spread), centre[1] + rng.uniform(-spread, spread)
        ).buffer(rng.uniform(0.2, 0.6) * spread, quad_segs=8)
        for _ in range(rng.randint(1, 3))
    ]
    return shapely.union_all(discs)


TECH_SPEEDS = [
    ("fibre", 300, 100),
    ("fibre", 100, 20),
    ("dsl", 20, 1),
    ("cable", 50, 5),
    ("fixed_wireless", 100, 20),
    ("3g", 5, 1),
    ("4g", 40, 10),
    ("4g", 150, 30),
    ("5g", 500, 50),
    ("wifi", 100, 20),
]


@pytest.fixture
def random_world(territory, settlement, village2, providers, request):
    """A random but reproducible set of overlapping coverage areas, addresses, facilities."""
    from layers.models import Facility

    seed = getattr(request, "param", 1)
    rng = random.Random(seed)
    names = list(providers)
    for _ in range(14):
        tech, down, up = rng.choice(TECH_SPEEDS)
        centre = rng.choice([(32.72, 48.79), (32.80, 48.86), (32.60, 48.65), (32.90, 48.98)])
        make_area(providers[rng.choice(names)], tech, down, up, random_polygon(rng, centre, 0.05))
    # One area half outside the territory, one entirely outside, one expired.
    make_area(providers["Київстар"], "4g", 40, 10, shapely.Point(32.52, 48.80).buffer(0.1))
    make_area(providers["Київстар"], "3g", 5, 1, shapely.Point(34.0, 50.0).buffer(0.1))
    make_area(
        providers["ProstoNet"],
        "fibre",
        1000,
        1000,
        square(32.72, 48.80, 0.2),
        valid_from=date(2019, 1, 1),
        valid_to=date(2020, 1, 1),
    )
    points = [
        (32.72 + rng.uniform(-0.02, 0.02), 48.79 + rng.uniform(-0.02, 0.02)) for _ in range(60)
    ]
    make_addresses(settlement, points, [rng.randint(0, 3) for _ in points])
    for i in range(8):
        village = settlement if i % 2 else village2
        c = village.centre
        Facility.objects.create(
            kind="school",
            name=f"Школа {i}",
            settlement=village,
            location=Point(c.x + rng.uniform(-0.01, 0.01), c.y + rng.uniform(-0.01, 0.01)),
            internet=rng.choice(["connected", "not_connected", "unknown"]),
            technology="fibre",
            down_mbps=rng.choice([10, 100, 300]),
            up_mbps=rng.choice([1, 20, 100]),
        )
    return seed


@pytest.fixture
def planner(db):
    return make_user("planner", password="pw-planner-1", groups=["planners"])


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner, backend=MODEL_BACKEND)
    return client


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def isolated(settings, tmp_path):
    """A private cache (report rate limits) and media directory for the test."""
    private_cache_and_media(settings, tmp_path, "coverage-tests")
    return tmp_path


@pytest.fixture
def complaint_category(db):
    """The coverage-complaint category of problem reports, with its required question."""
    from reports.models import Category, Question

    category = Category.objects.create(
        code="no_signal",
        name_uk="Немає інтернету / зв'язку",
        name_en="No internet / mobile signal",
        is_coverage_complaint=True,
    )
    Question.objects.create(
        category=category,
        code="service",
        text_uk="Чого немає",
        text_en="What is missing",
        datatype="multivaluelist",
        required=True,
        choices=[
            {"key": "voice", "name": "мобільного зв'язку (дзвінки)"},
            {"key": "mobile_data", "name": "мобільного інтернету"},
            {"key": "fixed", "name": "домашнього інтернету"},
        ],
    )
    return category


@pytest.fixture
def roads_category(db):
    from reports.models import Category

    return Category.objects.create(code="roads", name_uk="Дороги", name_en="Roads")
