"""Applying after an invitation: a draft saved at every step, evidence, the fee, submission.

Answers are kept sealed on the draft, so nothing typed is lost between pages.
Paying submits the application; the case reference is given at the start and
stays the same to the end. Withdrawing is possible until a decision.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from yms.applications.domain import evidence as evidence_files
from yms.applications.domain.evidence import evidence_needed
from yms.applications.tables import Application, ApplicationEvent, EvidenceFile, Payment
from yms.ballot.domain.refs import normalise_ref
from yms.ballot.domain.states import InvitationState
from yms.ballot.services.invitations import invitation_held_by
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.schemes.domain.scheme import Arrangement, FeeKind

CASE_PREFIX = "YMS-"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """An uploaded file, as its owner sees it."""

    kind: str
    filename: str
    media_type: str
    size_bytes: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class EventView:
    """A line of the timeline."""

    at: datetime
    kind: str
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application as its applicant sees it."""

    case_ref: str
    state: str
    scheme_id: str
    scheme_version: str
    arrangement_id: str
    invitation_ref: str | None
    answers: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None
    fee_pence: int | None
    evidence: tuple[EvidenceView, ...]
    events: tuple[EventView, ...]


def _case_ref(ctx: ServiceContext) -> str:
    digits = ctx.random_bytes(5).hex().upper()
    return f"{CASE_PREFIX}{digits[:5]}-{digits[5:]}"


def _seal(ctx: ServiceContext, answers: Mapping[str, Any]) -> bytes:
    return ctx.sealer.seal(json.dumps(answers, sort_keys=True).encode("utf-8"))


def _open(ctx: ServiceContext, application: Application) -> dict[str, Any]:
    opened: dict[str, Any] = json.loads(ctx.sealer.open(application.answers_sealed))
    return opened


def _owned(session: Session, account_id: str, case_ref: str, *, lock: bool = False) -> Application:
    """The account's application; another's is `NotFoundError`, as if it did not exist."""
    query = select(Application).where(
        Application.case_ref == normalise_ref(case_ref), Application.account_id == account_id
    )
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFoundError(f"no application {case_ref!r}")
    return found


def _event(
    session: Session,
    application: Application,
    at: datetime,
    kind: str,
    text: str = "",
    *,
    author: str = "system",
) -> None:
    session.add(
        ApplicationEvent(application_id=application.id, at=at, kind=kind, author=author, text=text)
    )


def start_for_invitation(ctx: ServiceContext, account_id: str, invitation_ref: str) -> str:
    """The draft for an accepted invitation (created on first call); returns its case reference."""
    ref = normalise_ref(invitation_ref)
    with ctx.database.transaction() as session:
        invitation = invitation_held_by(session, account_id, ref)
        existing = session.scalar(select(Application).where(Application.invitation_ref == ref))
        if existing is not None:
            return existing.case_ref
        if invitation.state is not InvitationState.ACCEPTED:
            raise RefusedError("Accept the invitation before applying")
        if ctx.clock.now() >= invitation.expires_at:
            raise RefusedError("This invitation has expired")
        scheme = ctx.catalogue.get(invitation.scheme_id, invitation.scheme_version)
        allocation = next(a for a in scheme.allocations if a.id == invitation.allocation_id)
        arrangement_id = next(
            a for a in allocation.arrangements if a.startswith(f"{invitation.nationality}-")
        )
        now = ctx.clock.now()
        answers = {"applicant": {"nationality": invitation.nationality, "invitation_ref": ref}}
        application = Application(
            case_ref=_case_ref(ctx),
            account_id=account_id,
            invitation_ref=ref,
            scheme_id=scheme.id,
            scheme_version=scheme.version,
            arrangement_id=arrangement_id,
            state="draft",
            answers_sealed=_seal(ctx, answers),
            created_at=now,
        )
        session.add(application)
        session.flush()
        _event(session, application, now, "started", f"Invitation {ref} accepted")
        return application.case_ref


