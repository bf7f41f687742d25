"""No lost edits in the admin of report categories and response templates (core.locking,
DESIGN.md §7; the layers' and coverage's models are tested in tests/security): two people
open the same record; the second save, from the older form, is a conflict that shows
both values, and nothing the first saved is overwritten."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from reports.models import Category, ResponseTemplate


def _form_data(model, obj, user) -> dict:
    """The admin form's fields as a browser would post them, at the record's version."""
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[model]
    form = model_admin.get_form(request, obj)(instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if hasattr(value, "ewkt"):
            value = value.ewkt
        data[name] = "on" if value is True else value
    # Inlines (a category's questions) post their management forms; none are changed.
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        management = formset(instance=obj, prefix=_prefix(formset)).management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    return data


def _prefix(formset) -> str:
    return formset.get_default_prefix()


def _change(client, model, obj, data):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    return client.post(url, data)


@pytest.fixture
def category(db):
    return Category.objects.create(code="roads", name_uk="Дороги", name_en="Roads")


@pytest.fixture
def response_template(category):
    return ResponseTemplate.objects.create(
        status="fixed", category=category, text_uk="Полагоджено."
    )


# (model, fixture giving the record, a text field to change, its two new values)
CASES = [
    (Category, "category", "name_en", ("Roads and paths", "Roads and bridges")),
    (ResponseTemplate, "response_template", "text_uk", ("Яму залатано.", "Дорогу полагоджено.")),
]


@pytest.mark.parametrize(
    "model, fixture, field, values", CASES, ids=[case[0].__name__ for case in CASES]
)
def test_a_stale_admin_save_is_a_conflict_and_overwrites_nothing(
    request, admin_client, admin_user, model, fixture, field, values
):
    obj = request.getfixturevalue(fixture)
    opened = _form_data(model, obj, admin_user)  # both people open the form at version 1
    assert opened["edited_version"] == 1
    first = _change(admin_client, model, obj, {**opened, field: values[0]})
    assert first.status_code == 302, first.content.decode()[:2000]
    second = _change(admin_client, model, obj, {**opened, field: values[1]})
    assert second.status_code == 200
    page = second.content.decode()
    assert "Хтось інший змінив цей запис" in page or "changed by someone else" in page
    assert values[0] in page and values[1] in page  # both versions shown
    stored = model.objects.get(pk=obj.pk)
    assert (getattr(stored, field), stored.version) == (values[0], 2)
    # The form now carries version 2: saving again deliberately replaces theirs.
    again = _change(admin_client, model, obj, {**opened, "edited_version": 2, field: values[1]})
    assert again.status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), field) == values[1]
