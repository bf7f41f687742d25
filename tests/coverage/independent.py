"""A second, independent implementation of the coverage shares with geopandas/shapely.

It reads the same rows back from the database as plain WKT and numbers, and computes
everything in Python: no PostGIS function and no code of the coverage app is used.
"""

from datetime import date

import geopandas as gpd
import shapely

METRIC = 6385
GROUPS = {
    "fixed": {"fibre", "dsl", "cable", "fixed_wireless"},
    "fibre": {"fibre"},
    "mobile": {"4g", "5g"},
    "wifi": {"wifi"},
    "any": {"fibre", "dsl", "cable", "fixed_wireless", "3g", "4g", "5g", "wifi"},
}


def level(down, up):
    if down >= 100 and up >= 20:
        return 2
    return 1 if down >= 25 and up >= 3 else 0


def _frame(rows, geometry):
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries.from_wkt(geometry, crs=4326))


def load(as_of: date):
    """Read territory, villages, valid coverage, addresses and facilities from the DB."""
    from addresses.models import Address
    from coverage.models import CoverageArea
    from layers.models import Facility, Settlement, Territory

    territory = Territory.objects.get()
    areas = [
        a
        for a in CoverageArea.objects.all()
        if (a.valid_from is None or a.valid_from <= as_of)
        and (a.valid_to is None or a.valid_to >= as_of)
    ]
    cov = _frame(
        [{"tech": a.technology, "level": level(a.down_mbps, a.up_mbps)} for a in areas],
        [a.area.wkt for a in areas],
    )
    villages = list(Settlement.objects.filter(territory=territory))
    vil = _frame(
        [{"id": v.id, "katottg": v.katottg, "households": v.households} for v in villages],
        [v.boundary.wkt for v in villages],
    )
    addrs = list(Address.objects.filter(status="active", location__isnull=False))
    adr = _frame(
        [{"settlement": a.settlement_id, "households": a.households} for a in addrs],
        [a.location.wkt for a in addrs],
    )
    facs = list(Facility.objects.all())
    fac = _frame([{"settlement": f.settlement_id} for f in facs], [f.location.wkt for f in facs])
    ter = gpd.GeoSeries.from_wkt([territory.boundary.wkt], crs=4326)
    return ter, vil, cov, adr, fac


def union_of(cov, group, min_level, crs=None):
    sel = cov[cov["tech"].isin(GROUPS[group]) & (cov["level"] >= min_level)]
    geoms = sel.geometry if crs is None else sel.geometry.to_crs(crs)
    return shapely.union_all(list(geoms)) if len(geoms) else shapely.Polygon()


def shares(as_of: date) -> dict:
    """Return {(entity, group, level, measure): percent} with entity "territory" or a code.

    Levels are cumulative: 2 served, 1 at least underserved, 0 any coverage.
    """
    ter, vil, cov, adr, fac = load(as_of)
    ter_m = ter.to_crs(METRIC).iloc[0]
    vil_m = vil.to_crs(METRIC)
    out = {}
    for group in GROUPS:
        for lv in (0, 1, 2):
            u_m = union_of(cov, group, lv, METRIC)
            u_ll = union_of(cov, group, lv)
            out[("territory", group, lv, "area")] = 100 * u_m.intersection(ter_m).area / ter_m.area
            inside_a = adr.geometry.intersects(u_ll)
            inside_f = fac.geometry.intersects(u_ll)
            hh_cov, hh_tot = 0.0, 0.0
            for _, v in vil_m.iterrows():
                code = v["katottg"]
                pct = 100 * u_m.intersection(v.geometry).area / v.geometry.area
                out[(code, group, lv, "area")] = pct
                mine = adr["settlement"] == v["id"]
                if mine.any():
                    total = adr.loc[mine, "households"].sum()
                    covered = adr.loc[mine & inside_a, "households"].sum()
                    out[(code, group, lv, "addresses")] = 100 * (mine & inside_a).sum() / mine.sum()
                else:
                    total = v["households"] or 0
                    covered = total * pct / 100
                if total:
                    out[(code, group, lv, "households")] = 100 * covered / total
                hh_cov, hh_tot = hh_cov + covered, hh_tot + total
                fmine = fac["settlement"] == v["id"]
                if fmine.any():
                    out[(code, group, lv, "facilities")] = (
                        100 * (fmine & inside_f).sum() / fmine.sum()
                    )
            out[("territory", group, lv, "households")] = 100 * hh_cov / hh_tot
            if len(adr):
                out[("territory", group, lv, "addresses")] = 100 * inside_a.sum() / len(adr)
            out[("territory", group, lv, "facilities")] = 100 * inside_f.sum() / len(fac)
    return out
