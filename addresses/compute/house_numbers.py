"""The house-number grammar, and the letters and apostrophes the other parts share.

House-number grammar (display form on the right):

    12, 12А, 12-а, 12 а, 12a (Latin)   → 12А
    5/1                                 → 5/1
    12А/3                               → 12А/3
    12 корп. 2, 12к2, 12 к.2, 12, корпус 2 → 12 корп. 2
    12 буд. 3, 12, будинок 3               → 12 буд. 3
    12-14 (a range of plots, 12–14)        → 12-14

The forms are those the address-assignment rules allow (Cabinet of Ministers resolution
No. 690 of 2021): a number, optionally with a letter or a fraction, and a building part
(корпус or будинок); a range names one building standing on several numbered plots and
goes upwards ("14-12" is refused, saying so).

A number is 1–9999 without a leading zero; a letter is one capital letter of the
Ukrainian alphabet other than Ь and Й (the project's rule: those two never stand alone
after a number); a fraction and a корпус are 1–9999 and 1–999. Latin letters that look
like Cyrillic ones (A, B, C, E, H, I, K, M, O, P, T, X, Y) are read as the Cyrillic letter.
"""

import re
from dataclasses import dataclass

MAX_HOUSE_NUMBER_INPUT = 20

# Latin letters typed instead of the Cyrillic letter they look like.
LATIN_TO_CYRILLIC = str.maketrans(
    {
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
        "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
        "a": "а", "c": "с", "e": "е", "i": "і", "k": "к", "m": "м", "o": "о", "p": "р",
        "x": "х", "y": "у",
    }
)  # fmt: skip

HOUSE_LETTERS = "АБВГҐДЕЄЖЗИІЇКЛМНОПРСТУФХЦЧШЩЮЯ"
NOT_UKRAINIAN = "ЪЫЭЁ"

APOSTROPHES = "'’ʼ`‘′"
APOSTROPHE = "ʼ"  # U+02BC, the Ukrainian apostrophe as a letter

_HOUSE_RE = re.compile(
    r"^(?P<number>[1-9]\d{0,3})"
    r"(?: ?- ?(?P<to>[1-9]\d{0,3})(?![/\d]))?"
    r"(?:[ -]?(?P<letter>[А-ЯҐЄІЇ]))?"
    r"(?: ?/ ?(?P<fraction>[1-9]\d{0,3}))?"
    r"(?: ?,? ?(?:(?P<korpus>КОРПУС|КОРП\.?|К\.?)|БУДИНОК|БУДІВЛЯ|БУД\.?) ?"
    r"(?P<building>[1-9]\d{0,2}))?$"
)
BUILDING_WORDS = {"korpus": "корп.", "budynok": "буд."}


def gettext_noop(text: str) -> str:
    """Mark a message for translation (makemessages finds it) without translating it here:
    this module stays free of Django; callers translate `template` (addresses.errors)."""
    return text


class MessageError(ValueError):
    """An error whose message is an English `template` with %-style `params`.

    str() gives the English message; addresses.errors.message_of gives it in the active
    language.
    """

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


class HouseNumberError(MessageError):
    """A house number that does not follow the grammar; the message says why."""


@dataclass(frozen=True)
class HouseNumber:
    """The parsed parts of a house number and its normalized display form."""

    number: int
    letter: str = ""
    fraction: int | None = None
    building: int | None = None
    number_to: int | None = None  # the last number of a range "12-14"
    building_word: str = "корп."  # the building part's word: "корп." or "буд."

    @property
    def display(self) -> str:
        text = f"{self.number}" if self.number_to is None else f"{self.number}-{self.number_to}"
        text += self.letter
        if self.fraction is not None:
            text += f"/{self.fraction}"
        if self.building is not None:
            text += f" {self.building_word} {self.building}"
        return text

    @property
    def sort_key(self) -> tuple:
        """Natural order: 2 < 10 < 12 < 12-14 < 12/1 < 12А < 12А/1 < 12 корп. 2."""
        return (
            self.number, self.letter, self.fraction or 0, self.number_to or 0,
            self.building or 0, self.building_word,
        )  # fmt: skip


