"""`yms demo`: what yms does, shown on the shipped schemes with example applicants."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from yms.eligibility.domain import EligibilityResult

_EXAMPLES: list[tuple[str, str, dict[str, object]]] = [
    (
        "An Australian aged 31 with £2,600 held for 28 days",
        "uk-yms",
        {
            "nationality": "AU",
            "date_of_birth": "1995-04-02",
            "application_date": "2026-11-25",
            "valid_from": "2027-01-10",
            "funds": {
                "amount": "2600.00",
                "currency": "GBP",
                "held_days": 28,
                "latest_evidence_date": "2026-11-20",
            },
            "children_under_18": False,
            "previous_participation": False,
        },
    ),
    (
        "An Indian graduate with no invitation from the ballot",
        "uk-yms",
        {
            "nationality": "IN",
            "date_of_birth": "2000-02-29",
            "application_date": "2026-11-25",
            "invitation_ref": None,
            "qualification_rqf_level": 6,
            "documents": [{"kind": "police_certificate", "issued": "2026-03-01"}],
        },
    ),
    (
        "A French national, under the UK scheme and under the proposed youth experience scheme",
        "uk-yms",
        {"nationality": "FR", "date_of_birth": "2001-06-15", "application_date": "2026-11-25"},
    ),
    (
        "",
        "eu-uk-yes",
        {"nationality": "FR", "date_of_birth": "2001-06-15", "application_date": "2026-11-25"},
    ),
]

_STYLE = {"pass": "green", "fail": "red", "unknown": "yellow"}


def _result_table(title: str, result: EligibilityResult) -> Table:
    from rich.table import Table  # noqa: PLC0415 - commands import what they use

    verdict = {True: "eligible", False: "not eligible", None: "not known yet"}[result.eligible]
    table = Table(
        title=f"{title}\n{result.scheme}@{result.scheme_version}: {verdict}",
        title_justify="left",
    )
    for column in ("requirement", "rule", "outcome", "why"):
        table.add_column(column)
    for requirement in result.requirements:
        outcome = requirement.outcome.value
        table.add_row(
            requirement.id,
            requirement.rule,
            f"[{_STYLE[outcome]}]{outcome}[/]",
            requirement.detail.render(),
        )
    return table


def demo() -> None:
    """Show the shipped schemes, then check example applicants against them."""
    from rich.console import Console  # noqa: PLC0415 - commands import what they use

    from yms.eligibility.services import check_eligibility, parse_applicant  # noqa: PLC0415
    from yms.platform.clock import SystemClock  # noqa: PLC0415
    from yms.schemes.catalogue import shipped  # noqa: PLC0415
    from yms.schemes.report import schemes_table  # noqa: PLC0415

    console = Console()
    console.rule("yms: reciprocal youth mobility schemes")
    console.print(schemes_table(shipped().schemes))
    console.print(
        "See one scheme in full with [bold]yms schemes show uk-yms[/]; check an applicant "
        "with [bold]yms eligibility check --scheme uk-yms FILE.json[/].\n"
    )
    for title, scheme, applicant in _EXAMPLES:
        parsed = parse_applicant(json.dumps(applicant))
        result = check_eligibility(shipped(), scheme, parsed, clock=SystemClock())
        console.print(_result_table(title, result))
