"""Alerts: subscriptions by village, circle or category; confirmation by POST; one-click
unsubscribe without a CSRF token; limits per e-mail and per client; public data only."""

import pytest
from django.test import Client

from reports import services
from reports.errors import TooManyRequests
from reports.models import Subscription
from tests.helpers.tasks import run_queued_tasks


def test_a_category_subscriber_hears_of_a_new_report_with_public_data_only(
    make_report, category, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.subscription_create(email="cat@example.org", category_code="roads")
    services.subscription_confirm(token=subscription.token)
    mailoutbox.clear()
    make_report()
    run_queued_tasks()  # the mail of a new report is the task worker's
    (letter,) = [mail for mail in mailoutbox if mail.to == ["cat@example.org"]]
    assert "Велика яма" in letter.body
    for private in ("oksana.private@example.com", "+380501112233", "Оксана", "/follow/", "admin"):
        assert private not in letter.body
    assert subscription.token in letter.extra_headers["List-Unsubscribe"]


def test_an_unknown_category_is_refused(territory):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        services.subscription_create(email="a@example.org", category_code="nope")
    assert not Subscription.objects.exists()


def test_one_address_gets_at_most_three_confirmation_letters_a_day(settlement):
    for _ in range(3):
        services.subscription_create(
            email="victim@example.org", settlement_katottg=settlement.katottg
        )
    with pytest.raises(TooManyRequests):
        services.subscription_create(
            email="Victim@example.org", settlement_katottg=settlement.katottg
        )
    assert Subscription.objects.count() == 3


def test_one_client_may_not_flood_many_addresses(settlement):
    for n in range(10):
        services.subscription_create(
            email=f"a{n}@example.org",
            settlement_katottg=settlement.katottg,
            client_ip="198.51.100.7",
        )
    with pytest.raises(TooManyRequests):
        services.subscription_create(
            email="b@example.org", settlement_katottg=settlement.katottg, client_ip="198.51.100.7"
        )
    assert Subscription.objects.count() == 10


def test_one_click_unsubscribe_needs_no_csrf_token(settlement):
    subscription = services.subscription_create(
        email="a@example.org", settlement_katottg=settlement.katottg
    )
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/reports/unsubscribe/{subscription.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_confirming_by_get_only_shows_a_button(client, settlement):
    subscription = services.subscription_create(
        email="a@example.org", settlement_katottg=settlement.katottg
    )
    page = client.get(f"/reports/subscribe/{subscription.token}/")
    assert page.status_code == 200 and 'method="post"' in page.text
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
