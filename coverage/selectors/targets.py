"""The strategy targets beside the actual values of the snapshots of their years."""

from django.utils import timezone

from coverage.models import CoverageSnapshot, StrategyTarget


def _actual(indicator: str, year: int, snapshot: CoverageSnapshot | None, latest) -> float | None:
    if indicator == StrategyTarget.Indicator.APPEALS:
        appeals = (latest.results.get("appeals", {}) if latest else {}).get(str(year))
        return appeals["electronic_pct"] if appeals else None
    if snapshot is None:
        return None
    r = snapshot.results
    return {
        StrategyTarget.Indicator.TERRITORY: lambda: r["territory"]["groups"]["any"]["covered"][
            "area_pct"
        ],
        StrategyTarget.Indicator.VILLAGES: lambda: r["villages"]["connected_pct"],
        StrategyTarget.Indicator.PRIORITY_VILLAGES: lambda: r["villages"]["priority_connected"],
        StrategyTarget.Indicator.FACILITIES: lambda: r["territory"]["facilities"]["high_speed_pct"],
        StrategyTarget.Indicator.WIFI: lambda: r["wifi_zones"].get("new_since_2020"),
    }[indicator]()


def _snapshot_of_year(year: int, current: CoverageSnapshot | None) -> CoverageSnapshot | None:
    """The latest computation made for a date in `year`; the current one for this year.
    `current`, when given, is used instead of reading its (large) results again."""
    found_id = (
        CoverageSnapshot.objects.filter(as_of__year=year)
        .order_by("-as_of", "-computed_at")
        .values_list("id", flat=True)
        .first()
    )
    if found_id is None:
        return current if year == timezone.localdate().year else None
    if current is not None and found_id == current.pk:
        return current
    return CoverageSnapshot.objects.get(pk=found_id)


def _met(actual: float | None, target: float, comparison: str) -> bool | None:
    if actual is None:
        return None
    return actual > target if comparison == "gt" else actual >= target - 1e-9


def targets_table(*, current: CoverageSnapshot | None = None) -> list[dict]:
    """Return each strategy target beside the actual value of its year's snapshot.
    `current`: the current snapshot if the caller has already read it."""
    latest = current or CoverageSnapshot.objects.filter(is_current=True).first()
    rows = []
    of_year: dict[int, CoverageSnapshot | None] = {}  # each year's snapshot read once
    for target in StrategyTarget.objects.all():
        if target.year not in of_year:
            of_year[target.year] = _snapshot_of_year(target.year, latest)
        snapshot = of_year[target.year]
        actual = _actual(target.indicator, target.year, snapshot, latest)
        rows.append(
            {
                "indicator": target.indicator,
                "label": str(target.get_indicator_display()),
                "year": target.year,
                "target": target.target,
                "comparison": target.comparison,
                "actual": actual,
                "met": _met(actual, target.target, target.comparison),
                "as_of": snapshot.as_of.isoformat() if snapshot else None,
                "note": target.note,
            }
        )
    return rows


def progress_series(*, current: CoverageSnapshot | None = None) -> tuple[dict, dict]:
    """Return ({indicator: [(year, value)]}, {indicator: [(year, target)]}) for the chart:
    the percent indicators of the latest snapshot of each year, and their targets.
    `current`: the current snapshot if the caller has already read it."""
    latest_of_year: dict[int, int] = {}
    for pk, as_of in CoverageSnapshot.objects.order_by("as_of", "computed_at").values_list(
        "id", "as_of"
    ):
        latest_of_year[as_of.year] = pk
    wanted = [pk for pk in latest_of_year.values() if current is None or pk != current.pk]
    loaded = {s.pk: s for s in CoverageSnapshot.objects.filter(pk__in=wanted)}
    if current is not None:
        loaded[current.pk] = current
    by_year = {year: loaded[pk] for year, pk in latest_of_year.items()}
    percent = [
        StrategyTarget.Indicator.TERRITORY,
        StrategyTarget.Indicator.VILLAGES,
        StrategyTarget.Indicator.FACILITIES,
    ]
    series = {
        str(StrategyTarget.Indicator(i).label): [
            (year, _actual(i, year, s, None)) for year, s in sorted(by_year.items())
        ]
        for i in percent
    }
    targets = {
        str(StrategyTarget.Indicator(i).label): list(
            StrategyTarget.objects.filter(indicator=i).values_list("year", "target")
        )
        for i in percent
    }
    return series, targets
