"""The benchmark data generator: deterministic, valid, nested geometry; COPY into the DB."""

import re

import numpy as np
import pyogrio
import pytest
import shapely

from bench import generate as cli
from bench.synth import SIZES, digest, generate

KATOTTG = re.compile(r"^UA99\d{15}$")  # "UA" + 17 digits, oblast 99 = synthetic
# The entities these tests count (other entities, e.g. coverage, have tests of their own).
LAYERS_AND_ADDRESSES = ("territories", "settlements", "facilities", "streets", "addresses")


@pytest.fixture(scope="module")
def small():
    return generate("S", seed=1)


def _by_code(table, geometry_column):
    lookup = dict(zip(table["katottg"], table[geometry_column], strict=True))
    return lambda codes: np.array([lookup[c] for c in codes])


def test_same_seed_gives_identical_output(small):
    assert digest(generate("S", seed=1)) == digest(small)


def test_another_seed_gives_other_output(small):
    assert digest(generate("S", seed=2)) != digest(small)


def test_size_s_has_the_documented_row_counts(small):
    counts = {name: len(df) for name, df in small.items()}
    size = SIZES["S"]
    assert counts == {
        "territories": size.territories,
        "settlements": size.settlements,
        "facilities": size.facilities,
        "streets": counts["streets"],
        "addresses": size.addresses,
        "providers": 12,
        "coverage_areas": size.coverage_areas,
    }
    assert size.addresses == 10_000 and counts["streets"] >= size.addresses // 60


def test_all_geometries_are_valid(small):
    for column in (
        small["territories"]["boundary"],
        small["settlements"]["boundary"],
        small["settlements"]["centre"],
        small["facilities"]["location"],
    ):
        assert shapely.is_valid(column.to_numpy()).all()


def test_territories_tile_the_bbox_without_overlap(small):
    boundaries = small["territories"]["boundary"].to_numpy()
    union = shapely.union_all(boundaries)
    assert shapely.area(boundaries).sum() == pytest.approx(union.area, rel=1e-9)
    assert union.area == pytest.approx(shapely.box(*SIZES["S"].bbox).area, rel=1e-9)
    assert set(shapely.get_type_id(boundaries)) == {6}  # MultiPolygon


def test_settlements_lie_inside_their_territory(small):
    settlements = small["settlements"]
    territory_of = _by_code(small["territories"], "boundary")
    territories = territory_of(settlements["territory_katottg"])
    assert shapely.within(settlements["boundary"].to_numpy(), territories).all()
    assert shapely.within(settlements["centre"].to_numpy(), settlements["boundary"]).all()


def test_settlements_do_not_overlap(small):
    boundaries = small["settlements"]["boundary"].to_numpy()
    left, right = shapely.STRtree(boundaries).query(boundaries, predicate="intersects")
    assert (left == right).all()


def test_facilities_lie_inside_their_settlement(small):
    facilities = small["facilities"]
    settlement_of = _by_code(small["settlements"], "boundary")
    settlements = settlement_of(facilities["settlement_katottg"])
    assert shapely.within(facilities["location"].to_numpy(), settlements).all()


def test_codes_are_unique_synthetic_katottg(small):
    codes = list(small["territories"]["katottg"]) + list(small["settlements"]["katottg"])
    assert len(set(codes)) == len(codes)
    assert all(KATOTTG.match(code) for code in codes)


def test_facility_names_are_unique_within_a_settlement(small):
    facilities = small["facilities"]
    assert not facilities.duplicated(["settlement_katottg", "name"]).any()


