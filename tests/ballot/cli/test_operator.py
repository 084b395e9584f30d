"""`yms db upgrade` and the operator's `yms ballot` commands, end to end on SQLite."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fixtures.commands import Yms
from yms.platform.db import SCHEMA_REVISION as HEAD


@pytest.fixture
def operator(yms: Yms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Yms:
    """`yms` on a fresh, migrated SQLite file."""
    monkeypatch.setenv("YMS_DATABASE_URL", f"sqlite:///{tmp_path / 'yms.db'}")
    upgraded = yms("db", "upgrade")
    assert upgraded.code == 0, upgraded.stderr
    assert f"empty -> {HEAD}" in upgraded.stdout
    return yms


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def test_commands_refuse_a_database_not_migrated(
    yms: Yms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YMS_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    ran = yms("ballot", "list")
    assert ran.code == 2
    assert "run `yms db upgrade` first" in ran.stderr


def test_a_bad_setting_is_one_line(yms: Yms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    ran = yms("ballot", "list")
    assert ran.code == 2
    assert ran.stderr.startswith("yms: setting")
    assert "YMS_IDENTITY_KEY must be set outside development" in ran.stderr


def test_open_enter_close_draw_invite_publish_verify(operator: Yms, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    closes = now + timedelta(seconds=3)
    opened = operator(
        "ballot", "open", "hk-2026-1", "--scheme", "uk-yms", "--allocation", "hong-kong-2025",
        "--opens", iso(now - timedelta(hours=1)), "--closes", closes.isoformat(),
        "--places", "2", "--json",
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    window = json.loads(opened.stdout)
    assert window["state"] == "open"
    assert window["operator_seed"] is None
    refs = []
    for number in range(4):
        entered = operator(
            "ballot", "enter", "hk-2026-1", "--passport", f"K{number:07d}",
            "--nationality", "hk", "--date-of-birth", "2001-02-03", "--json",
        )  # fmt: skip
        assert entered.code == 0, entered.stderr
        refs.append(json.loads(entered.stdout)["ref"])
        assert json.loads(entered.stdout)["seed_commitment"] == window["seed_commitment"]
    early = operator("ballot", "close", "hk-2026-1", "--beacon", "ab" * 32)
    assert early.code == 3
    assert "is open until" in early.stderr
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.05)
    assert operator("ballot", "close", "hk-2026-1", "--beacon", "ab" * 32).code == 0
    drawn = operator("ballot", "draw", "hk-2026-1", "--json")
    assert drawn.code == 0, drawn.stderr
    assert json.loads(drawn.stdout)["state"] == "drawn"
    invited = json.loads(operator("ballot", "invite", "hk-2026-1", "--json").stdout)
    assert (invited["round"], invited["issued"], invited["waiting"]) == (1, 2, 2)
    status = json.loads(operator("ballot", "status", "hk-2026-1", "--json").stdout)
    assert status["invitations"]["issued"] == 2
    assert status["entries"] == 4
    record_path = tmp_path / "record.json"
    published = operator("ballot", "publish", "hk-2026-1", "--out", str(record_path))
    assert published.code == 0, published.stderr
    record = json.loads(record_path.read_text())
    assert sorted(record["entry_refs"]) == sorted(refs)
    assert record["operator_seed"] == status["operator_seed"]
    verified = operator("ballot", "verify", str(record_path), "--quiet")
    assert verified.code == 0, verified.stderr
    table = operator("ballot", "status", "hk-2026-1")
    assert "seed commitment" in table.stdout
    assert "hk-2026-1" in operator("ballot", "list").stdout


def test_invitations_are_answered_and_expired(operator: Yms) -> None:
    now = datetime.now(UTC)
    operator(
        "ballot", "open", "hk-2026-1", "--scheme", "uk-yms", "--allocation", "hong-kong-2025",
        "--opens", iso(now - timedelta(hours=1)), "--closes", iso(now + timedelta(seconds=2)),
    )  # fmt: skip
    assert json.loads(operator("ballot", "expire", "--json").stdout) == {"expired": 0}
    unknown = operator("ballot", "accept", "ITA-0000-0000-0000")
    assert unknown.code == 2
    assert "no invitation" in unknown.stderr
    declined = operator("ballot", "decline", "ITA-0000-0000-0000")
    assert declined.code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--opens", "tomorrow"], "--opens must be a date and time"),
        (["--opens", "2026-11-25T09:00"], "--opens needs a time zone"),
        (["--allocation", "australia-2025"], "allocation: allocation 'australia-2025' is not"),
        (["--places", "0"], "places: places must be at least 1"),
    ],
)
def test_open_names_what_is_wrong(operator: Yms, args: list[str], message: str) -> None:
    base = {
        "--scheme": "uk-yms",
        "--allocation": "hong-kong-2025",
        "--opens": "2026-11-25T09:00Z",
        "--closes": "2026-12-25T09:00Z",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]
    ran = operator("ballot", "open", "hk-2026-1", *flat)
    assert ran.code == 2
    assert message in ran.stderr


def test_enter_names_what_is_wrong(operator: Yms) -> None:
    ran = operator(
        "ballot", "enter", "nope", "--passport", "K1234567",
        "--nationality", "HK", "--date-of-birth", "2001-02-30",
    )  # fmt: skip
    assert ran.code == 2
    assert "--date-of-birth must be a real date" in ran.stderr
    ran = operator(
        "ballot", "enter", "nope", "--passport", "K1234567",
        "--nationality", "HK", "--date-of-birth", "2001-02-03",
    )  # fmt: skip
    assert ran.code == 2
    assert "no ballot window 'nope'" in ran.stderr


def test_db_check_finds_the_models_match(operator: Yms) -> None:
    ran = operator("db", "check")
    assert ran.code == 0, ran.stderr


def test_expired_sessions_are_purged(operator: Yms) -> None:
    ran = operator("db", "purge-sessions")
    assert ran.code == 0, ran.stderr
    assert ran.stdout.strip() == "purged 0 expired sessions"
