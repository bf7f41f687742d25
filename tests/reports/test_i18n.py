"""What residents and staff read is Ukrainian first, English second; Open311 errors are
English (a machine interface whose specification speaks English)."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Report
from tests.reports.conftest import OUTSIDE, image_bytes
from tests.reports.test_pages import new_form

CATALOGUE = Path(__file__).resolve().parents[2] / "reports/locale/uk/LC_MESSAGES/django.po"


def _entries(text: str):
    """(flags, msgid, msgstr) of every entry of a .po file (no-wrap or wrapped)."""
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M)
        )
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        yield flags, msgid, ["".join(part) for part in msgstrs]


def test_every_message_of_the_reports_catalogue_is_translated_and_not_fuzzy():
    missing = [
        msgid
        for flags, msgid, msgstrs in _entries(CATALOGUE.read_text(encoding="utf-8"))
        if msgid and ("fuzzy" in flags or not all(msgstrs))
    ]
    assert missing == []


def _upload(name, data):
    return SimpleUploadedFile(name, data, "image/jpeg")


FAKE = b"plain text pretending to be a photo"
TRUNCATED = image_bytes(size=(800, 600))[:3000]


@pytest.mark.parametrize(
    ("overrides", "ukrainian", "english"),
    [
        ({"photos": [_upload("text.jpg", FAKE)]}, "не є фото JPEG", "is not a JPEG"),
        ({"photos": [_upload("half.jpg", TRUNCATED)]}, "пошкоджене", "damaged or incomplete"),
        ({"a-roads-size": ""}, "обов&#x27;язкове питання", "is required"),
        ({"a-roads-size": "huge"}, "немає серед варіантів: huge", "not among the choices"),
        ({"description": "я" * 4001}, "Опис може мати не більше 4000", "at most 4000"),
        (
            {"lat": OUTSIDE["lat"], "lon": OUTSIDE["lon"]},
            "поза межами території",
            "is outside the community",
        ),
    ],
)
def test_page_errors_are_ukrainian_first_and_english_on_request(
    client, territory, settlement, category, overrides, ukrainian, english
):
    form = new_form(**overrides)
    in_ukrainian = client.post("/reports/new/", form).content.decode()
    for upload in form.get("photos", []):
        upload.seek(0)
    in_english = client.post("/reports/new/", form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ukrainian in in_ukrainian and english not in in_ukrainian
    assert english in in_english
    assert Report.objects.count() == 0


def test_json_api_errors_are_ukrainian_by_default(client, territory, settlement, category):
    data = {"category": "roads", "lat": 48.7936, "lon": 32.7208, "description": "Яма"}
    response = client.post("/api/v1/reports/", {**data, "answers": "{}"})
    assert response.status_code == 400
    assert "обов'язкове питання" in response.json()["error"]["message"]
    response = client.post("/api/v1/reports/", {**data, "answers": "[1]"})
    assert "об'єктом JSON" in response.json()["error"]["message"]


@pytest.mark.parametrize("language", ["uk", "en", None])
def test_open311_errors_are_english_whatever_the_language_asked(
    client, territory, settlement, category, api_key, language
):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    data = {"api_key": api_key, "service_code": "roads", "lat": "48.7936", "long": "32.7208"}
    data |= {"description": "x" * 4001, "attribute[size]": "large"}
    errors = client.post("/open311/v2/requests.json", data, **headers).json()
    assert errors[0]["code"] == 400
    assert (
        errors[0]["description"] == "The description may be at most 4000 characters; it has 4001."
    )
    data |= {"description": "Яма", "attribute[size]": "huge"}
    errors = client.post("/open311/v2/requests.json", data, **headers).json()
    assert errors == [{"code": 400, "description": "'Розмір': not among the choices: huge"}]


@pytest.mark.parametrize(
    ("language", "question", "answer", "absent"),
    [("en", "Size", "large pothole", "велика"), ("uk", "Розмір", "велика", "large pothole")],
)
def test_a_reports_questions_and_answers_are_in_the_pages_language(
    client, make_report, category, language, question, answer, absent
):
    """The English report page read "Розмір: велика" (the question's and the choice's
    Ukrainian names) although both have English ones."""
    size = category.questions.get(code="size")
    size.text_en = "Size"
    size.choices = [
        {"key": "small", "name": "мала", "name_en": "small pothole"},
        {"key": "large", "name": "велика", "name_en": "large pothole"},
    ]
    size.save()
    report = make_report(answers={"size": "large"})
    client.cookies["django_language"] = language
    page = client.get(f"/reports/{report.number}/").content.decode()
    assert f"<dt>{question}</dt><dd>{answer}</dd>" in page
    assert absent not in page
    form = client.get("/reports/new/").content.decode()
    assert f'<option value="large">{answer}</option>' in form


def test_the_forms_category_description_and_missing_answer_are_in_the_pages_language(
    client, territory, settlement, category
):
    """The English report form described every category in Ukrainian, and named a
    question left blank by its Ukrainian text."""
    category.description_en = "Potholes on the roads"
    category.save()
    size = category.questions.get(code="size")
    size.text_en = "Size"
    size.save()
    client.cookies["django_language"] = "en"
    form = client.get("/reports/new/").content.decode()
    assert "Potholes on the roads" in form and "Ями на дорогах" not in form
    answered = client.post("/reports/new/", new_form(**{"a-roads-size": ""})).content.decode()
    assert "&#x27;Size&#x27; is required" in answered and "Розмір&#x27;" not in answered
    client.cookies["django_language"] = "uk"
    assert "Ями на дорогах" in client.get("/reports/new/").content.decode()
    assert Report.objects.count() == 0
