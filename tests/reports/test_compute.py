"""Pure functions: text clean-up, answers to a category's questions, phones."""

import pytest

from reports import compute
from reports.compute import AnswerError, QuestionSpec

QUESTIONS = [
    QuestionSpec("size", "singlevaluelist", True, ("small", "large"), "Розмір"),
    QuestionSpec("depth", "number", False),
    QuestionSpec("since", "datetime", False),
    QuestionSpec("pole", "string", False),
    QuestionSpec("notes", "text", False),
    QuestionSpec("services", "multivaluelist", False, ("voice", "data")),
]


def test_plain_text_keeps_html_as_typed_and_drops_control_characters():
    text = compute.plain_text("  <b>яма</b>\r\nрядок\x00\x07  ")
    assert text == "<b>яма</b>\nрядок"


def test_answers_are_converted_to_their_datatypes():
    answers = compute.answers_clean(
        QUESTIONS,
        {
            "size": "large",
            "depth": "12,5",
            "since": "2024-05-01T10:00:00Z",
            "pole": "ОП-17",
            "notes": "два\nрядки",
            "services": ["voice", "data"],
        },
    )
    assert answers == {
        "size": "large",
        "depth": 12.5,
        "since": "2024-05-01T10:00:00+00:00",
        "pole": "ОП-17",
        "notes": "два\nрядки",
        "services": ["voice", "data"],
    }


def test_a_whole_number_answer_is_stored_as_an_integer():
    assert compute.answers_clean(QUESTIONS, {"size": "small", "depth": "3"})["depth"] == 3


def test_blank_optional_answers_are_dropped():
    assert compute.answers_clean(QUESTIONS, {"size": "small", "depth": " ", "services": []}) == {
        "size": "small"
    }


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({}, "'Розмір' is required"),
        ({"size": "huge"}, "not among the choices: huge"),
        ({"size": "small", "depth": "deep"}, "not a number"),
        ({"size": "small", "depth": "nan"}, "not a finite number"),
        ({"size": "small", "since": "вчора"}, "not an ISO 8601"),
        ({"size": "small", "pole": "a\nb"}, "must be one line"),
        ({"size": "small", "services": ["voice", "fax"]}, "not among the choices: fax"),
        ({"size": "small", "colour": "red"}, "unknown question 'colour'"),
        ({"size": ["small", "large"]}, "expects one value"),
    ],
)
def test_bad_answers_are_refused_with_the_reason(raw, problem):
    with pytest.raises(AnswerError) as caught:
        compute.answers_clean(QUESTIONS, raw)
    assert any(problem in item for item in caught.value.problems)


def test_every_problem_is_listed_at_once():
    with pytest.raises(AnswerError) as caught:
        compute.answers_clean(QUESTIONS, {"depth": "x", "colour": "red"})
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("+380 50 111-22-33", True), ("(0522) 35-12-34", True), ("call me", False), ("12", False)],
)
def test_phone_numbers_are_checked_for_plausibility(phone, ok):
    assert compute.phone_is_plausible(phone) is ok


def test_open311_status_maps_ours_to_open_or_closed():
    open_statuses = {"new", "acknowledged", "in_progress"}
    assert compute.open311_status("in_progress", open_statuses) == "open"
    assert compute.open311_status("duplicate", open_statuses) == "closed"


def test_a_question_is_named_in_english_when_asked_and_it_has_an_english_text():
    """The English coverage form said "'Чого немає' is required" (the question's
    Ukrainian text in an English sentence)."""
    size = QuestionSpec("size", "singlevaluelist", True, ("small",), "Розмір", "Size")
    bare = QuestionSpec("depth", "number", True, (), "Глибина")
    with pytest.raises(AnswerError) as english:
        compute.answers_clean([size, bare], {}, english=True)
    assert english.value.problems == ["'Size' is required", "'Глибина' is required"]
    with pytest.raises(AnswerError) as ukrainian:
        compute.answers_clean([size, bare], {})
    assert ukrainian.value.problems == ["'Розмір' is required", "'Глибина' is required"]
