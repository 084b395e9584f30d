"""The dashboard's queries on a full generated database: each under 200 ms on PostgreSQL.

Starts a throwaway PostgreSQL (or uses ``--postgres-url``, in a fresh database of
its own), migrates it, opens ballot windows through the services, then fills it
in bulk with SQL: 1,000,000 ballot entries (one window still open, holding a
fifth of them), invitations in every state, 100,000 applications under the UK
scheme and the EU-UK variant in every state over two years, the statuses their
grants gave and brake counts. Then it times, each the median of a few runs after
a warm-up, every query the dashboard and the open-data page make, and the whole
of each page's figures; and checks the figures against plain ``count(*)`` totals.

    python benchmarks/stats.py [--entries 1000000] [--applications 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import text

from support.postgres import fresh_database, throwaway_postgres
from yms.applications.services import counts as case_counts
from yms.ballot.services import counts as ballot_counts
from yms.ballot.services.windows import WindowPlan, open_window
from yms.migrations import apply as migrate
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.sealing import Sealer
from yms.statistics.domain.periods import Quarter
from yms.statistics.services import open_data
from yms.statistics.services.figures import figures
from yms.status import services as status

GOAL_MS = 200.0
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
# (allocation, rounds): the UK scheme's ballots; all drawn but the last India round, still open.
BALLOTS = (("hong-kong-2025", 3), ("taiwan-2025", 3), ("india-2025", 4))
ARRANGEMENTS = (
    ("uk-yms", "2025-11-25", "AU-GB"),
    ("uk-yms", "2025-11-25", "NZ-GB"),
    ("uk-yms", "2025-11-25", "CA-GB"),
    ("uk-yms", "2025-11-25", "JP-GB"),
    ("uk-yms", "2025-11-25", "KR-GB"),
    ("uk-yms", "2025-11-25", "HK-GB"),
    ("uk-yms", "2025-11-25", "IN-GB"),
    ("eu-uk-yes", "2025-05-19", "FR-GB"),
    ("eu-uk-yes", "2025-05-19", "DE-GB"),
    ("eu-uk-yes", "2025-05-19", "GB-FR"),
    ("eu-uk-yes", "2025-05-19", "GB-DE"),
)


def parse() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres-url", help="a server to use instead of a throwaway one")
    return parser.parse_args()


def open_windows(ctx: ServiceContext) -> list[str]:
    """Every ballot window, opened through the service as an operator would; their ids."""
    made = []
    for allocation, rounds in BALLOTS:
        for ballot_round in range(1, rounds + 1):
            opens = NOW - timedelta(days=40 * (rounds - ballot_round) + 2)
            window_id = f"{allocation}-{ballot_round}"
            plan = WindowPlan(
                window_id, "uk-yms", allocation, ballot_round, opens, opens + timedelta(days=20)
            )
            open_window(replace(ctx, clock=FixedClock(opens)), plan, actor="bench")
            made.append(window_id)
    return made


def fill(ctx: ServiceContext, window_ids: list[str], entries: int, applications: int) -> None:
    """Rows in bulk, as a year of running would leave them (SQL: minutes by the services)."""
    still_open = window_ids[-1]
    closed = window_ids[:-1]
    per_closed = (entries - entries // 5) // len(closed)
    open_share = entries - per_closed * len(closed)  # a fifth, and what the division leaves
    with ctx.database.engine.begin() as sql:
        sql.execute(text("SET LOCAL synchronous_commit = off"))
        for number, window_id in enumerate([*closed, still_open]):
            count = open_share if window_id == still_open else per_closed
            sql.execute(
                text("""
                INSERT INTO ballot_entries (window_id, ref, identity_hash, nationality, entered_at)
                SELECT w, w || '-' || n, sha256((w || n)::bytea),
                       CASE WHEN w LIKE 'india%' THEN 'IN'
                            WHEN w LIKE 'taiwan%' THEN 'TW' ELSE 'HK' END,
                       CAST(:at AS timestamptz) - (n % 86400) * interval '1 second'
                FROM (SELECT CAST(:window AS text) AS w) AS p, generate_series(1, :count) AS n
                """),
                {"window": window_id, "count": count, "at": NOW - timedelta(days=number)},
            )
            if window_id == still_open:
                continue
            sql.execute(
                text("""
                UPDATE ballot_windows SET closed_at = closes_at, drawn_at = closes_at,
                       entry_count = :count, beacon = repeat('be', 32)
                WHERE id = :window
                """),
                {"window": window_id, "count": count},
            )
            sql.execute(
                text("""
                INSERT INTO ballot_invitations
                    (ref, window_id, entry_id, invitation_round, issued_at, expires_at, state)
                SELECT 'ITA-' || e.id, e.window_id, e.id, 1, w.closes_at,
                       w.closes_at + interval '90 days',
                       (ARRAY['issued','accepted','accepted','accepted','declined','expired'])
                           [1 + e.id % 6]
                FROM ballot_entries e JOIN ballot_windows w ON w.id = e.window_id
                WHERE e.window_id = :window
                ORDER BY e.id LIMIT 1000
                """),
                {"window": window_id},
            )
        sql.execute(
            text("""
            INSERT INTO accounts (id, email_hash, email_sealed, password_hash, role, created_at)
            SELECT 'acc-' || n, sha256(('a' || n)::bytea), '\\x00'::bytea, 'x', 'applicant', :now
            FROM generate_series(1, :count) AS n
            """),
            {"count": applications, "now": NOW},
        )
        # Submitted over two years; decided 3 weeks on; the state by the row's number.
        sql.execute(
            text("""
            INSERT INTO applications (case_ref, account_id, scheme_id, scheme_version,
                arrangement_id, state, answers_sealed, created_at, submitted_at, decided_at,
                withdrawn_at)
            SELECT 'YMS-' || n, 'acc-' || n, schemes[k], versions[k], ids[k], s.state,
                   '\\x00'::bytea, t, t,
                   CASE WHEN s.state IN ('granted', 'refused') THEN t + interval '21 days' END,
                   CASE WHEN s.state = 'withdrawn' THEN t + interval '9 days' END
            FROM (SELECT CAST(:schemes AS text[]) AS schemes, CAST(:versions AS text[]) AS versions,
                         CAST(:ids AS text[]) AS ids) AS p,
                 generate_series(1, :count) AS n,
                 LATERAL (SELECT 1 + n % cardinality(ids) AS k) a,
                 LATERAL (SELECT (ARRAY['granted','granted','granted','granted','granted',
                                        'refused','withdrawn','awaiting_decision','checking',
                                        'granted'])[1 + (n / 7) % 10] AS state) s,
                 LATERAL (SELECT CAST(:start AS timestamptz) + (n % 700) * interval '1 day'
                                 + (n % 86400) * interval '1 second' AS t) d
            """),
            {
                "count": applications,
                "start": datetime(2025, 1, 1, tzinfo=UTC),
                "schemes": [scheme for scheme, _, _ in ARRANGEMENTS],
                "versions": [version for _, version, _ in ARRANGEMENTS],
                "ids": [arrangement for _, _, arrangement in ARRANGEMENTS],
            },
        )
        # The first decision on each decided case: a grant, or a refusal a second
        # caseworker confirmed a day later (open data counts outcomes from these).
        sql.execute(
            text("""
            INSERT INTO decisions (application_id, kind, state, outcome, scheme_version,
                author_id, decided_at, second_id, second_at, reasons_sealed)
            SELECT id, CASE state WHEN 'granted' THEN 'grant' ELSE 'refusal' END, 'in_effect',
                   state, scheme_version, 'caseworker', decided_at - interval '1 day',
                   CASE WHEN state = 'refused' THEN 'senior' END,
                   CASE WHEN state = 'refused' THEN decided_at END, '\\x00'::bytea
            FROM applications WHERE state IN ('granted', 'refused')
            """)
        )
        sql.execute(
            text("""
            INSERT INTO statuses (status_ref, holder_id, case_ref, scheme_id, scheme_version,
                arrangement_id, valid_from, valid_until, conditions, holder_sealed, birth_hash,
                granted_at)
            SELECT 'ST-' || a.id, a.account_id, a.case_ref, a.scheme_id, a.scheme_version,
                   a.arrangement_id, a.decided_at::date,
                   (a.decided_at + interval '2 years')::date, '[]', '\\x00'::bytea,
                   sha256(a.case_ref::bytea), a.decided_at
            FROM applications a WHERE a.state = 'granted'
            """)
        )
        sql.execute(
            text("""
            INSERT INTO brake_counts (scheme_id, allocation_id, period, threshold, granted,
                engaged_at)
            SELECT 'eu-uk-yes', 'eu-to-uk-2027', to_char(m, 'YYYY-MM'), 4400,
                   CASE WHEN m = date '2026-11-01' THEN 4400 ELSE 1200 END,
                   CASE WHEN m = date '2026-11-01' THEN :now END
            FROM generate_series(date '2026-01-01', date '2026-11-01', interval '1 month') AS m
            """),
            {"now": NOW},
        )
    with ctx.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as sql:
        sql.execute(text("VACUUM ANALYZE"))


def timed(runs: int, work: Callable[[], object]) -> float:
    """The median wall time of `work` in milliseconds, after one warm-up run."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def agrees(ctx: ServiceContext) -> list[str]:
    """What the figures say against plain totals; empty when they agree."""
    found = figures(ctx, on=NOW.date())
    with ctx.database.engine.connect() as sql:
        entries = sql.execute(text("SELECT count(*) FROM ballot_entries")).scalar_one()
        applications = sql.execute(
            text("SELECT count(*) FROM applications WHERE submitted_at IS NOT NULL")
        ).scalar_one()
        invited = sql.execute(text("SELECT count(*) FROM ballot_invitations")).scalar_one()
        granted = sql.execute(
            text("SELECT count(*) FROM decisions WHERE kind = 'grant' AND state = 'in_effect'")
        ).scalar_one()
        active = sql.execute(
            text(
                "SELECT count(*) FROM statuses WHERE revoked_at IS NULL "
                "AND valid_from <= :on AND valid_until >= :on"
            ),
            {"on": NOW.date()},
        ).scalar_one()
    checks = {
        "entries": (sum(r.entries for r in found.allocations), entries),
        "invited": (sum(r.invited for r in found.allocations), invited),
        "applications": (sum(r.submitted for r in found.allocations), applications),
        "granted": (sum(r.granted for r in found.allocations), granted),
        "active": (sum(r.active for r in found.allocations), active),
    }
    return [
        f"{name}: figures {got:,}, count {want:,}"
        for name, (got, want) in checks.items()
        if got != want
    ]


