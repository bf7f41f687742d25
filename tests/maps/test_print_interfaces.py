"""The print form at /maps/print/ and the maps_print command."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from tests.maps.test_print_helpers import (
    A4,
    demo,  # noqa: F401 (fixture)
    page_size_pt,
    pdf_reader,
)

pytestmark = pytest.mark.django_db
URL = "/maps/print/"
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff_client(client, demo):  # noqa: F811
    client.force_login(User.objects.create_user("clerk", is_staff=True), backend=BACKEND)
    return client


def _form(**changes) -> dict:
    data = {
        "paper": "A4",
        "orientation": "portrait",
        "extent": "village",
        "village": "UA35040090070055543",
        "layers": ["territory", "settlements", "facilities"],
        "title": "Іванківці для сесії",
    }
    return {**data, **changes}


def test_print_form_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_print_form_is_closed_to_users_who_are_not_staff(client, demo):  # noqa: F811
    client.force_login(User.objects.create_user("resident"), backend=BACKEND)
    assert client.get(URL).status_code == 403  # the 403 page, not a login form (issue #16)


def test_print_form_speaks_ukrainian_to_staff(staff_client):
    html = staff_client.get(URL).content.decode()
    assert "Друковані мапи" in html
    assert "Завантажити PDF" in html
    assert "Територія громади" in html  # a layer's registry title


def test_print_form_offers_only_the_layers_the_user_may_see(staff_client, client, demo):  # noqa: F811
    assert 'value="coverage-gaps"' not in staff_client.get(URL).content.decode()
    planner = User.objects.create_user("planner", is_staff=True)
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner, backend=BACKEND)
    assert 'value="coverage-gaps"' in client.get(URL).content.decode()


def test_posting_the_form_returns_the_pdf_as_an_attachment(staff_client):
    response = staff_client.post(URL, _form())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dmytrivska-ivankivtsi-A4.pdf"'
    reader = pdf_reader(response.content)
    assert page_size_pt(reader.pages[0]) == A4
    assert "Іванківці для сесії" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extent": "bbox", "bbox": "30,50,30.1,50.1"}, "немає жодної частини території"),
        ({"extent": "bbox", "bbox": "32.7,48.8,32.6,48.9"}, "Охоплення порожнє"),
        ({"extent": "village", "village": ""}, "Оберіть населений пункт"),
        ({"paper": "A0"}, "A0"),
        ({"layers": ["territory", "coverage-gaps"]}, "coverage-gaps"),
    ],
)
def test_bad_options_show_the_form_again_with_a_message_and_400(staff_client, changes, message):
    response = staff_client.post(URL, _form(**changes))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_maps_print_command_writes_the_pdf(demo, tmp_path):  # noqa: F811
    path = tmp_path / "map.pdf"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "maps_print", "-o", str(path), "--paper", "A3", "--orientation", "landscape",
        "--extent", "village:Макариха", "--layers", "territory,settlements,facilities",
        "--date", "2026-11-26", stdout=out, stderr=err,
    )  # fmt: skip
    reader = pdf_reader(path.read_bytes())
    assert page_size_pt(reader.pages[0]) == (1190.55, 841.89)
    assert "с. Макариха" in reader.pages[0].extract_text()
    assert "3/3" in err.getvalue()  # the progress bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--extent", "village:Атлантида"], "Невідомий населений пункт Атлантида"),
        (["--layers", "territory,nope"], "Невідомий шар: nope"),
        (["--paper", "A0"], "A0"),
        (["--extent", "bbox:32.7,48.8,32.7,48.8"], "Охоплення порожнє"),
        (["--user", "nobody"], "No user"),
    ],
)
def test_maps_print_command_fails_clearly_on_bad_options(demo, tmp_path, args, message):  # noqa: F811
    path = tmp_path / "map.pdf"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("maps_print", "-o", str(path), *args, stdout=io.StringIO(),
                     stderr=io.StringIO())  # fmt: skip
    assert not path.exists()
