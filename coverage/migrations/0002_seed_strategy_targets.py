"""Seed the targets of the community's 2020–2022 IT strategy (council decision No. 813 of
2020-06-03), as summarised in ../shared/reference/dmytrivska.json."""

from django.db import migrations

SOURCE = "IT development strategy of the Dmytrivka community, decision No. 813 of 2020-06-03"
# (indicator, year, target, comparison, note)
TARGETS = [
    ("territory_coverage_pct", 2022, 100, "gte", "100% of the territory by 2022"),
    ("villages_connected_pct", 2021, 100, "gte", "settlements assessed (2020), connected"),
    ("villages_connected_pct", 2022, 100, "gte", "every settlement connected"),
    ("priority_villages_connected", 2022, 2, "gte", "Makarykha and Tsybuleve, 2020–2022"),
    ("facilities_high_speed_pct", 2022, 80, "gt", "more than 80% of municipal facilities"),
    ("new_wifi_zones", 2020, 1, "gte", "one new zone a year, sites chosen after a survey"),
    ("new_wifi_zones", 2021, 2, "gte", "one new zone a year, sites chosen after a survey"),
    ("new_wifi_zones", 2022, 3, "gte", "three new zones by 2022"),
    ("e_appeals_pct", 2020, 5, "gte", "5% in 2020"),
    ("e_appeals_pct", 2021, 30, "gte", "10% during 2021, 30% by the end of 2021"),
    ("e_appeals_pct", 2022, 50, "gte", "50% in 2022"),
]


def seed(apps, schema_editor):
    StrategyTarget = apps.get_model("coverage", "StrategyTarget")
    for indicator, year, target, comparison, note in TARGETS:
        StrategyTarget.objects.update_or_create(
            indicator=indicator,
            year=year,
            defaults={"target": target, "comparison": comparison, "note": note, "source": SOURCE},
        )


def unseed(apps, schema_editor):
    StrategyTarget = apps.get_model("coverage", "StrategyTarget")
    for indicator, year, *_ in TARGETS:
        StrategyTarget.objects.filter(indicator=indicator, year=year, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
