"""Read step: a CSV, GeoJSON, GeoPackage or Shapefile (.shp, .zip or folder) into a Table.

Geometries come out in EPSG:4326 (reprojected from the file's CRS; none: EPSG:4326
assumed, with a note). Text encodings are detected (UTF-8 first, then cp1251, the usual
encoding of Ukrainian GIS files) for CSV and for a Shapefile without `.cpg`, and noted.
geopandas/pyogrio are imported here, inside the functions, never at start-up.
"""

import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from core.imports.encoding import dbf_sample
from core.imports.kinds import Kind
from core.imports.report import Issue

CSV_SUFFIXES = frozenset({".csv", ".txt"})


@dataclass
class Table:
    """A file's rows: cells by lower-cased column, geometries (shapely, EPSG:4326 or None).

    `header` leaves out a CSV's coordinate columns; `issues` are rows that could not be
    read (such a row is either absent from `records` or has no geometry); `total` counts
    every data row, malformed ones included.
    """

    header: list[str]
    records: list[dict]
    rows: list[int]
    geometries: list
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0
    has_coordinates: bool = True
    xy: list | None = None  # a lon/lat CSV's points, before any shapely geometry is made

    def shapes(self) -> list:
        """Return the geometries, making a lon/lat CSV's points (vectorised) on first use."""
        if self.geometries is None:
            import numpy as np
            import shapely

            present = [i for i, point in enumerate(self.xy) if point is not None]
            self.geometries = [None] * len(self.xy)
            if not present:
                return self.geometries
            points = shapely.points(np.array([self.xy[i] for i in present], dtype=float))
            for i, point in zip(present, np.atleast_1d(points).tolist(), strict=True):
                self.geometries[i] = point
        return self.geometries

    def points(self) -> list[tuple[float, float] | None]:
        """Return (lon, lat) of each point geometry, None for other or no geometry."""
        import numpy as np
        import shapely

        if self.xy is not None:
            return self.xy
        geoms = np.array(self.geometries, dtype=object)
        is_point = shapely.get_type_id(geoms) == 0
        xs, ys = shapely.get_x(geoms), shapely.get_y(geoms)
        return [
            (float(x), float(y)) if point else None
            for point, x, y in zip(is_point.tolist(), xs.tolist(), ys.tolist(), strict=True)
        ]


def read_table(
    path: Path, kind: Kind, *, srid: int | None = None, encoding: str | None = None
) -> Table:
    """Read a file for `kind`; InvalidInput (the kind's words) when it cannot be read.

    `srid`: the CRS of a CSV's coordinates (default EPSG:4326); geo files carry theirs.
    `encoding`: of a CSV or of a Shapefile without .cpg (default: detected).
    """
    from core.imports.read_csv import read_csv

    path = Path(path)
    if not path.exists():
        raise kind.refuse("no_file", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise kind.refuse("empty", name=path.name)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path, kind, srid=srid, encoding=encoding)
    if kind.geo_suffixes is not None and not (path.is_dir() or suffix in kind.geo_suffixes):
        known = ", ".join(sorted(CSV_SUFFIXES | kind.geo_suffixes))
        raise kind.refuse("unknown_format", name=path.name, known=known)
    return read_geo(path, kind, encoding=encoding)


def read_geo(path: Path, kind: Kind, *, encoding: str | None = None) -> Table:
    """Read a GDAL vector source. A Shapefile without .cpg is read in `encoding`, else in
    the encoding detected from its .dbf (noted unless UTF-8); refused when its text reads
    as nothing plausible."""
    notes: list[str] = []
    if dbf := _dbf_without_cpg(path):
        from core.imports.read_csv import decoded_text

        sample = encoding_sample(dbf)
        chosen = decoded_text(sample, kind, notes, name=path.name, encoding=encoding).encoding
        frame, caught = _read_frame(path, kind, encoding=chosen.removesuffix("-sig"))
    else:
        frame, caught = _read_frame(path, kind)
    notes += [kind.say("reader_warning", warning=text) for text in caught]
    frame = _to_wgs84(frame, kind, notes)
    cells = frame.drop(columns=frame.geometry.name)
    cells.columns = [str(name).strip().lower() for name in cells.columns]
    records = cells.to_dict("records")
    if kind.text_cells:
        records = [{key: as_text(value) for key, value in r.items()} for r in records]
    rows = list(range(1, len(records) + 1))
    notes = [note for note in notes if note is not None]
    geometries = list(frame.geometry)
    return Table(list(cells.columns), records, rows, geometries, notes=notes, total=len(rows))


def _read_frame(path: Path, kind: Kind, **options):
    """Return (GeoDataFrame, pyogrio's warnings as text); InvalidInput when unreadable."""
    import geopandas as gpd

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = gpd.read_file(path, engine="pyogrio", **options)
    except UnicodeDecodeError:
        raise
    except Exception as exc:  # noqa: BLE001 — GDAL raises many kinds; all mean "unreadable"
        raise kind.refuse("unreadable", name=path.name, error=exc) from exc
    return frame, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def _to_wgs84(frame, kind: Kind, notes: list):
    if frame.crs is None:
        notes.append(kind.say("no_crs"))
        return frame.set_crs(4326)
    if frame.crs.equals("EPSG:4326", ignore_axis_order=True):
        return frame
    notes.append(kind.say("reprojected", crs=frame.crs.to_string(), crs_name=frame.crs.name))
    return frame.to_crs(4326)


def _dbf_without_cpg(path: Path) -> bytes | None:
    """Return the .dbf bytes of a Shapefile (.shp, folder or .zip) that names no encoding
    (no .cpg); None for anything else."""
    if path.is_dir():
        files = {p.name: p for p in path.iterdir()}
        read = lambda name: files[name].read_bytes()  # noqa: E731
    elif path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                files = {
                    name: archive.read(name)
                    for name in archive.namelist()
                    if Path(name).suffix.lower() in {".dbf", ".shp", ".cpg"}
                }
        except zipfile.BadZipFile:
            return None
        read = files.get
    elif path.suffix.lower() == ".shp":
        files = {p.name: p for p in path.parent.glob(f"{path.stem}.*")}
        read = lambda name: files[name].read_bytes()  # noqa: E731
    else:
        return None
    suffixes = {Path(name).suffix.lower(): name for name in files}
    if ".shp" not in suffixes or ".cpg" in suffixes or ".dbf" not in suffixes:
        return None
    return read(suffixes[".dbf"])


def encoding_sample(dbf: bytes) -> bytes:
    """Return the text of a .dbf (field names and records) for encoding detection."""
    return dbf_sample(dbf).replace(b"\x00", b" ")


def as_text(value) -> str:
    """Return a cell as text: "" for None/NaN, whole floats without ".0"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
