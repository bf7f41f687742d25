"""The system check that guards the geospatial stack's versions."""

import pytest
from django.core.management import call_command

from core.checks import too_old, version_tuple


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.11.1-CAPI-1.17.1", (3, 11, 1)),
        ("15.18 (Debian 15.18-0+deb12u1)", (15, 18)),
        ("3.3.2", (3, 3, 2)),
    ],
)
def test_version_strings_parse_to_tuples(text, expected):
    assert version_tuple(text) == expected


def test_an_old_geos_is_an_error_and_a_current_one_is_not():
    assert too_old("GEOS", "3.8.0") is not None
    assert too_old("GEOS", "3.11.1-CAPI-1.17.1") is None


@pytest.mark.django_db
def test_check_passes_against_the_real_database(capsys):
    call_command("check", databases=["default"])
    assert "no issues" in capsys.readouterr().out
