"""No lost edits on the other staff-edited layers (issue 21): territory, settlements,
facilities, providers, coverage areas and Wi-Fi hotspots carry a version (core.locking),
so the later of two saves from the same reading is refused, in the model and the admin."""

import pytest
from django.contrib.gis.geos import Point
from django.db import transaction
from django.urls import reverse

from core.locking import StaleEdit
from coverage.models import CoverageArea, Provider, WifiHotspot
from coverage.services import hotspot_save
from layers.models import Facility, Settlement, Territory


@pytest.fixture
def records(territory, settlement, facility):
    """One saved row of each versioned layer model, with a text field two people edit."""
    Provider.objects.create(name="Громада Wi-Fi", kind="community_wifi")
    hotspot = hotspot_save(
        name="Площа", provider="Громада Wi-Fi", location=Point(32.72, 48.79, srid=4326), radius_m=50
    )
    return [
        (territory, "name_uk"),
        (settlement, "name_uk"),
        (facility, "name"),
        (hotspot.provider, "website"),
        (hotspot, "name"),
        (CoverageArea.objects.get(hotspot=hotspot), "note"),
    ]


def test_a_stale_copy_of_any_staff_edited_layer_cannot_overwrite_a_newer_save(records):
    for record, field in records:
        model = type(record)
        first, second = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
        setattr(first, field, "https://first.example.org" if field == "website" else "Перше")
        first.save()
        setattr(second, field, "https://second.example.org" if field == "website" else "Друге")
        with pytest.raises(StaleEdit), transaction.atomic():
            second.save()
        stored = model.objects.get(pk=record.pk)
        assert getattr(stored, field) in ("https://first.example.org", "Перше"), model
        assert stored.version == first.version == 2, model


@pytest.mark.parametrize("model", [Territory, Settlement, Facility, Provider, WifiHotspot])
def test_every_staff_edited_layer_model_is_versioned(model):
    assert model._meta.get_field("version").default == 1


def test_two_staff_saving_one_provider_in_the_admin_end_in_a_conflict(admin_client, db):
    provider = Provider.objects.create(name="ProstoNet", kind="fixed")
    url = reverse("admin:coverage_provider_change", args=[provider.pk])
    form = {"name": "ProstoNet", "kind": "fixed", "edited_version": "1"}
    saved = admin_client.post(url, {**form, "website": "https://prostonet.example.org"})
    assert saved.status_code == 302
    response = admin_client.post(url, {**form, "website": "https://other.example.org"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "https://prostonet.example.org" in body and "https://other.example.org" in body
    assert Provider.objects.get(pk=provider.pk).website == "https://prostonet.example.org"
