"""Eligibility: apply a scheme to one applicant, or to a whole column of them at once."""

from yms.domain.eligibility.columns import ApplicantColumns
from yms.domain.eligibility.engine import ColumnResult, check, check_columns
from yms.domain.eligibility.outcome import EligibilityResult, Outcome, RequirementResult

__all__ = [
    "ApplicantColumns",
    "ColumnResult",
    "EligibilityResult",
    "Outcome",
    "RequirementResult",
    "check",
    "check_columns",
]
