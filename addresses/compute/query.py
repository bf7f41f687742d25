"""Free-text address queries: the folded search form and its parts (kind, house number)."""

import re
from dataclasses import dataclass

from addresses.compute.house_numbers import (
    APOSTROPHE,
    APOSTROPHES,
    LATIN_TO_CYRILLIC,
    HouseNumber,
    HouseNumberError,
    parse_house_number,
)
from addresses.compute.streets import KIND_LOOKUP, STREET_KINDS, normalize_apostrophes

SETTLEMENT_WORDS = {"с.", "с", "село", "селище", "смт", "смт."}
_KIND_WORDS = frozenset(kind.word for kind in STREET_KINDS)


def fold(text: str) -> str:
    """Return the lower-case search form of a text: no apostrophes, no punctuation.

    Every query goes through this function and the stored `Street.search_name` and the
    settlement-name index through its SQL twin (FOLD_FROM/FOLD_TO), so a query matches
    whatever apostrophe or letter case it was typed with.
    """
    text = normalize_apostrophes(str(text or "")).replace(APOSTROPHE, "")
    text = text.translate(LATIN_TO_CYRILLIC).lower()
    text = re.sub(r"[,;:«»\"()]", " ", text)
    return " ".join(text.split())


# fold() as SQL `lower(translate(text, FOLD_FROM, FOLD_TO))`, for stored search columns:
# Latin look-alikes become Cyrillic, punctuation a space, and every apostrophe is dropped
# (translate deletes the characters of FOLD_FROM that have no counterpart in FOLD_TO).
_FOLD_PUNCTUATION = ',;:«»"()'
FOLD_FROM = "".join(chr(code) for code in LATIN_TO_CYRILLIC) + _FOLD_PUNCTUATION + APOSTROPHES
FOLD_TO = "".join(LATIN_TO_CYRILLIC.values()) + " " * len(_FOLD_PUNCTUATION)


def compact_house_number(display: str) -> str:
    """Return the house number as a search query holds it: "12 корп. 2" → "12к2"."""
    return display.replace(" корп. ", "к").replace(" буд. ", "буд").lower()


_QUERY_NUMBER_RE = re.compile(
    r"(?:^|[\s,])(?P<num>\d{1,4}(?:[ -]?[^\W\d_](?![^\W\d_]))?(?: ?/ ?\d{1,4})?"
    r"(?: ?,? ?(?:корпус|корп\.?|к\.?) ?\d{1,3})?)\s*$",
    flags=re.IGNORECASE,
)


_QUERY_NUMBER_BEFORE_COMMA_RE = re.compile(
    r"(?:^|\s)(?P<num>\d{1,4}(?:[ -]?[^\W\d_](?![^\W\d_]))?(?: ?/ ?\d{1,4})?)\s*,",
    flags=re.IGNORECASE,
)


@dataclass(frozen=True)
class SearchQuery:
    key: str  # the query folded, without kind words, house number in its stored form
    kind: str | None  # a street kind named in the query
    house: HouseNumber | None  # the house number at the end of the query, if any
    text: str = ""  # `key` without the house number: the settlement and street words
    latin: bool = False  # written in Latin: `key` and `text` are loose Latin search keys

    @property
    def words(self) -> list[str]:
        """The words of `text` worth matching against street names (3+ letters)."""
        return [word for word in self.text.split() if sum(ch.isalpha() for ch in word) >= 3]


def parse_search_query(q: str) -> SearchQuery:
    """Read a free-text address query: its search key, street kind and house number.

    A kind word is dropped when it is abbreviated ("вул.") or followed by a name
    ("провулок Садовий"); alone ("Набережна 5") it is kept, being then a street name.
    """
    text = normalize_apostrophes(str(q or "")).strip()
    house = None
    # The number ends the query ("Шевченка 12"), or ends its part before a comma
    # ("вул. Шкільна 3, Дмитрівка").
    match = _QUERY_NUMBER_RE.search(text) or _QUERY_NUMBER_BEFORE_COMMA_RE.search(text)
    if match:
        try:
            house = parse_house_number(match["num"])
        except HouseNumberError:
            house = None
        if house is not None:
            text = text[: match.start("num")] + " " + text[match.end("num") :]
    from addresses import searchkeys  # it builds on this module's vocabulary

    latin = searchkeys.is_latin(text)
    if latin:
        words, kind = searchkeys.drop_kind_words(searchkeys.latin_words(text))
    else:
        words, kind = drop_kind_words(
            fold(text).split(),
            kinds=KIND_LOOKUP,
            full_words=_KIND_WORDS,
            settlement_words=SETTLEMENT_WORDS,
        )
    text = " ".join(words)
    if house is not None:
        words.append(compact_house_number(house.display))
    return SearchQuery(key=" ".join(words), kind=kind, house=house, text=text, latin=latin)


def drop_kind_words(
    words: list[str],
    *,
    kinds: dict[str, str],
    full_words: frozenset[str],
    settlement_words,
    key=lambda word: word,
) -> tuple[list[str], str | None]:
    """Return the keys (`key(word)`, empty ones left out) of a query's words without its
    street-kind and settlement words, and the kind named (or None).

    `kinds` maps every form of a kind word to its code. A kind word counts when
    abbreviated (not in `full_words`) or followed by a name; alone ("Набережна 5") it is
    the street's name. The same rule for both scripts: Cyrillic here, Latin in searchkeys.
    """
    kept, kind = [], None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        named = bool(following) and not following[0].isdigit()
        if word in settlement_words and named:
            continue
        code = kinds.get(word) or kinds.get(word.rstrip("."))
        if code and kind is None and (named or word not in full_words):
            kind = code
            continue
        if found := key(word):
            kept.append(found)
    return kept, kind


def word_search_text(text: str) -> str:
    """A typed address as a word search (the admin's) reads it: "вул. Молодіжна, 90" →
    "молодіжна 90". Commas gone, street-kind and settlement words dropped (as
    `parse_search_query` drops them), the rest lower-cased as typed (apostrophes kept)."""
    words = normalize_apostrophes(str(text or "")).replace(",", " ").lower().split()
    kept, _kind = drop_kind_words(
        words, kinds=KIND_LOOKUP, full_words=_KIND_WORDS, settlement_words=SETTLEMENT_WORDS
    )
    return " ".join(kept) or " ".join(words)
