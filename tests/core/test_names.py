"""Names in the page's language and lists in its alphabetical order (core.names)."""

from django.template import Context, Template
from django.utils import translation

from core.names import collation_key, local_name, sorted_by_name

VILLAGES = ["Ясинуватка", "Іванківці", "Ґудзівка", "Гнатівка", "Дмитрівка", "Єлизаветградка"]


def test_english_uses_name_en_and_else_the_official_transliteration():
    assert local_name({"name_uk": "Дмитрівка", "name_en": "Dmytrivka"}, "en") == "Dmytrivka"
    assert local_name({"name_uk": "Згурівка", "name_en": ""}, "en") == "Zghurivka"
    assert local_name({"name_uk": "Дмитрівка", "name_en": "Dmytrivka"}, "uk") == "Дмитрівка"
    assert local_name("Юхимове", "en") == "Yukhymove"


def test_the_template_filter_follows_the_active_language():
    template = Template("{{ village|local_name }} / {{ street|latin }}")
    context = Context({"village": {"name_uk": "Макариха", "name_en": ""}, "street": "Шевченка"})
    with translation.override("en"):
        assert template.render(context) == "Makarykha / Shevchenka"
    with translation.override("uk"):
        assert template.render(context) == "Макариха / Шевченка"


def test_ukrainian_lists_follow_the_alphabet_not_code_points():
    ordered = sorted(VILLAGES, key=lambda name: collation_key(name, "uk"))
    assert ordered == [
        "Гнатівка", "Ґудзівка", "Дмитрівка", "Єлизаветградка", "Іванківці", "Ясинуватка"
    ]  # fmt: skip
    assert sorted(VILLAGES)[:2] == ["Єлизаветградка", "Іванківці"]  # code points: wrong


def test_english_lists_sort_by_the_shown_latin_name():
    items = [{"name_uk": name, "name_en": ""} for name in VILLAGES]
    shown = [local_name(item, "en") for item in sorted_by_name(items, "en")]
    assert shown == sorted(shown, key=str.casefold)


def test_postgresql_icu_collation_agrees_with_the_python_key(db):
    from django.db import connection

    with connection.cursor() as cursor:
        values = ", ".join(f"('{name}')" for name in VILLAGES)
        cursor.execute(f'SELECT x FROM (VALUES {values}) v(x) ORDER BY x COLLATE "uk-UA-x-icu"')
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == sorted(VILLAGES, key=lambda name: collation_key(name, "uk"))
