"""The dashboard's figures agree with a row-by-row count of the same database.

The figures are counted in SQL, grouped; here every row is read and counted one
by one in Python, by the same rules (a grant in the year of its decision, an
application in the year it was submitted), on both databases.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from tests.statistics.builders import running_scheme
from yms.applications.tables import Application, Decision
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.statistics.domain.figures import Figures
from yms.statistics.domain.periods import Quarter
from yms.statistics.services.figures import figures
from yms.status.tables import Status


def counted_by_hand(ctx: ServiceContext, on: date) -> dict[str, Counter[object]]:
    """Every figure, counting rows one at a time."""
    found: dict[str, Counter[object]] = {name: Counter() for name in ("ballot", "cases", "active")}
    with ctx.database.reading() as session:
        windows = {w.id: w for w in session.scalars(select(BallotWindow))}
        for entry in session.scalars(select(BallotEntry)):
            window = windows[entry.window_id]
            found["ballot"][(window.allocation_id, window.year, "entries")] += 1
        for invitation in session.scalars(select(BallotInvitation)):
            window = windows[invitation.window_id]
            found["ballot"][(window.allocation_id, window.year, "invited")] += 1
            found["ballot"][(window.allocation_id, window.year, invitation.state)] += 1
        cases = found["cases"]
        arrangement_of = {}
        for case in session.scalars(select(Application)):
            where = arrangement_of[case.id] = case.arrangement_id
            if case.submitted_at is not None:
                cases[(where, Quarter.of(case.submitted_at), "submitted")] += 1
            if case.state == "withdrawn" and case.withdrawn_at is not None:
                cases[(where, Quarter.of(case.withdrawn_at), "withdrawn")] += 1
        # A case's outcome is its first decision, when it took effect (not a later review).
        for decision in session.scalars(select(Decision)):
            if decision.state == "in_effect" and decision.kind in {"grant", "refusal"}:
                took_effect = decision.second_at or decision.decided_at
                outcome = "granted" if decision.kind == "grant" else "refused"
                cases[
                    (arrangement_of[decision.application_id], Quarter.of(took_effect), outcome)
                ] += 1
        for status in session.scalars(select(Status)):
            if status.revoked_at is None and status.valid_from <= on <= status.valid_until:
                found["active"][status.arrangement_id] += 1
    return found


def as_counted(found: Figures) -> dict[str, Counter[object]]:
    """The same figures, read off what the service counted."""
    ballot: Counter[object] = Counter()
    for row in found.allocations:
        for name, value in (
            ("entries", row.entries),
            ("invited", row.invited),
            ("accepted", row.accepted),
            ("declined", row.declined),
            ("expired", row.expired),
            ("issued", row.outstanding),
        ):
            if value:
                ballot[(row.allocation_id, row.year, name)] = value
    quarters: Counter[object] = Counter()
    for quarter in found.quarters:
        for name in ("submitted", "granted", "refused", "withdrawn"):
            if getattr(quarter, name):
                quarters[(quarter.quarter, name)] = getattr(quarter, name)
    return {"ballot": ballot, "quarters": quarters}


def test_figures_agree_with_a_row_by_row_count(ctx: ServiceContext, clock: FixedClock) -> None:
    running_scheme(ctx, clock)
    on = date(2027, 2, 1)
    by_hand = counted_by_hand(ctx, on)
    found = figures(ctx, on=on)
    counted = as_counted(found)

    assert counted["ballot"] == by_hand["ballot"]
    by_quarter: Counter[object] = Counter()
    for (_arrangement, quarter, name), count in by_hand["cases"].items():
        by_quarter[(quarter, name)] += count
    assert counted["quarters"] == by_quarter
    # The builder's own arithmetic, so a count that is wrong in both ways still fails.
    assert by_quarter == {
        (Quarter(2026, 4), "submitted"): 7,
        (Quarter(2026, 4), "granted"): 2,
        (Quarter(2027, 1), "granted"): 1,
        (Quarter(2027, 1), "refused"): 1,
        (Quarter(2027, 1), "withdrawn"): 1,
    }
    hong_kong = next(row for row in found.allocations if row.allocation_id == "hong-kong-2025")
    assert (hong_kong.entries, hong_kong.invited) == (7, 5)
    assert (hong_kong.accepted, hong_kong.declined, hong_kong.expired) == (1, 1, 1)
    assert hong_kong.places == 1000


def test_grants_count_against_the_allocation_of_their_year(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    running_scheme(ctx, clock)
    on = date(2027, 2, 1)
    found = figures(ctx, on=on)
    by_hand = counted_by_hand(ctx, on)
    rows = {(row.allocation_id, row.year): row for row in found.allocations}
    australia_2026, australia_2027 = rows[("australia-2025", 2026)], rows[("australia-2025", 2027)]
    assert (australia_2026.submitted, australia_2026.granted) == (4, 1)
    assert (australia_2027.granted, australia_2027.withdrawn) == (1, 1)
    canada_2027 = rows[("canada-2025", 2027)]
    assert canada_2027.refused == 1
    # People present on `on`, each way between the UK and each partner.
    active = {(pair.first, pair.second): pair for pair in found.pairs if pair.year == 2027}
    assert active[("AU", "GB")].present_first_in_second == by_hand["active"]["AU-GB"]
    assert active[("CA", "GB")].present_first_in_second == by_hand["active"]["CA-GB"]
    assert sum(row.active for row in found.allocations) == sum(by_hand["active"].values())
