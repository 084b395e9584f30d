"""The draft: started from an accepted invitation, answered page by page, or withdrawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from yms.accounts import services as accounts
from yms.applications.domain.states import APPLICATION, ApplicationState
from yms.applications.services.cases import (
    add_event,
    by_ref,
    new_case_ref,
    owned,
    seal_answers,
)
from yms.applications.tables import Application
from yms.ballot.domain.refs import normalise_ref
from yms.ballot.domain.states import InvitationState
from yms.ballot.services.invitations import HeldInvitation, invitation_held_by
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail import outbox as mail
from yms.platform.unit_of_work import UnitOfWork
from yms.schemes.catalogue import UnknownSchemeError
from yms.schemes.domain.scheme import Arrangement, Scheme, SchemeStatus


def _new_draft(
    uow: UnitOfWork,
    ctx: ServiceContext,
    account_id: str,
    arrangement: Arrangement,
    *,
    scheme: Scheme,
    invitation_ref: str | None,
) -> str:
    applicant: dict[str, object] = {
        "nationality": arrangement.nationality,
        "host": arrangement.host,
    }
    if invitation_ref is not None:
        applicant["invitation_ref"] = invitation_ref
    application = Application(
        case_ref=new_case_ref(ctx.random_bytes),
        account_id=account_id,
        invitation_ref=invitation_ref,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        arrangement_id=arrangement.id,
        state=ApplicationState.DRAFT.value,
        answers_sealed=seal_answers(ctx.sealer, {"applicant": applicant}),
        created_at=uow.now(),
    )
    uow.session.add(application)
    uow.session.flush()
    started = f"Invitation {invitation_ref} accepted" if invitation_ref else "Application started"
    add_event(uow.session, application, uow.now(), "started", started)
    uow.audit(
        "application.started",
        application.case_ref,
        scheme=scheme.id,
        scheme_version=scheme.version,
        arrangement=arrangement.id,
        invitation=invitation_ref,
    )
    return application.case_ref


def direct_arrangement(
    ctx: ServiceContext, scheme_id: str, arrangement_id: str
) -> tuple[Scheme, Arrangement]:
    """The version in force today and its arrangement, if one may apply for it without a ballot.

    Raises `NotFoundError` for an unknown scheme or arrangement, and `RefusedError`
    for a scheme that is only proposed or an arrangement that needs an invitation.
    """
    try:
        scheme = ctx.catalogue.in_force(scheme_id, today(ctx.clock))
    except UnknownSchemeError as error:
        raise NotFoundError(str(error)) from error
    arrangement = scheme.arrangement(arrangement_id)
    if arrangement is None:
        raise NotFoundError(f"{scheme.key} has no arrangement {arrangement_id!r}")
    if scheme.status is not SchemeStatus.IN_FORCE:
        raise RefusedError(
            f"{scheme.title} is a proposal that has not been agreed, so no one can apply "
            "under it yet."
        )
    if arrangement.requirements.invitation is not None:
        raise RefusedError(
            "You need an invitation to apply, from this scheme's ballot. "
            "Enter the ballot when it opens; if you are picked, you will be invited to apply."
        )
    return scheme, arrangement


def start_direct(ctx: ServiceContext, account_id: str, scheme_id: str, arrangement_id: str) -> str:
    """A draft for an arrangement that needs no invitation (the draft in progress, if one is).

    Places of a capped allocation are counted when applications are granted,
    not here. Raises as `direct_arrangement` does, and `RefusedError` for an
    account whose e-mail address is not confirmed.
    """
    scheme, arrangement = direct_arrangement(ctx, scheme_id, arrangement_id)
    accounts.require_confirmed(ctx, account_id, to="apply")
    with ctx.unit(actor=account_id) as uow:
        in_progress = uow.session.scalar(
            select(Application.case_ref).where(
                Application.account_id == account_id,
                Application.arrangement_id == arrangement.id,
                Application.invitation_ref.is_(None),
                Application.state == ApplicationState.DRAFT.value,
            )
        )
        if in_progress is not None:
            return in_progress
        return _new_draft(uow, ctx, account_id, arrangement, scheme=scheme, invitation_ref=None)


def _invited_to(ctx: ServiceContext, invitation: HeldInvitation) -> tuple[Scheme, Arrangement]:
    """The scheme version and arrangement an invitation lets its holder apply under."""
    scheme = ctx.catalogue.get(invitation.scheme_id, invitation.scheme_version)
    allocation = scheme.allocation(invitation.allocation_id)
    arrangement = next(
        (
            a
            for a in (scheme.arrangements_of(allocation) if allocation else ())
            if a.nationality == invitation.nationality
        ),
        None,
    )
    if arrangement is None:  # pragma: no cover - an entry's nationality is the allocation's
        raise RefusedError("This invitation is not for your nationality")
    return scheme, arrangement


def invitation_terms(
    ctx: ServiceContext, account_id: str, invitation_ref: str
) -> tuple[Scheme, Arrangement]:
    """What the account's invitation is to apply for; anyone else's is `NotFoundError`."""
    with ctx.database.reading() as session:
        invitation = invitation_held_by(session, account_id, invitation_ref)
    return _invited_to(ctx, invitation)


def start_for_invitation(ctx: ServiceContext, account_id: str, invitation_ref: str) -> str:
    """The draft for an accepted invitation (created on first call); returns its case reference."""
    ref = normalise_ref(invitation_ref)
    accounts.require_confirmed(ctx, account_id, to="apply")
    with ctx.unit(actor=account_id) as uow:
        invitation = invitation_held_by(uow.session, account_id, ref)
        existing = uow.session.scalar(
            select(Application.case_ref).where(Application.invitation_ref == ref)
        )
        if existing is not None:
            return existing
        if invitation.state is not InvitationState.ACCEPTED:
            raise RefusedError("Accept the invitation before applying")
        if uow.now() >= invitation.expires_at:
            raise RefusedError("This invitation has expired")
        scheme, arrangement = _invited_to(ctx, invitation)
        return _new_draft(uow, ctx, account_id, arrangement, scheme=scheme, invitation_ref=ref)


def save_answers(
    ctx: ServiceContext, account_id: str, case_ref: str, answers: Mapping[str, Any]
) -> None:
    """Keep the draft's answers (all of them, replacing what was kept)."""
    with ctx.unit(actor=account_id) as uow:
        application = owned(uow.session, account_id, case_ref, lock=True)
        if application.state != ApplicationState.DRAFT:
            raise RefusedError("This application has been submitted and cannot be changed")
        application.answers_sealed = seal_answers(ctx.sealer, answers)


