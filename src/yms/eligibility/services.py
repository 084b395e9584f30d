"""Checking whether an applicant is eligible under a scheme."""

from __future__ import annotations

from pydantic import ValidationError

from yms.eligibility.domain import EligibilityResult, check
from yms.eligibility.domain.applicant import Applicant, ApplicantInput
from yms.kernel.errors import InvalidInputError
from yms.kernel.validation import FieldProblem, field_problems
from yms.platform.clock import Clock, today
from yms.schemes.catalogue import Catalogue, UnknownSchemeError
from yms.schemes.domain.scheme import Scheme


def parse_applicant(text: str | bytes) -> Applicant:
    """Read applicant JSON strictly; raises `InvalidInputError` naming each bad field."""
    try:
        return ApplicantInput.model_validate_json(text).to_applicant()
    except ValidationError as error:
        raise InvalidInputError(field_problems(error)) from error


def scheme_for(catalogue: Catalogue, scheme_id: str, applicant: Applicant, clock: Clock) -> Scheme:
    """The version of `scheme_id` in force on the application date (today if not given)."""
    on = applicant.application_date or today(clock)
    try:
        return catalogue.in_force(scheme_id, on)
    except UnknownSchemeError as error:
        raise InvalidInputError([FieldProblem("scheme", str(error))]) from error


def check_eligibility(
    catalogue: Catalogue, scheme_id: str, applicant_json: str | bytes, *, clock: Clock
) -> EligibilityResult:
    """Check one applicant, given as JSON, against the version of the scheme in force.

    Raises `InvalidInputError` for malformed JSON, unknown fields, impossible dates,
    unknown codes or an unknown scheme. A nationality outside the scheme is not an
    error: it is a result that says so.
    """
    applicant = parse_applicant(applicant_json)
    scheme = scheme_for(catalogue, scheme_id, applicant, clock)
    return check(scheme, applicant)
