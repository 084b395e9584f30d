"""The fee: start a payment with the provider, and submit the application when it succeeds.

The provider (GOV.UK Pay's shape) is called with no transaction open and no
row locked. A payment under way is reused, so a double click pays once: the
case's row lock orders two clicks, and a unique index on one open payment per
application stands behind it.
"""

from __future__ import annotations

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
from yms.applications.services.checks import failing
from yms.applications.services.identity import require_the_entrant
from yms.applications.tables import Application, Payment
from yms.kernel.errors import RefusedError
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail import outbox as mail
from yms.platform.unit_of_work import UnitOfWork
from yms.schemes.domain.scheme import FeeKind


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
    """Where to send the applicant to pay; a payment already under way is reused.

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
        if pending is not None:
            return pending.next_url
        amount = fee_due(ctx, application)
        reference = application.case_ref
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
    or `None` if there is no payment. Safe to call again (the back button, a
    reload): a submitted application stays so.
    """
    with ctx.database.reading() as session:
        application = owned(session, account_id, case_ref)
        if application.state != ApplicationState.DRAFT:
            return ApplicationState(application.state)
        payment = _latest_payment(session, application)
        if payment is None:
            return None
        provider_id, state = payment.provider_payment_id, PaymentState(payment.state)
    if state is PaymentState.CREATED:
        status = ctx.payments.get_payment(provider_id)
        if not status.finished:
            return PaymentState.CREATED
        state = PaymentState(status.state)
    with ctx.unit(actor=account_id) as uow:
        stored = owned(uow.session, account_id, case_ref, lock=True)
        payment = _latest_payment(uow.session, stored)
        assert payment is not None  # noqa: S101 - payments are never deleted
        if payment.state == PaymentState.CREATED and payment.provider_payment_id == provider_id:
            payment.state = PAYMENT.move(PaymentState.CREATED, state).value
            payment.finished_at = uow.now()
        if stored.state != ApplicationState.DRAFT:
            return ApplicationState(stored.state)
        if payment.state != PaymentState.SUCCESS:
            return PaymentState(payment.state)
        _submit(ctx, uow, stored, payment)
        return ApplicationState.SUBMITTED


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
    link = f"{ctx.public_url}/applications/{application.case_ref}"
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
    _tell_submitted(ctx, uow, application, payment)
