"""Where an application and its fee payment stand, and the moves allowed between states.

The casework issue extends the application's machine (checks, decisions,
review); today a draft is submitted by paying, and withdrawn until a decision.
"""

from __future__ import annotations

from enum import StrEnum

from yms.kernel.states import StateMachine


class ApplicationState(StrEnum):
    """Where an application stands."""

    DRAFT = "draft"  # being written; answers saved at every step
    SUBMITTED = "submitted"  # paid for and sent; awaiting a decision
    WITHDRAWN = "withdrawn"  # by the applicant, before a decision


APPLICATION = StateMachine(
    "an application",
    {
        ApplicationState.DRAFT: {ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN},
        ApplicationState.SUBMITTED: {ApplicationState.WITHDRAWN},
        ApplicationState.WITHDRAWN: set(),
    },
)


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
