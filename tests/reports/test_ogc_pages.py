"""The reports collection of OGC API - Features is paged by its text id (the report's
number): pages started at an anchor (layers.ogc.selectors) hold the same reports as the
plain order."""

import pytest

from layers.ogc import selectors as ogc_selectors

pytestmark = pytest.mark.django_db


def test_anchored_pages_of_a_text_id_walk_every_public_report_once(
    client, make_report, monkeypatch
):
    monkeypatch.setattr(ogc_selectors, "ANCHOR_EVERY", 2)
    numbers = sorted(make_report().number for _ in range(7))
    walked = []
    for offset in range(0, 9, 3):
        response = client.get(f"/ogc/collections/reports/items?limit=3&offset={offset}")
        assert response.status_code == 200
        walked += [feature["id"] for feature in response.json()["features"]]
    assert walked == numbers
