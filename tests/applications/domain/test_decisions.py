"""Reasons for a refusal, and the second pair of eyes, as pure rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.applications.domain.decisions import (
    MAX_REASON_TEXT,
    FourEyesError,
    reasons_for_refusal,
    second_pair_of_eyes,
    written_reason,
)
from yms.kernel.errors import InvalidInputError

FAILED = {"funds", "age_maximum"}


def test_a_refusal_rests_on_failed_requirements_or_words() -> None:
    reasons = reasons_for_refusal(["funds", "funds", "age_maximum"], "  ", failed=FAILED)
    assert (reasons.requirements, reasons.text) == (("funds", "age_maximum"), "")
    worded = reasons_for_refusal([], "  The bank statement is forged.  ", failed=FAILED)
    assert (worded.requirements, worded.text) == ((), "The bank statement is forged.")


def test_a_refusal_needs_a_reason_and_only_failed_requirements() -> None:
    with pytest.raises(InvalidInputError) as nothing:
        reasons_for_refusal([], " ", failed=FAILED)
    assert [p.path for p in nothing.value.problems] == ["reasons"]
    with pytest.raises(InvalidInputError) as passed:
        reasons_for_refusal(["nationality"], "Also this.", failed=FAILED)
    assert [p.path for p in passed.value.problems] == ["requirements"]
    with pytest.raises(InvalidInputError):
        reasons_for_refusal([], "x" * (MAX_REASON_TEXT + 1), failed=FAILED)
    assert reasons_for_refusal([], "x" * MAX_REASON_TEXT, failed=FAILED).text


def test_written_reasons_are_trimmed_and_required() -> None:
    assert (
        written_reason(" Send a statement ", field="request", missing="Say") == "Send a statement"
    )
    with pytest.raises(InvalidInputError, match="Say what"):
        written_reason("\n", field="request", missing="Say what")


@given(
    st.text(alphabet="abc", min_size=1, max_size=3),
    st.sets(st.text(alphabet="abc", min_size=1, max_size=3), max_size=3),
)
def test_the_checker_is_never_one_who_took_part(checker: str, took_part: set[str]) -> None:
    if checker in took_part:
        with pytest.raises(FourEyesError):
            second_pair_of_eyes(checker, took_part=took_part, what="confirm it")
    else:
        second_pair_of_eyes(checker, took_part=took_part, what="confirm it")
