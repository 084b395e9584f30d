"""Open data for everyone: each ended quarter's case outcomes, small counts withheld."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from yms.platform.web.context import context_of
from yms.platform.web.forms import _
from yms.platform.web.rendering import render
from yms.statistics.charts import Chart, chart
from yms.statistics.domain.open_data import ALL_NATIONALITIES, OUTCOMES, TOTAL, OutcomeRow
from yms.statistics.domain.periods import Quarter
from yms.statistics.services import open_data

router = APIRouter(include_in_schema=False)


def _outcomes_chart(quarter: Quarter, rows: list[OutcomeRow]) -> Chart:
    """Each nationality's outcomes on each route (totals left to the table)."""
    wanted = [r for r in rows if r.nationality != ALL_NATIONALITIES and r.case_outcome != TOTAL]
    categories: dict[tuple[str, str, str], dict[str, int | None]] = {}
    for row in wanted:
        categories.setdefault((row.route, row.host, row.nationality), {})[row.case_outcome] = (
            row.count
        )
    several_routes = len({route for route, _host, _nationality in categories}) > 1
    labels = [
        _("{nationality} to {host}").format(nationality=nationality, host=host)
        + (f" ({route})" if several_routes else "")
        for route, host, nationality in categories
    ]
    names = {"Granted": _("Granted"), "Refused": _("Refused"), "Withdrawn": _("Withdrawn")}
    return chart(
        "outcomes",
        _("Case outcomes, {months} {year}").format(months=quarter.months, year=quarter.year),
        _(
            "For each nationality and host: applications granted, refused and withdrawn in "
            "the quarter. Counts below the threshold are withheld."
        ),
        labels,
        [
            (names[outcome], [counts.get(outcome) for counts in categories.values()])
            for outcome in OUTCOMES
        ],
        withheld=_("withheld"),
    )


@router.get("/statistics")
def statistics(request: Request) -> Response:
    """The published quarters, each to download, and the latest one charted with its table."""
    ctx = context_of(request)
    quarters = open_data.published_quarters(ctx)
    latest = quarters[0] if quarters else None
    rows = open_data.quarter_rows(ctx, latest) if latest else []
    figure = _outcomes_chart(latest, rows) if latest and rows else None
    return render(
        request,
        "statistics/open_data.html",
        quarters=quarters,
        latest=latest,
        rows=rows,
        figure=figure,
        below=ctx.suppress_below,
        form=False,
    )


@router.get("/statistics/{quarter}.{extension}")
def download(request: Request, quarter: str, extension: str) -> Response:
    """One published quarter as CSV or JSON; a quarter not published is not found."""
    ctx = context_of(request)
    try:
        period = Quarter.parse(quarter)
        form = open_data.Format(extension)
    except ValueError:
        raise HTTPException(status_code=404) from None
    if period not in open_data.published_quarters(ctx):
        raise HTTPException(status_code=404)
    return Response(
        open_data.export(ctx, period, form),
        media_type=open_data.MEDIA_TYPES[form],
        headers={
            "Content-Disposition": f'attachment; filename="yms-outcomes-{period}.{form.value}"',
            "Cache-Control": "public, max-age=3600",
        },
    )
