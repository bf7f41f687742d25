"""A report or subscription refused by the rate limit is the site's page with the form
kept and the reason shown (429), and says when to try again (Retry-After)."""

import json

from tests.reports.conftest import INSIDE
from tests.reports.test_pages import new_form


def test_a_report_form_past_the_rate_limit_is_a_429_page_with_retry_after(
    client, settlement, category, settings
):
    settings.REPORTS_RATE_LIMIT = 1
    settings.REPORTS_RATE_WINDOW_S = 600
    assert client.post("/reports/new/", new_form()).status_code == 302
    response = client.post("/reports/new/", new_form(description="Ще одна яма"))
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    body = response.content.decode()
    assert 'class="site-nav"' in body and "Ще одна яма" in body  # the form is kept


def test_the_reports_api_past_the_rate_limit_says_when_to_retry(
    client, settlement, category, settings
):
    settings.REPORTS_RATE_LIMIT = 1
    settings.REPORTS_RATE_WINDOW_S = 600
    form = {"category": "roads", "lat": INSIDE["lat"], "lon": INSIDE["lon"], "description": "Яма"}
    form["answers"] = json.dumps({"size": "small"})  # the category's required question
    assert client.post("/api/v1/reports/", form).status_code == 201
    response = client.post("/api/v1/reports/", form)
    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert response.json()["error"]["code"] == "rate_limited"
