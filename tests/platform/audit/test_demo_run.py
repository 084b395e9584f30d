"""The acceptance line: after a demo run of the ballot and an application, `yms audit verify`
exits 0.

The run goes through the services, on SQLite and on PostgreSQL; the check goes through
the real command, on the same database, as an operator would run it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.ballot.builders import BEACON, entry, hong_kong_window
from tests.fixtures.commands import Yms
from yms.accounts import services as accounts
from yms.applications.services import drafts, payment
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.invitations import invite_round, respond
from yms.ballot.services.windows import close_window, run_draw
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.provider import FakePaymentProvider

PEOPLE = [  # e-mail, passport number: personal data, which must never reach the chain
    ("ana.chan@example.org", "K00000000"),
    ("bo.wong@example.org", "K00000001"),
    ("cy.lam@example.org", "K00000002"),
]

DEMO_ACTIONS = [
    "ballot.window.opened",
    "account.created",
    "account.created",
    "account.created",
    "ballot.window.closed",
    "ballot.window.drawn",
    "ballot.invitation.issued",
    "ballot.invitation.issued",
    "ballot.invitation.accepted",
    "ballot.invitation.declined",
    "ballot.invitation.issued",
    "application.started",
    "application.paid",
    "application.submitted",
    "application.withdrawn",
]


def audit_events(ctx: ServiceContext) -> list[dict[str, Any]]:
    with ctx.database.engine.connect() as connection:
        found = connection.execute(text("SELECT event FROM audit_events ORDER BY seq"))
        return [json.loads(event) for (event,) in found]


def demo_run(ctx: ServiceContext, clock: FixedClock) -> dict[str, str]:
    """Open, enter, close, draw, invite, accept, decline, invite again; start, pay, submit,
    withdraw. Returns who did what: the ids the events should name."""
    window = hong_kong_window(ctx, places=2)
    owners: dict[str, str] = {}  # entry ref -> account id
    for number, (email, passport) in enumerate(PEOPLE):
        account_id = accounts.create_account(
            ctx, email, "correct horse battery staple", confirmed=True
        )
        request = entry(window.window_id, number, account_id=account_id)
        assert request.passport_number == passport
        owners[enter_ballot(ctx, request).ref] = account_id
    clock.instant = window.closes_at
    close_window(ctx, window.window_id, BEACON, actor="operator")
    run_draw(ctx, window.window_id, actor="operator")
    first_round = invite_round(ctx, window.window_id, actor="operator").invitations
    accepted, declined = first_round
    applicant = owners[accepted.entry_ref]
    respond(ctx, accepted.ref, accept=True, account_id=applicant)
    respond(ctx, declined.ref, accept=False, account_id=owners[declined.entry_ref])
    [later] = invite_round(ctx, window.window_id, actor="operator").invitations

    case_ref = drafts.start_for_invitation(ctx, applicant, accepted.ref)
    email, passport = PEOPLE[list(owners.values()).index(applicant)]
    drafts.save_answers(
        ctx,
        applicant,
        case_ref,
        {
            "applicant": {"nationality": "HK", "invitation_ref": accepted.ref},
            "name": {"given_names": "Ana Maria", "family_name": "Chan"},
            "contact": {"email": email},
            "passport": {"number": passport, "expiry": "2033-01-01"},
            "declaration": True,
        },
    )
    next_url = payment.begin_payment(
        ctx, applicant, case_ref, f"{ctx.public_url}/applications/{case_ref}/payment-return"
    )
    payment_id = next_url.rsplit("/fake-pay/", 1)[1]
    assert isinstance(ctx.payments, FakePaymentProvider)
    ctx.payments.finish(payment_id, "success")
    assert payment.complete_payment(ctx, applicant, case_ref) == "submitted"
    drafts.withdraw(ctx, applicant, case_ref)
    return {
        "window": window.window_id,
        "applicant": applicant,
        "decliner": owners[declined.entry_ref],
        "accepted": accepted.ref,
        "declined": declined.ref,
        "later": later.ref,
        "case": case_ref,
        "payment": payment_id,
    }


@pytest.fixture
def operator_env(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the `yms` command (and the processes it starts) at the test's database."""
    url = ctx.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("YMS_DATABASE_URL", url)


