"""A dry run prints its plan: new rows, changed rows with old → new, refusals with reasons;
--plan-out writes every row to a CSV."""

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from addresses.models import Address
from addresses.services import address_import
from tests.addresses.test_imports import KATOTTG, write_csv

FIRST = [
    "вулиця,Шевченка,12,27422,1,R-1,32.7210,48.7905",
    "вулиця,Шевченка,14,27422,1,R-2,32.7212,48.7905",
]
SECOND = [
    "вулиця,Шевченка,12,27423,1,R-1,32.7210,48.79061",  # postcode, and ~12 m north
    "вулиця,Шевченка,14,27422,1,R-2,32.7212,48.7905",  # unchanged
    "вулиця,Шевченка,16,27422,1,R-3,32.7214,48.7905",  # new
]


@pytest.fixture
def register(settlement, tmp_path):
    address_import(
        path=write_csv(tmp_path, FIRST, name="first.csv"), settlement=KATOTTG, commit=True
    )


def test_a_dry_run_prints_new_and_changed_rows_with_old_and_new_values(register, tmp_path, capsys):
    call_command("addresses_import", str(write_csv(tmp_path, SECOND)), "--settlement", KATOTTG)
    out = capsys.readouterr().out
    assert "row 2\tchanged\tвул. Шевченка, 12\tpostcode: 27422 → 27423" in out
    assert "row 2\tchanged\tвул. Шевченка, 12\tlocation: moved 12 m to the north" in out
    assert "row 4\tnew\tвул. Шевченка, 16" in out
    assert "вул. Шевченка, 14" not in out  # unchanged rows are only counted
    assert Address.objects.get(registry_id="R-1").postcode == "27422"


def test_plan_out_writes_every_row_including_refusals(register, tmp_path):
    rows = [*SECOND, "вулиця,Шевченка,18-17,27422,1,R-4,32.7216,48.7905"]
    plan = tmp_path / "plan.csv"
    with pytest.raises(CommandError):
        call_command(
            "addresses_import", str(write_csv(tmp_path, rows)), "--settlement", KATOTTG,
            "--plan-out", str(plan),
        )  # fmt: skip
    with plan.open(encoding="utf-8-sig", newline="") as data:
        lines = list(csv.DictReader(data))
    outcomes = {(line["row"], line["outcome"], line["field"]) for line in lines}
    assert ("2", "changed", "postcode") in outcomes and ("2", "changed", "location") in outcomes
    assert ("3", "unchanged", "") in outcomes and ("4", "new", "") in outcomes
    refused = next(line for line in lines if line["outcome"] == "refused")
    assert (refused["row"], refused["field"]) == ("5", "house_number")
    assert "18-17" in refused["new"]
