"""`yms accounts create|role`: an operator's account from the command line, and roles, audited."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.commands import Yms


def test_create_an_operator_then_change_roles(yms_db: Yms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_ACTOR", "op-lead")
    made = yms_db(
        "accounts",
        "create",
        "Op@Example.org",
        "--role",
        "operator",
        input="a good long password\n" * 2,
    )
    assert made.code == 0, made.stderr
    account_id = made.stdout.strip().splitlines()[-1]
    assert account_id.startswith("acct_")
    changed = yms_db("accounts", "role", "op@example.org", "applicant")
    assert changed.code == 0, changed.stderr
    assert changed.stdout.strip() == f"{account_id}: operator -> applicant"
    exported = yms_db("audit", "export")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    mine = [line["event"] for line in lines if line["event"]["subject"] == account_id]
    assert [(e["action"], e["actor"]) for e in mine] == [
        ("account.created", "op-lead"),
        ("account.role_changed", "op-lead"),
    ]
    assert "example.org" not in exported.stdout.lower()


def test_the_same_address_twice_is_refused(yms_db: Yms) -> None:
    password = "a good long password\n" * 2
    assert yms_db("accounts", "create", "ana@example.org", input=password).code == 0
    again = yms_db("accounts", "create", "ana@example.org", input=password)
    assert again.code == 3
    assert "already exists" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accounts", "role", "nobody@example.org", "operator"), "no account has this email"),
        (
            ("accounts", "role", "nobody@example.org", "king"),
            "a role is one of: applicant, caseworker, senior_caseworker, operator",
        ),
        (("accounts", "create", "not-an-address", "--role", "operator"), "correct format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(yms_db: Yms, args: tuple[str, ...], message: str) -> None:
    ran = yms_db(*args, input="a good long password\n" * 2)
    assert ran.code == 2
    assert message in ran.stderr


def test_tokens_made_listed_and_revoked_at_the_command_line(
    yms_db: Yms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YMS_ACTOR", "op-lead")
    assert (
        yms_db("accounts", "create", "ana@example.org", input="a good long password\n" * 2).code
        == 0
    )
    made = yms_db("tokens", "create", "ana@example.org", "--name", "entry script", "--days", "3")
    assert made.code == 0, made.stderr
    comment, secret = made.stdout.strip().splitlines()[-2:]
    token_id = comment.split(",")[0].removeprefix("# ")
    assert secret.startswith("yms_at_")
    listed = yms_db("tokens", "list", "ana@example.org")
    assert f"{token_id}  entry script" in listed.stdout
    assert secret not in listed.stdout
    revoked = yms_db("tokens", "revoke", "ana@example.org", token_id)
    assert revoked.stdout.strip() == f"{token_id}: revoked"
    assert "revoked" in yms_db("tokens", "list", "ana@example.org").stdout
    exported = yms_db("audit", "export").stdout
    assert '"action":"access_token.created"' in exported.replace(" ", "")
    assert secret not in exported


def test_a_token_for_a_bad_lifetime_or_no_account_is_refused(yms_db: Yms) -> None:
    assert (
        yms_db("accounts", "create", "ana@example.org", input="a good long password\n" * 2).code
        == 0
    )
    too_long = yms_db("tokens", "create", "ana@example.org", "--days", "400")
    assert too_long.code != 0
    assert "1 to 365 days" in too_long.stderr
    nobody = yms_db("tokens", "create", "nobody@example.org")
    assert nobody.code != 0
