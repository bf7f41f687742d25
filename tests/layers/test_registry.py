"""The layer registry: base layers registered at start-up, spec checks, who sees what."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from layers import registry
from layers.models import Facility
from layers.registry import LayerSpec, LayerStyle


def facility_spec(**overrides) -> LayerSpec:
    values = {
        "id": "test-facilities",
        "title_uk": "Тестові заклади",
        "title_en": "Test facilities",
        "queryset": Facility.objects.all,
        "geometry": "location",
        "properties": {"name": "name", "internet": "internet"},
    }
    return LayerSpec(**(values | overrides))


@pytest.fixture
def register():
    """Register specs for one test and remove them afterwards."""
    added = []

    def _register(spec):
        added.append(spec.id)
        return registry.register(spec, replace=True)

    yield _register
    for layer_id in added:
        registry.unregister(layer_id)


def test_base_layers_are_registered_at_start_up():
    ids = [spec.id for spec in registry.all_layers()]
    assert {"territory", "settlements", "facilities"} <= set(ids)


def test_base_layers_are_public_with_titles_in_both_languages():
    for layer_id in ("territory", "settlements", "facilities"):
        spec = registry.get(layer_id)
        assert spec.is_public
        assert spec.title_uk and spec.title_en and spec.source


def test_title_follows_the_language_ukrainian_first():
    spec = registry.get("settlements")
    assert spec.title("uk") == "Населені пункти"
    assert spec.title("en") == "Settlements"
    assert spec.title("de") == "Населені пункти"


def test_unknown_layer_id_raises_key_error():
    with pytest.raises(KeyError):
        registry.get("no-such-layer")


def test_registering_a_taken_id_is_refused_unless_replacing(register):
    register(facility_spec())
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(facility_spec())
    replaced = registry.register(facility_spec(title_en="Renamed"), replace=True)
    assert registry.get("test-facilities") is replaced


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"id": "Bad Id"}, "id must be"),
        ({"visibility": ""}, "visibility"),
        ({"min_zoom": 15, "max_zoom": 10}, "zoom range"),
        ({"style": LayerStyle(symbol="star")}, "symbol"),
        ({"popup": ("missing",)}, "not in properties"),
        ({"properties": {"bad name": "name"}}, "identifiers"),
        ({"property_titles": {"missing": "x"}}, "unknown properties"),
        ({"value_labels": {"missing": {"a": "b"}}}, "unknown properties"),
    ],
)
def test_bad_spec_is_refused_with_the_reason(overrides, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        registry.register(facility_spec(**overrides))
    assert "test-facilities" not in [spec.id for spec in registry.all_layers()]


def test_spec_properties_cannot_be_changed_after_registration():
    spec = facility_spec()
    with pytest.raises(TypeError):
        spec.properties["secret"] = "name"


def test_only_field_paths_are_queryable():
    spec = registry.get("settlements")
    queryable = spec.queryable()
    assert queryable["territory_katottg"] == "territory__katottg"
    assert "area_km2" not in queryable  # an expression, not a field


@pytest.mark.django_db
def test_property_title_falls_back_to_the_model_field_verbose_name():
    spec = registry.get("facilities")
    assert spec.property_title("down_mbps") == str(
        Facility._meta.get_field("down_mbps").verbose_name
    )
    assert spec.property_title("settlement_name_uk")  # registered title


def test_legend_carries_style_and_popup_fields():
    legend = registry.get("facilities").legend("en")
    assert legend["title"] == "Municipal facilities"
    assert legend["geometry_type"] == "Point"
    assert legend["style"]["colour_by"] == "internet"
    assert legend["style"]["categories"]["connected"] == "#1b7837"
    assert [field["name"] for field in legend["popup"]][0] == "name"


def test_value_labels_replace_the_field_choices_in_popups_and_legends():
    spec = facility_spec(
        style=LayerStyle(colour_by="internet", categories=(("connected", "#00ff00"),)),
        value_labels={"internet": {"connected": _("no high-speed internet")}},
    )
    legend = spec.legend("uk")
    assert legend["style"]["category_labels"] == {"connected": "немає швидкісного інтернету"}
    assert legend["popup"][1]["choices"] == {"connected": "немає швидкісного інтернету"}
    assert spec.legend("en")["popup"][1]["choices"] == {"connected": "no high-speed internet"}
    assert facility_spec().property_choices("internet")["not_connected"]  # field choices


CYRILLIC = re.compile("[а-яіїєґА-ЯІЇЄҐ]")
# Popup properties whose title may be the same in both languages (none now).
KNOWN_UNLABELLED: dict[str, set[str]] = {}


@pytest.mark.parametrize("layer_id", [spec.id for spec in registry.all_layers()])
def test_every_layer_speaks_ukrainian_first_and_english_second(layer_id):
    spec = registry.get(layer_id)
    assert CYRILLIC.search(spec.title("uk")) and spec.title("en") != spec.title("uk")
    assert CYRILLIC.search(spec.text("uk")) and spec.text("en") and spec.text("en") != spec.text()
    with override("uk"):
        popup_uk = {row["name"]: row for row in spec.legend()["popup"]}
    with override("en"):
        popup_en = {row["name"]: row for row in spec.legend()["popup"]}
    unlabelled = {
        name
        for name, row in popup_uk.items()
        if not CYRILLIC.search(row["title"]) or row["title"] == popup_en[name]["title"]
    }
    assert unlabelled == KNOWN_UNLABELLED.get(layer_id, set())


def test_coverage_gap_tiers_are_labelled_in_ukrainian():
    with override("uk"):
        legend = registry.get("coverage-gaps").legend()
    tier = next(row for row in legend["popup"] if row["name"] == "tier")
    assert tier["title"] == "немає покриття"
    assert tier["choices"]["served"] == "немає швидкісного інтернету"
    assert all(CYRILLIC.search(label) for label in tier["choices"].values())


@pytest.mark.django_db
def test_data_date_comes_from_a_callable_or_a_field(facility):
    assert registry.get("territory").latest_date().isoformat() == "2024-01-19"
    facility.connected_since = "2022-05-01"
    facility.save()
    spec = facility_spec(data_date="connected_since")
    assert spec.latest_date().isoformat() == "2022-05-01"


@pytest.mark.django_db
def test_non_public_layer_is_visible_only_to_its_group_and_superusers(register):
    register(facility_spec(visibility="planners"))
    planner = User.objects.create_user("planner")
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    other = User.objects.create_user("other", is_staff=True)
    boss = User.objects.create_superuser("boss")

    def ids(user):
        return {spec.id for spec in registry.visible_to(user)}

    assert "test-facilities" not in ids(AnonymousUser())
    assert "test-facilities" not in ids(other)
    assert "test-facilities" in ids(planner)
    assert "test-facilities" in ids(boss)
    assert "territory" in ids(AnonymousUser())


@pytest.mark.django_db
def test_staff_layer_is_visible_to_staff_but_not_to_other_users(register):
    register(facility_spec(visibility="staff"))
    staff = User.objects.create_user("staff", is_staff=True)
    resident = User.objects.create_user("resident")
    assert registry.get_visible("test-facilities", staff) is not None
    assert registry.get_visible("test-facilities", resident) is None
    assert registry.get_visible("test-facilities", None) is None


def test_no_layer_source_names_a_file_of_the_repository():
    """A layer's source is printed on every sheet and map: it names who keeps the data,
    never a file of ours ("демонстраційні дані (fixtures/README.md)" was printed)."""
    for spec in registry.all_layers():
        for text in (spec.source, spec.source_en):
            assert not re.search(r"\.(md|py|json|csv|txt)\b|[/\\]", text or ""), (spec.id, text)
