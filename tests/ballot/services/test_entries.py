"""Entering a ballot: one person, one entry per window, whatever the timing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from tests.ballot.builders import CLOSES, OPENS, entrant, entry, hong_kong_window
from yms.ballot.domain.refs import ENTRY_REF
from yms.ballot.services.entries import EntryReceipt, _entered_at_once, enter_ballot
from yms.ballot.tables import BallotEntry
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.identity import Identity
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

T = TypeVar("T")
ATTEMPTS = 50


def entries_in(ctx: ServiceContext) -> list[BallotEntry]:
    with ctx.database.reading() as session:
        return list(session.scalars(select(BallotEntry)))


def test_an_entry_gets_a_public_reference_and_the_commitment(ctx: ServiceContext) -> None:
    window = hong_kong_window(ctx)
    receipt = enter_ballot(ctx, entry(number=7))
    assert ENTRY_REF.match(receipt.ref)
    assert receipt.created
    assert receipt.seed_commitment == window.seed_commitment
    [stored] = entries_in(ctx)
    assert stored.ref == receipt.ref
    assert stored.nationality == "HK"
    assert b"K00000007" not in stored.identity_hash  # only a keyed hash is kept


def test_the_same_person_typed_differently_is_the_same_identity(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    first = enter_ballot(ctx, entry(number=7))
    again = enter_ballot(ctx, replace(entry(number=7), passport_number=" k0000-0007 "))
    assert again.ref == first.ref
    assert not again.created
    assert len(entries_in(ctx)) == 1


def test_the_same_identity_from_another_account_is_refused(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice, mallory = entrant(ctx, "alice"), entrant(ctx, "mallory")
    enter_ballot(ctx, entry(number=7, account_id=alice))
    with pytest.raises(RefusedError, match="already entered this ballot from another account"):
        enter_ballot(ctx, entry(number=7, account_id=mallory))
    assert len(entries_in(ctx)) == 1


def test_identity_differs_by_passport_birth_date_and_window(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    hong_kong_window(ctx, window_id="hk-2026-2", ballot_round=2)
    base = entry(number=7)
    variants = [
        base,
        replace(base, passport_number="K00000008"),
        replace(base, date_of_birth=base.date_of_birth + timedelta(days=1)),
        replace(base, window_id="hk-2026-2"),
    ]
    refs = {enter_ballot(ctx, request).ref for request in variants}
    assert len(refs) == len(variants)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"passport_number": "K1"}, "passport_number"),
        ({"passport_number": "K12345678!"}, "passport_number"),
        ({"nationality": "AU"}, "nationality"),
    ],
)
def test_bad_details_name_their_field(
    ctx: ServiceContext, change: dict[str, str], field: str
) -> None:
    hong_kong_window(ctx)
    with pytest.raises(InvalidInputError) as raised:
        enter_ballot(ctx, replace(entry(), **change))  # type: ignore[arg-type]
    assert raised.value.problems[0].path == field
    assert entries_in(ctx) == []


def test_entries_only_while_the_window_is_open(ctx: ServiceContext, clock: FixedClock) -> None:
    hong_kong_window(ctx)
    clock.instant = OPENS - timedelta(microseconds=1)
    with pytest.raises(RefusedError, match="opens at 09:00 on 20 November 2026"):
        enter_ballot(ctx, entry(number=1))
    clock.instant = OPENS
    enter_ballot(ctx, entry(number=2))
    clock.instant = CLOSES - timedelta(microseconds=1)
    enter_ballot(ctx, entry(number=3))
    clock.instant = CLOSES
    with pytest.raises(RefusedError, match="closed at 09:00 on 4 December 2026"):
        enter_ballot(ctx, entry(number=4))
    assert len(entries_in(ctx)) == 2


def test_no_such_window(ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        enter_ballot(ctx, entry("nope"))


# --- fifty at once ----------------------------------------------------------------------------


def all_at_once(action: Callable[[int], T], count: int = ATTEMPTS) -> list[T | Exception]:
    """Run `action(i)` on `count` threads released together; results or the errors raised."""
    start = threading.Barrier(count)

    def run(index: int) -> T | Exception:
        start.wait()
        try:
            return action(index)
        except Exception as error:  # noqa: BLE001 - every outcome is inspected by the test
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def count_entries(ctx: ServiceContext) -> int:
    with ctx.database.reading() as session:
        return session.scalar(select(func.count()).select_from(BallotEntry)) or 0


def test_fifty_double_submits_make_one_entry(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    results = all_at_once(lambda _: enter_ballot(ctx, entry(number=7, account_id=alice)))
    receipts = [r for r in results if isinstance(r, EntryReceipt)]
    assert len(receipts) == ATTEMPTS, [r for r in results if isinstance(r, Exception)]
    assert len({r.ref for r in receipts}) == 1
    assert sum(r.created for r in receipts) == 1
    assert count_entries(ctx) == 1


def test_fifty_accounts_with_one_identity_make_one_entry(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    accounts = [entrant(ctx, f"account-{i}") for i in range(ATTEMPTS)]
    results = all_at_once(lambda i: enter_ballot(ctx, entry(number=7, account_id=accounts[i])))
    receipts = [r for r in results if isinstance(r, EntryReceipt)]
    refusals = [r for r in results if isinstance(r, RefusedError)]
    assert len(receipts) == 1
    assert len(refusals) == ATTEMPTS - 1
    assert count_entries(ctx) == 1


def test_fifty_people_at_once_lose_no_entry(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    results = all_at_once(lambda i: enter_ballot(ctx, entry(number=i)))
    receipts = [r for r in results if isinstance(r, EntryReceipt)]
    assert len(receipts) == ATTEMPTS, [r for r in results if isinstance(r, Exception)]
    assert len({r.ref for r in receipts}) == ATTEMPTS
    assert count_entries(ctx) == ATTEMPTS


def test_a_colliding_reference_is_drawn_again(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    repeats = iter([b"\x00" * 8, b"\x00" * 8, b"\x01" * 8])
    ctx = replace(ctx, random_bytes=lambda size: next(repeats)[:size])
    first = enter_ballot(ctx, entry(number=1))
    second = enter_ballot(ctx, entry(number=2))
    assert first.ref != second.ref
    assert count_entries(ctx) == 2


def test_an_entrant_over_the_age_limit_is_refused_with_the_rule(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    too_old = replace(entry(number=3), date_of_birth=date(1995, 11, 24))  # 31 on 25 Nov 2026
    with pytest.raises(RefusedError) as refused:
        enter_ballot(ctx, too_old)
    # One sentence per thought, each ended once: not "… of 30. (YMS 1.4). …"; the page's
    # heading already says "You cannot enter this ballot".
    assert str(refused.value).startswith(
        "Aged 31 on the date of application (25 November 2026), "
        "over the limit of 30 (YMS 1.4). Only people"
    )
    thirty = replace(entry(number=4), date_of_birth=date(1995, 11, 26))  # 30 until tomorrow
    assert enter_ballot(ctx, thirty).created
    assert len(entries_in(ctx)) == 1


def test_a_17_year_old_may_enter_as_leave_may_start_after_their_birthday(
    ctx: ServiceContext,
) -> None:
    hong_kong_window(ctx)
    seventeen = replace(entry(number=5), date_of_birth=date(2009, 6, 1))
    assert enter_ballot(ctx, seventeen).created


def test_someone_who_has_been_on_the_scheme_is_refused(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    been = replace(entry(number=6), previous_participation=True)
    with pytest.raises(RefusedError, match=r"\(YMS 3\.3\)"):
        enter_ballot(ctx, been)
    assert enter_ballot(ctx, replace(been, previous_participation=False)).created


def test_one_account_holds_one_entry_per_window(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    first = enter_ballot(ctx, entry(number=8, account_id=alice))
    with pytest.raises(
        RefusedError, match=f"already entered this ballot, with entry reference {first.ref}"
    ):
        enter_ballot(ctx, entry(number=9, account_id=alice))
    assert len(entries_in(ctx)) == 1


def test_an_unconfirmed_account_cannot_enter(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    from yms.accounts.services import create_account  # noqa: PLC0415

    unconfirmed = create_account(ctx, "new@example.org", "a good long password")
    with pytest.raises(RefusedError, match="Confirm your email address before you enter a ballot"):
        enter_ballot(ctx, entry(number=10, account_id=unconfirmed))


# --- idempotency keys -------------------------------------------------------------------------


def test_a_retry_with_the_key_answers_as_the_first_time(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    keyed = replace(entry(number=7, account_id=alice), idempotency_key="retry-1")
    first, retry = enter_ballot(ctx, keyed), enter_ballot(ctx, keyed)
    assert (first.created, retry.created) == (True, True)
    assert retry.ref == first.ref
    unkeyed = enter_ballot(ctx, entry(number=7, account_id=alice))
    assert (unkeyed.ref, unkeyed.created) == (first.ref, False)
    other_key = enter_ballot(ctx, replace(keyed, idempotency_key="retry-2"))
    assert (other_key.ref, other_key.created) == (first.ref, False)
    assert count_entries(ctx) == 1


def test_the_key_with_another_identity_is_invalid(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    enter_ballot(ctx, replace(entry(number=7, account_id=alice), idempotency_key="k"))
    with pytest.raises(InvalidInputError) as raised:
        enter_ballot(ctx, replace(entry(number=8, account_id=alice), idempotency_key="k"))
    assert [p.path for p in raised.value.problems] == ["idempotency_key"]
    assert count_entries(ctx) == 1


def test_fifty_retries_with_one_key_all_get_the_created_entry(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    keyed = replace(entry(number=7, account_id=alice), idempotency_key="same-every-time")
    results = all_at_once(lambda _: enter_ballot(ctx, keyed))
    receipts = [r for r in results if isinstance(r, EntryReceipt)]
    assert len(receipts) == ATTEMPTS, [r for r in results if isinstance(r, Exception)]
    assert {(r.ref, r.created) for r in receipts} == {(receipts[0].ref, True)}
    assert count_entries(ctx) == 1


def test_a_taken_reference_is_drawn_again(ctx: ServiceContext) -> None:
    hong_kong_window(ctx)
    first = enter_ballot(ctx, entry(number=1))
    draws = iter([bytes(8), bytes(8), b"\x01" * 8])  # the first two give the same reference
    clashing = replace(ctx, random_bytes=lambda size: next(draws)[:size])
    enter_ballot(clashing, entry(number=2))
    second = enter_ballot(clashing, entry(number=3))
    assert second.created
    assert second.ref != first.ref
    assert count_entries(ctx) == 3


def test_a_first_entry_into_an_open_window_takes_one_statement(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    hong_kong_window(ctx)
    alice = entrant(ctx, "alice")
    request = entry(number=7, account_id=alice)
    identity_hash = Identity.of(
        request.passport_number, request.nationality, request.date_of_birth
    ).keyed_hash(ctx.identity_key)
    fast = _entered_at_once(ctx, request, identity_hash)
    assert fast is not None
    assert fast.created
    assert _entered_at_once(ctx, request, identity_hash) is None  # a conflict: the full path
    assert enter_ballot(ctx, request).ref == fast.ref
    clock.instant = CLOSES
    late = replace(entry(number=8), account_id=entrant(ctx, "bo"))
    late_hash = Identity.of(late.passport_number, "HK", late.date_of_birth).keyed_hash(
        ctx.identity_key
    )
    assert _entered_at_once(ctx, late, late_hash) is None  # ended: the full path says so
    with pytest.raises(RefusedError, match="closed"):
        enter_ballot(ctx, late)
    assert count_entries(ctx) == 1
