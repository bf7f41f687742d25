"""`/` in a real headless Chromium, on data a test writes itself (a transactional
`live_server`): kept apart from test_landing.py, whose committed community stays in the
database until its module ends."""

import pytest

from layers import demo
from layers.models import Facility, Settlement
from tests.browser.test_landing import (
    assert_every_village_named,
    click_facility,
    make_facilities,
    make_villages,
    open_landing,
    reference_settlements,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def facilities(territory):
    """The 12 villages of tests/browser/test_landing.py and their three facilities."""
    return make_facilities(make_villages(territory))


@pytest.mark.django_db(transaction=True)
def test_popup_shows_markup_in_names_as_text(browser_page, live_server, facilities):
    Facility.objects.filter(pk=facilities[0].pk).update(name="<img src=x onerror=alert(1)>")
    open_landing(browser_page, live_server)
    text = click_facility(browser_page, facilities[0])
    assert "<img src=x onerror=alert(1)>" in text
    assert browser_page.locator(".leaflet-popup-content img").count() == 0


@pytest.mark.django_db(transaction=True)
def test_landing_shows_the_demo_community_with_official_codes(browser_page, page_log, live_server):
    demo.load_layers(lambda line: None)
    open_landing(browser_page, live_server)
    official = {row["name_uk"] for row in reference_settlements()}
    assert_every_village_named(browser_page, Settlement.objects.filter(name_uk__in=official))
    assert Settlement.objects.filter(name_uk__in=official).count() == len(official)
    assert page_log.console_errors == [] and page_log.outside_requests() == []
    browser_page.screenshot(path="/tmp/landing-demo.png", full_page=True)
