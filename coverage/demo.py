"""Demo coverage of the Dmytrivska community that reproduces its IT strategy's 2020 baseline.

The strategy (decision No. 813 of 2020-06-03) says: fixed providers ProstoNet, Укртелеком
and a third; four mobile operators with internet; 4G in the community's centre; about 80%
of residents could get fibre; high-speed internet covered about 25% of the territory.
Everything below is invented to match those figures (every row is `is_demo`):

* fibre (ProstoNet) over Dmytrivka, Ivankivtsi, Ploske and Hostynne — 2,088 of the 2,644
  households of the demo villages, 79%; Укртелеком's FTTB overlaps it in Dmytrivka;
* ProstoNet's fixed wireless at 100/20 Mbit/s within 6.45 km of Dmytrivka, which brings
  served ("high-speed") coverage to about 25% of the territory's area;
* Укртелеком's DSL (20/1 Mbit/s, below broadband) in Dolyna and Kalynivka;
* 4G (Київстар, Vodafone) around the centre, 3G (lifecell, Інтертелеком) elsewhere;
* no fixed coverage at all in Makarykha and Tsybuleve (the strategy's priority villages);
* two Free Wi-Fi hotspots, opened in 2021 and 2022.

Snapshots are computed for the end of 2020, 2021 and 2022 (the strategy's years) and for
today, which becomes current.
"""

from datetime import date

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from coverage.models import CoverageArea, CoverageSnapshot, Provider
from coverage.services import coverage_compute, hotspot_save
from layers.models import Facility, Settlement

BASELINE = date(2019, 1, 1)
HISTORY = (date(2020, 12, 31), date(2021, 12, 31), date(2022, 12, 31))

PROVIDERS = [
    ("ProstoNet", "fixed"),
    ("Укртелеком", "fixed"),
    ("Київстар", "mobile"),
    ("Vodafone Україна", "mobile"),
    ("lifecell", "mobile"),
    ("Інтертелеком", "mobile"),
    ("Дмитрівська громада Free Wi-Fi", "community_wifi"),
]

DMYTRIVKA = "UA35040090010099441"
IVANKIVTSI = "UA35040090070055543"
PLOSKE = "UA35040090110088346"
HOSTYNNE = "UA35040090040069852"
DOLYNA = "UA35040090050039499"
KALYNIVKA = "UA35040090080020468"
# The villages the 3G discs are centred on (the others lie within reach of these or of 4G).
THREE_G_VILLAGES = ("UA35040090090035423", "UA35040090130084929", "UA35040090020022800")
FOUR_G_EXTRA = ("UA35040090140010509", "UA35040090100016721")

# (key, provider, technology, down, up, shape, villages, metres, valid_from)
# shape "village": the village boundary buffered by `metres`; "disc": a disc of `metres`
# around the village's centre.
AREAS = [
    ("fibre-dmytrivka", "ProstoNet", "fibre", 300, 100, "village", [DMYTRIVKA], 100, BASELINE),
    (
        "fibre-villages",
        "ProstoNet",
        "fibre",
        100,
        50,
        "village",
        [IVANKIVTSI, PLOSKE],
        100,
        BASELINE,
    ),
    ("fttb-centre", "Укртелеком", "fibre", 100, 100, "disc", [DMYTRIVKA], 1500, BASELINE),
    ("fttb-hostynne", "Укртелеком", "fibre", 100, 100, "village", [HOSTYNNE], 100, BASELINE),
    ("radio-centre", "ProstoNet", "fixed_wireless", 100, 20, "disc", [DMYTRIVKA], 6450, BASELINE),
    ("dsl", "Укртелеком", "dsl", 20, 1, "village", [DOLYNA, KALYNIVKA], 50, BASELINE),
    ("4g-centre", "Київстар", "4g", 40, 10, "disc", [DMYTRIVKA], 9000, BASELINE),
    ("4g-centre", "Vodafone Україна", "4g", 30, 8, "disc", [DMYTRIVKA], 7000, BASELINE),
    (
        "4g-south",
        "Vodafone Україна",
        "4g",
        30,
        8,
        "disc",
        list(FOUR_G_EXTRA),
        3000,
        date(2021, 7, 1),
    ),
    ("3g", "lifecell", "3g", 5, 1, "disc", list(THREE_G_VILLAGES), 6000, BASELINE),
    ("3g", "Інтертелеком", "3g", 3, 1, "disc", [DOLYNA, KALYNIVKA], 5000, BASELINE),
]

