"""Fixtures for the reports tests: categories, API keys, photos made in memory."""

import hashlib
import io

import pytest
from django.contrib.gis.geos import Point
from PIL import Image

from tests.helpers import tasks
from tests.helpers.isolation import private_cache_and_media
from tests.helpers.users import make_user

INSIDE = {"lat": 48.7936, "lon": 32.7208}  # Dmytrivka, inside the test territory
OUTSIDE = {"lat": 50.45, "lon": 30.52}  # Kyiv
API_KEY = "test-open311-key-0123456789"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """A private cache (rate limits) and media directory for every test."""
    private_cache_and_media(settings, tmp_path, "reports-tests")
    settings.REPORTS_RATE_LIMIT = 5
    settings.LANGUAGE_CODE = "uk"


@pytest.fixture
def category(db):
    from reports.models import Category, Question

    category = Category.objects.create(
        code="roads",
        name_uk="Дороги",
        name_en="Roads",
        description="Ями на дорогах",
        group="Інфраструктура",
        keywords="яма, дорога",
        notify_email="roads@example.org",
    )
    Question.objects.create(
        category=category,
        code="size",
        text_uk="Розмір",
        datatype="singlevaluelist",
        required=True,
        order=1,
        choices=[{"key": "small", "name": "мала"}, {"key": "large", "name": "велика"}],
    )
    Question.objects.create(
        category=category, code="depth", text_uk="Глибина, см", datatype="number", order=2
    )
    return category


@pytest.fixture
def signal_category(db):
    from reports.models import Category, Question

    category = Category.objects.create(
        code="no_signal",
        name_uk="Немає інтернету / зв'язку",
        is_coverage_complaint=True,
        group="Зв'язок",
    )
    Question.objects.create(
        category=category,
        code="service",
        text_uk="Чого немає",
        datatype="multivaluelist",
        required=True,
        choices=[{"key": "voice", "name": "дзвінки"}, {"key": "data", "name": "інтернет"}],
    )
    return category


@pytest.fixture
def moderated_category(db):
    from reports.models import Category

    return Category.objects.create(code="other", name_uk="Інше", moderate_first=True)


@pytest.fixture
def make_report(territory, settlement, category):
    """File a report through the service, with sensible defaults."""
    from reports import services

    def make(*, finish_photos=True, **overrides):
        """`finish_photos`: the task worker's part done at once (the photos' stored
        copies made, as `manage.py db_worker` does seconds after the commit)."""
        arguments = {
            "category_code": category.code,
            "lat": INSIDE["lat"],
            "lon": INSIDE["lon"],
            "description": "Велика яма біля школи",
            "answers": {"size": "large"},
            "reporter": services.Reporter(
                name="Оксана Приватна",
                email="oksana.private@example.com",
                phone="+380501112233",
            ),
        }
        arguments.update(overrides)
        report = services.report_create(**arguments)
        if finish_photos:
            tasks.finish_photos()
        return report

    return make


@pytest.fixture
def api_key(db):
    from reports.models import ApiKey

    ApiKey.objects.create(
        name="Test client",
        prefix=API_KEY[:8],
        key_hash=hashlib.sha256(API_KEY.encode()).hexdigest(),
    )
    return API_KEY


@pytest.fixture
def moderator(db):
    return make_user("moderator", password="pw-123456789", is_staff=True, groups=["moderators"])


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 40, 40), exif=None, mode="RGB") -> bytes:
    picture = Image.new(mode, size, color)
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    picture.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a camera model and a GPS position (the kind phones write)."""
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 9"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 47.0, 37.0)
    gps[3] = "E"
    gps[4] = (32.0, 43.0, 15.0)
    return exif.tobytes()


def point(lat=INSIDE["lat"], lon=INSIDE["lon"]) -> Point:
    return Point(lon, lat, srid=4326)


@pytest.fixture
def steady_counters(monkeypatch):
    """Rate counters without their chance purge: one hit in a hundred also deletes
    long-expired counters (core.ratelimit.PURGE_CHANCE), a statement more by chance, which
    an SQL-budget test must not count."""
    monkeypatch.setattr("core.ratelimit.PURGE_CHANCE", 0)
