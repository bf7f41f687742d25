"""The admin: who may change the register, reasons, actions, history restore, upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from addresses.models import Address
from tests.addresses.conftest import make_address

CHANGELIST = "admin:addresses_address_changelist"


def _address_form(street, **overrides):
    data = {
        "street": street.pk,
        "house_number": "21-б",
        "postcode": "27422",
        "location": "SRID=4326;POINT (32.7215 48.7906)",
        "building_use": "residential",
        "households": "2",
        "status": "active",
        "registry_id": "",
        "change_reason": "new house built",
        "facility_links-TOTAL_FORMS": "0",
        "facility_links-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_editor_adds_an_address_with_a_normalized_number_and_reason(client, editor, street):
    client.force_login(editor)
    response = client.post(reverse("admin:addresses_address_add"), _address_form(street))
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    address = Address.objects.get()
    assert (address.house_number, address.settlement_id) == ("21Б", street.settlement_id)
    record = address.history.get()
    assert (record.history_user, record.history_change_reason) == (editor, "new house built")


def test_admin_form_rejects_a_point_outside_the_settlement(client, editor, street):
    client.force_login(editor)
    outside = "SRID=4326;POINT (32.9 48.9)"
    response = client.post(
        reverse("admin:addresses_address_add"), _address_form(street, location=outside)
    )
    assert response.status_code == 200
    assert "лежить поза межами Дмитрівка" in response.content.decode()
    assert not Address.objects.exists()


def test_admin_form_rejects_an_unparsable_number(client, editor, street):
    client.force_login(editor)
    response = client.post(
        reverse("admin:addresses_address_add"), _address_form(street, house_number="abc")
    )
    assert "Номер будинку починається з цифри: «abc»." in response.content.decode()
    assert not Address.objects.exists()


def test_staff_without_the_group_may_view_but_not_change(client, staff_user, addresses):
    client.force_login(staff_user)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    response = client.post(
        reverse("admin:addresses_address_add"), _address_form(addresses[0].street)
    )
    assert response.status_code == 403
    change = reverse("admin:addresses_address_change", args=[addresses[0].pk])
    client.post(change, _address_form(addresses[0].street, house_number="99"))
    assert Address.objects.get(pk=addresses[0].pk).house_number == "10"
    assert Address.objects.count() == 4


def test_staff_without_the_group_cannot_run_actions(client, staff_user, addresses):
    client.force_login(staff_user)
    data = {"action": "mark_verified", "_selected_action": [a.pk for a in addresses]}
    client.post(reverse(CHANGELIST), data)
    assert not Address.objects.filter(verified=True).exists()


def test_mark_verified_action_stamps_the_editor(client, editor, addresses):
    client.force_login(editor)
    data = {"action": "mark_verified", "_selected_action": [a.pk for a in addresses[:2]]}
    assert client.post(reverse(CHANGELIST), data).status_code == 302
    assert set(Address.objects.filter(verified=True).values_list("verified_by", flat=True)) == {
        editor.pk
    }


def test_retire_action_asks_for_a_reason_then_retires(client, editor, addresses):
    client.force_login(editor)
    data = {"action": "retire", "_selected_action": [addresses[0].pk]}
    page = client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    back = f'href="{reverse(CHANGELIST)}" class="button cancel-link"'
    assert back in page.content.decode()  # a way back that changes nothing
    assert "Адреси</a>" in page.content.decode()  # the breadcrumb names the list
    assert Address.objects.get(pk=addresses[0].pk).status == "active"
    client.post(reverse(CHANGELIST), {**data, "reason": "house demolished"})
    retired = Address.objects.get(pk=addresses[0].pk)
    assert retired.status == "retired"
    assert retired.history.latest().history_change_reason == "house demolished"


def test_history_page_shows_the_diff_and_restores_an_earlier_version(client, editor, street):
    client.force_login(editor)
    client.post(reverse("admin:addresses_address_add"), _address_form(street))
    address = Address.objects.get()
    change = reverse("admin:addresses_address_change", args=[address.pk])
    client.post(change, _address_form(street, postcode="27424", change_reason="typo fixed"))
    history = client.get(reverse("admin:addresses_address_history", args=[address.pk]))
    text = history.content.decode()
    assert "27422" in text and "27424" in text and "typo fixed" in text
    first = address.history.earliest()
    url = reverse("admin:addresses_address_simple_history", args=[address.pk, first.pk])
    client.post(url, _address_form(street, change_reason="restored"))
    assert Address.objects.get().postcode == "27422"
    assert address.history.latest().history_change_reason == "restored"


def _upload(client, content: bytes, name="a.csv", **extra):
    url = reverse("admin:addresses_address_import")
    data = {"file": SimpleUploadedFile(name, content), "commit": "on", **extra}
    return client.post(url, data)


CSV = "street,house_number,lon,lat\nвул. Шевченка,12,32.7210,48.7905\n".encode()


def test_upload_commits_a_valid_file(client, editor, settlement):
    client.force_login(editor)
    response = _upload(client, CSV, settlement=settlement.pk)
    assert response.status_code == 302
    assert Address.objects.get().house_number == "12"


def test_upload_over_the_size_limit_is_refused(client, editor, settlement, settings):
    settings.ADDRESSES_UPLOAD_MAX_BYTES = 20
    client.force_login(editor)
    response = _upload(client, CSV, settlement=settlement.pk)
    assert response.status_code == 200
    assert "найбільший дозволений розмір — 0 МБ. Нічого не записано." in response.content.decode()
    assert not Address.objects.exists()


def test_upload_by_a_user_without_rights_is_forbidden(client, staff_user, settlement):
    client.force_login(staff_user)
    assert _upload(client, CSV, settlement=settlement.pk).status_code == 403
    assert not Address.objects.exists()


def test_upload_with_bad_rows_shows_the_report_and_writes_nothing(client, editor, settlement):
    client.force_login(editor)
    bad = CSV + "вул. Шевченка,12ЬЬ,32.7211,48.7905\n".encode()
    response = _upload(client, bad, settlement=settlement.pk)
    text = response.content.decode()
    assert "У номері будинку щонайбільше одна літера: «12ЬЬ»." in text
    assert "пробний прогін, нічого не записано" in text
    assert not Address.objects.exists()


@pytest.mark.parametrize("url", ["/addresses/verification/", "/admin/addresses/address/import/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_verification_overview_counts_and_lists_problems(client, staff_user, street, addresses):
    make_address(street, "30", None, None)  # no point
    make_address(street, "31", 32.7300, 48.7990)  # ~1 km from the street's route
    client.force_login(staff_user)
    response = client.get("/addresses/verification/")
    village = response.context["villages"][0]
    assert (village["total"], village["no_point"], village["no_postcode"]) == (6, 1, 2)
    kinds = {problem["kind"] for problem in response.context["problems"]}
    assert "far_from_street" in kinds


def test_public_register_page_searches_without_login(client, addresses):
    response = client.get("/addresses/", {"q": "Шевченка 12"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Дмитрівка, вул. Шевченка, 12" in text
    # The map client from our own static files, never from a CDN.
    assert "vendor/leaflet/leaflet.js" in text
    assert "vendor/protomaps-leaflet/protomaps-leaflet.js" in text
    assert "maplibre" not in text and "unpkg" not in text


def test_the_register_page_says_when_it_lists_only_the_first_results(client, street):
    """A search for a village listed 49 of its addresses, cut at 50, as if that were all."""
    from addresses.views import BROWSE_LIMIT

    for number in range(1, BROWSE_LIMIT + 1):
        make_address(street, str(number), 32.72 + number * 1e-4, 48.79)
    narrowing = "Показано лише перші"
    exactly = client.get("/addresses/", {"q": "Шевченка"})  # all of them, no more
    assert narrowing not in exactly.content.decode()
    assert len(exactly.context["rows"]) == BROWSE_LIMIT
    make_address(street, str(BROWSE_LIMIT + 1), 32.7, 48.79)
    more = client.get("/addresses/", {"q": "Шевченка"})
    assert narrowing in more.content.decode() and len(more.context["rows"]) == BROWSE_LIMIT
    assert narrowing not in client.get("/addresses/", {"q": "Шевченка 12"}).content.decode()


def test_public_register_page_shows_a_bad_query_as_a_400(client, db):
    response = client.get("/addresses/", {"q": "ш" * 300})
    assert response.status_code == 400
    assert "Текст пошуку задовгий (300 символів; щонайбільше 200)." in response.content.decode()


def test_address_form_loads_the_map_widget_from_local_assets_only(client, editor, db):
    client.force_login(editor)
    text = client.get(reverse("admin:addresses_address_add")).content.decode()
    assert "/static/vendor/ol/ol.js" in text
    assert "cdn.jsdelivr.net" not in text


def test_import_page_and_register_labels_speak_ukrainian(client, editor, addresses):
    client.force_login(editor)
    text = client.get("/admin/addresses/address/import/").content.decode()
    assert "Імпорт адрес" in text and "Дозволити точки поза населеним пунктом" in text
    assert "до 50 МБ" in text and "Перевірити / імпортувати" in text
    changelist = client.get(reverse(CHANGELIST)).content.decode()
    assert "Позначити перевіреними" in changelist and "Огляд перевірки" in changelist
    assert "Призначення будівлі" in changelist  # the column of `building_use`


def test_mark_verified_message_is_ukrainian_with_the_right_plural(client, editor, addresses):
    client.force_login(editor)
    data = {"action": "mark_verified", "_selected_action": [a.pk for a in addresses]}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    assert "4 адреси позначено перевіреними." in response.content.decode()


def test_public_register_page_speaks_english_when_asked(client, addresses):
    response = client.get("/addresses/", {"q": "Шевченка 12"}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert "Address register" in text and "Choose an address to see it on the map." in text
    assert "Адресний реєстр" not in text


@pytest.mark.parametrize(
    ("language", "add_title", "list_title", "change_title"),
    [
        ("uk", "Додати адресу", "Виберіть адресу щоб змінити", "Змінити адресу"),
        ("en", "Add address", "Select address to change", "Change address"),
    ],
)
def test_admin_titles_name_the_address_in_the_accusative_in_ukrainian(
    client, editor, street, language, add_title, list_title, change_title
):
    """Django's "Змінити %s" with the nominative read "Змінити адреса"."""
    address = make_address(street, "5", 32.7215, 48.7906)
    client.force_login(editor)
    client.cookies["django_language"] = language
    listing = client.get(reverse(CHANGELIST)).content.decode()
    adding = client.get(reverse("admin:addresses_address_add")).content.decode()
    changing = client.get(
        reverse("admin:addresses_address_change", args=[address.pk])
    ).content.decode()
    assert f"<h1>{list_title}</h1>" in listing
    assert "Django" not in listing.split("</title>")[0]  # the service's name, not Django's
    assert add_title in listing  # the list's "Add …" button
    assert f"<h1>{add_title}</h1>" in adding
    crumbs = adding.split('<div class="breadcrumbs">')[1].split("</div>")[0]
    assert crumbs.rstrip().endswith(f"&rsaquo; {add_title}")  # not "Додати адреса"
    assert f"<h1>{change_title}</h1>" in changing
    for page in (listing, adding, changing):
        assert "адреса для зміни" not in page and "Змінити адреса" not in page


