"""The rules of deciding a case: reasons for a refusal, and the second pair of eyes.

A refusal takes effect only when a senior caseworker who did not propose it
confirms it; an administrative review is decided by a senior caseworker who took
no part in the decision under review. Both are the same rule: the person who
checks is never the person checked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from yms.kernel.errors import InvalidInputError, RefusedError
from yms.kernel.validation import FieldProblem

MAX_REASON_TEXT = 4000  # characters: a page of a letter


class DecisionKind(StrEnum):
    """What a caseworker decided, or proposed."""

    GRANT = "grant"
    REFUSAL = "refusal"
    REVIEW = "review"  # an administrative review of a refusal


class DecisionState(StrEnum):
    """Where a decision stands: a refusal waits for its second caseworker."""

    PROPOSED = "proposed"  # a refusal, not yet confirmed
    RETURNED = "returned"  # a refusal the second caseworker sent back
    IN_EFFECT = "in_effect"  # a grant, a confirmed refusal, a decided review


class ReviewOutcome(StrEnum):
    """The end of an administrative review."""

    UPHELD = "upheld"  # the refusal stands
    OVERTURNED = "overturned"  # the refusal was wrong: the application is granted


class FourEyesError(RefusedError):
    """The same person cannot both take a decision and check it."""


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why: the requirements that failed (their ids), and the caseworker's own words."""

    requirements: tuple[str, ...]
    text: str

    def as_json(self) -> dict[str, object]:
        """The reasons as plain JSON, to keep with the decision."""
        return {"requirements": list(self.requirements), "text": self.text}


def reasons_for_refusal(chosen: Iterable[str], text: str, *, failed: Collection[str]) -> Reasons:
    """The reasons for a refusal, checked; raises `InvalidInputError` naming the field.

    A refusal needs at least one reason: a requirement the checks found failing
    (one of `failed`), or the caseworker's own words, or both. A requirement that
    did not fail cannot be a reason: a refusal must rest on what the rules say.
    """
    picked = tuple(dict.fromkeys(chosen))  # in the order given, once each
    words = text.strip()
    problems = []
    unknown = [requirement for requirement in picked if requirement not in failed]
    if unknown:
        problems.append(
            FieldProblem("requirements", "Choose only requirements the application fails")
        )
    if not picked and not words:
        problems.append(
            FieldProblem("reasons", "Choose a requirement the application fails, or give a reason")
        )
    if len(words) > MAX_REASON_TEXT:
        problems.append(
            FieldProblem("reasons", f"Reasons must be {MAX_REASON_TEXT:,} characters or fewer")
        )
    if problems:
        raise InvalidInputError(problems)
    return Reasons(picked, words)


def written_reason(text: str, *, field: str, missing: str) -> str:
    """A note a decision needs (why a review was decided so, what evidence is asked for)."""
    words = text.strip()
    if not words:
        raise InvalidInputError([FieldProblem(field, missing)])
    if len(words) > MAX_REASON_TEXT:
        raise InvalidInputError(
            [FieldProblem(field, f"This must be {MAX_REASON_TEXT:,} characters or fewer")]
        )
    return words


def second_pair_of_eyes(checker: str, *, took_part: Collection[str], what: str) -> None:
    """Raise `FourEyesError` if `checker` took part in what they are asked to check.

    `took_part` holds the accounts that proposed, confirmed or otherwise made the
    decision; `what` finishes the sentence "You cannot {what}".
    """
    if checker in took_part:
        raise FourEyesError(
            f"You cannot {what}: a decision is checked by a senior caseworker "
            "who took no part in it."
        )
