"""No lost edits on the planners' records (issue 21): strategy targets and coverage
challenges carry a version (core.locking), so of two saves made from the same reading
the later is refused, in the model and in the admin, and the first stays."""

import pytest
from django.db import transaction
from django.urls import reverse

from core.locking import StaleEdit
from coverage.challenges import challenge_decide
from coverage.models import CoverageChallenge, StrategyTarget
from reports.services import report_create


@pytest.fixture
def target(db):
    return StrategyTarget.objects.create(
        indicator=StrategyTarget.Indicator.TERRITORY, year=2026, target=100, note="Стратегія"
    )


@pytest.fixture
def challenge(isolated, complaint_category, settlement):
    report = report_create(
        category_code="no_signal",
        description="Немає мобільного інтернету",
        answers={"service": ["mobile_data"]},
        lat=48.7936,
        lon=32.7208,
    )
    return CoverageChallenge.objects.get(report=report)


@pytest.mark.parametrize("record_name", ["target", "challenge"])
def test_a_stale_copy_of_a_target_or_challenge_cannot_overwrite_a_newer_save(request, record_name):
    record = request.getfixturevalue(record_name)
    field = "note" if record_name == "target" else "decision_note"
    model = type(record)
    first, second = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
    setattr(first, field, "Перше")
    first.save()
    setattr(second, field, "Друге")
    with pytest.raises(StaleEdit), transaction.atomic():
        second.save()
    stored = model.objects.get(pk=record.pk)
    assert getattr(stored, field) == "Перше"
    assert stored.version == 2


def test_two_planners_saving_one_target_in_the_admin_end_in_a_conflict(admin_client, target):
    url = reverse("admin:coverage_strategytarget_change", args=[target.pk])
    form = {"indicator": target.indicator, "year": "2026", "comparison": "gte", "source": ""}
    form["edited_version"] = "1"
    saved = admin_client.post(url, {**form, "target": "90", "note": "Перший планувальник"})
    assert saved.status_code == 302
    stale = admin_client.post(url, {**form, "target": "80", "note": "Другий планувальник"})
    body = stale.content.decode()
    assert stale.status_code == 200
    # Both versions are shown, the second planner's input is kept in the form ...
    assert "Перший планувальник" in body and "Другий планувальник" in body
    # ... and nothing of it was written.
    stored = StrategyTarget.objects.get(pk=target.pk)
    assert (stored.target, stored.note, stored.version) == (90, "Перший планувальник", 2)


def test_two_planners_saving_one_challenge_note_in_the_admin_end_in_a_conflict(
    admin_client, challenge
):
    url = reverse("admin:coverage_coveragechallenge_change", args=[challenge.pk])
    saved = admin_client.post(url, {"decision_note": "Перевірено", "edited_version": "1"})
    assert saved.status_code == 302
    stale = admin_client.post(url, {"decision_note": "Інша думка", "edited_version": "1"})
    assert stale.status_code == 200
    assert "Перевірено" in stale.content.decode()
    assert CoverageChallenge.objects.get(pk=challenge.pk).decision_note == "Перевірено"


@pytest.mark.parametrize("hostile", ["", "abc", "-1", "0", "9" * 30, "1e3", "\x00"])
def test_a_hostile_version_in_the_admin_form_is_a_form_error_never_a_500(
    admin_client, target, hostile
):
    url = reverse("admin:coverage_strategytarget_change", args=[target.pk])
    form = {"indicator": target.indicator, "year": "2026", "comparison": "gte", "target": "70"}
    response = admin_client.post(url, {**form, "note": "Нове", "edited_version": hostile})
    assert response.status_code in (200, 302)
    stored = StrategyTarget.objects.get(pk=target.pk)
    # An empty version (NUL is removed at input by core.middleware, leaving it empty) falls
    # back to the one the form was opened at; anything else that is not the saved version
    # is refused with nothing written.
    if response.status_code == 302:
        assert hostile in ("", "\x00") and stored.note == "Нове"
    else:
        assert stored.note == "Стратегія" and stored.version == 1


def test_a_decision_after_a_note_edit_still_saves_and_raises_the_version(challenge):
    """The decision service reads the row locked, so it never trips over a version."""
    edited = CoverageChallenge.objects.get(pk=challenge.pk)
    edited.decision_note = "Чекаємо вимірювання"
    edited.save()
    decided = challenge_decide(challenge_id=challenge.pk, decision="accept", user=None)
    assert decided.status == "accepted" and decided.version == 3