@pytest.mark.parametrize(
    "typed", ["вул. Шевченка, 12А", "Шевченка, 12А", "вулиця Шевченка 12А", "шевченка 12а"]
)
def test_admin_search_finds_an_address_as_the_site_writes_it(client, editor, addresses, typed):
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST), {"q": typed})
    assert [a.house_number for a in response.context["cl"].result_list] == ["12А"]


def test_a_street_is_picked_and_filtered_with_its_village(client, editor, street, village):
    from addresses.models import Street

    Street.objects.create(settlement=village, name="Шевченка")
    client.force_login(editor)
    picked = client.get(
        "/admin/autocomplete/",
        {"term": "Шевч", "app_label": "addresses", "model_name": "address", "field_name": "street"},
    ).json()["results"]
    assert sorted(r["text"] for r in picked) == [
        "вулиця Шевченка (Дмитрівка)",
        "вулиця Шевченка (Плоске)",
    ]
    listed = client.get(reverse(CHANGELIST)).content.decode()
    assert "вулиця Шевченка (Плоске)" in listed and "вулиця Шевченка (Дмитрівка)" in listed


def test_word_search_text_drops_commas_kind_and_settlement_words():
    from addresses.compute import word_search_text

    assert word_search_text("вул. Молодіжна, 90") == "молодіжна 90"
    assert word_search_text("с. Плоске, провулок Садовий 3") == "плоске садовий 3"
    assert word_search_text("Набережна 5") == "набережна 5"  # a kind word alone is a name
    assert word_search_text(" , ") == ""


