"""Street kinds (the vocabulary), street names tidied for storage, address labels."""

import re
from dataclasses import dataclass

from addresses.compute.house_numbers import (
    APOSTROPHE,
    APOSTROPHES,
    LATIN_TO_CYRILLIC,
    MessageError,
    gettext_noop,
)


@dataclass(frozen=True)
class StreetKindInfo:
    code: str
    word: str  # the full Ukrainian word, lower case
    abbreviation: str  # the abbreviation used in addresses
    aliases: tuple[str, ...] = ()


STREET_KINDS: tuple[StreetKindInfo, ...] = (
    StreetKindInfo("street", "вулиця", "вул.", ("вул",)),
    StreetKindInfo("lane", "провулок", "пров.", ("пров", "пр-к", "пров-к")),
    StreetKindInfo("square", "площа", "пл.", ("пл",)),
    StreetKindInfo("avenue", "проспект", "просп.", ("просп", "пр-т", "пр-кт")),
    StreetKindInfo("boulevard", "бульвар", "бульв.", ("бульв", "б-р", "бул.")),
    StreetKindInfo("descent", "узвіз", "узв.", ("узв",)),
    StreetKindInfo("dead_end", "тупик", "туп.", ("туп",)),
    StreetKindInfo("highway", "шосе", "ш.", ()),
    StreetKindInfo("maidan", "майдан", "майд.", ("майд",)),
    StreetKindInfo("embankment", "набережна", "наб.", ("наб",)),
    StreetKindInfo("passage", "проїзд", "пр-д", ("пр-зд", "проїзд.")),
    StreetKindInfo("microdistrict", "мікрорайон", "мкрн", ("мкр", "мкрн.", "мкр.", "м-н")),
    StreetKindInfo("quarter", "квартал", "кв-л", ("кв-л.",)),
    StreetKindInfo("alley", "алея", "ал.", ("ал",)),
    StreetKindInfo("road", "дорога", "дор.", ()),
    StreetKindInfo("line", "лінія", "лін.", ()),
    StreetKindInfo("entry", "вʼїзд", "вʼїзд", ()),
)
STREET_KIND_BY_CODE = {kind.code: kind for kind in STREET_KINDS}
KIND_LOOKUP = {
    word: kind.code
    for kind in STREET_KINDS
    for word in (kind.code, kind.word, kind.abbreviation, *kind.aliases)
}


class StreetKindError(MessageError):
    """A street kind outside the vocabulary."""


def street_kind_code(raw: str) -> str:
    """Return the vocabulary code for a kind given as code, word or abbreviation.

    Raise StreetKindError naming the known kinds when it is none of them.
    """
    key = normalize_apostrophes(str(raw or "")).strip().lower()
    if key in KIND_LOOKUP:
        return KIND_LOOKUP[key]
    if key.rstrip(".") in KIND_LOOKUP:
        return KIND_LOOKUP[key.rstrip(".")]
    known = ", ".join(kind.word for kind in STREET_KINDS)
    raise StreetKindError(
        gettext_noop("Unknown street kind '%(raw)s'. Known kinds: %(known)s."),
        raw=raw,
        known=known,
    )


def normalize_apostrophes(text: str) -> str:
    """Replace every apostrophe look-alike (' ’ ` ‘ ′) with ʼ (U+02BC)."""
    return re.sub(f"[{re.escape(APOSTROPHES)}]", APOSTROPHE, text)


def normalize_street_name(raw: str) -> str:
    """Return a street name tidied for storage: one apostrophe, single spaces, no dot.

    Latin look-alike letters inside Cyrillic words become Cyrillic ("Шевченкa" → "Шевченка").
    """
    text = re.sub(r"\s+", " ", normalize_apostrophes(str(raw or ""))).strip().strip(",")
    words = [
        word.translate(LATIN_TO_CYRILLIC) if re.search(r"[А-Яа-яҐґЄєІіЇї]", word) else word
        for word in text.split(" ")
    ]
    return " ".join(words)


def split_street(raw: str) -> tuple[str | None, str]:
    """Split "вул. Шевченка" (or "Шевченка вулиця") into (kind code or None, name)."""
    text = normalize_street_name(raw)
    words = text.split(" ")
    if len(words) > 1:
        for kind_word, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
            code = KIND_LOOKUP.get(kind_word.lower()) or KIND_LOOKUP.get(
                kind_word.lower().rstrip(".")
            )
            if code:
                return code, " ".join(rest)
    match = re.match(r"^([а-яіїєґʼ-]+\.)(\S.*)$", text, flags=re.IGNORECASE)
    if match and match[1].lower() in KIND_LOOKUP:
        return KIND_LOOKUP[match[1].lower()], match[2]
    return None, text


def address_label(settlement: str, kind: str, street: str, house_number: str) -> str:
    """Return the display label "с. Дмитрівка, вул. Шевченка, 12А"."""
    abbreviation = STREET_KIND_BY_CODE[kind].abbreviation if kind in STREET_KIND_BY_CODE else ""
    return f"{settlement}, {abbreviation} {street}, {house_number}".replace("  ", " ")
