"""Checking whether an applicant is eligible under a scheme.

Every way in ends in one engine: the command line and the API read applicant
JSON (`parse_applicant`), the portal builds the `Applicant` from its answers;
each passes the typed applicant down, never text to be parsed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from yms.eligibility.domain import EligibilityResult, check
from yms.eligibility.domain.applicant import (
    Applicant,
    ApplicantInput,
    EligibilityQuery,
    Funds,
    HeldDocument,
)
from yms.kernel.errors import InvalidInputError
from yms.kernel.money import Money
from yms.kernel.validation import FieldProblem, field_problems
from yms.platform.clock import Clock, today
from yms.schemes.catalogue import Catalogue, UnknownSchemeError
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Scheme


def parse_applicant(text: str | bytes) -> Applicant:
    """Read applicant JSON strictly; raises `InvalidInputError` naming each bad field."""
    try:
        return ApplicantInput.model_validate_json(text).to_applicant()
    except ValidationError as error:
        raise InvalidInputError(field_problems(error)) from error


def parse_query(text: str | bytes) -> tuple[str, Applicant]:
    """Read the API's question: the scheme id and the applicant, in one strict pass.

    Raises `InvalidInputError`; a problem at the root (path ``""``) means the
    text is not a JSON object at all.
    """
    try:
        query = EligibilityQuery.model_validate_json(text)
    except ValidationError as error:
        raise InvalidInputError(field_problems(error)) from error
    return query.scheme, query.to_applicant()


def scheme_in_force(catalogue: Catalogue, scheme_id: str, on: date) -> Scheme:
    """The version of `scheme_id` in force on `on`; raises `InvalidInputError` if there is none."""
    try:
        return catalogue.in_force(scheme_id, on)
    except UnknownSchemeError as error:
        raise InvalidInputError([FieldProblem("scheme", str(error))]) from error


def check_eligibility(
    catalogue: Catalogue, scheme_id: str, applicant: Applicant, *, clock: Clock
) -> EligibilityResult:
    """Check one applicant against the version of the scheme in force on the application date.

    The application date defaults to today. Raises `InvalidInputError` for an
    unknown scheme or a date before any version of it. A nationality outside the
    scheme is not an error: it is a result that says so.
    """
    on = applicant.application_date or today(clock)
    scheme = scheme_in_force(catalogue, scheme_id, on)
    _refuse_unasked_declarations(scheme, applicant)
    return check(scheme, applicant)


def _refuse_unasked_declarations(scheme: Scheme, applicant: Applicant) -> None:
    """A declaration the scheme never asks is a typo, not a fact to ignore quietly."""
    asked = {
        declaration.id
        for arrangement in scheme.arrangements
        for declaration in arrangement.requirements.declarations
    }
    unasked = sorted(set(applicant.declarations or ()) - asked)
    if unasked:
        known = ", ".join(sorted(asked)) or "none"
        raise InvalidInputError(
            [
                FieldProblem(
                    f"declarations.{declaration_id}",
                    f"{scheme.id} asks no declaration {declaration_id!r} (it asks: {known})",
                )
                for declaration_id in unasked
            ]
        )


def check_against(scheme: Scheme, applicant: Applicant) -> EligibilityResult:
    """Check one applicant against this very scheme version (the one its questions came from)."""
    return check(scheme, applicant)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _funds(given: Mapping[str, Any] | None) -> Funds | None:
    if not given:
        return None
    return Funds(
        Money(Decimal(given["amount"]), given["currency"]),
        given["held_days"],
        _day(given["latest_evidence_date"]),
    )


def applicant_from_answers(answers: Mapping[str, Any], *, application_date: date) -> Applicant:
    """The applicant a journey's answers describe, applying on `application_date`.

    The answers are as the portal's questions keep them (JSON-shaped, under
    ``"applicant"``). A question not asked (or not yet answered) stays `None`: not known.
    """
    given = answers.get("applicant", {})
    documents = given.get("documents")
    return Applicant(
        nationality=given.get("nationality"),
        host=given.get("host"),
        date_of_birth=_day(given.get("date_of_birth")),
        application_date=application_date,
        valid_from=_day(given.get("valid_from")),
        funds=_funds(given.get("funds")),
        children_under_18=given.get("children_under_18"),
        previous_participation=given.get("previous_participation"),
        declarations=given.get("declarations"),
        has_invitation=given.get("has_invitation"),
        qualification_rqf_level=given.get("qualification_rqf_level"),
        documents=(
            None
            if documents is None
            else tuple(
                HeldDocument(DocumentKind(d["kind"]), date.fromisoformat(d["issued"]))
                for d in documents
            )
        ),
    )
