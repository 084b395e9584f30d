"""Random sequences of what people do to an invitation and an application, through the services.

Whatever the order (answer twice, pay after withdrawing, let the invitation
lapse, a failed payment then a good one, grant a refused case, confirm a refusal
twice, review a grant), every change of state the database
records is a move the domain's machine lists, and the audit chain holds.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.applications.builders import answers_of, staff
from tests.ballot.builders import BEACON, entry, hong_kong_window
from tests.conftest import TEST_NOW, context_for_tests, run_jobs
from tests.databases import sqlite_copy
from yms.accounts.domain import Role
from yms.accounts.services import create_account
from yms.applications.domain.decisions import ReviewOutcome
from yms.applications.domain.states import APPLICATION, PAYMENT, ApplicationState, PaymentState
from yms.applications.services import decisions, drafts, payment
from yms.applications.tables import Application, Payment
from yms.ballot.domain.states import INVITATION, InvitationState
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot, entries_of
from yms.ballot.services.invitations import expire_invitations, invite_round, respond
from yms.ballot.tables import BallotInvitation
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.payments.provider import FakePaymentProvider

States = tuple[InvitationState, ApplicationState | None, tuple[PaymentState, ...]]
ACTIONS = (
    "accept",
    "decline",
    "lapse",
    "start",
    "declare",
    "pay",
    "pay_fails",
    "cancel",
    "come_back",
    "withdraw",
    "check",
    "ask_evidence",
    "reply",
    "grant",
    "propose_refusal",
    "confirm",
    "send_back",
    "ask_review",
    "uphold",
    "overturn",
)


class Walk:
    """One applicant with one invitation, and the services' answers to each action."""

    def __init__(self, ctx: ServiceContext, clock: FixedClock) -> None:
        self.ctx, self.clock = ctx, clock
        self.account = create_account(
            ctx, "ana@example.org", "a good long password", confirmed=True
        )
        window = hong_kong_window(ctx, places=1)
        enter_ballot(ctx, entry(window.window_id, 1, account_id=self.account))
        clock.instant = window.closes_at
        windows.close_window(ctx, window.window_id, BEACON, actor="operator")
        windows.run_draw(ctx, window.window_id, actor="operator")
        invite_round(ctx, window.window_id, actor="operator")
        [mine] = entries_of(ctx, self.account)
        assert mine.invitation_ref is not None
        self.invitation = mine.invitation_ref
        self.case: str | None = None
        self.caseworker = staff(ctx, "worker@example.org", Role.CASEWORKER)
        self.senior = staff(ctx, "senior@example.org", Role.SENIOR_CASEWORKER)
        self.reviewer = staff(ctx, "reviewer@example.org", Role.SENIOR_CASEWORKER)

    def states(self) -> States:
        with self.ctx.database.reading() as session:
            invitation = session.scalar(
                select(BallotInvitation.state).where(BallotInvitation.ref == self.invitation)
            )
            application = session.scalar(
                select(Application).where(Application.account_id == self.account)
            )
            payments = (
                session.scalars(
                    select(Payment.state)
                    .where(Payment.application_id == application.id)
                    .order_by(Payment.id)
                ).all()
                if application
                else []
            )
        return (
            InvitationState(invitation),
            ApplicationState(application.state) if application else None,
            tuple(PaymentState(state) for state in payments),
        )

    def do(self, action: str) -> None:
        step: Callable[[], None] = getattr(self, f"_{action}")
        with suppress(RefusedError, NotFoundError):  # the rules said no: nothing may change
            step()

    def _accept(self) -> None:
        respond(self.ctx, self.invitation, accept=True, account_id=self.account)

    def _decline(self) -> None:
        respond(self.ctx, self.invitation, accept=False, account_id=self.account)

    def _lapse(self) -> None:
        self.clock.instant += timedelta(days=91)
        expire_invitations(self.ctx)

    def _start(self) -> None:
        self.case = drafts.start_for_invitation(self.ctx, self.account, self.invitation)

    def _declare(self) -> None:
        if self.case:
            # The entrant's own identity (`entry(..., 1)`), with every answer given.
            answers = answers_of(nationality="HK", born="2000-01-02", passport="K00000001")
            drafts.save_answers(self.ctx, self.account, self.case, answers)

    def _payment_page(self, outcome: str | None) -> None:
        if not self.case:
            return
        next_url = payment.begin_payment(
            self.ctx, self.account, self.case, "http://x/back", refusal_understood=True
        )
        provider = self.ctx.payments
        assert isinstance(provider, FakePaymentProvider)
        if outcome:
            provider.finish(next_url.rsplit("/", 1)[1], outcome)  # type: ignore[arg-type]
        payment.complete_payment(self.ctx, self.account, self.case)

    def _pay(self) -> None:
        self._payment_page("success")

    def _pay_fails(self) -> None:
        self._payment_page("failed")

    def _cancel(self) -> None:
        self._payment_page("cancelled")

    def _come_back(self) -> None:
        self._payment_page(None)  # back from the provider's page without finishing

    def _withdraw(self) -> None:
        if self.case:
            drafts.withdraw(self.ctx, self.account, self.case)

    # Casework: each a no-op without a case, and refused where the machine says no.

    def _check(self) -> None:
        run_jobs(self.ctx)

    def _ask_evidence(self) -> None:
        if self.case:
            decisions.request_evidence(
                self.ctx, self.case, caseworker_id=self.caseworker, request="A statement"
            )

    def _reply(self) -> None:
        if self.case:
            decisions.reply_with_evidence(self.ctx, self.account, self.case, reply="Sent")

    def _grant(self) -> None:
        if self.case:
            decisions.grant(self.ctx, self.case, caseworker_id=self.caseworker)

    def _propose_refusal(self) -> None:
        if self.case:
            decisions.propose_refusal(
                self.ctx, self.case, caseworker_id=self.caseworker, requirements=[], text="No"
            )

    def _confirm(self) -> None:
        if self.case:
            decisions.confirm_refusal(self.ctx, self.case, senior_id=self.senior)

    def _send_back(self) -> None:
        if self.case:
            decisions.return_refusal(self.ctx, self.case, senior_id=self.senior, note="Again")

    def _ask_review(self) -> None:
        if self.case:
            decisions.request_review(self.ctx, self.account, self.case, grounds="Wrong")

    def _uphold(self) -> None:
        if self.case:
            decisions.decide_review(
                self.ctx,
                self.case,
                senior_id=self.reviewer,
                outcome=ReviewOutcome.UPHELD,
                text="Ok",
            )

    def _overturn(self) -> None:
        if self.case:
            decisions.decide_review(
                self.ctx,
                self.case,
                senior_id=self.reviewer,
                outcome=ReviewOutcome.OVERTURNED,
                text="Ok",
            )


