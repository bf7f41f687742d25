"""Coverage challenges: "no signal here" reports held against the coverage areas."""

import json

import pytest
import shapely

from core.errors import Conflict, InvalidInput, NotFound
from coverage.challenges import challenge_decide
from coverage.models import CoverageChallenge
from reports.errors import OutsideTerritory
from reports.models import Report
from reports.services import Reporter, report_create
from tests.coverage.conftest import MODEL_BACKEND, make_area

API = "/api/v1/coverage"
HERE = {"lat": 48.7936, "lon": 32.7208}  # Dmytrivka, inside the test territory
ANSWERS = {"service": ["mobile_data"]}


@pytest.fixture
def claimed(settlement, providers):
    """A 4G area claimed over Dmytrivka, and a fibre area elsewhere."""
    here = make_area(providers["Київстар"], "4g", 40, 10, shapely.Point(32.72, 48.79).buffer(0.02))
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(32.60, 48.70).buffer(0.01))
    return here


def complain(**extra):
    return report_create(
        category_code="no_signal",
        description="Немає мобільного інтернету",
        answers=ANSWERS,
        **{**HERE, **extra},
    )


def test_a_coverage_complaint_becomes_a_pending_challenge_against_the_area_there(
    isolated, complaint_category, claimed
):
    report = complain()
    challenge = CoverageChallenge.objects.get(report=report)
    assert challenge.status == "pending"
    assert challenge.location == report.location
    assert challenge.settlement_id == report.settlement_id
    assert list(challenge.areas.all()) == [claimed]


def test_a_complaint_where_no_area_claims_coverage_contradicts_no_area(
    isolated, complaint_category, settlement, providers
):
    challenge = CoverageChallenge.objects.get(report=complain())
    assert challenge.areas.count() == 0


def test_a_report_of_another_category_makes_no_challenge(isolated, roads_category, claimed):
    report_create(category_code="roads", description="Яма", **HERE)
    assert Report.objects.count() == 1
    assert not CoverageChallenge.objects.exists()


def test_a_refused_complaint_leaves_neither_report_nor_challenge(
    isolated, complaint_category, claimed
):
    with pytest.raises(OutsideTerritory):
        complain(lat=50.45, lon=30.52)
    with pytest.raises(InvalidInput):
        report_create(category_code="no_signal", description="x", answers={}, **HERE)
    assert not Report.objects.exists()
    assert not CoverageChallenge.objects.exists()


def test_saving_the_report_again_keeps_one_challenge(isolated, complaint_category, claimed):
    report = complain()
    report.status = "acknowledged"
    report.save()
    assert CoverageChallenge.objects.filter(report=report).count() == 1


def test_the_public_report_form_api_files_a_challenge(
    client, isolated, complaint_category, claimed
):
    response = client.post(
        "/api/v1/reports/",
        {
            "category": "no_signal",
            **HERE,
            "description": "Немає зв'язку",
            "answers": json.dumps(ANSWERS),
        },
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=response.json()["number"])
    assert CoverageChallenge.objects.get(report=report).areas.get() == claimed


# --- deciding ------------------------------------------------------------------------------


