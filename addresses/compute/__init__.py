"""Pure functions of the address register (no ORM, no settings: plain values in and out,
tested fast and by property), split by meaning; import from here.

* `house_numbers`: the house-number grammar (resolution No. 690 of 2021), parsed and
  normalised, and the letters and apostrophes the other parts share;
* `streets`: the street kinds' vocabulary, street names tidied, address labels;
* `query`: a free-text search query folded and read into its parts.
"""

from addresses.compute.house_numbers import (
    APOSTROPHE,
    APOSTROPHES,
    BUILDING_WORDS,
    HOUSE_LETTERS,
    LATIN_TO_CYRILLIC,
    MAX_HOUSE_NUMBER_INPUT,
    NOT_UKRAINIAN,
    NOT_UKRAINIAN_LETTER,
    HouseNumber,
    HouseNumberError,
    MessageError,
    gettext_noop,
    house_fields,
    normalize_house_number,
    parse_house_number,
)
from addresses.compute.query import (
    FOLD_FROM,
    FOLD_TO,
    SETTLEMENT_WORDS,
    SearchQuery,
    compact_house_number,
    fold,
    parse_search_query,
    word_search_text,
)
from addresses.compute.streets import (
    KIND_LOOKUP,
    STREET_KIND_BY_CODE,
    STREET_KINDS,
    StreetKindError,
    StreetKindInfo,
    address_label,
    normalize_apostrophes,
    normalize_street_name,
    split_street,
    street_kind_code,
)

__all__ = [
    "APOSTROPHE",
    "APOSTROPHES",
    "BUILDING_WORDS",
    "FOLD_FROM",
    "FOLD_TO",
    "HOUSE_LETTERS",
    "KIND_LOOKUP",
    "LATIN_TO_CYRILLIC",
    "MAX_HOUSE_NUMBER_INPUT",
    "NOT_UKRAINIAN",
    "NOT_UKRAINIAN_LETTER",
    "SETTLEMENT_WORDS",
    "STREET_KINDS",
    "STREET_KIND_BY_CODE",
    "HouseNumber",
    "HouseNumberError",
    "MessageError",
    "SearchQuery",
    "StreetKindError",
    "StreetKindInfo",
    "address_label",
    "compact_house_number",
    "fold",
    "gettext_noop",
    "house_fields",
    "normalize_apostrophes",
    "normalize_house_number",
    "normalize_street_name",
    "parse_house_number",
    "parse_search_query",
    "word_search_text",
    "split_street",
    "street_kind_code",
]