def view(ctx: ServiceContext, account_id: str, case_ref: str) -> ApplicationView:
    """The account's application, opened; raises `NotFoundError` for anyone else's."""
    with ctx.database.reading() as session:
        application = _owned(session, account_id, case_ref)
        files = session.scalars(
            select(EvidenceFile).where(EvidenceFile.application_id == application.id)
        )
        events = session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application.id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        )
        return ApplicationView(
            case_ref=application.case_ref,
            state=application.state,
            scheme_id=application.scheme_id,
            scheme_version=application.scheme_version,
            arrangement_id=application.arrangement_id,
            invitation_ref=application.invitation_ref,
            answers=_open(ctx, application),
            created_at=application.created_at,
            submitted_at=application.submitted_at,
            fee_pence=application.fee_pence,
            evidence=tuple(
                EvidenceView(f.kind, f.filename, f.media_type, f.size_bytes, f.uploaded_at)
                for f in files
            ),
            events=tuple(EventView(e.at, e.kind, e.author, e.text) for e in events),
        )


def applications_of(ctx: ServiceContext, account_id: str) -> list[ApplicationView]:
    """Every application of the account, newest first."""
    with ctx.database.reading() as session:
        refs = session.scalars(
            select(Application.case_ref)
            .where(Application.account_id == account_id)
            .order_by(Application.created_at.desc())
        ).all()
    return [view(ctx, account_id, ref) for ref in refs]


def save_answers(
    ctx: ServiceContext, account_id: str, case_ref: str, answers: Mapping[str, Any]
) -> None:
    """Keep the draft's answers (all of them, replacing what was kept)."""
    with ctx.database.transaction() as session:
        application = _owned(session, account_id, case_ref, lock=True)
        if application.state != "draft":
            raise RefusedError("This application has been submitted and cannot be changed")
        application.answers_sealed = _seal(ctx, answers)


class UnderArrangement(Protocol):
    """Anything recording the arrangement it is under: a stored application, or its view."""

    @property
    def scheme_id(self) -> str: ...  # noqa: D102
    @property
    def scheme_version(self) -> str: ...  # noqa: D102
    @property
    def arrangement_id(self) -> str: ...  # noqa: D102


def arrangement_of(ctx: ServiceContext, application: UnderArrangement) -> Arrangement:
    """The arrangement the application is under."""
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    arrangement = scheme.arrangement(application.arrangement_id)
    assert arrangement is not None  # noqa: S101 - recorded from the scheme at the start
    return arrangement


def add_evidence(
    ctx: ServiceContext, account_id: str, case_ref: str, *, kind: str, filename: str, data: bytes
) -> EvidenceView:
    """Keep an uploaded file (replacing one of the same kind); checks its size and type."""
    field = f"evidence-{kind}"
    if not data:
        raise InvalidInputError([FieldProblem(field, "The selected file is empty")])
    if len(data) > evidence_files.MAX_BYTES:
        raise InvalidInputError(
            [FieldProblem(field, "The selected file must be smaller than 10MB")]
        )
    media_type = evidence_files.sniff(data)
    if media_type is None:
        raise InvalidInputError(
            [FieldProblem(field, "The selected file must be a PDF, JPG or PNG")]
        )
    key = secrets.token_hex(16)
    ctx.files.put(key, ctx.sealer.seal(data))
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        application = _owned(session, account_id, case_ref, lock=True)
        if application.state != "draft":
            raise RefusedError("This application has been submitted and cannot be changed")
        if kind not in evidence_needed(arrangement_of(ctx, application)):
            raise InvalidInputError(
                [FieldProblem(field, "This application does not need that file")]
            )
        for old in session.scalars(
            select(EvidenceFile).where(
                EvidenceFile.application_id == application.id, EvidenceFile.kind == kind
            )
        ):
            session.delete(old)
        stored = EvidenceFile(
            application_id=application.id,
            kind=kind,
            filename=evidence_files.safe_filename(filename),
            media_type=media_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key,
            uploaded_at=now,
        )
        session.add(stored)
        return EvidenceView(kind, stored.filename, media_type, len(data), now)


