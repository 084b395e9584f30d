"""Open data: each ended quarter's outcomes, small counts withheld so none can be rebuilt."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.applications.builders import staff
from tests.statistics.builders import running_scheme
from yms.accounts.domain import Role
from yms.applications.domain.decisions import ReviewOutcome
from yms.applications.services import decisions
from yms.applications.tables import Application
from yms.kernel.errors import RefusedError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.statistics.domain.open_data import COLUMNS
from yms.statistics.domain.periods import Quarter
from yms.statistics.services import open_data


@pytest.fixture
def after_the_quarters(ctx: ServiceContext, clock: FixedClock) -> ServiceContext:
    running_scheme(ctx, clock)
    clock.instant = datetime(2027, 4, 2, 9, tzinfo=UTC)  # 2026Q4 and 2027Q1 have ended
    return ctx


def test_only_ended_quarters_are_published(after_the_quarters: ServiceContext) -> None:
    assert open_data.published_quarters(after_the_quarters) == [Quarter(2027, 1), Quarter(2026, 4)]
    with pytest.raises(RefusedError, match="2027Q2 has not ended"):
        open_data.export(after_the_quarters, Quarter(2027, 2), open_data.Format.CSV)


def test_small_counts_are_withheld_and_so_is_what_would_give_them_away(
    after_the_quarters: ServiceContext,
) -> None:
    text = open_data.export(after_the_quarters, Quarter(2027, 1), open_data.Format.CSV)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    # 2027Q1: Australia 1 granted, 1 withdrawn; Canada 1 refused: every count is 1 or 0.
    shown = {(r["nationality"], r["case_outcome"]): r["count"] for r in rows}
    assert shown[("Australia", "Granted")] == "[c]"
    assert shown[("Canada", "Refused")] == "[c]"
    assert shown[("All nationalities", "Total")] == "[c]"  # 3 in all: small too
    # Canada's one count is withheld: its zeros too, or they would tell it was a refusal.
    assert shown[("Canada", "Withdrawn")] == "[c]"
    assert all(r["count"] == "[c]" or not 0 < int(r["count"]) < 10 for r in rows)
    assert {r["route"] for r in rows} == {"UK Youth Mobility Scheme"}
    assert {r["region"] for r in rows if r["nationality"] == "Canada"} == {"Americas"}
    assert {r["applicant_type"] for r in rows} == {"Main applicant"}


def test_the_threshold_is_a_setting(after_the_quarters: ServiceContext) -> None:
    from dataclasses import replace  # noqa: PLC0415

    loose = replace(after_the_quarters, suppress_below=2)
    document = json.loads(open_data.export(loose, Quarter(2027, 1), open_data.Format.JSON))
    assert document["suppression"]["threshold"] == 2
    shown = {(r["nationality"], r["case_outcome"]): r["count"] for r in document["rows"]}
    # Only counts of 1 are small at 2, but every count here is 1: none can move without
    # going below 1, so the totals that add them up are withheld with them.
    assert shown[("Australia", "Granted")] is None
    assert shown[("All nationalities", "Total")] is None


def test_json_says_what_was_withheld_and_how(after_the_quarters: ServiceContext) -> None:
    document = json.loads(
        open_data.export(after_the_quarters, Quarter(2026, 4), open_data.Format.JSON)
    )
    assert document["quarter"] == "2026Q4"
    assert document["suppression"]["threshold"] == 10
    assert document["columns"] == list(COLUMNS)
    granted = [r for r in document["rows"] if r["case_outcome"] == "Granted"]
    assert {r["nationality"] for r in granted} == {"Australia", "Canada", "All nationalities"}
    assert all(r["count"] is None for r in granted)


def test_a_review_after_publication_changes_nothing_published(
    after_the_quarters: ServiceContext, clock: FixedClock
) -> None:
    """2027Q1's refusal is reviewed in 2027Q2 and overturned: 2027Q1 reads as it did."""
    ctx = after_the_quarters
    before = open_data.export(ctx, Quarter(2027, 1), open_data.Format.CSV)
    [(case_ref, account)] = [
        (case.case_ref, case.account_id) for case in _cases(ctx) if case.state == "refused"
    ]
    decisions.request_review(ctx, account, case_ref, grounds="The funds were held long enough.")
    reviewer = staff(ctx, "reviewer@example.org", Role.SENIOR_CASEWORKER)
    clock.instant = datetime(2027, 5, 3, 9, tzinfo=UTC)
    decisions.decide_review(
        ctx, case_ref, senior_id=reviewer, outcome=ReviewOutcome.OVERTURNED, text="Funds shown."
    )
    clock.instant = datetime(2027, 7, 2, 9, tzinfo=UTC)
    assert open_data.export(ctx, Quarter(2027, 1), open_data.Format.CSV) == before
    later = open_data.quarter_rows(ctx, Quarter(2027, 2))
    assert all(row.count in (0, None) for row in later if row.case_outcome == "Granted")


def _cases(ctx: ServiceContext) -> list[Application]:
    with ctx.database.reading() as session:
        return list(session.scalars(select(Application)))
