"""The synthetic data generator for benchmarks: seeded, deterministic, sized.

    .venv/bin/python bench/generate.py --size S|M [--seed N] (--db [--replace] | --out DIR)
    .venv/bin/python bench/generate.py --clean

Sizes (rows; the bbox is EPSG:4326 lon/lat):

====  ===========  ===========  ==========  ==============================================
size  territories  settlements  facilities  area
====  ===========  ===========  ==========  ==============================================
XS    2            12           60          tests only; lon 32.55-32.90, lat 48.65-48.95
S     8            150          2,000       one raion: 8 hromadas of ~550 km2 around
                                            Dmytrivska; lon 32.3-33.2, lat 48.5-49.1
M     50           1,500        20,000      one oblast: Kirovohrad oblast's bbox;
                                            lon 31.0-33.9, lat 47.7-49.2 (~35,000 km2)
====  ===========  ===========  ==========  ==============================================

The same --size and --seed always give the same rows (see `bench.synth.digest`). Codes are
KATOTTG-shaped ("UA" + 17 digits) but start with "UA99" (no such oblast), names are
"Синтетичне-0001", so synthetic rows are never confused with real or demo data.

--db COPYs the rows into layers_territory, layers_settlement and layers_facility of the
database in DATABASE_URL (through Django's settings), in one transaction; --replace first
deletes earlier synthetic rows (is_demo false, code starting with UA99), --clean only
deletes them. --out writes one GeoPackage (or GeoJSON) file per entity in the layers_import
column layout. The generators themselves live in bench/synth/.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.synth import ENTITIES, SIZES, Entity, digest, generate  # noqa: E402

FILE_FORMATS = {"gpkg": "GPKG", "geojson": "GeoJSON"}
# A fixed gpkg_contents.last_change, so that GeoPackage files are byte-identical per seed.
GPKG_DATE = "2020-01-01T00:00:00.000Z"


class SyntheticRowsExist(RuntimeError):
    """The database already holds synthetic rows and --replace was not given."""


# ---------------------------------------------------------------- database
def _column_values(entity: Entity, df: pd.DataFrame, ids: dict[str, dict]) -> list[list]:
    """Return the values of each COPY column: geometry as EWKB hex, parent keys as ids."""
    values = []
    for column in entity.db_columns(df):
        if column in entity.fks:
            parent, source = entity.fks[column]
            values.append([ids[parent][key] for key in df[source]])
        elif column in entity.geometry_columns:
            geoms = shapely.set_srid(df[column].to_numpy(), 4326)
            values.append(shapely.to_wkb(geoms, hex=True, include_srid=True).tolist())
        else:
            series = df[column]
            values.append(series.astype(object).where(series.notna(), None).tolist())
    return values


def _copy(cursor, entity: Entity, df: pd.DataFrame, ids: dict, progress: bool) -> None:
    from psycopg import sql

    columns = entity.db_columns(df)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(entity.table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    rows = zip(*_column_values(entity, df, ids), strict=True)
    with (
        tqdm(total=len(df), desc=entity.table, unit="row", disable=not progress) as bar,
        cursor.copy(statement) as copy,
    ):
        for i, row in enumerate(rows, 1):
            copy.write_row(row)
            if i % 1000 == 0 or i == len(df):
                bar.update(i - bar.n)


def _delete_synthetic(cursor) -> dict[str, int]:
    """Delete every registered entity's synthetic rows, children first; return counts."""
    deleted = {}
    for entity in reversed(ENTITIES.values()):
        cursor.execute(f"DELETE FROM {entity.table} WHERE {entity.synthetic_sql}")
        deleted[entity.name] = cursor.rowcount
    return deleted


def _count_synthetic(cursor) -> int:
    total = 0
    for entity in ENTITIES.values():
        cursor.execute(f"SELECT count(*) FROM {entity.table} WHERE {entity.synthetic_sql}")
        total += cursor.fetchone()[0]
    return total


