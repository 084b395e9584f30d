"""The operator's statistics dashboard: every figure charted on the server, with its table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.accounts.domain import Role
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.forms import _
from yms.platform.web.rendering import render
from yms.statistics.charts import Chart, chart
from yms.statistics.domain.figures import Figures
from yms.statistics.services.figures import figures

router = APIRouter(prefix="/operator", include_in_schema=False)


def _places_chart(found: Figures) -> Chart:
    rows = [row for row in found.allocations if row.places is not None or row.granted]
    return chart(
        "places",
        _("Places and grants by allocation"),
        _("For each allocation and year, the places it offers and the grants made against them."),
        [f"{row.title} ({row.year})" for row in rows],
        [
            (_("Places"), [row.places for row in rows]),
            (_("Granted"), [row.granted for row in rows]),
        ],
    )


def _ballot_chart(found: Figures) -> Chart:
    rows = [row for row in found.allocations if row.entries or row.invited]
    return chart(
        "ballots",
        _("From ballot entry to grant"),
        _(
            "For each allocation with a ballot: entries, invitations issued, accepted, "
            "applications and grants."
        ),
        [f"{row.title} ({row.year})" for row in rows],
        [
            (_("Entries"), [row.entries for row in rows]),
            (_("Invited"), [row.invited for row in rows]),
            (_("Accepted"), [row.accepted for row in rows]),
            (_("Applications"), [row.submitted for row in rows]),
            (_("Granted"), [row.granted for row in rows]),
        ],
    )


def _quarters_chart(found: Figures) -> Chart:
    return chart(
        "quarters",
        _("Applications and outcomes by quarter"),
        _(
            "For each quarter: applications submitted, and grants, refusals and withdrawals "
            "decided."
        ),
        [f"{q.quarter.months} {q.quarter.year}" for q in found.quarters],
        [
            (_("Applications"), [q.submitted for q in found.quarters]),
            (_("Granted"), [q.granted for q in found.quarters]),
            (_("Refused"), [q.refused for q in found.quarters]),
            (_("Withdrawn"), [q.withdrawn for q in found.quarters]),
        ],
    )


def _balance_chart(found: Figures) -> Chart:
    return chart(
        "balance",
        _("Balance between parties"),
        _("For each pair of parties and year, grants each way; reciprocity is as many each way."),
        [f"{p.first} and {p.second}, {p.year}" for p in found.pairs],
        [
            (_("First to second"), [p.first_to_second for p in found.pairs]),
            (_("Second to first"), [p.second_to_first for p in found.pairs]),
        ],
    )


@router.get("/statistics")
def dashboard(request: Request) -> Response:
    """Every allocation's figures, each pair's balance, each quarter's outcomes, and the brakes."""
    require_role(request, Role.OPERATOR)
    found = figures(context_of(request))
    drawn = (
        _places_chart(found),
        _ballot_chart(found),
        _quarters_chart(found),
        _balance_chart(found),
    )
    charts = [figure for figure in drawn if figure.categories]  # a chart with nothing is left out
    return render(request, "statistics/dashboard.html", figures=found, charts=charts, form=False)
