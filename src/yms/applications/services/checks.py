"""Eligibility checked again on the application's own answers, before any money is taken.

The answers given while applying (dates, funds, documents) may differ from the
ones given when checking; a requirement they fail is a refusal the applicant
should hear about before paying for it.
"""

from __future__ import annotations

from dataclasses import replace

from yms.applications.services.cases import ApplicationView
from yms.eligibility.domain import EligibilityResult, Outcome, RequirementResult
from yms.eligibility.services import applicant_from_answers, check_against
from yms.platform.clock import today
from yms.platform.context import ServiceContext


def recheck(ctx: ServiceContext, application: ApplicationView) -> EligibilityResult:
    """The application's answers checked against the scheme version it recorded, today."""
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    applicant = applicant_from_answers(application.answers, application_date=today(ctx.clock))
    if application.invitation_ref is not None:  # the invitation it was started from
        applicant = replace(
            applicant, has_invitation=True, invitation_ref=application.invitation_ref
        )
    return check_against(scheme, applicant)


def failing(ctx: ServiceContext, application: ApplicationView) -> list[RequirementResult]:
    """The requirements the application's answers fail: each a certain ground for refusal."""
    return [r for r in recheck(ctx, application).requirements if r.outcome is Outcome.FAIL]
