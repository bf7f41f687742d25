"""Reads of the planners' page: the strategy indicators as cards, the connection plan and
one village's figures, all from the current snapshot (distances in METRIC_SRID, km)."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.names import local_name
from coverage.compute import GAP_CHOICES, LEVELS
from coverage.compute.results import share_pct
from coverage.models import CoverageSnapshot, StrategyTarget
from layers.models import Facility

# The social facilities the state's subvention counts (schools, clinics, libraries, ЦНАП).
SOCIAL_KINDS = ("school", "medical", "library", "cnap")
Indicator = StrategyTarget.Indicator
COUNT_INDICATORS = (Indicator.WIFI, Indicator.PRIORITY_VILLAGES)


def _appeals_now(results: dict) -> tuple[float | None, int | None, dict]:
    """The electronic share of the latest year with reports: (percent, year, that year)."""
    appeals = results.get("appeals") or {}
    if not appeals:
        return None, None, {}
    year = max(appeals, key=int)
    return appeals[year]["electronic_pct"], int(year), appeals[year]


def _actual_now(indicator: str, results: dict) -> float | None:
    r = results
    return {
        Indicator.TERRITORY: lambda: r["territory"]["groups"]["any"]["covered"]["area_pct"],
        Indicator.VILLAGES: lambda: r["villages"]["connected_pct"],
        Indicator.PRIORITY_VILLAGES: lambda: r["villages"]["priority_connected"],
        Indicator.FACILITIES: lambda: r["territory"]["facilities"]["high_speed_pct"],
        Indicator.WIFI: lambda: r["wifi_zones"].get("new_since_2020"),
        Indicator.APPEALS: lambda: _appeals_now(r)[0],
    }[indicator]()


def _met(actual, target: float, comparison: str) -> bool | None:
    if actual is None:
        return None
    return actual > target if comparison == "gt" else actual >= target - 1e-9


def indicator_cards(snapshot: CoverageSnapshot, targets: list[dict]) -> list[dict]:
    """One card per strategy indicator: its final target and year, the value now, met or not,
    and the yearly targets beside the values of their years (`targets`: targets_table())."""
    results = snapshot.results
    by_indicator: dict[str, list[dict]] = {}
    for row in targets:
        by_indicator.setdefault(row["indicator"], []).append(row)
    cards = []
    for indicator, label in Indicator.choices:
        rows = sorted(by_indicator.get(indicator, []), key=lambda r: r["year"])
        final = rows[-1] if rows else None
        actual = _actual_now(indicator, results)
        card = {
            "indicator": indicator,
            "label": str(label),
            "unit": "" if indicator in COUNT_INDICATORS else "%",
            "actual": actual,
            "actual_year": snapshot.as_of.year,
            "target": final["target"] if final else None,
            "comparison": final["comparison"] if final else "gte",
            "year": final["year"] if final else None,
            "met": _met(actual, final["target"], final["comparison"]) if final else None,
            "history": rows,
        }
        if indicator == Indicator.APPEALS:
            _, year, counts = _appeals_now(results)
            card["actual_year"] = year or snapshot.as_of.year
            card["counts"] = counts
        cards.append(card)
    return cards


def _social_by_village() -> dict[int, dict]:
    """{village id: social facilities, and those not on high-speed internet}."""
    sd, su = settings.COVERAGE_SERVED_MBPS
    fast = Q(internet="connected", down_mbps__gte=sd, up_mbps__gte=su)
    rows = (
        Facility.objects.filter(kind__in=SOCIAL_KINDS)
        .values("settlement_id")
        .annotate(total=Count("id"), fast=Count("id", filter=fast))
    )
    return {
        r["settlement_id"]: {"total": r["total"], "missing": r["total"] - r["fast"]} for r in rows
    }


def _metric_shapes(ids: list[int]) -> tuple[list[int], list]:
    """(ids, shapely geometries in METRIC_SRID) of villages: boundary, else centre."""
    import shapely

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, ST_AsBinary(ST_Transform(COALESCE(boundary, centre), %(srid)s))
               FROM layers_settlement WHERE id = ANY(%(ids)s)""",
            {"ids": ids, "srid": settings.METRIC_SRID},
        )
        rows = cursor.fetchall()
    return [r[0] for r in rows], list(shapely.from_wkb([bytes(r[1]) for r in rows]))