def _moved_as_allowed(before: States, after: States) -> None:
    (invitation, application, payments), (invitation2, application2, payments2) = before, after
    assert invitation2 == invitation or INVITATION.allows(invitation, invitation2), (
        invitation,
        invitation2,
    )
    if application is None:
        assert application2 in (None, ApplicationState.DRAFT)
    else:
        # The checks job commits twice (checks running, then done): two moves, each allowed.
        checking = ApplicationState.CHECKING
        assert (
            application2 == application
            or APPLICATION.allows(application, application2)
            or (
                APPLICATION.allows(application, checking)
                and APPLICATION.allows(checking, application2)
            )
        ), (application, application2)
    assert payments2[: len(payments)] == payments or all(
        old == new or PAYMENT.allows(old, new)
        for old, new in zip(payments, payments2, strict=False)
    )
    assert len(payments2) >= len(payments)  # no payment is ever lost


# Half the walks start from a case in the caseworkers' queue, so decisions are reached.
TO_THE_QUEUE = ["accept", "start", "declare", "pay", "check"]


@settings(max_examples=40, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(ACTIONS), max_size=16))
def test_every_recorded_change_is_an_allowed_move(
    sqlite_template: Path, queued: bool, actions: list[str]
) -> None:
    actions = [*TO_THE_QUEUE, *actions] if queued else actions
    with TemporaryDirectory() as folder:
        clock = FixedClock(TEST_NOW)
        database = Database.connect(sqlite_copy(sqlite_template, Path(folder)))
        ctx = context_for_tests(database, clock, Path(folder) / "evidence")
        try:
            walk = Walk(ctx, clock)
            state = walk.states()
            for action in actions:
                walk.do(action)
                after = walk.states()
                _moved_as_allowed(state, after)
                state = after
            assert audit_log.verify(ctx.database).intact
        finally:
            ctx.database.dispose()
