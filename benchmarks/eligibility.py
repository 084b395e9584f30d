"""Eligibility speed: one applicant at a time, and a million at once in columns.

Prints single-applicant checks per second (engine alone, and JSON parse plus
check as the CLI and API do it), then the time to screen 1,000,000 generated
applicants in columns, with the ratio against the single-applicant loop run in
this same process. Goal: the million in under 1 second on a 2-core machine.

    python benchmarks/eligibility.py [--rows 1000000] [--scheme uk-yms]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from yms.eligibility.domain import ApplicantColumns
from yms.eligibility.domain.applicant import Applicant, Funds, HeldDocument
from yms.eligibility.domain.columns import Categorical
from yms.eligibility.domain.engine import Engine
from yms.eligibility.services import parse_applicant
from yms.kernel.money import Money
from yms.schemes.catalogue import shipped
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Scheme

APPLIED = date(2026, 11, 25)


def _one(rng: random.Random, nationalities: list[str]) -> Applicant:
    applied = APPLIED - timedelta(days=rng.randrange(365))
    return Applicant(
        nationality=rng.choice(nationalities),
        date_of_birth=applied - timedelta(days=rng.randrange(16 * 365, 40 * 365)),
        application_date=applied,
        funds=Funds(
            Money(Decimal(rng.randrange(600_000)).scaleb(-2), "GBP"),
            rng.randrange(60),
            applied - timedelta(days=rng.randrange(45)),
        ),
        children_under_18=rng.random() < 0.05,
        previous_participation=rng.random() < 0.02,
        has_invitation=rng.random() < 0.5,
        invitation_ref="ITA-1",
        qualification_rqf_level=rng.randrange(9),
        documents=(
            HeldDocument(DocumentKind.POLICE_CERTIFICATE, applied - timedelta(rng.randrange(300))),
        ),
    )


def _as_json(applicant: Applicant) -> str:
    funds = applicant.funds
    if funds is None or funds.amount is None:
        raise ValueError("generated applicants always have funds")
    return json.dumps(
        {
            "nationality": applicant.nationality,
            "date_of_birth": str(applicant.date_of_birth),
            "application_date": str(applicant.application_date),
            "funds": {
                "amount": str(funds.amount.amount),
                "currency": funds.amount.currency,
                "held_days": funds.held_days,
                "latest_evidence_date": str(funds.latest_evidence_date),
            },
            "children_under_18": applicant.children_under_18,
            "previous_participation": applicant.previous_participation,
            "invitation_ref": applicant.invitation_ref if applicant.has_invitation else None,
            "qualification_rqf_level": applicant.qualification_rqf_level,
            "documents": [
                {"kind": d.kind.value, "issued": str(d.issued)} for d in applicant.documents or ()
            ],
        }
    )


def _flags(rng: np.random.Generator, rows: int, p_true: float) -> np.ndarray:
    flags = (rng.random(rows) < p_true).astype(np.int8)
    flags[rng.random(rows) < 0.05] = -1  # some facts not known
    return flags


def generate_columns(rows: int, nationalities: list[str], seed: int = 2026) -> ApplicantColumns:
    """`rows` random applicants, straight into columns (no Python object per row)."""
    rng = np.random.default_rng(seed)
    applied = np.datetime64(APPLIED, "D") - rng.integers(0, 365, rows).astype("timedelta64[D]")
    days = lambda low, high: rng.integers(low, high, rows).astype("timedelta64[D]")  # noqa: E731
    not_known = rng.random(rows) < 0.03
    birth = applied - days(16 * 365, 40 * 365)
    birth[not_known] = np.datetime64("NaT")
    issued = applied - days(0, 300)
    issued[rng.random(rows) < 0.2] = np.datetime64("NaT")
    return ApplicantColumns(
        nationality=Categorical(
            rng.integers(0, len(nationalities), rows, dtype=np.int32), tuple(nationalities)
        ),
        host=Categorical(np.full(rows, -1, dtype=np.int32), ()),
        date_of_birth=birth,
        application_date=applied,
        valid_from=np.where(rng.random(rows) < 0.5, applied + days(0, 90), np.datetime64("NaT")),
        permission_to_stay=(rng.random(rows) < 0.05).astype(np.int8),
        funds_amount=rng.integers(0, 600_000, rows),
        funds_currency=Categorical(np.zeros(rows, dtype=np.int32), ("GBP",)),
        funds_held_days=rng.integers(0, 60, rows),
        funds_latest_evidence=applied - days(0, 45),
        children_under_18=_flags(rng, rows, 0.05),
        previous_participation=_flags(rng, rows, 0.02),
        has_invitation=_flags(rng, rows, 0.5),
        qualification_rqf_level=rng.integers(-1, 9, rows),
        documents_known=rng.random(rows) < 0.9,
        in_host_country=_flags(rng, rows, 0.9),
        last_permission_on_scheme=_flags(rng, rows, 0.9),
        previous_extension=_flags(rng, rows, 0.1),
        document_issued=dict.fromkeys(DocumentKind, issued),
    )


def _best_of(runs: int, work: object) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scheme", default="uk-yms")
    parser.add_argument("--single", type=int, default=20_000, help="applicants checked one by one")
    args = parser.parse_args()

    scheme: Scheme = shipped().latest(args.scheme)
    nationalities = [*sorted(scheme.parties), "FR", "US"]
    engine = Engine(scheme)
    rng = random.Random(7)
    people = [_one(rng, nationalities) for _ in range(args.single)]
    texts = [_as_json(person) for person in people]

    single = min(_best_of(3, lambda: [engine.check(p) for p in people]))
    parsed = min(_best_of(3, lambda: [engine.check(parse_applicant(t)) for t in texts]))
    per_second = args.single / single
    print(f"scheme {scheme.key}")
    print(f"single applicant, engine only:      {per_second:>12,.0f} checks/s")
    print(f"single applicant, JSON parse+check: {args.single / parsed:>12,.0f} checks/s")

    start = time.perf_counter()
    columns = generate_columns(args.rows, nationalities)
    generated = time.perf_counter() - start
    engine.check_columns(columns)  # warm-up
    times = _best_of(5, lambda: engine.check_columns(columns))
    result = engine.check_columns(columns)
    best, median = min(times), statistics.median(times)
    print(f"generate {args.rows:,} applicants in columns: {generated:.2f} s")
    print(
        f"screen {args.rows:,} in columns: best {best:.3f} s, median {median:.3f} s "
        f"({args.rows / best:,.0f} applicants/s) -> {result.counts()}"
    )
    baseline = args.rows / per_second
    print(
        f"baseline, the single-applicant loop over {args.rows:,} (extrapolated): {baseline:.1f} s; "
        f"columns are {baseline / best:.0f}x faster"
    )
    met = args.rows / best >= 1_000_000
    print(f"goal: under 1 s for 1,000,000 -> {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