def test_a_duplicate_is_refused_with_a_link_to_the_address_already_there(client, editor, street):
    existing = make_address(street, "21Б", 32.7215, 48.7906)
    client.force_login(editor)
    response = client.post(reverse("admin:addresses_address_add"), _address_form(street))
    assert response.status_code == 200 and Address.objects.count() == 1
    page = response.content.decode()
    link = reverse("admin:addresses_address_change", args=[existing.pk])
    assert f'<a href="{link}">Дмитрівка, вул. Шевченка, 21Б</a>' in page
    assert f"(id {existing.pk})" not in page


def test_the_village_filter_follows_the_alphabet(client, editor, street, village):
    """C collation put "Іванківці" (І, U+0406) before every other village."""
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon

    from layers.models import Settlement

    Settlement.objects.create(
        katottg="UA35040090050070357",
        name_uk="Іванківці",
        name_en="Ivankivtsi",
        boundary=MultiPolygon(Polygon.from_bbox((32.60, 48.70, 32.62, 48.72)), srid=4326),
        centre=Point(32.61, 48.71, srid=4326),
        territory=village.territory,
    )
    client.force_login(editor)
    page = client.get(reverse(CHANGELIST)).content.decode()
    filter_part = page.split('id="changelist-filter"')[1]
    order = [filter_part.index(name) for name in ("Дмитрівка", "Іванківці", "Плоске")]
    assert order == sorted(order)
