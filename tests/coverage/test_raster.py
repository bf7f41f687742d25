"""coverage_import_raster: signal GeoTIFFs (written here with rasterio) to coverage areas."""

import math

import numpy as np
import pyproj
import pytest
import rasterio
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from rasterio.transform import from_origin

from coverage.models import CoverageArea

PIXEL = 100.0  # EPSG:3857 units
LAT = 48.79


def write_tiff(path, values, *, crs="EPSG:3857", nodata=-9999.0, origin=None):
    x0, y0 = origin or pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(32.72, LAT)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=from_origin(x0, y0, PIXEL, PIXEL),
        nodata=nodata,
    ) as dst:
        dst.write(values.astype("float32"), 1)
    return path, (x0, y0)


def cell_lonlat(origin, row, col):
    x, y = origin[0] + (col + 0.5) * PIXEL, origin[1] - (row + 0.5) * PIXEL
    return pyproj.Transformer.from_crs(3857, 4326, always_xy=True).transform(x, y)


@pytest.fixture
def signal_tiff(tmp_path):
    values = np.full((20, 20), -120.0)
    values[5:15, 5:15] = -80.0  # a 10 × 10 block of good signal
    values[1, 1] = -70.0  # a one-cell speck
    values[19, :] = -9999.0  # a nodata row
    return write_tiff(tmp_path / "signal-3857.tif", values)


def run(path, *extra):
    call_command(
        "coverage_import_raster",
        str(path),
        "--provider",
        "Київстар",
        "--technology",
        "4g",
        "--min-dbm",
        "-100",
        *extra,
    )


def test_raster_in_web_mercator_becomes_a_dissolved_area_without_specks(
    signal_tiff, territory, providers
):
    path, origin = signal_tiff
    run(path, "--commit")
    area = CoverageArea.objects.get()
    assert (area.source, area.technology, area.down_mbps, area.up_mbps) == ("raster", "4g", 30, 10)
    assert area.area.contains(Point(*cell_lonlat(origin, 10, 10), srid=4326))
    assert not area.area.contains(Point(*cell_lonlat(origin, 1, 1), srid=4326))
    assert len(area.area) == 1
    # 10 cells of 100 Mercator units are 1000·cos(lat) metres on the ground.
    expected_m2 = (1000 * math.cos(math.radians(LAT))) ** 2
    area_m2 = area.area.transform(6385, clone=True).area
    assert area_m2 == pytest.approx(expected_m2, rel=0.02)


def test_raster_dry_run_reports_and_writes_nothing(signal_tiff, territory, providers, capsys):
    run(signal_tiff[0])
    out = capsys.readouterr().out
    assert "dry run" in out and "100 kept" in out
    assert not CoverageArea.objects.exists()


def test_raster_without_crs_is_refused_and_nothing_is_written(tmp_path, territory, providers):
    path, _ = write_tiff(tmp_path / "nocrs.tif", np.full((5, 5), -60.0), crs=None, origin=(0, 0))
    with pytest.raises(CommandError, match="no CRS"):
        run(path, "--commit")
    assert not CoverageArea.objects.exists()


def test_raster_all_nodata_is_refused_and_nothing_is_written(tmp_path, territory, providers):
    path, _ = write_tiff(tmp_path / "empty.tif", np.full((5, 5), -9999.0))
    with pytest.raises(CommandError, match="nodata"):
        run(path, "--commit")
    assert not CoverageArea.objects.exists()


def test_raster_with_no_cell_above_the_threshold_is_refused(tmp_path, territory, providers):
    path, _ = write_tiff(tmp_path / "weak.tif", np.full((5, 5), -130.0))
    with pytest.raises(CommandError, match="no cell reaches"):
        run(path, "--commit")
    assert not CoverageArea.objects.exists()


def test_raster_with_unknown_technology_or_provider_is_refused(signal_tiff, territory, providers):
    with pytest.raises(CommandError, match="technology"):
        call_command(
            "coverage_import_raster",
            str(signal_tiff[0]),
            "--provider",
            "Київстар",
            "--technology",
            "6g",
            "--commit",
        )
    with pytest.raises(CommandError, match="provider"):
        call_command(
            "coverage_import_raster",
            str(signal_tiff[0]),
            "--provider",
            "Nobody",
            "--technology",
            "4g",
            "--commit",
        )
    assert not CoverageArea.objects.exists()


def test_unreadable_raster_is_refused(tmp_path, territory, providers):
    path = tmp_path / "broken.tif"
    path.write_text("not a tiff")
    with pytest.raises(CommandError, match="not a readable raster"):
        run(path, "--commit")
    assert not CoverageArea.objects.exists()
