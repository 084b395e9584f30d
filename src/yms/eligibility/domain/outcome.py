"""Outcomes of requirements and of a whole eligibility check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from yms.kernel.text import Message
from yms.schemes.domain.scheme import Source

JsonValue = str | int | bool | None


class Outcome(StrEnum):
    """How one requirement came out."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def code(self) -> np.int8:
        """The column code of this outcome."""
        return _CODES[self]

    @classmethod
    def from_code(cls, code: int) -> Outcome:
        """The outcome a column code stands for."""
        return _OUTCOMES[code]


#: Column codes. `NOT_APPLICABLE` marks rows whose arrangement lacks the requirement.
FAIL = np.int8(0)
PASS = np.int8(1)
UNKNOWN = np.int8(2)
NOT_APPLICABLE = np.int8(-1)

_CODES = {Outcome.FAIL: FAIL, Outcome.PASS: PASS, Outcome.UNKNOWN: UNKNOWN}
_OUTCOMES = {int(code): outcome for outcome, code in _CODES.items()}

#: Column codes for the overall answer.
ELIGIBLE = np.int8(1)
NOT_ELIGIBLE = np.int8(0)
UNDECIDED = np.int8(-1)


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One requirement applied to one applicant: outcome, the value seen, and why.

    `source` is the public document the rule comes from, where the scheme names
    one; `assumption` says why the requirement was chosen when no public source
    gives it (the scheme marks it ``assumption = true``).
    """

    id: str
    rule: str
    outcome: Outcome
    value: JsonValue
    detail: Message
    source: Source | None = None
    assumption: str | None = None


def overall(outcomes: list[Outcome]) -> bool | None:
    """`False` if any requirement fails, `None` if none fails but some are unknown, else `True`."""
    if Outcome.FAIL in outcomes:
        return False
    if Outcome.UNKNOWN in outcomes:
        return None
    return True


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    """The whole answer for one applicant under one scheme version."""

    scheme: str
    scheme_version: str
    arrangement: str | None
    requirements: tuple[RequirementResult, ...]

    @property
    def eligible(self) -> bool | None:
        """The overall answer, as `overall` gives it for the requirements' outcomes."""
        return overall([requirement.outcome for requirement in self.requirements])

    def requirement(self, requirement_id: str) -> RequirementResult:
        """The result of one requirement, by id."""
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)

    def as_json(self) -> dict[str, object]:
        """The result in the documented JSON shape, with details in English."""
        return {
            "scheme": self.scheme,
            "scheme_version": self.scheme_version,
            "arrangement": self.arrangement,
            "eligible": self.eligible,
            "requirements": [
                {
                    "id": requirement.id,
                    "rule": requirement.rule,
                    "outcome": requirement.outcome.value,
                    "value": requirement.value,
                    "detail": requirement.detail.render(),
                    "source": (
                        {"name": requirement.source.title, "url": requirement.source.url}
                        if requirement.source
                        else None
                    ),
                    "assumption": requirement.assumption,
                }
                for requirement in self.requirements
            ],
        }
