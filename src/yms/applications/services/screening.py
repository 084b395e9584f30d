"""The watchlist check: each submitted applicant screened against the shipped watchlist.

The watchlist shipped with yms is synthetic (every name on it invented; see
`yms/applications/data/screening/README.md`): it shows the check working and
measures it. It is loaded once per process.

A hit never decides anything: the case is flagged for a caseworker, who sees
every listed person the applicant may be and why.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from yms.applications.domain.checks import CheckKind, CheckOutcome, CheckResult
from yms.applications.domain.screening.matcher import Applicant, ListedPerson, Watchlist
from yms.applications.domain.screening.synthetic import Entry, Pair, read_pairs, read_watchlist
from yms.platform.context import ServiceContext

if TYPE_CHECKING:  # casework imports this module to list the check
    from yms.applications.services.casework import Submitted

_DATA = "yms.applications"


def shipped(name: str) -> str:
    """The text of a file shipped in `yms/applications/data/screening/`."""
    return files(_DATA).joinpath("data", "screening", name).read_text(encoding="utf-8")


def shipped_watchlist() -> list[Entry]:
    """The shipped (synthetic) watchlist's entries."""
    return read_watchlist(shipped("watchlist.csv"))


def shipped_pairs(which: str) -> list[Pair]:
    """The shipped labelled pairs: `which` is "tuning" or "held-out"."""
    return read_pairs(shipped(f"pairs-{which}.csv"))


def as_watchlist(entries: list[Entry]) -> Watchlist:
    """A watchlist indexed on its names, ready to screen against."""
    return Watchlist(
        tuple(ListedPerson(e.id, e.names, e.date_of_birth, e.nationality) for e in entries)
    )


@cache
def watchlist() -> Watchlist:
    """The shipped watchlist, read and indexed once per process."""
    return as_watchlist(shipped_watchlist())


def applicant_of(answers: dict[str, object]) -> Applicant | None:
    """The person to screen from an application's answers; None without a name.

    The date of birth and nationality are used when given and well formed.
    """
    personal = answers.get("personal")
    about = answers.get("applicant")
    personal = personal if isinstance(personal, dict) else {}
    about = about if isinstance(about, dict) else {}
    given = str(personal.get("given_names") or "").strip()
    family = str(personal.get("family_name") or "").strip()
    if not given and not family:
        return None
    born: date | None = None
    try:
        born = date.fromisoformat(str(about.get("date_of_birth") or ""))
    except ValueError:
        born = None
    nationality = about.get("nationality")
    return Applicant(
        given, family, born, str(nationality) if isinstance(nationality, str) else None
    )


def check_screening(ctx: ServiceContext, case: Submitted) -> CheckResult:
    """The applicant against the watchlist: every hit with why it matched, or clear.

    Attention when anyone on the list scores at or over the threshold (the hits,
    best first, in the detail); unknown when the application gives no name.
    """
    del ctx  # the watchlist ships with the code; nothing per deployment yet
    applicant = applicant_of(case.answers)
    if applicant is None:
        return CheckResult(
            CheckKind.SCREENING, CheckOutcome.UNKNOWN, "No name to screen against the watchlist"
        )
    listed = watchlist()
    hits = listed.screen(applicant)
    detail: dict[str, object] = {
        "screened": applicant.name,
        "date_of_birth": applicant.date_of_birth.isoformat() if applicant.date_of_birth else None,
        "nationality": applicant.nationality,
        "watchlist_size": len(listed),
        "hits": [hit.as_json() for hit in hits],
    }
    if not hits:
        return CheckResult(
            CheckKind.SCREENING, CheckOutcome.CLEAR, "No match on the watchlist", detail
        )
    # The summary is kept in clear for the queue: no names in it (they are in the sealed detail).
    people = "1 listed person" if len(hits) == 1 else f"{len(hits)} listed people"
    return CheckResult(
        CheckKind.SCREENING,
        CheckOutcome.ATTENTION,
        f"Possible watchlist match: {people}, best score {hits[0].score:.2f}",
        detail,
    )
