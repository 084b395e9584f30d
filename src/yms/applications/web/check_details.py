"""An automated check's detail in words a caseworker reads, not the keys it is stored under.

Each check keeps its detail as JSON (`CheckResult.detail`); the case file shows
it as labelled rows: the places and the brake as sentences, the other cases of
the same person as links to them. A check without its own wording (the
screening check, say, until it has one) still reads as labelled rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from yms.applications.domain.checks import CheckKind
from yms.applications.domain.states import ApplicationState
from yms.applications.web import APPLICATION_TAGS
from yms.kernel.dates import long_date
from yms.platform.web.forms import _

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True, slots=True)
class Link:
    """A link shown in a row: its words and where it goes."""

    text: str
    href: str


@dataclass(frozen=True, slots=True)
class DetailRow:
    """One row of a check's detail: a plain label, the value in words, and any links."""

    label: str
    value: str = ""
    links: tuple[Link, ...] = field(default=())


def detail_rows(kind: CheckKind, detail: Mapping[str, object]) -> list[DetailRow]:
    """The rows that say what `detail` holds; none for the eligibility trace (it has its table)."""
    if kind is CheckKind.ELIGIBILITY and "requirements" in detail:
        return []
    if kind is CheckKind.ALLOCATION and "allocation" in detail:
        return _allocation(detail)
    if kind is CheckKind.IDENTITY and "applications" in detail:
        return _identity(detail)
    if kind is CheckKind.SCREENING and "hits" in detail:
        return _screening(detail)
    return [DetailRow(_label(key), _words(value)) for key, value in detail.items()]


def _screening(detail: Mapping[str, object]) -> list[DetailRow]:
    """Who was screened against how many, then each possible match with why it matched."""
    born = _words(detail.get("date_of_birth"))
    rows = [
        DetailRow(
            _("Screened"),
            _("{name}, born {born}, nationality {nationality}").format(
                name=detail.get("screened"), born=born, nationality=detail.get("nationality")
            ),
        ),
        DetailRow(
            _("Against"),
            _("{count} people on the watchlist").format(
                count=_number(detail.get("watchlist_size"))
            ),
        ),
    ]
    hits = detail.get("hits")
    if not isinstance(hits, list) or not hits:
        return [*rows, DetailRow(_("Possible matches"), _("None"))]
    return rows + [_hit(hit) for hit in hits if isinstance(hit, Mapping)]


def _hit(hit: Mapping[str, object]) -> DetailRow:
    words = hit.get("tokens")
    paired = "; ".join(
        _("{applicant} and {listed} ({similarity:.0%} alike)").format(
            applicant=token.get("applicant"),
            listed=token.get("listed"),
            similarity=float(str(token.get("similarity", 0))),
        )
        for token in (words if isinstance(words, list) else [])
        if isinstance(token, Mapping)
    )
    why = _(
        "Score {score:.2f}. Names: {paired}. Date of birth: {dob}; the list gives {listed_dob}. "
        "Nationality: {nationality}; the list gives {listed_nationality}."
    ).format(
        score=float(str(hit.get("score", 0))),
        paired=paired or _("none paired"),
        dob=str(hit.get("dob", "")).replace("_", " "),
        listed_dob=_listed(hit.get("listed_dob")),
        nationality=str(hit.get("nationality", "")).replace("_", " "),
        listed_nationality=_listed(hit.get("listed_nationality")),
    )
    label = _("Possible match: {name} ({entry})").format(
        name=hit.get("listed_name"), entry=hit.get("entry_id")
    )
    return DetailRow(label, why)


def _listed(value: object) -> str:
    """What the watchlist holds for a field, or that it holds nothing."""
    return _("none") if value in (None, "") else _words(value)


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _allocation(detail: Mapping[str, object]) -> list[DetailRow]:
    """Places in the year, granted so far, left, and the emergency brake (YMS 6.3)."""
    year, places = detail.get("year"), detail.get("places")
    source = (
        _("from {allocation} by {rule}").format(
            allocation=detail["allocation"], rule=detail["rule"]
        )
        if detail.get("rule")
        else _("from {allocation}").format(allocation=detail["allocation"])
    )
    rows = [
        DetailRow(
            _("Places in {year}").format(year=year),
            _("No limit")
            if places is None
            else _("{places} ({source})").format(places=_number(places), source=source),
        ),
        DetailRow(_("Granted so far"), _number(detail.get("granted", 0))),
    ]
    if places is not None:
        rows.append(DetailRow(_("Places left"), _number(detail.get("left"))))
    rows.append(DetailRow(_("Emergency brake"), _brake(detail)))
    return rows


def _brake(detail: Mapping[str, object]) -> str:
    threshold, period = detail.get("brake_threshold"), detail.get("brake_period")
    in_period = _number(detail.get("granted_in_period", 0))
    if threshold is None:
        return _("None")
    if detail.get("brake_engaged"):
        return _(
            "Engaged for {period} after {granted} grants: no grants until an operator releases it"
        ).format(period=period, granted=in_period)
    if detail.get("brake_released"):
        return _("Released by an operator for {period} ({granted} grants so far)").format(
            period=period, granted=in_period
        )
    return _("Not engaged: {granted} of {threshold} grants in {period}").format(
        granted=in_period, threshold=_number(threshold), period=period
    )


def _identity(detail: Mapping[str, object]) -> list[DetailRow]:
    """The same person's other applications, each a link to its case file (YMS 3.3)."""
    others = detail.get("applications")
    links = []
    for other in others if isinstance(others, list) else []:
        if not isinstance(other, Mapping):
            continue
        ref = str(other.get("case_ref"))
        words = _("{ref} ({state} when checked)").format(ref=ref, state=_state(other))
        links.append(Link(words, f"/casework/{ref}"))
    return [DetailRow(_("Other applications"), links=tuple(links))]


def _state(other: Mapping[str, object]) -> str:
    try:
        state = ApplicationState(str(other.get("state")))
    except ValueError:
        return str(other.get("state"))
    return _(APPLICATION_TAGS[state].label).lower()


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _words(value: object) -> str:
    """Any stored value in words: Yes/No, numbers with separators, lists one per item."""
    if value is None:
        return _("None")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return _number(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{_label(str(k))}: {_words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_words(item) for item in value) or _("None")
    return _text(value)


def _text(value: object) -> str:
    """A stored value as text; a date as pages write it (17 May 2000)."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:  # shaped like a date, but not one
            return value
    return str(value)
