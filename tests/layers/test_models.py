"""Model rules of the base layers."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from layers.models import Facility, Settlement

pytestmark = pytest.mark.django_db


def test_settlement_katottg_is_unique(settlement):
    with pytest.raises(IntegrityError):
        Settlement.objects.create(
            katottg=settlement.katottg,
            name_uk="Двійник",
            centre=Point(32.7, 48.8, srid=4326),
            territory=settlement.territory,
        )


def test_settlement_rejects_a_malformed_katottg(territory):
    village = Settlement(
        katottg="UA35-0400", name_uk="Село", centre=Point(32.7, 48.8), territory=territory
    )
    with pytest.raises(ValidationError) as excinfo:
        village.full_clean()
    assert "katottg" in excinfo.value.message_dict


def test_facility_name_is_unique_within_its_settlement(facility):
    with pytest.raises(IntegrityError):
        Facility.objects.create(
            kind="library",
            name=facility.name,
            settlement=facility.settlement,
            location=Point(32.72, 48.79, srid=4326),
        )


def test_settlement_area_is_measured_in_the_metric_crs(settlement):
    village = Settlement.objects.with_area_m2().get(pk=settlement.pk)
    # ±0.02° square at 48.79°N ≈ 2.94 km × 4.45 km.
    assert 12.5e6 < village.area_m2.sq_m < 13.7e6


def test_storage_is_wgs84_everywhere(settlement, facility):
    assert settlement.boundary.srid == settlement.centre.srid == facility.location.srid == 4326
