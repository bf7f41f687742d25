"""Write the tiny import files of tests/layers: `.venv/bin/python tests/data/make_layers_data.py`.

Coordinates sit inside the `territory` fixture of tests/conftest.py (a square of ±0.2°
around 32.72 E, 48.80 N). The files are committed; rerun this only to change them.
"""

import json
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon, box

HERE = Path(__file__).parent
TERRITORY = "UA35040090000082553"

SETTLEMENTS = [
    {
        "katottg": "UA35040090010099441",
        "name_uk": "Дмитрівка",
        "name_en": "Dmytrivka",
        "kind": "village",
        "population": 4250,
        "households": 1700,
        "position_accuracy": "surveyed",
        "territory_katottg": TERRITORY,
        "is_demo": True,
        "geometry": box(32.70, 48.77, 32.74, 48.81),
    },
    {
        "katottg": "UA35040090110088346",
        "name_uk": "Плоске",
        "name_en": "Ploske",
        "kind": "village",
        "population": 371,
        "households": 150,
        "position_accuracy": "approximate",
        "territory_katottg": TERRITORY,
        "is_demo": True,
        "geometry": box(32.665, 48.84, 32.685, 48.86),
    },
]
VESELYI_KUT = {
    "katottg": "UA35040090020022800",
    "name_uk": "Веселий Кут",
    "name_en": "Veselyi Kut",
    "kind": "village",
    "population": 120,
    "households": None,
    "position_accuracy": "approximate",
    "territory_katottg": TERRITORY,
    "is_demo": True,
    "geometry": Point(32.80, 48.70),
}
FACILITY_COLUMNS = (
    "name,kind,settlement_katottg,address_text,internet,technology,down_mbps,up_mbps,"
    "connected_since,position_accuracy,is_demo,lon,lat"
)
FACILITY_ROWS = (
    "Дмитрівський ліцей,school,,пл. Перемоги 2,connected,fibre,100,50,2021-09-01,"
    "approximate,true,32.7210,48.7940",
    f"Дмитрівська сільська рада,administration,{SETTLEMENTS[0]['katottg']},пл. Перемоги 4,"
    "connected,fibre,200,100,2020-12-15,approximate,true,32.7200,48.7930",
    "Плосківський ФАП,medical,,,not_connected,,,,,approximate,true,32.6760,48.8490",
)
FACILITIES_CSV = "\n".join((FACILITY_COLUMNS, *FACILITY_ROWS)) + "\n"
FACILITIES_OUTSIDE_CSV = """name,kind,lon,lat
Дмитрівський ліцей,school,32.7210,48.7940
Київська школа,school,30.5234,50.4501
"""


def frame(rows, crs="EPSG:4326"):
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)


def write_zipped_shapefile(data: gpd.GeoDataFrame, name: str, *, with_prj: bool = True):
    folder = HERE / f"_{name}"
    folder.mkdir(exist_ok=True)
    data.to_file(folder / f"{name}.shp", engine="pyogrio")
    with zipfile.ZipFile(HERE / f"{name}.zip", "w") as archive:
        for part in sorted(folder.iterdir()):
            if with_prj or part.suffix != ".prj":
                archive.write(part, part.name)
            part.unlink()
    folder.rmdir()


def main():
    good = frame([*SETTLEMENTS, VESELYI_KUT])
    good.to_file(HERE / "settlements.geojson", driver="GeoJSON")
    good.drop(columns="territory_katottg").to_file(HERE / "settlements.gpkg", driver="GPKG")
    write_zipped_shapefile(frame(SETTLEMENTS), "settlements_shp")
    write_zipped_shapefile(frame(SETTLEMENTS, crs=None), "settlements_no_crs", with_prj=False)
    frame(SETTLEMENTS).to_crs(6385).to_file(HERE / "settlements_6385.gpkg", driver="GPKG")
    territory = {"katottg": TERRITORY, "name_uk": "Дмитрівська громада", "is_demo": True}
    frame([{**territory, "geometry": box(32.52, 48.60, 32.92, 49.00)}]).to_file(
        HERE / "territory.geojson", driver="GeoJSON"
    )
    bowtie = Polygon([(32.70, 48.77), (32.74, 48.81), (32.74, 48.77), (32.70, 48.81)])
    frame([{**SETTLEMENTS[0], "geometry": bowtie}]).to_file(
        HERE / "settlements_bowtie.geojson", driver="GeoJSON"
    )
    line = LineString([(32.70, 48.77), (32.74, 48.81)])
    frame([SETTLEMENTS[1], {**SETTLEMENTS[0], "geometry": line}]).to_file(
        HERE / "settlements_linestring.geojson", driver="GeoJSON"
    )
    kyiv = {**SETTLEMENTS[1], "katottg": "UA80000000000093317", "name_uk": "Київ"}
    kyiv = {**kyiv, "territory_katottg": None, "geometry": box(30.50, 50.43, 30.54, 50.47)}
    frame([SETTLEMENTS[0], kyiv]).to_file(HERE / "settlements_outside.geojson", driver="GeoJSON")
    text = json.dumps(json.loads(good.to_json()), ensure_ascii=False)
    (HERE / "settlements_truncated.geojson").write_text(text[: len(text) // 2], encoding="utf-8")
    (HERE / "facilities.csv").write_text(FACILITIES_CSV, encoding="utf-8")
    (HERE / "facilities_outside.csv").write_text(FACILITIES_OUTSIDE_CSV, encoding="utf-8")


if __name__ == "__main__":
    main()