# {(village ids, served ids): distances}: the same snapshot asks the same question.
_DISTANCES: dict[tuple, dict[int, float]] = {}


def _distances_km(ids: list[int], served_ids: list[int]) -> dict[int, float]:
    """{village id: km from its boundary (else centre) to the nearest served village},
    measured in METRIC_SRID (an STRtree of the served villages: one read, no pair loop).
    Remembered per process for the same villages (boundaries change rarely, and a new
    snapshot brings new served villages)."""
    if not ids or not served_ids:
        return {}
    key = (tuple(ids), tuple(served_ids))
    if key not in _DISTANCES:
        _DISTANCES.clear()
        _DISTANCES[key] = _nearest_km(ids, served_ids)
    return _DISTANCES[key]


def _nearest_km(ids: list[int], served_ids: list[int]) -> dict[int, float]:
    import shapely

    todo_ids, todo = _metric_shapes(ids)
    served_ids, served = _metric_shapes(served_ids)
    tree = shapely.STRtree(served)
    (which, _), metres = tree.query_nearest(todo, return_distance=True, all_matches=False)
    return {todo_ids[i]: float(m) / 1000.0 for i, m in zip(which, metres, strict=True)}


def _plan_row(s: dict, social: dict, km: float | None) -> dict:
    return {
        "id": s["id"],
        "katottg": s["katottg"],
        "name_uk": s["name_uk"],
        "name_en": s["name_en"],
        "households": s["households_total"] or 0.0,
        "households_unserved": round(s.get("households_unserved_fixed") or 0.0, 1),
        "social_total": social.get("total", 0),
        "social_missing": social.get("missing", 0),
        "distance_km": None if km is None else round(km, 1),
    }


def connection_plan(results: dict) -> dict:
    """Rank the villages not yet connected by what connecting them brings.

    Order: households without served fixed broadband, then social facilities (schools,
    clinics, libraries, ЦНАП) not on high-speed internet, then the nearest to a served
    village first. Each row carries the villages-connected share and the households-served
    share reached once it and every row above it are connected; `reach_target` is the
    first row at which the strategy's villages target is met (None if never).
    """
    villages = results["settlements"]
    served_ids = [s["id"] for s in villages if s["connected"]]
    todo = [s for s in villages if not s["connected"]]
    social = _social_by_village()
    km = _distances_km([s["id"] for s in todo], served_ids)
    rows = [_plan_row(s, social.get(s["id"], {}), km.get(s["id"])) for s in todo]
    rows.sort(
        key=lambda r: (
            -r["households_unserved"],
            -r["social_missing"],
            r["distance_km"] if r["distance_km"] is not None else 1e9,
            r["name_uk"],
        )
    )
    return _cumulate(rows, villages, results)


def _cumulate(rows: list[dict], villages: list[dict], results: dict) -> dict:
    households_total = results["territory"].get("households_total") or 0.0
    served = results["territory"]["groups"]["fixed"]["served"].get("households") or 0.0
    connected = results["villages"]["connected"]
    target = StrategyTarget.objects.filter(indicator=Indicator.VILLAGES).order_by("-year").first()
    reach = None
    for rank, row in enumerate(rows, start=1):
        connected += 1
        served += row["households_unserved"]
        row["rank"] = rank
        row["villages_connected_pct"] = share_pct(connected, len(villages))
        row["households_served_pct"] = share_pct(served, households_total)
        if reach is None and target and _met(row["villages_connected_pct"], target.target, "gte"):
            reach = rank
    return {
        "rows": rows,
        "reach_target": reach,
        "target": target.target if target else None,
        "target_year": target.year if target else None,
        "villages_connected_pct": results["villages"]["connected_pct"],
    }


def plan_headers() -> list[str]:
    """The connection plan's column titles in the active language."""
    return [
        "№",
        _("Village"),
        _("KATOTTG code"),
        _("Households"),
        _("Households without fixed broadband"),
        _("Social facilities not on high-speed internet"),
        _("Social facilities"),
        _("Distance to the nearest served village, km"),
        _("Villages connected after this one, %"),
        _("Households served after this one, %"),
    ]