def test_planner_accepts_and_the_challenge_is_listed_against_its_area(
    planner_client, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    response = planner_client.post(
        f"{API}/challenges/{challenge.pk}/decision/",
        {"decision": "accept", "note": "перевірено на місці"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"id": challenge.pk, "status": "accepted", "area_ids": [claimed.pk]}
    (row,) = planner_client.get(f"{API}/challenges/by-area/").json()
    assert row["area_id"] == claimed.pk
    assert "Київстар" in row["label"]
    assert [c["id"] for c in row["challenges"]] == [challenge.pk]
    listed = planner_client.get(f"{API}/areas/{claimed.pk}/challenges/?status=accepted").json()
    assert [c["report_number"] for c in listed] == [challenge.report.number]
    challenge.refresh_from_db()
    assert challenge.decision_note == "перевірено на місці"
    assert challenge.decided_by is not None and challenge.decided_at is not None


def test_rejected_challenges_are_not_listed_against_areas(
    planner, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    challenge_decide(challenge_id=challenge.pk, decision="reject", user=planner)
    from coverage.challenges import accepted_by_area

    assert accepted_by_area() == []


def test_deciding_a_decided_challenge_is_a_409_and_changes_nothing(
    planner_client, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    url = f"{API}/challenges/{challenge.pk}/decision/"
    planner_client.post(url, {"decision": "reject"}, content_type="application/json")
    response = planner_client.post(url, {"decision": "accept"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_decided"
    challenge.refresh_from_db()
    assert challenge.status == "rejected"


@pytest.mark.parametrize(
    "body",
    [{"decision": "maybe"}, {}, {"decision": "accept", "note": "x" * 301}, {"decision": 1}],
)
def test_a_bad_decision_is_a_400_and_nothing_is_written(
    planner_client, isolated, complaint_category, claimed, body
):
    challenge = CoverageChallenge.objects.get(report=complain())
    response = planner_client.post(
        f"{API}/challenges/{challenge.pk}/decision/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"error"}
    challenge.refresh_from_db()
    assert challenge.status == "pending" and challenge.decided_at is None


def test_the_service_refuses_bad_input_without_writing(
    planner, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    with pytest.raises(InvalidInput):
        challenge_decide(challenge_id=challenge.pk, decision="yes", user=planner)
    with pytest.raises(NotFound):
        challenge_decide(challenge_id=challenge.pk + 100, decision="accept", user=planner)
    challenge_decide(challenge_id=challenge.pk, decision="accept", user=planner)
    with pytest.raises(Conflict):
        challenge_decide(challenge_id=challenge.pk, decision="reject", user=planner)
    challenge.refresh_from_db()
    assert challenge.status == "accepted"


def test_deciding_an_unknown_challenge_is_a_404(planner_client, isolated):
    response = planner_client.post(
        f"{API}/challenges/999999/decision/",
        {"decision": "accept"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_challenges_are_for_planners_only(
    client, django_user_model, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    url = f"{API}/challenges/{challenge.pk}/decision/"
    assert client.get(f"{API}/challenges/").status_code == 401
    resident = django_user_model.objects.create_user("resident", password="x-pw-1")
    client.force_login(resident, backend=MODEL_BACKEND)
    assert client.get(f"{API}/challenges/").status_code == 403
    assert client.get(f"{API}/challenges/by-area/").status_code == 403
    response = client.post(url, {"decision": "accept"}, content_type="application/json")
    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == "pending"


def test_challenges_geojson_shows_status_report_and_areas_without_contacts(
    planner_client, isolated, complaint_category, claimed
):
    complain(reporter=Reporter(name="Олена", email="olena@example.org", phone="+380501234567"))
    body = planner_client.get(f"{API}/challenges/?status=pending")
    assert body["Content-Type"] == "application/geo+json"
    (feature,) = body.json()["features"]
    assert feature["geometry"]["coordinates"] == pytest.approx([HERE["lon"], HERE["lat"]])
    assert feature["properties"]["status"] == "pending"
    assert feature["properties"]["area_ids"] == [claimed.pk]
    text = body.content.decode()
    assert "olena" not in text and "380501234567" not in text and "Олена" not in text
    assert planner_client.get(f"{API}/challenges/?status=accepted").json()["features"] == []


def test_challenges_with_an_unknown_status_filter_are_a_400(planner_client, isolated):
    assert planner_client.get(f"{API}/challenges/?status=open").status_code == 400


def test_admin_actions_accept_and_reject(
    client, django_user_model, isolated, complaint_category, claimed
):
    first = CoverageChallenge.objects.get(report=complain())
    second = CoverageChallenge.objects.get(report=complain(lat=48.794, lon=32.721))
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-admin-1")
    client.force_login(admin, backend=MODEL_BACKEND)
    url = "/admin/coverage/coveragechallenge/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "accept", "_selected_action": [first.pk]})
    client.post(url, {"action": "reject", "_selected_action": [first.pk, second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "rejected")
    assert first.decided_by == admin


# --- deciding on the planners' page ----------------------------------------------------------

PLANNING = "/planning/"


def decide_url(challenge) -> str:
    return f"/planning/challenges/{challenge.pk}/decision/"


@pytest.fixture
def computed(settlement):
    """A coverage snapshot, so that the planners' page shows its whole content."""
    from coverage.services import coverage_compute

    return coverage_compute()


def test_the_planners_page_lists_a_pending_challenge_to_decide_without_the_admin(
    planner_client, isolated, complaint_category, claimed, computed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    page = planner_client.get(PLANNING).content.decode()
    assert decide_url(challenge) in page
    assert '<a href="#challenges">Оскарження покриття (1)</a>' in page  # the page's contents
    assert challenge.report.number in page and "Немає мобільного інтернету" in page
    assert "Київстар" in page  # the area it contradicts
    assert "/admin/coverage/coveragechallenge/" not in page
    assert "oksana" not in page.lower()


def test_the_planners_page_shows_no_text_of_a_hidden_report(
    planner_client, isolated, complaint_category, claimed, computed
):
    report = complain()
    report.description = "Мій телефон 0671234567, немає інтернету"
    report.is_hidden = True
    report.save()
    page = planner_client.get(PLANNING).content.decode()
    assert report.number in page and "0671234567" not in page
    assert "Текст звернення не оприлюднено" in page


@pytest.mark.parametrize("language", ["uk", "en"])
def test_a_planner_accepts_on_the_page_and_is_told_what_was_done(
    planner_client, isolated, complaint_category, claimed, computed, language
):
    challenge = CoverageChallenge.objects.get(report=complain())
    planner_client.cookies["django_language"] = language
    response = planner_client.post(
        decide_url(challenge), {"decision": "accept", "note": " перевірено "}, follow=True
    )
    assert response.redirect_chain[-1] == ("/planning/#challenges", 302)
    challenge.refresh_from_db()
    assert (challenge.status, challenge.decision_note) == ("accepted", "перевірено")
    said = {"uk": "Прийнято: оскарження звернення №", "en": "Accepted: the challenge of report №"}
    assert said[language] in response.content.decode()
    assert decide_url(challenge) not in response.content.decode()  # no longer pending


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"decision": "approve"}, "Виберіть «Прийняти» або «Відхилити»."),
        ({}, "Виберіть «Прийняти» або «Відхилити»."),
        ({"decision": "accept", "note": "ю" * 301}, "Примітка може мати щонайбільше 300"),
    ],
    ids=["unknown decision", "no decision", "note too long"],
)
def test_a_refused_decision_on_the_page_says_why_and_changes_nothing(
    planner_client, isolated, complaint_category, claimed, computed, data, said
):
    challenge = CoverageChallenge.objects.get(report=complain())
    response = planner_client.post(decide_url(challenge), data, follow=True)
    assert response.status_code == 200 and said in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.status == "pending" and challenge.decision_note == ""


def test_deciding_twice_on_the_page_keeps_the_first_decision(
    planner_client, isolated, complaint_category, claimed, computed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    planner_client.post(decide_url(challenge), {"decision": "reject", "note": "є оптика"})
    response = planner_client.post(decide_url(challenge), {"decision": "accept"}, follow=True)
    assert "Це оскарження вже вирішено" in response.content.decode()
    challenge.refresh_from_db()
    assert (challenge.status, challenge.decision_note) == ("rejected", "є оптика")
    gone = planner_client.post("/planning/challenges/999999/decision/", {"decision": "accept"})
    assert gone.status_code == 302
    assert "Цього оскарження більше немає" in planner_client.get(PLANNING).content.decode()


def test_only_planners_decide_on_the_page(
    client, django_user_model, isolated, complaint_category, claimed
):
    challenge = CoverageChallenge.objects.get(report=complain())
    url = decide_url(challenge)
    anonymous = client.post(url, {"decision": "accept"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    resident = django_user_model.objects.create_user("resident", password="x-pw-1")
    client.force_login(resident, backend=MODEL_BACKEND)
    assert client.post(url, {"decision": "accept"}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == "pending"
