"""An invitation is for the person who entered the ballot: the application must name them.

The entry kept only a keyed hash of the identity (passport number, nationality,
date of birth); the application's answers give the same three, so the hashes
compare. A mismatch means someone else is using the invitation.
"""

from __future__ import annotations

import hmac
from datetime import date

from yms.applications.services.cases import ApplicationView
from yms.ballot.services.invitations import identity_hash_of
from yms.kernel.errors import RefusedError
from yms.kernel.identity import Identity, InvalidPassportNumberError
from yms.kernel.text import N_
from yms.platform.context import ServiceContext

NOT_THE_ENTRANT = N_(
    "The passport number and date of birth must be the ones you entered the ballot with. "
    "An invitation is for the person who entered, and cannot be passed on."
)


def not_the_entrant(ctx: ServiceContext, application: ApplicationView) -> bool:
    """Whether an application from an invitation names someone other than the entrant.

    `False` while the passport number or date of birth is not yet given, and for
    an application that needs no invitation.
    """
    if application.invitation_ref is None:
        return False
    applicant = application.answers.get("applicant", {})
    passport = application.answers.get("personal", {}).get("passport_number")
    born = applicant.get("date_of_birth")
    if not passport or not born:
        return False
    try:
        given = Identity.of(passport, applicant["nationality"], date.fromisoformat(born))
    except InvalidPassportNumberError:
        return True
    expected = identity_hash_of(ctx, application.invitation_ref)
    return not hmac.compare_digest(given.keyed_hash(ctx.identity_key), expected)


def require_the_entrant(ctx: ServiceContext, application: ApplicationView) -> None:
    """Raise `RefusedError` if the application names someone other than the entrant."""
    if not_the_entrant(ctx, application):
        raise RefusedError(NOT_THE_ENTRANT)
