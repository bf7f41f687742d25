"""The official transliteration (resolution No. 55 of 2010), checked against its own examples."""

import pytest

from core.translit import to_latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # Examples printed in the resolution's table.
        ("Згорани", "Zghorany"),
        ("Розгон", "Rozghon"),
        ("Єнакієве", "Yenakiieve"),
        ("Їжакевич", "Yizhakevych"),
        ("Знам'янка", "Znamianka"),
        ("Юрій", "Yurii"),
        ("Олександрія", "Oleksandriia"),
        # The community's own names.
        ("Дмитрівка", "Dmytrivka"),
        ("Макариха", "Makarykha"),
        ("Цибулеве", "Tsybuleve"),
        ("вулиця Шевченка", "vulytsia Shevchenka"),
    ],
)
def test_official_examples(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_latin_and_empty_text_come_back_unchanged():
    assert to_latin("Dmytrivka 12a") == "Dmytrivka 12a"
    assert to_latin("") == ""
