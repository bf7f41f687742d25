"""The house-number grammar, street kinds and search keys (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addresses import compute


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("12", "12"),
        ("12А", "12А"),
        ("12-а", "12А"),
        ("12 а", "12А"),
        ("12a", "12А"),  # Latin a
        ("12A", "12А"),  # Latin A
        ("  12   а ", "12А"),
        ("5/1", "5/1"),
        ("5 / 1", "5/1"),
        ("12А/3", "12А/3"),
        ("12 корп. 2", "12 корп. 2"),
        ("12к2", "12 корп. 2"),
        ("12 к.2", "12 корп. 2"),
        ("12, корпус 2", "12 корп. 2"),
        ("12k2", "12 корп. 2"),  # Latin k
        ("12 к", "12К"),
        ("9999Я/9999 корп. 999", "9999Я/9999 корп. 999"),
    ],
)
def test_house_number_normalizes_to_display_form(raw, display):
    assert compute.normalize_house_number(raw) == display


def test_house_number_parts_are_parsed():
    house = compute.parse_house_number("12-б/3 к2")
    assert (house.number, house.letter, house.fraction, house.building) == (12, "Б", 3, 2)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0", "no leading zero"),
        ("012", "no leading zero"),
        ("abc", "starts with a digit"),
        ("12ЬЬ", "at most one letter"),
        ("12АБ", "at most one letter"),
        ("12Ь", "not used in house numbers"),
        ("12Ы", "not a Ukrainian letter"),
        ("99999", "too large"),
        ("1" * 21, "too long"),
        ("12 корп. 2 кв. 5 будинок", "too long"),
        ("12/", "expected forms like"),
    ],
)
def test_house_number_rejects_bad_input_saying_why(raw, reason):
    with pytest.raises(compute.HouseNumberError, match=reason):
        compute.parse_house_number(raw)


LETTERS = st.sampled_from(["", *compute.HOUSE_LETTERS])
HOUSES = st.builds(
    compute.HouseNumber,
    number=st.integers(1, 9999),
    letter=LETTERS,
    fraction=st.none() | st.integers(1, 9999),
    building=st.none() | st.integers(1, 999),
)


@given(HOUSES)
def test_every_display_form_parses_back_to_the_same_parts(house):
    assert compute.parse_house_number(house.display) == house


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 -/.,АБВКЬабвкорпусABCkKaк")),
        max_size=20,
    )
)
def test_normalizing_twice_equals_normalizing_once(raw):
    try:
        once = compute.normalize_house_number(raw)
    except compute.HouseNumberError:
        return
    assert compute.normalize_house_number(once) == once


@given(HOUSES, st.sampled_from(["", " ", "-"]), st.booleans())
def test_spelling_variants_of_a_house_number_normalize_alike(house, sep, lower):
    raw = f"{house.number}{sep if house.letter else ''}{house.letter}"
    if lower:
        raw = raw.lower()
    if house.fraction is not None:
        raw += f"/{house.fraction}"
    if house.building is not None:
        raw += f"к{house.building}"
    assert compute.parse_house_number(raw) == house


@pytest.mark.parametrize(
    ("raw", "code"),
    [("вулиця", "street"), ("вул.", "street"), ("ПРОВ.", "lane"), ("пров", "lane"),
     ("street", "street"), ("площа", "square"), ("мкрн", "microdistrict"),
     ("в'їзд", "entry"), ("узвіз", "descent")],
)  # fmt: skip
def test_street_kind_is_read_from_word_abbreviation_or_code(raw, code):
    assert compute.street_kind_code(raw) == code


def test_unknown_street_kind_is_rejected_naming_known_kinds():
    with pytest.raises(compute.StreetKindError, match="Unknown street kind 'алейка'.*вулиця"):
        compute.street_kind_code("алейка")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("вул. Шевченка", ("street", "Шевченка")),
        ("вул.Шевченка", ("street", "Шевченка")),
        ("провулок Садовий", ("lane", "Садовий")),
        ("Набережна", (None, "Набережна")),
        ("Мар'янівська вулиця", ("street", "Мар\u02bcянівська")),
        ("Шевченкa", (None, "Шевченка")),  # Latin a inside a Cyrillic word
    ],
)
def test_split_street_separates_kind_from_name(raw, expected):
    assert compute.split_street(raw) == expected


@pytest.mark.parametrize(
    "q",
    [
        "Дмитрівка, вул. Шевченка, 12",
        "дмитрівка вулиця шевченка 12",
        "ДМИТРІВКА ШЕВЧЕНКА 12",
        "с. Дмитрівка, Шевченка, 12",
    ],
)
def test_search_key_ignores_kind_case_and_punctuation(q):
    assert compute.parse_search_query(q).key == "дмитрівка шевченка 12"


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ", "`"])
def test_search_key_accepts_any_apostrophe(apostrophe):
    key = compute.parse_search_query(f"Мар{apostrophe}янівська 3").key
    assert key == compute.fold("Мар'янівська 3") == "марянівська 3"


def test_search_query_keeps_a_kind_word_used_as_a_street_name():
    assert compute.parse_search_query("Набережна 5").key == "набережна 5"
    assert compute.parse_search_query("вулиця Набережна 5").kind == "street"


def test_search_query_reads_the_house_number_at_the_end():
    parsed = compute.parse_search_query("Шевченка 12 а")
    assert parsed.house == compute.HouseNumber(12, "А")
    assert parsed.key == "шевченка 12а"
