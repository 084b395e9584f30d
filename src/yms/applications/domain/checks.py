"""What an automated check on a case says: never a decision, always a reason to look.

Each check gives one of three outcomes, a one-line summary for the queue, and
its detail for the case view (the requirement trace, the other cases of the
same person, the places left, the watchlist entries that matched and why).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class CheckKind(StrEnum):
    """The automated checks a submitted application goes through, in the order shown."""

    ELIGIBILITY = "eligibility"  # the rules re-run on the answers given
    IDENTITY = "identity"  # the same person on another application or grant (YMS 3.3)
    ALLOCATION = "allocation"  # places left, and the emergency brake
    SCREENING = "screening"  # the watchlist


class CheckOutcome(StrEnum):
    """What a check found."""

    CLEAR = "clear"  # nothing for the caseworker to weigh
    ATTENTION = "attention"  # something the caseworker must look at before deciding
    UNKNOWN = "unknown"  # the check could not tell


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's finding on one case."""

    kind: CheckKind
    outcome: CheckOutcome
    summary: str
    detail: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def needs_attention(self) -> bool:
        """Whether a caseworker must look before deciding."""
        return self.outcome is not CheckOutcome.CLEAR
