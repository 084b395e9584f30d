"""`yms stats` and `yms stats export`: the figures in the terminal, and a quarter's open data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.commands import Yms
from tests.statistics.builders import running_scheme
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


@pytest.fixture
def cli(
    yms: Yms, web_ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Yms:
    """`yms` on a database with a running scheme (the command itself reads today's date)."""
    running_scheme(web_ctx, clock)
    monkeypatch.setenv(
        "YMS_DATABASE_URL", web_ctx.database.engine.url.render_as_string(hide_password=False)
    )
    return yms


def test_stats_prints_each_allocation_and_pair(cli: Yms) -> None:
    shown = cli("stats")
    assert shown.code == 0, shown.stderr
    assert "uk-yms/hong-kong-2025" in shown.stdout
    assert "AU / GB" in shown.stdout
    document = json.loads(cli("stats", "--json").stdout)
    hong_kong = next(r for r in document["allocations"] if r["allocation_id"] == "hong-kong-2025")
    assert (hong_kong["entries"], hong_kong["invited"], hong_kong["places"]) == (7, 5, 1000)
    assert sum(q["submitted"] for q in document["quarters"]) == 7


def test_export_writes_an_ended_quarter(cli: Yms, tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    written = cli("stats", "export", "--quarter", "2025q4", "--format", "JSON", "-o", str(out))
    assert written.code == 0, written.stderr
    assert json.loads(out.read_text())["rows"] == []  # before any application
    printed = cli("stats", "export", "--quarter", "2025Q4")
    assert printed.stdout.startswith("year,quarter,nationality,region,route,host,")


def test_export_refuses_what_it_cannot_publish(cli: Yms) -> None:
    for args, says in (
        (("--quarter", "2031Q1"), "has not ended"),
        (("--quarter", "Q1 2027"), "not a quarter"),
        (("--quarter", "2025Q4", "--format", "xlsx"), "not one of csv, json"),
    ):
        refused = cli("stats", "export", *args)
        assert refused.code == 2, args
        assert says in refused.stderr, refused.stderr