def withdraw(ctx: ServiceContext, account_id: str, case_ref: str) -> None:
    """Withdraw the application (before a decision); withdrawing again changes nothing.

    The applicant is told by e-mail, in the same unit of work.
    """
    address = accounts.email_of(ctx, account_id)
    with ctx.unit(actor=account_id) as uow:
        application = owned(uow.session, account_id, case_ref, lock=True)
        state = ApplicationState(application.state)
        if state is ApplicationState.WITHDRAWN:
            return
        if not APPLICATION.allows(state, ApplicationState.WITHDRAWN):
            raise RefusedError("This application has been decided, so it cannot be withdrawn")
        application.state = APPLICATION.move(state, ApplicationState.WITHDRAWN).value
        application.withdrawn_at = uow.now()
        add_event(
            uow.session,
            application,
            uow.now(),
            "withdrawn",
            "Withdrawn by the applicant",
            author="applicant",
        )
        uow.audit("application.withdrawn", application.case_ref, before=state)
        mail.queue_email(
            uow,
            address,
            templates.APPLICATION_WITHDRAWN,
            {
                "case_ref": application.case_ref,
                "link": f"/applications/{application.case_ref}",
            },
        )


def add_message(
    ctx: ServiceContext, case_ref: str, text: str, *, author: str = "caseworker", actor: str
) -> None:
    """A message on the case's timeline (from a caseworker, for now)."""
    with ctx.unit(actor=actor) as uow:
        application = by_ref(uow.session, case_ref)
        add_event(uow.session, application, uow.now(), "message", text, author=author)