def write_db(tables: dict, *, replace: bool = False, progress: bool = True) -> dict[str, int]:
    """COPY the generated tables into the Django database in one transaction; return row
    counts. With `replace`, delete earlier synthetic rows first; without it, raise
    SyntheticRowsExist if there are any (nothing is written)."""
    from django.db import connection, transaction

    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            if replace:
                _delete_synthetic(cursor)
            elif existing := _count_synthetic(cursor):
                raise SyntheticRowsExist(f"{existing} synthetic rows exist; pass --replace")
            ids: dict[str, dict] = {}
            for name, df in tables.items():
                entity = ENTITIES[name]
                _copy(cursor, entity, df, ids, progress)
                if entity.key:
                    cursor.execute(
                        f"SELECT {entity.key}, id FROM {entity.table} WHERE {entity.synthetic_sql}"
                    )
                    ids[name] = dict(cursor.fetchall())
            cursor.execute("ANALYZE " + ", ".join(ENTITIES[name].table for name in tables))
    return {name: len(df) for name, df in tables.items()}


def clean_db() -> dict[str, int]:
    """Delete every synthetic row (never demo or real data); return counts per entity."""
    from django.db import connection, transaction

    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            return _delete_synthetic(cursor)


# ---------------------------------------------------------------- files
def write_files(tables: dict, out: Path, fmt: str = "gpkg") -> list[Path]:
    """Write one file per entity into `out` (EPSG:4326) with the layers_import columns;
    replace files of the same name. Return the paths."""
    import geopandas as gpd
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        entity = ENTITIES[name]
        if not entity.file_geometry:  # a table without a file form (coverage providers)
            continue
        geometry = df[entity.file_geometry].to_numpy()
        gdf = gpd.GeoDataFrame(entity.file_frame(df), geometry=geometry, crs=4326)
        path = out / f"{entity.file_stem}.{fmt}"
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(gdf, path, layer=name, driver=FILE_FORMATS[fmt])
        paths.append(path)
    return paths


# ---------------------------------------------------------------- command line
def _setup_django() -> None:
    """Load gis.settings and the apps (the PostGIS backend needs the app registry)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    django.setup()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", choices=list(SIZES), help="S: one raion, M: one oblast")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", action="store_true", help="COPY into the DATABASE_URL database")
    target.add_argument("--out", type=Path, metavar="DIR", help="write files into DIR")
    target.add_argument("--clean", action="store_true", help="only delete synthetic rows")
    p.add_argument("--replace", action="store_true", help="with --db: delete synthetic rows first")
    p.add_argument("--format", choices=list(FILE_FORMATS), default="gpkg", help="with --out")
    return p


def _run(args) -> None:
    started = time.perf_counter()
    tables = generate(args.size, args.seed)
    counts = ", ".join(f"{name} {len(df)}" for name, df in tables.items())
    print(
        f"generated size {args.size} seed {args.seed}: {counts} "
        f"in {time.perf_counter() - started:.2f} s (digest {digest(tables)[:16]})"
    )
    started = time.perf_counter()
    if args.db:
        write_db(tables, replace=args.replace)
        where = "database"
    else:
        where = ", ".join(str(p) for p in write_files(tables, args.out, args.format))
    print(
        f"wrote {sum(map(len, tables.values()))} rows to {where} "
        f"in {time.perf_counter() - started:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.clean and args.size is None:
        parser.error("--size is required with --db or --out")
    if args.replace and not args.db:
        parser.error("--replace goes with --db")
    if args.db or args.clean:
        _setup_django()
    from django.db import OperationalError

    try:
        if args.clean:
            print("deleted " + ", ".join(f"{k} {v}" for k, v in clean_db().items()))
        else:
            _run(args)
    except SyntheticRowsExist as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(
            f"error: database unreachable ({exc}); set DATABASE_URL or run ./hromada db-start",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
