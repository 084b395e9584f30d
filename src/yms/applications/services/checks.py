"""Eligibility checked again on the application's own answers: before paying, and after.

The answers given while applying (dates, funds, documents) may differ from the
ones given when checking; a requirement they fail is a refusal the applicant
should hear about before paying for it, and a reason a caseworker may cite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from yms.applications.services.cases import ApplicationView
from yms.eligibility.domain import EligibilityResult, Outcome, RequirementResult
from yms.eligibility.services import applicant_from_answers, check_against
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.schemes.domain.scheme import Scheme


def check_answers(
    scheme: Scheme, answers: Mapping[str, Any], *, invitation_ref: str | None, on: date
) -> EligibilityResult:
    """An application's answers checked against `scheme`, as an application made on `on`."""
    applicant = applicant_from_answers(answers, application_date=on)
    if invitation_ref is not None:  # the invitation it was started from
        applicant = replace(applicant, has_invitation=True, invitation_ref=invitation_ref)
    return check_against(scheme, applicant)


def failing_on(
    scheme: Scheme, answers: Mapping[str, Any], *, invitation_ref: str | None, on: date
) -> list[RequirementResult]:
    """The requirements the answers fail, as an application made on `on`."""
    result = check_answers(scheme, answers, invitation_ref=invitation_ref, on=on)
    return [r for r in result.requirements if r.outcome is Outcome.FAIL]


def recheck(ctx: ServiceContext, application: ApplicationView) -> EligibilityResult:
    """The application's answers checked against the scheme version it recorded, today."""
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    return check_answers(
        scheme, application.answers, invitation_ref=application.invitation_ref, on=today(ctx.clock)
    )


def failing(ctx: ServiceContext, application: ApplicationView) -> list[RequirementResult]:
    """The requirements the application's answers fail: each a certain ground for refusal."""
    return [r for r in recheck(ctx, application).requirements if r.outcome is Outcome.FAIL]
