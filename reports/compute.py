"""Pure functions for reports: text clean-up, answers to a category's questions, statuses.

No ORM and no settings here: callers pass plain values and get plain values or a
`ValueError` subclass back.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime

# gettext_noop only marks messages for makemessages (an identity function); the service
# translates them.
from django.utils.translation import gettext_noop

from core.text import text_clean

_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,25}$")
STRING_MAX_CHARS = 300
TEXT_MAX_CHARS = 4000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer: an English message id with %(name)s placeholders,
    and its values; str() gives the English text, the caller translates the id."""

    text: str
    params: tuple[tuple[str, object], ...] = ()
    inner: "Problem | None" = None  # filled in as %(problem)s

    def __str__(self) -> str:
        return self.translated(lambda text: text)

    def translated(self, gettext) -> str:
        params = dict(self.params)
        if self.inner is not None:
            params["problem"] = self.inner.translated(gettext)
        return gettext(self.text) % params


class AnswerError(ValueError):
    """Answers to a category's questions are missing or malformed; `problems` lists why
    (English texts), `details` the same as Problems to translate."""

    def __init__(self, details: list[Problem]):
        self.details = details
        self.problems = [str(problem) for problem in details]
        super().__init__("; ".join(self.problems))


class _AnswerValueError(ValueError):
    def __init__(self, text: str, **params):
        super().__init__(text % params)
        self.problem = Problem(text, tuple(params.items()))


@dataclass(frozen=True)
class QuestionSpec:
    """What compute needs to know about one question (see reports.models.Question)."""

    code: str
    datatype: str
    required: bool
    choice_keys: tuple[str, ...] = ()
    label: str = ""
    label_en: str = ""  # the question in English, where the category's editor gave it


def plain_text(text: str | None) -> str:
    """Return `text` with Unix newlines, without control characters and outer blanks.

    HTML is kept as typed: it is plain text and every output escapes it.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters other than tab and newline, non-characters, lone surrogates.
    return text_clean(text).strip()


def open311_status(status: str, open_statuses) -> str:
    """Map one of our statuses to Open311's "open" or "closed"."""
    return "open" if status in open_statuses else "closed"


def answers_clean(questions: list[QuestionSpec], raw: dict, *, english: bool = False) -> dict:
    """Validate raw answers ({code: str or list of str}) and return them typed.

    Blank answers are dropped. Raise AnswerError naming every problem: a required
    question left blank, an unknown question code, a value of the wrong type or choice;
    a question is named in English when `english` and it has an English text.
    """
    by_code = {question.code: question for question in questions}
    problems = [
        Problem(gettext_noop("unknown question '%(code)s'"), (("code", code),))
        for code in raw
        if code not in by_code
    ]
    clean = {}
    for question in questions:
        value = _blank_to_none(raw.get(question.code))
        label = (english and question.label_en) or question.label or question.code
        if value is None:
            if question.required:
                problems.append(
                    Problem(gettext_noop("'%(question)s' is required"), (("question", label),))
                )
            continue
        try:
            clean[question.code] = _answer_value(question, value)
        except _AnswerValueError as exc:
            text = gettext_noop("'%(question)s': %(problem)s")
            problems.append(Problem(text, (("question", label),), inner=exc.problem))
    if problems:
        raise AnswerError(problems)
    return clean


def _blank_to_none(value):
    if isinstance(value, list | tuple):
        items = [str(item).strip() for item in value if str(item).strip()]
        return items or None
    if value is None or not str(value).strip():
        return None
    return str(value).strip()


def _answer_value(question: QuestionSpec, value):
    """Return one answer converted to its datatype; ValueError says what is wrong."""
    if question.datatype == "multivaluelist":
        values = value if isinstance(value, list) else [value]
        unknown = [item for item in values if item not in question.choice_keys]
        if unknown:
            raise _AnswerValueError(
                gettext_noop("not among the choices: %(value)s"), value=", ".join(unknown)
            )
        return values
    if isinstance(value, list):
        if len(value) != 1:
            raise _AnswerValueError(gettext_noop("expects one value"))
        value = value[0]
    return _SCALAR[question.datatype](question, value)


def _number(question, value: str):
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise _AnswerValueError(gettext_noop("not a number")) from None
    if not math.isfinite(number):
        raise _AnswerValueError(gettext_noop("not a finite number"))
    return int(number) if number.is_integer() else number


def _datetime(question, value: str) -> str:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise _AnswerValueError(gettext_noop("not an ISO 8601 date or date-time")) from None


def _string(question, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise _AnswerValueError(gettext_noop("must be one line"))
    if len(value) > STRING_MAX_CHARS:
        raise _AnswerValueError(
            gettext_noop("longer than %(max)s characters"), max=STRING_MAX_CHARS
        )
    return plain_text(value)


def _text(question, value: str) -> str:
    value = plain_text(value)
    if len(value) > TEXT_MAX_CHARS:
        raise _AnswerValueError(gettext_noop("longer than %(max)s characters"), max=TEXT_MAX_CHARS)
    return value


def _single(question, value: str) -> str:
    if value not in question.choice_keys:
        raise _AnswerValueError(gettext_noop("not among the choices: %(value)s"), value=value)
    return value


_SCALAR = {
    "number": _number,
    "datetime": _datetime,
    "string": _string,
    "text": _text,
    "singlevaluelist": _single,
}


def degree_box(lat: float, radius_m: float) -> float:
    """Return a distance in degrees covering at least `radius_m` metres at latitude `lat`."""
    return radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))


def phone_is_plausible(phone: str) -> bool:
    """Tell whether `phone` looks like a phone number: digits, spaces, ()- and a leading +."""
    return bool(_PHONE.match(phone)) and sum(ch.isdigit() for ch in phone) >= 5


_CONTACT_PHONE = re.compile(r"(?<!\d)\+?\d(?:[\s().-]*\d){8,}(?!\d)")
_CONTACT_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def has_contact_data(text: str) -> bool:
    """Tell whether a public text holds a phone number (9+ digits) or an e-mail address."""
    return bool(_CONTACT_PHONE.search(text) or _CONTACT_EMAIL.search(text))