def main() -> None:
    """Seed, time and print."""
    args = parse()
    with contextlib.ExitStack() as stack:
        admin = args.postgres_url or stack.enter_context(throwaway_postgres(durable=False))
        url, _durability = fresh_database(admin, "yms_bench_stats")
        database = Database.connect(url)
        ctx = ServiceContext.create(
            database=database,
            clock=FixedClock(NOW),
            identity_key=b"benchmark-identity-key-benchmark",
            sealer=Sealer(Fernet.generate_key().decode("ascii")),
        )
        migrate.upgrade(database)
        started = time.perf_counter()
        fill(ctx, open_windows(ctx), args.entries, args.applications)
        print(
            f"generated {args.entries:,} entries and {args.applications:,} applications "
            f"in {time.perf_counter() - started:.0f} s"
        )
        wrong = agrees(ctx)
        print("figures against count(*): " + ("agree" if not wrong else "; ".join(wrong)))
        on, quarter = NOW.date(), Quarter(2026, 3)
        queries: list[tuple[str, Callable[[], object]]] = [
            (
                "ballot counts (windows, open entries, invitations)",
                lambda: ballot_counts.ballot_counts(ctx),
            ),
            ("applications and first decisions by month", lambda: case_counts.month_counts(ctx)),
            ("brake states", lambda: case_counts.brake_states(ctx)),
            ("statuses active today", lambda: status.active_counts(ctx, on)),
            ("dashboard: every figure (the page's work)", lambda: figures(ctx, on=on)),
            ("open data: one quarter suppressed", lambda: open_data.quarter_rows(ctx, quarter)),
            (
                "open data: the quarters published",
                lambda: open_data.published_quarters(ctx, today=on),
            ),
        ]
        print(f"\n{'query':<52} {'median ms':>10}  goal < {GOAL_MS:.0f} ms")
        worst = 0.0
        for name, work in queries:
            ms = timed(args.runs, work)
            worst = max(worst, ms)
            print(f"{name:<52} {ms:>10.1f}  {'met' if ms < GOAL_MS else 'NOT met'}")
        met = worst < GOAL_MS and not wrong
        print(f"\nslowest: {worst:.1f} ms: goal {'met' if met else 'NOT met'}")
        database.dispose()


if __name__ == "__main__":
    main()