@pytest.mark.usefixtures("operator_env")
def test_after_a_demo_run_yms_audit_verify_exits_0(
    ctx: ServiceContext, clock: FixedClock, yms_process: Yms, tmp_path: Path
) -> None:
    ids = demo_run(ctx, clock)
    events = audit_events(ctx)
    assert [event["action"] for event in events] == DEMO_ACTIONS
    assert [event["seq"] for event in events] == list(range(1, len(DEMO_ACTIONS) + 1))

    # Who and what each event names: pseudonymous ids and references only.
    subjects = [(event["actor"], event["subject"]) for event in events]
    application = ("application.started", "application.paid", "application.submitted")
    assert subjects[0] == ("operator", ids["window"])
    assert [actor for actor, _ in subjects[1:4]] == ["system"] * 3
    assert subjects[4:6] == [("operator", ids["window"])] * 2
    assert subjects[8] == (ids["applicant"], ids["accepted"])
    assert subjects[9] == (ids["decliner"], ids["declined"])
    assert subjects[10] == ("operator", ids["later"])
    assert subjects[11:] == [(ids["applicant"], ids["case"])] * 4
    assert [event["action"] for event in events[11:14]] == list(application)
    assert events[12]["data"]["payment"] == ids["payment"]
    assert events[12]["data"]["amount_pence"] > 0
    assert events[14]["data"] == {"before": "submitted"}

    # No personal data anywhere in the chain: not in data, actor or subject.
    chain_text = "\n".join(json.dumps(event, ensure_ascii=False) for event in events)
    for email, passport in PEOPLE:
        assert email not in chain_text
        assert email.split("@")[0] not in chain_text
        assert passport not in chain_text
        assert passport[1:] not in chain_text  # nor its digits alone
    for forbidden in ("example.org", "Ana Maria", "Chan"):
        assert forbidden not in chain_text

    # The acceptance line, through the real command.
    verified = yms_process("audit", "verify")
    assert verified.code == 0, verified.stderr
    with ctx.database.engine.connect() as connection:
        head = connection.execute(text("SELECT hash FROM audit_head")).scalar_one()
    assert f"{len(DEMO_ACTIONS)} events, chain intact; head {head}" in verified.stdout

    # What an outsider is handed holds no personal data either, and re-checks.
    out = tmp_path / "audit.jsonl"
    exported = yms_process("audit", "export", "--out", str(out))
    assert exported.code == 0, exported.stderr
    handed_over = out.read_text(encoding="utf-8")
    for email, passport in PEOPLE:
        assert email not in handed_over
        assert passport not in handed_over
    from_file = yms_process("audit", "verify", "--file", str(out))
    assert from_file.code == 0, from_file.stderr
    assert f"{len(DEMO_ACTIONS)} events, chain intact; head {head}" in from_file.stdout

    # And the same command does fail once the run's record is changed: the fee, say.
    paid = events[12]
    paid["data"]["amount_pence"] = 1
    forged = json.dumps(paid, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with ctx.database.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET event = :event WHERE seq = :seq"),
            {"event": forged, "seq": paid["seq"]},
        )
    broken = yms_process("audit", "verify")
    assert broken.code == 1
    assert f"audit chain broken at event {paid['seq']}:" in broken.stderr


def test_the_demo_chain_is_the_formula_applied_to_its_events(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    demo_run(ctx, clock)
    with ctx.database.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT event, prev_hash, hash FROM audit_events ORDER BY seq")
        ).all()
        head = connection.execute(text("SELECT seq, hash FROM audit_head")).one()
    previous = bytes(32)
    for event, prev_hash, digest in stored:
        assert prev_hash == previous.hex()
        previous = hashlib.sha256(previous + event.encode("utf-8")).digest()
        assert digest == previous.hex()
    assert tuple(head) == (len(DEMO_ACTIONS), previous.hex())
