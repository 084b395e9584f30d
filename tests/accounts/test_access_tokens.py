"""API access tokens: made once, kept as a hash, found fast, revoked and expired for good."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from yms.accounts import access_tokens
from yms.accounts import services as accounts
from yms.accounts.domain import API_TOKEN_MAX_DAYS, API_TOKEN_PREFIX, Role, check_api_token_request
from yms.accounts.tables import ApiToken
from yms.kernel.errors import InvalidInputError, NotFoundError
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def applicant(ctx: ServiceContext, name: str = "ana") -> str:
    return accounts.create_account(
        ctx, f"{name}@example.org", "a good long password", confirmed=True
    )


def test_a_token_names_its_holder_and_is_kept_only_as_a_hash(ctx: ServiceContext) -> None:
    ana = applicant(ctx)
    issued = access_tokens.create_access_token(ctx, ana, name=" entry script ", days=7)
    assert issued.secret.startswith(API_TOKEN_PREFIX)
    assert issued.name == "entry script"
    holder = access_tokens.holder_of(ctx, issued.secret)
    assert holder is not None
    assert (holder.account_id, holder.role, holder.email_confirmed) == (ana, Role.APPLICANT, True)
    with ctx.database.reading() as session:
        [stored] = session.scalars(select(ApiToken))
        assert issued.secret.encode() not in stored.token_hash
        assert issued.secret.removeprefix(API_TOKEN_PREFIX) not in repr(vars(stored))


def test_unknown_revoked_and_expired_tokens_name_no_one(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    ana = applicant(ctx)
    kept = access_tokens.create_access_token(ctx, ana, name="kept", days=2)
    revoked = access_tokens.create_access_token(ctx, ana, name="revoked")
    assert access_tokens.revoke_access_token(ctx, ana, revoked.id)
    assert not access_tokens.revoke_access_token(ctx, ana, revoked.id)  # already
    assert access_tokens.holder_of(ctx, revoked.secret) is None
    assert access_tokens.holder_of(ctx, kept.secret[:-1] + "x") is None
    assert access_tokens.holder_of(ctx, "not even the prefix") is None
    clock.instant += timedelta(days=2) - timedelta(microseconds=1)
    assert access_tokens.holder_of(ctx, kept.secret) is not None
    clock.instant += timedelta(microseconds=1)
    assert access_tokens.holder_of(ctx, kept.secret) is None


def test_no_one_revokes_or_lists_another_accounts_token(ctx: ServiceContext) -> None:
    ana, bo = applicant(ctx, "ana"), applicant(ctx, "bo")
    issued = access_tokens.create_access_token(ctx, ana, name="mine")
    with pytest.raises(NotFoundError):
        access_tokens.revoke_access_token(ctx, bo, issued.id)
    assert access_tokens.tokens_of(ctx, bo) == []
    [listed] = access_tokens.tokens_of(ctx, ana)
    assert (listed.id, listed.name, listed.revoked_at) == (issued.id, "mine", None)
    assert access_tokens.holder_of(ctx, issued.secret) is not None


def test_making_and_revoking_are_audited_without_the_secret(ctx: ServiceContext) -> None:
    ana = applicant(ctx)
    issued = access_tokens.create_access_token(ctx, ana, name="script")
    access_tokens.revoke_access_token(ctx, ana, issued.id)
    with ctx.database.reading() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.subject == issued.id)).all()
        assert [(e.action, json.loads(e.event)["actor"]) for e in events] == [
            ("access_token.created", ana),
            ("access_token.revoked", ana),
        ]
        assert all(issued.secret not in e.event for e in events)


@settings(max_examples=50)
@given(days=st.integers(min_value=-5, max_value=API_TOKEN_MAX_DAYS + 5))
def test_a_token_lasts_one_day_to_a_year(days: int) -> None:
    if 1 <= days <= API_TOKEN_MAX_DAYS:
        assert check_api_token_request("script", days) == "script"
    else:
        with pytest.raises(InvalidInputError) as raised:
            check_api_token_request("script", days)
        assert [p.path for p in raised.value.problems] == ["days"]


@pytest.mark.parametrize(
    ("name", "wrong"), [("", ["name"]), ("  ", ["name"]), ("x" * 65, ["name"])]
)
def test_a_token_needs_a_short_name(ctx: ServiceContext, name: str, wrong: list[str]) -> None:
    with pytest.raises(InvalidInputError) as raised:
        access_tokens.create_access_token(ctx, applicant(ctx), name=name)
    assert [p.path for p in raised.value.problems] == wrong


def test_no_token_for_an_account_that_does_not_exist(ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        access_tokens.create_access_token(ctx, "acct_nobody", name="x")
