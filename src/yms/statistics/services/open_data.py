"""Open data: each ended quarter's case outcomes, small counts withheld, as CSV or JSON."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from yms.applications.services import counts as case_counts
from yms.kernel.errors import RefusedError
from yms.platform.context import ServiceContext
from yms.statistics.domain.figures import outcomes_by_route
from yms.statistics.domain.open_data import (
    OTHER_REGION,
    REGIONS,
    OutcomeRow,
    RouteOutcomes,
    as_csv,
    as_json,
    outcome_rows,
)
from yms.statistics.domain.periods import Quarter, ended_quarters
from yms.statistics.services.figures import latest_schemes


class Format(StrEnum):
    """The formats open data is published in."""

    CSV = "csv"
    JSON = "json"


MEDIA_TYPES = {Format.CSV: "text/csv; charset=utf-8", Format.JSON: "application/json"}


def quarter_rows(ctx: ServiceContext, quarter: Quarter) -> list[OutcomeRow]:
    """Every row of `quarter`'s table, counts below the context's threshold withheld."""
    months = case_counts.month_counts(ctx)
    schemes = latest_schemes(ctx)
    tables = []
    for (scheme_id, host), by_code in sorted(outcomes_by_route(months, quarter).items()):
        scheme = schemes.get(scheme_id)
        if scheme is None:
            continue
        names = {code: scheme.party_name(code) for code in by_code}
        tables.append(
            RouteOutcomes(
                route=scheme.title,
                host=scheme.party_name(host),
                by_nationality={names[code]: counts for code, counts in by_code.items()},
                regions={names[code]: REGIONS.get(code, OTHER_REGION) for code in by_code},
            )
        )
    return outcome_rows(quarter, tables, below=ctx.suppress_below)


def export(ctx: ServiceContext, quarter: Quarter, form: Format) -> str:
    """`quarter`'s table as CSV or JSON text; raises `RefusedError` if it has not ended."""
    if quarter >= Quarter.of(ctx.clock.now().date()):
        raise RefusedError(
            f"{quarter} has not ended: its figures are published once it has, "
            "so that no later version can be set against them"
        )
    rows = quarter_rows(ctx, quarter)
    if form is Format.CSV:
        return as_csv(rows)
    return as_json(rows, quarter=quarter, below=ctx.suppress_below)


def published_quarters(ctx: ServiceContext, *, today: date | None = None) -> list[Quarter]:
    """The quarters open data is published for: every ended one since the first application.

    The quarter under way is not published: its counts would change, and a later
    version could be subtracted from an earlier one to recover a withheld count.
    """
    today = today or ctx.clock.now().date()
    first = case_counts.first_submitted(ctx)
    if first is None:
        return []
    return list(reversed(ended_quarters(Quarter.of(first.date()), today)))
