"""Names of places and things in the page's language, and lists in its collation.

English pages show `name_en` where the data has one, else the official transliteration
(`core.translit.to_latin`, КМУ No. 55 of 2010); Ukrainian pages show the Ukrainian name.
Templates use the `local_name` filter (`{% load hromada %}`), Python code `local_name()`.
Lists are sorted by the language's alphabet: in SQL with PostgreSQL's ICU collation
(`collated`), in Python with `collation_key` (Ukrainian alphabet order А Б В Г Ґ Д Е Є Ж
З И І Ї Й …, not code points, which put "Іванківці" after "Ясинуватка").
"""

from django.utils.translation import get_language

from core.translit import to_latin

# PostgreSQL collations (ICU, shipped with PostgreSQL 15 on Debian) per language.
SQL_COLLATIONS = {"uk": "uk-UA-x-icu", "en": "en-x-icu"}
UK_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_UK_ORDER = {letter: index for index, letter in enumerate(UK_ALPHABET)}
_APOSTROPHES = str.maketrans("", "", "'’ʼ`")


def is_english(language: str | None = None) -> bool:
    """Tell whether `language` (default: the active one) is English."""
    return (language or get_language() or "uk").startswith("en")


def _field(thing, name: str) -> str:
    if isinstance(thing, dict):
        return thing.get(name) or ""
    return getattr(thing, name, "") or ""


def local_name(thing, language: str | None = None) -> str:
    """Return the name of `thing` for the page's language.

    `thing` is a model or dict with `name_uk`/`name_en` (or `name`), or a plain string
    (a Ukrainian name). English: `name_en` if present, else the transliteration.
    """
    if thing is None:
        return ""
    if isinstance(thing, str):
        uk, en = thing, ""
    else:
        uk = _field(thing, "name_uk") or _field(thing, "name")
        en = _field(thing, "name_en")
    if not is_english(language):
        return uk
    return en or to_latin(uk)


def collation_key(text: str, language: str | None = None) -> tuple:
    """A sort key for `text` in the language's alphabetical order (case-insensitive)."""
    text = (text or "").casefold().translate(_APOSTROPHES)
    if is_english(language):
        return (text,)
    # Spaces, digits and Latin first (code-point order), then Ukrainian by its alphabet.
    return tuple((1, _UK_ORDER[ch]) if ch in _UK_ORDER else (0, ord(ch)) for ch in text)


def sorted_by_name(items, language: str | None = None, *, name=local_name) -> list:
    """Return `items` sorted by their local name in the language's alphabetical order."""
    return sorted(items, key=lambda item: collation_key(name(item, language), language))


def collated(field: str, language: str | None = None):
    """An ORDER BY expression: `field` in the language's ICU collation (PostgreSQL)."""
    from django.db.models.functions import Collate

    return Collate(field, SQL_COLLATIONS["en" if is_english(language) else "uk"])