def plan_table(plan: dict, *, english: bool) -> list[list]:
    """The connection plan's rows as cells, in the order of plan_headers()."""
    return [
        [
            r["rank"],
            local_name(r, "en" if english else "uk"),
            r["katottg"],
            round(r["households"]),
            round(r["households_unserved"]),
            r["social_missing"],
            r["social_total"],
            r["distance_km"],
            round(r["villages_connected_pct"], 1),
            round(r["households_served_pct"], 1)
            if r["households_served_pct"] is not None
            else None,
        ]
        for r in plan["rows"]
    ]


def village_detail(results: dict, katottg: str) -> dict | None:
    """One village's figures of the snapshot, its facilities and its open challenges."""
    from coverage.models import CoverageChallenge

    village = next((s for s in results["settlements"] if s["katottg"] == katottg), None)
    if village is None:
        return None
    facilities = list(
        Facility.objects.filter(settlement_id=village["id"])
        .order_by("kind", "name")
        .values("name", "kind", "internet", "technology", "down_mbps", "up_mbps")
    )
    sd, su = settings.COVERAGE_SERVED_MBPS
    for f in facilities:
        f["high_speed"] = (
            f["internet"] == "connected"
            and (f["down_mbps"] or 0) >= sd
            and (f["up_mbps"] or 0) >= su
        )
        f["kind_label"] = str(dict(Facility.Kind.choices).get(f["kind"], f["kind"]))
    challenges = list(
        CoverageChallenge.objects.filter(settlement_id=village["id"], status="pending")
        .select_related("report")
        .order_by("-report__created_at")
        .values("report__number", "status")
    )
    return {**village, "facility_rows": facilities, "challenges": challenges}


def gap_labels() -> dict[str, str]:
    """{"group-tier": what is missing there, in the active language} of compute.GAP_CHOICES."""
    sd, su = settings.COVERAGE_SERVED_MBPS
    ud, uu = settings.COVERAGE_UNDERSERVED_MBPS
    return {
        "any-served": _("below %(down)s/%(up)s Mbit/s") % {"down": sd, "up": su},
        "any-underserved": _("below %(down)s/%(up)s Mbit/s") % {"down": ud, "up": uu},
        "any-covered": _("no internet at all"),
        "fixed-covered": _("no fixed broadband"),
        "fixed-served": _("no fixed broadband of %(down)s/%(up)s Mbit/s") % {"down": sd, "up": su},
        "mobile-covered": _("no mobile 4G/5G"),
        "fibre-covered": _("no fibre"),
    }


def _missing(groups: dict, group: str, tier: str, measure: str, total) -> float | None:
    """How much of `measure` lacks coverage of `group` at the tier's level (total minus the
    cumulative covered amount: served; served + underserved; any coverage)."""
    if total is None:
        return None
    tiers = groups[group]
    covered = {
        2: lambda: tiers["served"][measure],
        1: lambda: tiers["served"][measure] + tiers["underserved"][measure],
        0: lambda: tiers["covered"][measure],
    }[LEVELS[tier]]()
    return max(total - (covered or 0.0), 0.0)


def gap_choices(results: dict) -> list[dict]:
    """The gaps a planner switches between, with what each leaves out: km² of the territory
    (METRIC_SRID), addresses, households and people (None without a population raster)."""
    groups, labels = results["territory"]["groups"], gap_labels()
    # A measure's total is served + underserved + unserved (tier_split); None when unknown.
    any_ = groups["any"]
    totals = {
        m: None
        if any_["unserved"].get(m) is None
        else sum(any_[t][m] for t in ("served", "underserved", "unserved"))
        for m in ("area_m2", "addresses", "households", "population")
    }
    out = []
    for group, tier in GAP_CHOICES:
        key = f"{group}-{tier}"
        amounts = {m: _missing(groups, group, tier, m, t) for m, t in totals.items()}
        area_m2 = amounts.pop("area_m2")
        out.append(
            {
                "key": key,
                "group": group,
                "tier": tier,
                "label": labels[key],
                "area_km2": None if area_m2 is None else area_m2 / 1e6,
                **amounts,
            }
        )
    return out