def test_output_files_are_byte_identical_for_the_same_seed(tmp_path):
    tables = generate("XS", seed=3)
    first = cli.write_files(tables, tmp_path / "a", "gpkg")
    second = cli.write_files(generate("XS", seed=3), tmp_path / "b", "gpkg")
    assert [p.name for p in first][:3] == [
        "territory.gpkg",
        "settlements.gpkg",
        "facilities.gpkg",
    ]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_output_files_have_the_layers_import_columns(tmp_path):
    paths = cli.write_files(generate("XS", seed=1), tmp_path, "geojson")
    fields = {p.stem: list(pyogrio.read_info(p)["fields"]) for p in paths[:3]}
    assert fields == {
        "territory": ["katottg", "name_uk", "name_en"],
        "settlements": [
            "katottg",
            "name_uk",
            "name_en",
            "kind",
            "population",
            "households",
            "territory_katottg",
            "centre_lon",
            "centre_lat",
        ],
        "facilities": [
            "name",
            "kind",
            "settlement_katottg",
            "internet",
            "technology",
            "down_mbps",
        ],
    }


def test_cli_rejects_replace_without_db(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--size", "XS", "--out", "/nonexistent", "--replace"])
    assert exc.value.code == 2
    assert "--replace goes with --db" in capsys.readouterr().err


@pytest.mark.django_db
def test_write_db_copies_size_s_and_replace_swaps_it(small):
    from layers.models import Facility, Settlement, Territory

    counts = cli.write_db(small, progress=False)
    assert {name: counts[name] for name in LAYERS_AND_ADDRESSES} == {
        "territories": 8,
        "settlements": 150,
        "facilities": 2000,
        "streets": len(small["streets"]),
        "addresses": 10_000,
    }
    assert Territory.objects.count() == 8
    assert Settlement.objects.filter(territory__katottg__startswith="UA99").count() == 150
    assert Facility.objects.filter(internet="connected").exclude(technology="").exists()
    first = Settlement.objects.order_by("katottg").first()
    assert first.boundary.contains(first.centre)
    with pytest.raises(cli.SyntheticRowsExist):
        cli.write_db(small, progress=False)
    cli.write_db(generate("XS", seed=1), replace=True, progress=False)
    assert (Territory.objects.count(), Settlement.objects.count()) == (2, 12)
    assert Facility.objects.count() == 60


@pytest.mark.django_db
def test_clean_db_keeps_demo_and_real_rows(facility):
    from layers.models import Facility, Territory

    cli.write_db(generate("XS", seed=1), progress=False)
    deleted = cli.clean_db()
    assert {name: deleted[name] for name in LAYERS_AND_ADDRESSES} == {
        "addresses": 300,
        "streets": 13,
        "facilities": 60,
        "settlements": 12,
        "territories": 2,
    }
    assert list(Territory.objects.values_list("katottg", flat=True)) == ["UA35040090000082553"]
    assert Facility.objects.get() == facility


def test_addresses_lie_inside_their_settlement_with_unique_numbers_per_street(small):
    addresses, streets = small["addresses"], small["streets"]
    settlement_of = _by_code(small["settlements"], "boundary")
    settlements = settlement_of(addresses["settlement_katottg"])
    assert shapely.within(addresses["location"].to_numpy(), settlements).all()
    assert not addresses.duplicated(["street_registry_id", "house_number"]).any()
    assert not streets.duplicated(["settlement_katottg", "kind", "name"]).any()
    assert set(addresses["street_registry_id"]) == set(streets["registry_id"])


def test_size_m_has_a_million_addresses_generated_in_seconds():
    import time

    from bench.synth.addresses import houses_per_street

    population = generate("XS", seed=1)["settlements"]["population"].to_numpy()
    started = time.perf_counter()
    _, _, houses = houses_per_street(population, SIZES["M"].addresses)
    assert houses.sum() == 1_000_000 and time.perf_counter() - started < 5


@pytest.mark.django_db
def test_synthetic_addresses_are_searchable_after_copy(small):
    import json

    from addresses import selectors

    cli.write_db(small, progress=False)
    first = small["addresses"].iloc[0]
    street = small["streets"].set_index("registry_id").loc[first["street_registry_id"]]
    village = small["settlements"].set_index("katottg").loc[first["settlement_katottg"]]
    q = f"{village['name_uk']} {street['name']} {first['house_number']}"
    best = json.loads(selectors.address_search_geojson(q=q))["features"][0]["properties"]
    assert best["registry_id"] == first["registry_id"] and best["score"] == pytest.approx(1.0)
