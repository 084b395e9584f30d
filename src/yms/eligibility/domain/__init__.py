"""Eligibility: apply a scheme to one applicant, or to a whole column of them at once."""

from yms.eligibility.domain.columns import ApplicantColumns
from yms.eligibility.domain.engine import ColumnResult, check, check_columns
from yms.eligibility.domain.outcome import EligibilityResult, Outcome, RequirementResult

__all__ = [
    "ApplicantColumns",
    "ColumnResult",
    "EligibilityResult",
    "Outcome",
    "RequirementResult",
    "check",
    "check_columns",
]
