"""Open data: case outcomes by quarter and nationality, in the Home Office's table shape.

The shape follows the Home Office's *Immigration system statistics*, table
Vis_D02 (entry clearance visa outcomes): year, quarter, nationality, region,
route, applicant type, case outcome and count. yms adds the host, as a
reciprocal scheme sends people both ways. Each route and host is one table of
nationalities by outcome, published with its totals after small counts are
suppressed (`yms.statistics.domain.suppression`); a withheld count is written
``[c]``, the Government Statistical Service's symbol for "confidential".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from yms.statistics.domain.periods import Quarter
from yms.statistics.domain.suppression import suppress

OUTCOMES = ("Granted", "Refused", "Withdrawn")
TOTAL = "Total"
ALL_NATIONALITIES = "All nationalities"
APPLICANT_TYPE = "Main applicant"  # no dependants: Appendix Youth Mobility Scheme, and the EU texts
WITHHELD = "[c]"
COLUMNS = (
    "year",
    "quarter",
    "nationality",
    "region",
    "route",
    "host",
    "applicant_type",
    "case_outcome",
    "count",
)

# Regions as the UN's M49 standard groups countries (https://unstats.un.org/unsd/methodology/m49/),
# for every nationality a shipped scheme names; British nationals without the right of
# abode are grouped by the territories most of them come from.
_EUROPE = (
    "AD", "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LT", "LU", "LV", "MC", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "SM",
)  # fmt: skip
REGIONS = {
    **dict.fromkeys(_EUROPE, "Europe"),
    **dict.fromkeys(("AU", "NZ"), "Oceania"),
    **dict.fromkeys(("CA", "UY"), "Americas"),
    **dict.fromkeys(("HK", "IN", "JP", "KR", "TW", "GB-BNO"), "Asia"),
}
OTHER_REGION = "Other"


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One published count (`None` where it is withheld)."""

    year: int
    quarter: str  # "Q1"
    nationality: str
    region: str
    route: str
    host: str
    applicant_type: str
    case_outcome: str
    count: int | None


@dataclass(frozen=True, slots=True)
class RouteOutcomes:
    """One route's outcomes to one host in a quarter: counts per nationality, in OUTCOMES order."""

    route: str
    host: str
    by_nationality: Mapping[str, Sequence[int]]  # nationality's name -> counts
    regions: Mapping[str, str]  # nationality's name -> region


def outcome_rows(
    quarter: Quarter, tables: Sequence[RouteOutcomes], *, below: int
) -> list[OutcomeRow]:
    """Every row to publish for `quarter`: each table's counts and totals, small ones withheld."""
    rows: list[OutcomeRow] = []
    for table in tables:
        names = sorted(table.by_nationality)
        if not names:
            continue
        shown = suppress([list(table.by_nationality[name]) for name in names], below=below)
        labels = [*names, ALL_NATIONALITIES]
        for row, nationality in enumerate(labels):
            region = table.regions.get(nationality, OTHER_REGION) if row < len(names) else TOTAL
            for column, outcome in enumerate((*OUTCOMES, TOTAL)):
                rows.append(
                    OutcomeRow(
                        year=quarter.year,
                        quarter=f"Q{quarter.number}",
                        nationality=nationality,
                        region=region,
                        route=table.route,
                        host=table.host,
                        applicant_type=APPLICANT_TYPE,
                        case_outcome=outcome,
                        count=shown.published(row, column),
                    )
                )
    return rows


def as_csv(rows: Sequence[OutcomeRow]) -> str:
    """The rows as CSV (RFC 4180, a header first), withheld counts written ``[c]``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = asdict(row)
        values["count"] = WITHHELD if row.count is None else row.count
        writer.writerow(values[column] for column in COLUMNS)
    return out.getvalue()


def as_json(rows: Sequence[OutcomeRow], *, quarter: Quarter, below: int) -> str:
    """The rows as a JSON document: what they are, how counts were withheld, then the rows."""
    document = {
        "title": f"Youth mobility: case outcomes, {quarter.months} {quarter.year}",
        "quarter": str(quarter),
        "shape": "Home Office Immigration system statistics, table Vis_D02, with the host added",
        "suppression": {
            "threshold": below,
            "rule": (
                f"Counts from 1 to {below - 1} are withheld (null), and enough others, "
                "totals included, that no withheld count can be worked out from the rest."
            ),
        },
        "columns": list(COLUMNS),
        "rows": [asdict(row) for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
