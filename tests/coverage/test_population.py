"""Population rasters: loading one, and population-weighted shares at compute time."""

from datetime import date

import numpy as np
import pytest
import rasterio
import shapely
from django.core.management import CommandError, call_command
from rasterio.transform import from_origin

from core.errors import InvalidInput
from coverage.models import CoverageHexagon, PopulationRaster
from coverage.population import population_set
from coverage.services import coverage_compute
from tests.coverage import independent
from tests.coverage.conftest import make_area

AS_OF = date(2025, 6, 1)
# The test territory is square(32.72, 48.80, 0.2): lon 32.52–32.92, lat 48.60–49.00.
ORIGIN = (32.52, 49.00)
CELL = 0.01


def write_tiff(path, values, *, crs="EPSG:4326", origin=ORIGIN, cell=CELL, nodata=None):
    rows, cols = values.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=cols,
        height=rows,
        count=1,
        dtype="float32",
        crs=crs,
        transform=from_origin(origin[0], origin[1], cell, cell),
        nodata=nodata,
    ) as dst:
        dst.write(values.astype("float32"), 1)
    return path


@pytest.fixture
def people(tmp_path):
    """1 person per cell, 10 in each of the 16 cells of Dmytrivka (lon 32.70–32.74,
    lat 48.77–48.81): 1,744 people in the territory, 160 in the village."""
    values = np.ones((40, 40))
    values[19:23, 18:22] = 10
    return write_tiff(tmp_path / "people.tif", values)


def served_pct(entity: dict, group: str = "fixed") -> float | None:
    return entity["groups"][group]["served"]["population_pct"]


def test_population_weighted_shares_count_the_people_under_coverage(
    isolated, settlement, providers, people
):
    # Fibre over 4 of the village's cells (lon 32.70–32.72, lat 48.78–48.80): 40 people.
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.box(32.70, 48.78, 32.72, 48.80))
    population_set(path=people)
    results = coverage_compute(as_of=AS_OF).results
    territory = results["territory"]
    assert territory["population_total"] == pytest.approx(1744)
    assert served_pct(territory) == pytest.approx(100 * 40 / 1744)
    assert territory["groups"]["fixed"]["served"]["population"] == pytest.approx(40)
    (village,) = results["settlements"]
    assert village["population_total"] == pytest.approx(160)
    assert served_pct(village) == pytest.approx(25.0)
    assert served_pct(village, "mobile") == 0.0


def test_hexagons_carry_the_population_share(isolated, settlement, providers, people):
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.box(32.70, 48.78, 32.72, 48.80))
    population_set(path=people)
    snapshot = coverage_compute(as_of=AS_OF)
    shares = CoverageHexagon.objects.filter(snapshot=snapshot, population_served_pct__gt=0)
    assert shares.exists()
    assert all(0 < row.population_served_pct <= 100 for row in shares)


def test_population_in_a_metric_raster_agrees_with_pixel_centres_counted_by_shapely(
    isolated, random_world, tmp_path
):
    rng = np.random.default_rng(7)
    values = rng.integers(0, 50, size=(100, 70)).astype(float)
    origin = (285_000.0, 5_432_000.0)  # EPSG:6385 metres, around the test territory
    path = write_tiff(tmp_path / "m.tif", values, crs="EPSG:6385", origin=origin, cell=500.0)
    population_set(path=path)
    territory = coverage_compute(as_of=AS_OF).results["territory"]

    cols, rows = np.meshgrid(np.arange(70), np.arange(100))
    x, y = origin[0] + (cols + 0.5) * 500.0, origin[1] - (rows + 0.5) * 500.0
    # Metric geometry is the vertices transformed, as everywhere in the computation.
    ter, _, cov, _, _ = independent.load(AS_OF)
    inside = shapely.contains_xy(ter.to_crs(independent.METRIC).iloc[0], x, y)
    assert inside.sum() > 1000, "the raster must overlap the territory"
    total = values[inside].sum()
    assert territory["population_total"] == pytest.approx(total)
    for group, level, tier in [("any", 0, "covered"), ("fixed", 2, "served")]:
        union = independent.union_of(cov, group, level, independent.METRIC)
        covered = values[inside & shapely.contains_xy(union, x, y)].sum()
        expected = territory["groups"][group][tier]["population_pct"]
        assert expected == pytest.approx(100 * covered / total, abs=0.01)


def test_without_a_population_raster_population_shares_are_empty(isolated, settlement):
    territory = coverage_compute(as_of=AS_OF).results["territory"]
    assert territory["population_total"] is None
    assert served_pct(territory) is None


def test_a_new_population_raster_replaces_the_current_one(isolated, db, people, tmp_path):
    first = population_set(path=people)
    second = population_set(path=write_tiff(tmp_path / "b.tif", np.full((4, 4), 2.0)))
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert second.total == 32.0
    assert (isolated / "media" / second.file.name).exists()


def _no_crs(tmp_path):
    path = tmp_path / "nocrs.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=3, height=3, count=1, dtype="float32"
    ) as dst:
        dst.write(np.ones((3, 3), dtype="float32"), 1)
    return path


def _all_nodata(tmp_path):
    return write_tiff(tmp_path / "empty.tif", np.full((3, 3), -9999.0), nodata=-9999.0)


def _negative(tmp_path):
    return write_tiff(tmp_path / "neg.tif", np.full((3, 3), -1.0))


def _not_a_raster(tmp_path):
    path = tmp_path / "text.tif"
    path.write_text("not a raster")
    return path


BAD = {
    "no CRS": (_no_crs, "no CRS"),
    "all nodata": (_all_nodata, "every cell is nodata"),
    "negative": (_negative, "not negative"),
    "not a raster": (_not_a_raster, "not a readable raster"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_population_raster_is_refused_and_nothing_is_written(isolated, db, tmp_path, case):
    make, message = BAD[case]
    with pytest.raises(InvalidInput, match=message) as caught:
        population_set(path=make(tmp_path))
    assert caught.value.code == "bad_raster"
    assert not PopulationRaster.objects.exists()
    assert not (isolated / "media").exists() or not any((isolated / "media").rglob("*.tif"))


@pytest.mark.parametrize("case", list(BAD))
def test_the_command_refuses_a_bad_raster_with_a_clear_error(isolated, db, tmp_path, case):
    make, message = BAD[case]
    with pytest.raises(CommandError, match=message):
        call_command("coverage_set_population", str(make(tmp_path)), "--commit")
    assert not PopulationRaster.objects.exists()


def test_the_command_is_a_dry_run_unless_commit(isolated, db, people, capsys):
    call_command("coverage_set_population", str(people))
    assert "dry run" in capsys.readouterr().out
    assert not PopulationRaster.objects.exists()
    call_command("coverage_set_population", str(people), "--commit", "--name", "WorldPop 2020")
    assert "1,744 people" in capsys.readouterr().out
    raster = PopulationRaster.objects.get()
    assert raster.name == "WorldPop 2020" and raster.is_current and raster.total == 1744
