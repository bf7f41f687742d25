"""The print layout page /maps/print/: preview, file names, bad input (no 500)."""

import io

import pytest
from django.contrib.auth.models import User
from PIL import Image

from tests.maps.test_print_helpers import (
    demo,  # noqa: F401 (fixture)
    page_size_pt,
    pdf_reader,
)

pytestmark = pytest.mark.django_db
URL = "/maps/print/"
PREVIEW = "/maps/print/preview.png"
BACKEND = "django.contrib.auth.backends.ModelBackend"
MAKARYKHA = "Макариха"


@pytest.fixture
def staff_client(client, demo):  # noqa: F811
    client.force_login(User.objects.create_user("clerk", is_staff=True), backend=BACKEND)
    return client


def _form(**changes) -> dict:
    data = {
        "paper": "A4",
        "orientation": "auto",
        "extent": "territory",
        "village": "",
        "layers": ["territory", "settlements", "facilities"],
    }
    return {**data, **changes}


def _katottg(name: str) -> str:
    from layers.models import Settlement

    return Settlement.objects.get(name_uk=name).katottg


def test_the_page_is_in_the_sites_layout_with_the_map_and_the_pack(staff_client):
    html = staff_client.get(URL).content.decode()
    assert 'class="site-header' in html  # the service's header and navigation
    assert 'id="print-map"' in html and "maps/print.js" in html
    assert "Пакет для сесії ради" in html
    assert 'value="auto"' in html


def test_the_preview_action_shows_the_page_as_an_image_of_the_same_options(staff_client):
    response = staff_client.post(URL, {**_form(), "action": "preview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW + "?" in html
    assert "csrfmiddlewaretoken" not in html.split(PREVIEW + "?", 1)[1].split('"', 1)[0]


def test_the_preview_is_a_png_of_the_page_at_low_resolution(staff_client):
    response = staff_client.get(PREVIEW, _form(paper="A3", orientation="portrait"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    width, height = image.size
    assert height > width  # portrait
    assert abs(height / width - 420 / 297) < 0.02  # A3's proportions
    assert width < 800  # a preview, not a print


def test_a_village_sheet_is_named_by_the_village_and_paper(staff_client):
    data = _form(extent="village", village=_katottg(MAKARYKHA), orientation="portrait")
    response = staff_client.post(URL, data)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dmytrivska-makarykha-A4.pdf"'


def test_a_landscape_territory_sheet_says_so_in_its_name(staff_client):
    response = staff_client.post(URL, _form(paper="A3", orientation="landscape"))
    assert response.status_code == 200
    name = "dmytrivska-territory-A3-landscape.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert page_size_pt(pdf_reader(response.content).pages[0]) == (1190.55, 841.89)


def test_automatic_orientation_follows_the_shape_of_the_extent(staff_client):
    wide = _form(extent="bbox", bbox="32.60,48.80,32.95,48.86")
    response = staff_client.post(URL, wide)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-area-A4-landscape.pdf"')
    tall = _form(extent="bbox", bbox="32.70,48.70,32.75,48.90")
    response = staff_client.post(URL, tall)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-area-A4.pdf"')


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extent": "bbox", "bbox": "30,50,30.1,50.1"}, "немає жодної частини території"),
        ({"extent": "bbox", "bbox": "32.7,48.8,32.7,48.9"}, "Охоплення порожнє"),
        ({"extent": "bbox", "bbox": "десь тут"}, "чотири числа"),
        ({"layers": ["territory", "nope"]}, "Немає шару nope"),
        ({"paper": "A0"}, "A0"),
        ({"orientation": "diagonal"}, "diagonal"),
        ({"extent": "village", "village": "UA00000000000000000"}, "UA00000000000000000"),
    ],
)
def test_bad_options_are_a_message_on_the_page_and_a_400_json_for_the_preview(
    staff_client, changes, message
):
    page = staff_client.post(URL, {**_form(**changes), "action": "preview"})
    assert page.status_code == 400
    assert message in page.content.decode()
    preview = staff_client.get(PREVIEW, _form(**changes))
    assert preview.status_code == 400
    assert preview["Content-Type"] == "application/json"
    assert message in preview.json()["error"]["message"]


def test_the_preview_is_closed_to_visitors_who_are_not_staff(client, demo):  # noqa: F811
    client.force_login(User.objects.create_user("resident"), backend=BACKEND)
    assert client.get(PREVIEW, _form()).status_code == 403
