"""An invitation is for the person who entered: an application under it must name them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.applications.builders import draft
from yms.applications.services import drafts, payment
from yms.applications.services.cases import view
from yms.applications.services.identity import not_the_entrant
from yms.kernel.errors import RefusedError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

# The entrant of tests.ballot.builders.entry(number=1): K00000001, Hong Kong, 2 January 2000.
ENTRANT = {"passport": "k0000 0001", "born": (date(2000, 1, 1) + timedelta(days=1)).isoformat()}


def answer(ctx: ServiceContext, account: str, case: str, *, passport: str, born: str) -> None:
    answers = view(ctx, account, case).answers
    answers["applicant"]["date_of_birth"] = born
    answers.setdefault("personal", {})["passport_number"] = passport
    answers["declaration"] = True
    drafts.save_answers(ctx, account, case, answers)


@pytest.mark.parametrize(
    ("passport", "born"),
    [("K99999999", ENTRANT["born"]), ("K00000001", "2000-01-03")],
    ids=["another-passport", "another-birthday"],
)
def test_someone_else_cannot_pay_for_an_invitation(
    ctx: ServiceContext, clock: FixedClock, passport: str, born: str
) -> None:
    account, case = draft(ctx, clock)
    answer(ctx, account, case, passport=passport, born=born)
    assert not_the_entrant(ctx, view(ctx, account, case))
    with pytest.raises(RefusedError, match="cannot be passed on"):
        payment.begin_payment(ctx, account, case, "http://x/back")


def test_the_entrant_pays(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    answer(ctx, account, case, passport=ENTRANT["passport"], born=ENTRANT["born"])
    assert not not_the_entrant(ctx, view(ctx, account, case))
    assert payment.begin_payment(ctx, account, case, "http://x/back").startswith("http")


def test_nothing_is_compared_until_both_are_given(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    assert not not_the_entrant(ctx, view(ctx, account, case))
