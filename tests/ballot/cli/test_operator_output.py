"""The operator's commands at a narrow terminal: one style each, and no id ever cut."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yms.cli.app import app

INVITATION = re.compile(r"ITA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
ENTRY = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
WINDOW = "hong-kong-2026-first-round-window"  # longer than a narrow column


@pytest.fixture
def narrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`yms` at a 60-column terminal, on a fresh migrated SQLite file."""
    monkeypatch.setenv("YMS_DATABASE_URL", f"sqlite:///{tmp_path / 'yms.db'}")
    runner = CliRunner(env={"COLUMNS": "60"})
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return runner


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_invite_prints_every_reference_it_creates_whole_at_60_columns(
    narrow: CliRunner,
) -> None:
    now = datetime.now(UTC)
    closes = now + timedelta(seconds=2)
    opened = run(
        narrow, "ballot", "open", WINDOW, "--scheme", "uk-yms",
        "--allocation", "hong-kong-2025", "--opens", (now - timedelta(hours=1)).isoformat(),
        "--closes", closes.isoformat(), "--places", "2",
    )  # fmt: skip
    assert "…" not in opened
    assert WINDOW in opened
    assert not is_json(opened)  # a table, not JSON with a table
    entries = []
    for number in range(3):
        entered = run(
            narrow, "ballot", "enter", WINDOW, "--passport", f"K{number:07d}",
            "--nationality", "HK", "--date-of-birth", "2001-02-03",
        )  # fmt: skip
        assert "…" not in entered
        assert not is_json(entered)
        [ref] = ENTRY.findall(entered)
        entries.append(ref)
    listed = run(narrow, "ballot", "list")
    assert WINDOW in listed
    assert "…" not in listed
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.05)
    run(narrow, "ballot", "close", WINDOW, "--beacon", "ab" * 32, "--json")
    drawn = run(narrow, "ballot", "draw", WINDOW)
    assert "…" not in drawn
    invited = run(narrow, "ballot", "invite", WINDOW)
    assert "…" not in invited
    assert not is_json(invited)
    refs = INVITATION.findall(invited)
    assert len(refs) == 2
    assert sum(entry in invited for entry in entries) == 2  # the entries drawn first
    # The references printed are the ones the operator's next command takes back.
    for ref in refs:
        accepted = json.loads(run(narrow, "ballot", "accept", ref, "--json"))
        assert accepted == {"invitation": ref, "state": "accepted"}


def test_the_json_style_is_json_alone(narrow: CliRunner) -> None:
    now = datetime.now(UTC)
    run(
        narrow, "ballot", "open", WINDOW, "--scheme", "uk-yms",
        "--allocation", "hong-kong-2025", "--opens", (now - timedelta(hours=1)).isoformat(),
        "--closes", (now + timedelta(days=1)).isoformat(),
    )  # fmt: skip
    for args in (
        ["ballot", "list", "--json"],
        ["ballot", "status", WINDOW, "--json"],
        ["ballot", "expire", "--json"],
        [
            "ballot", "enter", WINDOW, "--passport", "K1234567", "--nationality", "HK",
            "--date-of-birth", "2001-02-03", "--json",
        ],
        ["schemes", "list", "--json"],
    ):  # fmt: skip
        assert is_json(run(narrow, *args)), args
    expired = run(narrow, "ballot", "expire")
    assert not is_json(expired)
    assert "expired" in expired
