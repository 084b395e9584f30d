"""The draft: started from an accepted invitation, answered page by page, or withdrawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from yms.applications.domain.states import APPLICATION, ApplicationState
from yms.applications.services.cases import (
    add_event,
    new_case_ref,
    owned,
    seal_answers,
)
from yms.applications.tables import Application
from yms.ballot.domain.refs import normalise_ref
from yms.ballot.domain.states import InvitationState
from yms.ballot.services.invitations import invitation_held_by
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.context import ServiceContext


def start_for_invitation(ctx: ServiceContext, account_id: str, invitation_ref: str) -> str:
    """The draft for an accepted invitation (created on first call); returns its case reference."""
    ref = normalise_ref(invitation_ref)
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
        answers = {"applicant": {"nationality": invitation.nationality, "invitation_ref": ref}}
        application = Application(
            case_ref=new_case_ref(ctx.random_bytes),
            account_id=account_id,
            invitation_ref=ref,
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            arrangement_id=arrangement.id,
            state=ApplicationState.DRAFT.value,
            answers_sealed=seal_answers(ctx.sealer, answers),
            created_at=uow.now(),
        )
        uow.session.add(application)
        uow.session.flush()
        add_event(uow.session, application, uow.now(), "started", f"Invitation {ref} accepted")
        uow.audit(
            "application.started",
            application.case_ref,
            scheme=scheme.id,
            scheme_version=scheme.version,
            arrangement=arrangement.id,
            invitation=ref,
        )
        return application.case_ref


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
    """Withdraw the application (before a decision); withdrawing again changes nothing."""
    with ctx.unit(actor=account_id) as uow:
        application = owned(uow.session, account_id, case_ref, lock=True)
        state = ApplicationState(application.state)
        if state is ApplicationState.WITHDRAWN:
            return
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


def add_message(
    ctx: ServiceContext, case_ref: str, text: str, *, author: str = "caseworker", actor: str
) -> None:
    """A message on the case's timeline (from a caseworker, for now)."""
    with ctx.unit(actor=actor) as uow:
        application = uow.session.scalar(
            select(Application).where(Application.case_ref == normalise_ref(case_ref))
        )
        if application is None:
            raise NotFoundError(f"no application {case_ref!r}")
        add_event(uow.session, application, uow.now(), "message", text, author=author)
