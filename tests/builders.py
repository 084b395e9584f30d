"""Applicants for tests, built through the same JSON input the CLI and API read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from yms.clock import FixedClock
from yms.domain.applicant import Applicant, ApplicantInput
from yms.services.ballot_entries import EntryRequest, enter_ballot
from yms.services.ballot_status import WindowStatus
from yms.services.ballot_windows import WindowPlan, close_window, open_window, run_draw
from yms.services.context import ServiceContext

APPLICATION_DATE = "2026-11-25"


def eligible_uk_yms(**overrides: Any) -> dict[str, Any]:
    """Applicant JSON for an Australian who meets every uk-yms requirement on 2026-11-25.

    Keyword arguments replace top-level fields; a value of `...` removes the field.
    """
    data: dict[str, Any] = {
        "nationality": "AU",
        "host": "GB",
        "date_of_birth": "1996-05-10",
        "application_date": APPLICATION_DATE,
        "valid_from": "2027-01-10",
        "funds": {
            "amount": "2530.00",
            "currency": "GBP",
            "held_days": 28,
            "latest_evidence_date": "2026-11-20",
        },
        "children_under_18": False,
        "previous_participation": False,
        "invitation_ref": None,
        "qualification_rqf_level": 6,
        "documents": [],
    }
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def applicant(data: dict[str, Any]) -> Applicant:
    """Parse applicant JSON exactly as the command line does."""
    return ApplicantInput.model_validate_json(json.dumps(data)).to_applicant()


# --- ballots ---------------------------------------------------------------------------------

OPENS = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
BEACON = "5eed" * 16


def hong_kong_window(ctx: ServiceContext, **overrides: Any) -> WindowStatus:
    """Open round 1 of the Hong Kong ballot (2 places), open on the test clock's date."""
    plan: dict[str, Any] = {
        "window_id": "hk-2026-1",
        "scheme_id": "uk-yms",
        "allocation_id": "hong-kong-2025",
        "ballot_round": 1,
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "places": 2,
    }
    plan.update(overrides)
    return open_window(ctx, WindowPlan(**plan))


def entry(
    window_id: str = "hk-2026-1",
    number: int = 1,
    *,
    nationality: str = "HK",
    account_id: str | None = None,
) -> EntryRequest:
    """The entry of the `number`-th distinct person."""
    return EntryRequest(
        window_id=window_id,
        passport_number=f"K{number:08d}",
        nationality=nationality,
        date_of_birth=date(2000, 1, 1) + timedelta(days=number % 3000),
        account_id=account_id,
    )


def drawn_window(ctx: ServiceContext, clock: FixedClock, entrants: int, **overrides: Any) -> str:
    """A Hong Kong window with `entrants` entries, closed and drawn (the clock left at closing)."""
    window = hong_kong_window(ctx, **overrides)
    for number in range(entrants):
        enter_ballot(ctx, entry(window.window_id, number))
    clock.instant = window.closes_at
    close_window(ctx, window.window_id, BEACON)
    run_draw(ctx, window.window_id)
    return window.window_id
