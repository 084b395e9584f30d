"""Where an application and its fee payment stand, and the moves allowed between states.

A case goes: draft -> submitted (paid) -> checks running -> awaiting a decision,
which may wait on evidence asked for, and ends granted, or refused once a second
caseworker confirms the refusal (four eyes). A refusal may be reviewed
(administrative review): upheld, it stays refused; overturned, it is granted.
The applicant may withdraw until a decision is made.
"""

from __future__ import annotations

from enum import StrEnum

from yms.kernel.states import StateMachine


class ApplicationState(StrEnum):
    """Where an application stands."""

    DRAFT = "draft"  # being written; answers saved at every step
    SUBMITTED = "submitted"  # paid for and sent; its automated checks are queued
    CHECKING = "checking"  # the automated checks are running
    AWAITING_DECISION = "awaiting_decision"  # in a caseworker's queue
    AWAITING_EVIDENCE = "awaiting_evidence"  # the caseworker asked the applicant for more
    REFUSAL_PENDING = "refusal_pending"  # a refusal proposed, waiting for a second caseworker
    GRANTED = "granted"  # a place taken and a status given
    REFUSED = "refused"  # confirmed by a second caseworker, or upheld on review
    REVIEW_REQUESTED = "review_requested"  # the applicant asked for administrative review
    WITHDRAWN = "withdrawn"  # by the applicant, before a decision


_S = ApplicationState
APPLICATION = StateMachine(
    "an application",
    {
        _S.DRAFT: {_S.SUBMITTED, _S.WITHDRAWN},
        _S.SUBMITTED: {_S.CHECKING, _S.WITHDRAWN},
        _S.CHECKING: {_S.AWAITING_DECISION, _S.WITHDRAWN},
        _S.AWAITING_DECISION: {_S.AWAITING_EVIDENCE, _S.GRANTED, _S.REFUSAL_PENDING, _S.WITHDRAWN},
        _S.AWAITING_EVIDENCE: {_S.AWAITING_DECISION, _S.WITHDRAWN},
        # The second caseworker confirms the refusal, or sends the case back; until then
        # no decision is made, and the applicant may still withdraw.
        _S.REFUSAL_PENDING: {_S.REFUSED, _S.AWAITING_DECISION, _S.WITHDRAWN},
        _S.REFUSED: {_S.REVIEW_REQUESTED},
        # Upheld: refused again; overturned: granted.
        _S.REVIEW_REQUESTED: {_S.REFUSED, _S.GRANTED},
        _S.GRANTED: set(),
        _S.WITHDRAWN: set(),
    },
)

# Cases waiting on staff, in the order a queue shows them.
WITH_STAFF = (
    _S.SUBMITTED,
    _S.CHECKING,
    _S.AWAITING_DECISION,
    _S.REFUSAL_PENDING,
    _S.REVIEW_REQUESTED,
)
# Cases the applicant may still withdraw: before any decision.
WITHDRAWABLE = frozenset(state for state in _S if APPLICATION.allows(state, _S.WITHDRAWN))


class PaymentState(StrEnum):
    """How a payment of the fee stands (GOV.UK Pay's ``state.status``, in short)."""

    CREATED = "created"  # the payer is on the provider's page
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


PAYMENT = StateMachine(
    "a payment",
    {
        PaymentState.CREATED: {PaymentState.SUCCESS, PaymentState.FAILED, PaymentState.CANCELLED},
        PaymentState.SUCCESS: set(),
        PaymentState.FAILED: set(),
        PaymentState.CANCELLED: set(),
    },
)

# Lines of the timeline only staff see: a refusal is not news until it is confirmed.
STAFF_ONLY_EVENTS = frozenset({"refusal_proposed", "refusal_returned"})


def as_applicant_sees(state: ApplicationState) -> ApplicationState:
    """The state shown to the applicant: a refusal waiting for confirmation is no decision yet."""
    return _S.AWAITING_DECISION if state is _S.REFUSAL_PENDING else state
