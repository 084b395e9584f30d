"""The fee: start a payment with the provider, and submit the application when it succeeds.

The provider (GOV.UK Pay's shape) is called with no transaction open and no
row locked. A payment under way is reused, so a double click pays once: the
case's row lock orders two clicks, and a unique index on one open payment per
application stands behind it.

Nothing here trusts the process's memory: each step asks the provider how the
payment stands, so a restart between leaving for the provider and coming back
changes nothing. A payment the provider no longer knows is ended as failed, with
that reason, and the applicant starts afresh; a payment the provider says
succeeded is always recorded, and submits the application. When the provider
cannot answer, `PaymentProviderError` reaches the caller and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yms.accounts import services as accounts
from yms.applications.domain.fees import fee_items, fee_pence
from yms.applications.domain.states import APPLICATION, PAYMENT, ApplicationState, PaymentState
from yms.applications.services.cases import (
    UnderArrangement,
    add_event,
    arrangement_of,
    open_answers,
    owned,
    view,
)
from yms.applications.services.casework import RUN_CHECKS
from yms.applications.services.checks import failing
from yms.applications.services.identity import require_the_entrant
from yms.applications.tables import Application, Payment
from yms.kernel.errors import RefusedError
from yms.kernel.identity import Identity, InvalidPassportNumberError
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail import outbox as mail
from yms.platform.payments.provider import PaymentNotFoundError
from yms.platform.unit_of_work import UnitOfWork
from yms.schemes.domain.scheme import FeeKind

#: The failure reason of a payment the provider no longer knows.
PAYMENT_UNKNOWN = "unknown to the payment provider"


def fee_due(ctx: ServiceContext, application: UnderArrangement) -> int:
    """What the application costs today, in pence."""
    return fee_pence(arrangement_of(ctx.catalogue, application), today(ctx.clock))


def _open_payment(session: Session, application: Application) -> Payment | None:
    return session.scalar(
        select(Payment).where(
            Payment.application_id == application.id, Payment.state == PaymentState.CREATED
        )
    )


def _ready_to_pay(ctx: ServiceContext, application: Application) -> None:
    if application.state != ApplicationState.DRAFT:
        raise RefusedError("This application has already been submitted")
    if not open_answers(ctx.sealer, application).get("declaration"):
        raise RefusedError("Confirm the declaration before paying")


def begin_payment(
    ctx: ServiceContext,
    account_id: str,
    case_ref: str,
    return_url: str,
    *,
    refusal_understood: bool = False,
) -> str:
    """Where to send the applicant to pay.

    A payment still under way with the provider is reused. One that has ended
    (failed, cancelled, or unknown to the provider) is recorded so, and a new
    one is created; one that succeeded is recorded and submits the application,
    and the applicant is sent to `return_url`, which shows the confirmation.
    Raises `PaymentProviderError` (nothing changed) if the provider cannot answer.

    Refuses an application from an invitation that names someone other than the
    person who entered the ballot, and one whose answers fail a requirement
    unless the applicant has said they understand it will be refused: no money
    is taken for a refusal nobody warned of.
    """
    given = view(ctx, account_id, case_ref)
    require_the_entrant(ctx, given)
    if not refusal_understood and failing(ctx, given):
        raise RefusedError(
            "Your answers do not meet every requirement, so your application would be refused. "
            "Check your answers, or confirm that you understand before you pay."
        )
    with ctx.database.reading() as session:
        application = owned(session, account_id, case_ref)
        _ready_to_pay(ctx, application)
        pending = _open_payment(session, application)
        under_way = (pending.provider_payment_id, pending.next_url) if pending else None
        amount = fee_due(ctx, application)
        reference = application.case_ref
    if under_way is not None:
        provider_id, next_url = under_way
        settled = _settle(ctx, account_id, case_ref, provider_id)
        if settled is PaymentState.CREATED:
            return next_url
        if isinstance(settled, ApplicationState):  # paid after all (or withdrawn meanwhile)
            return return_url
    created = ctx.payments.create_payment(
        amount=amount,
        reference=reference,
        description=f"Youth mobility application {reference}",
        return_url=return_url,
    )
    try:
        with ctx.unit(actor=account_id) as uow:
            stored = owned(uow.session, account_id, case_ref, lock=True)
            _ready_to_pay(ctx, stored)
            pending = _open_payment(uow.session, stored)
            if pending is not None:  # another click recorded its payment first: use that one
                return pending.next_url
            stored.fee_pence = amount
            uow.session.add(
                Payment(
                    application_id=stored.id,
                    provider_payment_id=created.payment_id,
                    amount_pence=amount,
                    reference=stored.case_ref,
                    state=PaymentState.CREATED.value,
                    next_url=created.next_url,
                    created_at=uow.now(),
                )
            )
    except IntegrityError:
        with ctx.database.reading() as session:
            pending = _open_payment(session, owned(session, account_id, case_ref))
            if pending is None:  # pragma: no cover - the index refused us for that payment
                raise
            return pending.next_url
    return created.next_url


def payment_under_way(ctx: ServiceContext, account_id: str, case_ref: str) -> str | None:
    """The provider's page of the applicant's payment still under way, if there is one.

    Only the applicant's own draft is looked at (`NotFoundError` otherwise). Call
    `complete_payment` first: a payment that has ended is no longer under way.
    """
    with ctx.database.reading() as session:
        application = owned(session, account_id, case_ref)
        pending = _open_payment(session, application)
        return pending.next_url if pending is not None else None


def _latest_payment(session: Session, application: Application) -> Payment | None:
    return session.scalar(
        select(Payment).where(Payment.application_id == application.id).order_by(Payment.id.desc())
    )


def complete_payment(
    ctx: ServiceContext, account_id: str, case_ref: str
) -> ApplicationState | PaymentState | None:
    """Ask the provider how the latest payment ended; on success the application is submitted.

    Returns the application's state once it is no longer a draft; otherwise the
    payment's state (still `CREATED` while the payer is on the provider's page),
    or `None` if there is no payment to complete: none was made, or the provider
    no longer knows it (it is then ended as failed, and a new one can be made).
    Safe to call again (the back button, a reload, another process): a submitted
    application stays so. Raises `PaymentProviderError` (nothing changed) if the
    provider cannot answer.
    """
    with ctx.database.reading() as session:
        application = owned(session, account_id, case_ref)
        if application.state != ApplicationState.DRAFT:
            return ApplicationState(application.state)
        payment = _latest_payment(session, application)
        if payment is None:
            return None
        if payment.failure_reason == PAYMENT_UNKNOWN:
            return None
        if payment.state in {PaymentState.FAILED, PaymentState.CANCELLED}:
            return PaymentState(payment.state)
        provider_id, state = payment.provider_payment_id, PaymentState(payment.state)
    if state is PaymentState.SUCCESS:  # recorded, yet the draft was not submitted: finish that
        return _record(ctx, account_id, case_ref, provider_id, PaymentState.SUCCESS, reason=None)
    return _settle(ctx, account_id, case_ref, provider_id)


def _settle(
    ctx: ServiceContext, account_id: str, case_ref: str, provider_id: str
) -> ApplicationState | PaymentState | None:
    """Ask the provider how a payment stands, and record it if it has ended (see `_record`)."""
    try:
        status = ctx.payments.get_payment(provider_id)
    except PaymentNotFoundError:
        return _record(
            ctx, account_id, case_ref, provider_id, PaymentState.FAILED, reason=PAYMENT_UNKNOWN
        )
    if not status.finished:
        return PaymentState.CREATED
    return _record(
        ctx, account_id, case_ref, provider_id, PaymentState(status.state), reason=status.reason
    )


def _record(
    ctx: ServiceContext,
    account_id: str,
    case_ref: str,
    provider_id: str,
    ending: PaymentState,
    *,
    reason: str | None,
) -> ApplicationState | PaymentState | None:
    """Record how a payment ended (once) and submit the draft it paid for.

    Returns what `complete_payment` returns. The case's row lock orders two
    returns (two tabs, two processes): the first records, the second finds it done.
    """
    with ctx.unit(actor=account_id) as uow:
        stored = owned(uow.session, account_id, case_ref, lock=True)
        payment = uow.session.scalar(
            select(Payment).where(
                Payment.application_id == stored.id, Payment.provider_payment_id == provider_id
            )
        )
        assert payment is not None  # noqa: S101 - payments are never deleted
        if payment.state == PaymentState.CREATED:
            payment.state = PAYMENT.move(PaymentState.CREATED, ending).value
            payment.finished_at = uow.now()
            if ending is not PaymentState.SUCCESS:
                payment.failure_reason = (reason or ending.value)[:200]
            if reason == PAYMENT_UNKNOWN:
                # Worth finding again: the payer may say money left their account.
                uow.audit("application.payment.lost", stored.case_ref, payment=provider_id)
        if stored.state != ApplicationState.DRAFT:
            return ApplicationState(stored.state)
        if payment.state == PaymentState.SUCCESS:
            _submit(ctx, uow, stored, payment)
            return ApplicationState.SUBMITTED
        if payment.failure_reason == PAYMENT_UNKNOWN:
            return None
        return PaymentState(payment.state)


def _receipt_lines(ctx: ServiceContext, application: Application, payment: Payment) -> str:
    names = {FeeKind.APPLICATION: "Application fee", FeeKind.HEALTH_CHARGE: "Health charge"}
    arrangement = arrangement_of(ctx.catalogue, application)
    lines = []
    for item in fee_items(arrangement, payment.created_at.date()):
        name = names[item.kind]
        if item.years is not None:
            name = f"{name} for {item.years} years of leave"
        lines.append(f"{name}: {_pounds(item.pence)}")
    return "\n".join(lines)


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def _tell_submitted(
    ctx: ServiceContext, uow: UnitOfWork, application: Application, payment: Payment
) -> None:
    """Queue the receipt and the acknowledgement, in the unit that submits."""
    address = accounts.email_of(ctx, application.account_id)
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    link = f"/applications/{application.case_ref}"
    mail.queue_email(
        uow,
        address,
        templates.PAYMENT_RECEIVED,
        {
            "case_ref": application.case_ref,
            "total": _pounds(payment.amount_pence),
            "items": _receipt_lines(ctx, application, payment),
        },
    )
    mail.queue_email(
        uow,
        address,
        templates.APPLICATION_RECEIVED,
        {"case_ref": application.case_ref, "scheme": scheme.title, "link": link},
    )


def _submit(
    ctx: ServiceContext, uow: UnitOfWork, application: Application, payment: Payment
) -> None:
    now = uow.now()
    application.state = APPLICATION.move(
        ApplicationState(application.state), ApplicationState.SUBMITTED
    ).value
    application.submitted_at = now
    add_event(uow.session, application, now, "paid", f"Fee of {_pounds(payment.amount_pence)} paid")
    add_event(uow.session, application, now, "submitted", "Application submitted")
    uow.audit(
        "application.paid",
        application.case_ref,
        amount_pence=payment.amount_pence,
        payment=payment.provider_payment_id,
    )
    uow.audit(
        "application.submitted",
        application.case_ref,
        scheme=application.scheme_id,
        scheme_version=application.scheme_version,
        arrangement=application.arrangement_id,
    )
    application.identity_hash = _identity_hash(ctx, open_answers(ctx.sealer, application))
    uow.enqueue(RUN_CHECKS, key=f"checks:{application.case_ref}", case_ref=application.case_ref)
    _tell_submitted(ctx, uow, application, payment)


def _identity_hash(ctx: ServiceContext, answers: Mapping[str, Any]) -> bytes | None:
    """The keyed hash of the person the answers name, for the identity check (YMS 3.3)."""
    applicant = answers.get("applicant", {})
    passport = answers.get("personal", {}).get("passport_number")
    born = applicant.get("date_of_birth")
    if not passport or not born or not applicant.get("nationality"):
        return None
    try:
        identity = Identity.of(passport, applicant["nationality"], date.fromisoformat(born))
    except InvalidPassportNumberError:
        return None
    return identity.keyed_hash(ctx.identity_key)