def _prepare(raw: str) -> str:
    """Upper-case, map Latin look-alikes, unify dashes and collapse spaces."""
    text = raw.translate(LATIN_TO_CYRILLIC).upper()
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_house_number(raw: str) -> HouseNumber:
    """Parse a house number into its parts; raise HouseNumberError saying why it fails."""
    if raw is None or not str(raw).strip():
        raise HouseNumberError(gettext_noop("House number is empty."))
    raw = str(raw)
    if len(raw.strip()) > MAX_HOUSE_NUMBER_INPUT:
        raise HouseNumberError(
            gettext_noop("House number is too long (%(length)d characters; at most %(max)d)."),
            length=len(raw.strip()),
            max=MAX_HOUSE_NUMBER_INPUT,
        )
    text = _prepare(raw)
    match = _HOUSE_RE.match(text)
    if match is None:
        template, params = _diagnose(raw.strip(), text)
        raise HouseNumberError(template, **params)
    letter = match["letter"] or ""
    number_to = _range_end(match, raw.strip())
    if letter and letter in NOT_UKRAINIAN:
        raise HouseNumberError(NOT_UKRAINIAN_LETTER, letter=letter, raw=raw.strip())
    if letter and letter not in HOUSE_LETTERS:
        raise HouseNumberError(
            gettext_noop("Letter '%(letter)s' is not used in house numbers: '%(raw)s'."),
            letter=letter,
            raw=raw.strip(),
        )
    return HouseNumber(
        number=int(match["number"]),
        letter=letter,
        fraction=int(match["fraction"]) if match["fraction"] else None,
        building=int(match["building"]) if match["building"] else None,
        number_to=number_to,
        building_word="корп." if match["korpus"] or not match["building"] else "буд.",
    )


def house_fields(house: HouseNumber) -> dict:
    """Return the Address fields of a parsed house number (display form and parts)."""
    return {
        "house_number": house.display,
        "number": house.number,
        "number_to": house.number_to,
        "letter": house.letter,
        "fraction": house.fraction,
        "building": house.building,
    }


def _range_end(match: re.Match, raw: str) -> int | None:
    """Return the end of a range "12-14"; raise HouseNumberError for "14-12" or "12-12"."""
    if not match["to"]:
        return None
    start, end = int(match["number"]), int(match["to"])
    if end == start:
        raise HouseNumberError(
            gettext_noop("'%(raw)s' names one number twice; write it once: %(start)d."),
            raw=raw,
            start=start,
        )
    if end < start:
        raise HouseNumberError(
            gettext_noop(
                "A range of house numbers goes upwards, from the smaller number to the "
                "larger: '%(raw)s' (write %(end)d-%(start)d)."
            ),
            raw=raw,
            start=start,
            end=end,
        )
    if match["letter"] or match["fraction"]:
        raise HouseNumberError(
            gettext_noop("A range of house numbers has no letter or fraction: '%(raw)s'."),
            raw=raw,
        )
    return end


NOT_UKRAINIAN_LETTER = gettext_noop("Letter '%(letter)s' is not a Ukrainian letter: '%(raw)s'.")


def _diagnose(raw: str, text: str) -> tuple[str, dict]:
    """Explain why `text` (prepared from `raw`) is not a house number: (template, params)."""
    if not text[0].isdigit():
        return gettext_noop("A house number starts with a digit: '%(raw)s'."), {"raw": raw}
    if text[0] == "0":
        return (
            gettext_noop("A house number is 1 or more and has no leading zero: '%(raw)s'."),
            {"raw": raw},
        )
    digits = re.match(r"\d+", text)[0]
    if len(digits) > 4:
        return (
            gettext_noop("House number %(digits)s is too large (at most 9999): '%(raw)s'."),
            {"digits": digits, "raw": raw},
        )
    if foreign := [ch for ch in text if ch in NOT_UKRAINIAN]:
        return NOT_UKRAINIAN_LETTER, {"letter": foreign[0], "raw": raw}
    if re.match(r"^\d+[ -]?[А-ЯҐЄІЇ]{2,}$", text):
        return gettext_noop("A house number has at most one letter: '%(raw)s'."), {"raw": raw}
    return (
        gettext_noop(
            "Cannot read '%(raw)s' as a house number; "
            "expected forms like 12, 12А, 5/1, 12-14, 12 корп. 2 or 12 буд. 3."
        ),
        {"raw": raw},
    )


def normalize_house_number(raw: str) -> str:
    """Return the display form of a house number; raise HouseNumberError when it fails."""
    return parse_house_number(raw).display