def fee_pence(ctx: ServiceContext, arrangement: Arrangement, years: int) -> int:
    """The application fee plus the health charge for the years of leave, in pence, today."""
    total = Decimal(0)
    for fee in arrangement.fees_on(today(ctx.clock)):
        if fee.kind is FeeKind.APPLICATION:
            total += fee.amount
        elif fee.per_year:
            total += fee.amount * years
    return int(total * 100)


def begin_payment(ctx: ServiceContext, account_id: str, case_ref: str, return_url: str) -> str:
    """Where to send the applicant to pay.

    A payment under way is reused, so a double click pays once.
    """
    application = view(ctx, account_id, case_ref)
    if application.state != "draft":
        raise RefusedError("This application has already been submitted")
    if not application.answers.get("declaration"):
        raise RefusedError("Confirm the declaration before paying")
    arrangement = arrangement_of(ctx, application)
    years = max(1, arrangement.leave.months // 12)
    amount = fee_pence(ctx, arrangement, years)
    with ctx.database.transaction() as session:
        stored = _owned(session, account_id, case_ref, lock=True)
        pending = session.scalar(
            select(Payment).where(Payment.application_id == stored.id, Payment.state == "created")
        )
        if pending is not None:
            return pending.next_url
        created = ctx.pay.create_payment(
            amount=amount,
            reference=stored.case_ref,
            description=f"Youth mobility application {stored.case_ref}",
            return_url=return_url,
        )
        stored.fee_pence = amount
        session.add(
            Payment(
                application_id=stored.id,
                provider_payment_id=created.payment_id,
                amount_pence=amount,
                reference=stored.case_ref,
                state="created",
                next_url=created.next_url,
                created_at=ctx.clock.now(),
            )
        )
        return created.next_url


def complete_payment(ctx: ServiceContext, account_id: str, case_ref: str) -> str:
    """Ask the provider how the latest payment ended; on success the application is submitted.

    Returns the application's state afterwards, or the payment's if it did not succeed.
    Safe to call again (the back button, a reload): a submitted application stays so.
    """
    with ctx.database.transaction() as session:
        application = _owned(session, account_id, case_ref, lock=True)
        if application.state != "draft":
            return application.state
        payment = session.scalar(
            select(Payment)
            .where(Payment.application_id == application.id)
            .order_by(Payment.id.desc())
        )
        if payment is None:
            return "no-payment"
        if payment.state == "created":
            status = ctx.pay.get_payment(payment.provider_payment_id)
            if not status.finished:
                return "created"
            payment.state = status.state
            payment.finished_at = ctx.clock.now()
        if payment.state != "success":
            return payment.state
        now = ctx.clock.now()
        application.state = "submitted"
        application.submitted_at = now
        _event(session, application, now, "paid", f"Fee of £{payment.amount_pence / 100:,.2f} paid")
        _event(session, application, now, "submitted", "Application submitted")
        return application.state


def withdraw(ctx: ServiceContext, account_id: str, case_ref: str) -> None:
    """Withdraw the application (before a decision)."""
    with ctx.database.transaction() as session:
        application = _owned(session, account_id, case_ref, lock=True)
        if application.state == "withdrawn":
            return
        now = ctx.clock.now()
        application.state = "withdrawn"
        application.withdrawn_at = now
        _event(
            session, application, now, "withdrawn", "Withdrawn by the applicant", author="applicant"
        )


def add_message(
    ctx: ServiceContext, case_ref: str, text: str, *, author: str = "caseworker"
) -> None:
    """A message on the case's timeline (from a caseworker, for now)."""
    with ctx.database.transaction() as session:
        application = session.scalar(select(Application).where(Application.case_ref == case_ref))
        if application is None:
            raise NotFoundError(f"no application {case_ref!r}")
        _event(session, application, ctx.clock.now(), "message", text, author=author)
