"""Every message the print page and the pack endpoint can show about bad print options
is in the visitor's language: Ukrainian first, English on request."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from maps.printing.options import PrintError, options_check, parse_extent
from tests.maps.test_print_helpers import demo  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
PACK = "/maps/print/pack/"
BACKEND = "django.contrib.auth.backends.ModelBackend"
CYRILLIC = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ")
BAD_OPTIONS = {
    "bad_paper": {"paper": "B5", "orientation": "portrait", "layers": ("territory",)},
    "bad_orientation": {"paper": "A4", "orientation": "upside", "layers": ("territory",)},
    "no_layers": {"paper": "A4", "orientation": "portrait", "layers": ()},
    "long_title": {
        "paper": "A4", "orientation": "portrait", "layers": ("territory",), "title": "Д" * 121,
    },
}  # fmt: skip


def _message(language: str, **options) -> str:
    with translation.override(language), pytest.raises(PrintError) as caught:
        options_check(**options)
    return caught.value.message


def _is_ukrainian(text: str) -> bool:
    return sum(ch in CYRILLIC for ch in text) > len(text) / 3


@pytest.mark.parametrize("code", sorted(BAD_OPTIONS))
def test_each_print_option_message_is_ukrainian_and_english_by_language(code):
    uk = _message("uk", **BAD_OPTIONS[code])
    en = _message("en", **BAD_OPTIONS[code])
    assert _is_ukrainian(uk), uk
    assert not set(en) & CYRILLIC, en
    assert uk != en


def test_a_bad_extent_text_is_explained_in_ukrainian():
    with translation.override("uk"), pytest.raises(PrintError) as caught:
        parse_extent("oblast")
    assert "Охоплення має бути" in caught.value.message


@pytest.fixture
def planner_client(client, demo):  # noqa: F811
    user = User.objects.create_user("planner-messages")
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(user, backend=BACKEND)
    return client


def test_the_pack_endpoint_refuses_a_paper_in_ukrainian_by_the_language_cookie(planner_client):
    planner_client.cookies["django_language"] = "uk"
    response = planner_client.post(PACK, {"paper": "B5"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message == "Папір 'B5' не підтримується; оберіть A4 або A3."


def test_the_pack_endpoint_refuses_a_paper_in_english_when_asked(planner_client):
    planner_client.cookies["django_language"] = "en"
    response = planner_client.post(PACK, {"paper": "B5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Paper 'B5' is not supported; choose A4 or A3."


def _unknown_messages(language: str) -> list[str]:
    from maps.printing.data import village_find
    from maps.printing.sheet import SYSTEM, layers_resolve

    messages = []
    with translation.override(language):
        for call in (
            lambda: village_find("Атлантида"),
            lambda: layers_resolve(["no", "nope"], SYSTEM),
        ):
            with pytest.raises(PrintError) as caught:
                call()
            messages.append(caught.value.message)
    return messages


def test_an_unknown_village_or_layers_are_named_in_ukrainian_and_in_english(demo):  # noqa: F811
    uk, en = _unknown_messages("uk"), _unknown_messages("en")
    assert uk == [
        "Невідомий населений пункт Атлантида: вкажіть його код КАТОТТГ або назву.",
        "Невідомі шари: no, nope.",
    ]
    assert en == [
        "Unknown village Атлантида: give its KATOTTG code or its name.",
        "Unknown layers: no, nope.",
    ]
