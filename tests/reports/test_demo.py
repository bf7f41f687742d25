"""The demo loader: village categories and a few dozen reports, idempotent."""

from django.contrib.gis.geos import Point

from layers import demo as registry
from layers.models import Settlement, Territory
from reports import demo
from reports.models import Category, Question, Report


def test_the_loader_is_registered_after_the_villages():
    loader = next(loader for loader in registry.loaders() if loader.name == "reports")
    assert loader.order == 30


def test_demo_loads_categories_and_reports_inside_the_territory_once(territory, settlement):
    Settlement.objects.create(
        katottg="UA35040090110088346",
        name_uk="Плоске",
        centre=Point(32.675833, 48.849444, srid=4326),
        territory=territory,
    )
    lines = []
    demo.load(lines.append)
    demo.load(lines.append)
    codes = set(Category.objects.values_list("code", flat=True))
    assert codes == {"roads", "street_lighting", "waste", "water", "no_signal", "other"}
    assert Category.objects.get(code="no_signal").is_coverage_complaint
    assert Question.objects.filter(category__code="no_signal", datatype="multivaluelist").exists()
    reports = Report.objects.filter(is_demo=True)
    assert reports.count() == demo.REPORTS_COUNT
    assert len(set(reports.values_list("status", flat=True))) >= 5
    assert set(reports.values_list("settlement__name_uk", flat=True)) == {"Дмитрівка", "Плоске"}
    boundary = Territory.objects.get().boundary
    assert all(boundary.contains(r.location) for r in reports)
    assert not reports.exclude(reporter_email="").exists()
    assert "already loaded" in lines[-1]


def test_demo_without_villages_loads_only_categories(db):
    lines = []
    demo.load(lines.append)
    assert Category.objects.count() == 6 and Report.objects.count() == 0
    assert "no territory" in lines[-1]
