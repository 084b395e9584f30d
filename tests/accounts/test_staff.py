"""`yms users add`: a member of staff with no password until they set one with the link printed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.commands import Yms
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.accounts.tables import Account
from yms.kernel.errors import InvalidInputError, RefusedError
from yms.platform.cli import service_context
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_a_caseworker_added_sets_a_password_with_the_link_printed(
    yms_db: Yms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YMS_ACTOR", "op-lead")
    added = yms_db("users", "add", "CW@example.org", "--role", "caseworker")
    assert added.code == 0, added.stderr
    link = added.stdout.strip()
    assert link.startswith("http://localhost:8000/reset-password/")
    ctx = service_context()
    try:
        # No password signs in until one is set.
        for guess in ("", "!unset-", "a good long password"):
            with pytest.raises(RefusedError):
                accounts.sign_in(ctx, "cw@example.org", guess)
        signed_in = accounts.reset_password(ctx, link.rsplit("/", 1)[1], "a good long password")
        assert signed_in.role is Role.CASEWORKER
        assert accounts.sign_in(ctx, "cw@example.org", "a good long password").role == "caseworker"
        with pytest.raises(RefusedError, match="already been used"):
            accounts.check_reset_link(ctx, link.rsplit("/", 1)[1])
    finally:
        ctx.database.dispose()
    exported = yms_db("audit", "export")
    events = [json.loads(line)["event"] for line in exported.stdout.splitlines()]
    [created] = [e for e in events if e["action"] == "account.created"]
    assert created["actor"] == "op-lead"
    assert created["data"] == {"role": "caseworker", "email_confirmed": True}
    assert created["subject"] == signed_in.account_id


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--role", "applicant"), 2, "A member of staff is a caseworker"),
        (("--role", "king"), 2, "a role is one of"),
    ],
)
def test_only_staff_roles_are_added(
    yms_db: Yms, args: tuple[str, ...], code: int, message: str
) -> None:
    ran = yms_db("users", "add", "someone@example.org", *args)
    assert ran.code == code
    assert message in ran.stderr


def test_an_address_with_an_account_is_refused(yms_db: Yms) -> None:
    assert yms_db("users", "add", "op@example.org", "--role", "operator").code == 0
    again = yms_db("users", "add", "op@example.org", "--role", "senior_caseworker")
    assert again.code == 3
    assert "already exists" in again.stderr


def test_the_link_lasts_seven_days(ctx: ServiceContext, clock: FixedClock) -> None:
    link = accounts.add_staff(ctx, "senior@example.org", Role.SENIOR_CASEWORKER, actor="op")
    token = link.rsplit("/", 1)[1]
    clock.instant += timedelta(days=7) - timedelta(seconds=1)
    accounts.check_reset_link(ctx, token)
    clock.instant += timedelta(seconds=1)
    with pytest.raises(RefusedError, match="expired"):
        accounts.check_reset_link(ctx, token)


def test_a_bad_address_is_named(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInputError) as raised:
        accounts.add_staff(ctx, "not-an-address", Role.CASEWORKER, actor="op")
    assert [p.path for p in raised.value.problems] == ["email"]


def test_a_staff_account_waiting_for_its_password_signs_in_like_any_other(
    ctx: ServiceContext,
) -> None:
    # The stored hash is a real Argon2 hash, so a sign-in tried meanwhile does the same
    # work as for any account: timing cannot tell that the address awaits its password.
    accounts.add_staff(ctx, "new.worker@example.org", Role.CASEWORKER, actor="op")
    with ctx.database.reading() as session:
        stored = session.scalar(select(Account.password_hash))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    with pytest.raises(RefusedError):
        accounts.sign_in(ctx, "new.worker@example.org", "a guess of a password")