# (name, provider, facility name, radius m, opened on)
HOTSPOTS = [
    (
        "Free Wi-Fi: площа Перемоги",
        "Дмитрівська громада Free Wi-Fi",
        "Дмитрівська сільська рада",
        100,
        date(2021, 8, 24),
    ),
    (
        "Free Wi-Fi: Іванківці, школа",
        "Дмитрівська громада Free Wi-Fi",
        "Іванковецька філія Дмитрівського ліцею",
        80,
        date(2022, 6, 1),
    ),
]


def _shape(shape: str, codes: list[str], metres: float) -> GEOSGeometry:
    """Return the union of the villages' buffers or discs as an EPSG:4326 MultiPolygon."""
    geometry = (
        "ST_Transform(boundary, %(srid)s)"
        if shape == "village"
        else ("ST_Transform(COALESCE(ST_Centroid(boundary), centre), %(srid)s)")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT ST_AsEWKB(ST_Multi(ST_Transform(ST_Union(
                    ST_Buffer({geometry}, %(m)s, 16)), 4326)))
                FROM layers_settlement WHERE katottg = ANY(%(codes)s)""",
            {"srid": settings.METRIC_SRID, "m": metres, "codes": codes},
        )
        value = cursor.fetchone()[0]
    if value is None:
        raise RuntimeError(f"demo coverage: villages {codes} are not loaded")
    return GEOSGeometry(memoryview(bytes(value)))


def _areas(providers: dict[str, Provider]) -> int:
    for key, provider, tech, down, up, shape, codes, metres, valid_from in AREAS:
        CoverageArea.objects.update_or_create(
            provider=providers[provider],
            technology=tech,
            note=f"demo: {key}",
            defaults={
                "down_mbps": down,
                "up_mbps": up,
                "source": CoverageArea.Source.PROVIDER_MAP,
                "valid_from": valid_from,
                "area": _shape(shape, codes, metres),
                "is_demo": True,
            },
        )
    return len(AREAS)


def _hotspots() -> int:
    for name, provider, facility_name, radius_m, opened_on in HOTSPOTS:
        facility = Facility.objects.get(name=facility_name)
        hotspot_save(
            name=name,
            provider=provider,
            location=facility.location,
            radius_m=radius_m,
            facility_id=facility.pk,
            opened_on=opened_on,
            is_demo=True,
        )
    return len(HOTSPOTS)


def _snapshots(log) -> CoverageSnapshot:
    today = timezone.localdate()
    CoverageSnapshot.objects.filter(as_of__in=[*HISTORY, today]).delete()
    for as_of in HISTORY:
        coverage_compute(as_of=as_of)
    snapshot = coverage_compute(as_of=today)
    log(f"coverage: snapshots for {', '.join(str(d) for d in HISTORY)} and {today}")
    return snapshot


@transaction.atomic
def load(log) -> None:
    """Load the demo providers, coverage areas and hotspots, then compute snapshots."""
    if not Settlement.objects.filter(katottg=DMYTRIVKA).exists():
        log("coverage: the villages are not loaded; skipped")
        return
    providers = {}
    for name, kind in PROVIDERS:
        providers[name], _ = Provider.objects.update_or_create(
            name=name, defaults={"kind": kind, "is_demo": True}
        )
    n_areas, n_hotspots = _areas(providers), _hotspots()
    log(f"coverage: {len(providers)} providers, {n_areas} areas, {n_hotspots} hotspots")
    snapshot = _snapshots(log)
    territory = snapshot.results["territory"]["groups"]
    log(
        "coverage: fibre reaches {:.0f}% of households; served coverage {:.0f}% of the area".format(
            territory["fibre"]["covered"]["households_pct"] or 0,
            territory["any"]["served"]["area_pct"] or 0,
        )
    )
