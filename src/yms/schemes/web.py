"""The public scheme pages: each scheme's terms, every rule with its source, assumptions marked.

A value no public source gives (``assumption = true`` in the scheme file) is
shown with "Assumption: no public source" and why it was chosen; a rule
reference is shown with the name of the document it comes from, linked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.kernel.dates import long_date
from yms.platform.clock import today
from yms.platform.web.context import context_of
from yms.platform.web.forms import _
from yms.platform.web.rendering import render
from yms.schemes.catalogue import Catalogue, UnknownSchemeError
from yms.schemes.domain.scheme import (
    Arrangement,
    Provenance,
    Requirements,
    Scheme,
    SchemeStatus,
    Source,
    TestedOn,
)

router = APIRouter(prefix="/schemes", include_in_schema=False)
MONTHS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class Term:
    """One value shown on the page: what it says, its rule and source, and why if assumed."""

    text: str
    rule: str | None
    source: Source | None
    assumption: str | None


@dataclass(frozen=True, slots=True)
class Group:
    """Arrangements with the same terms: who they are for, and the terms."""

    who: list[str]
    terms: list[Term]
    conditions: list[Term]
    fees: list[Term]


def _term(scheme: Scheme, text: str, rule: str | None, value: Provenance | None) -> Term:
    why = value.why if value is not None and value.assumption else None
    return Term(text, rule, scheme.source_for(rule) if rule else None, why)


def _duration(months: int) -> str:
    if months % MONTHS_PER_YEAR == 0:
        years = months // MONTHS_PER_YEAR
        return _("1 year") if years == 1 else _("{years} years").format(years=years)
    return _("{months} months").format(months=months)


def _tested_on(tested_on: TestedOn) -> str:
    if tested_on is TestedOn.APPLICATION_DATE:
        return _("on the date of application")
    return _("on the date the permission starts")


def _requirement_terms(scheme: Scheme, spec: Requirements) -> Iterator[Term]:
    if top := spec.age_maximum:
        text = _("Aged {years} or under {when}").format(
            years=top.years, when=_tested_on(top.tested_on)
        )
        yield _term(scheme, text, top.rule, top)
    if bottom := spec.age_minimum:
        text = _("Aged {years} or over {when}").format(
            years=bottom.years, when=_tested_on(bottom.tested_on)
        )
        yield _term(scheme, text, bottom.rule, bottom)
    if previous := spec.previous_participation:
        yield _term(scheme, _("Not on this scheme before"), previous.rule, previous)
    if invitation := spec.invitation:
        text = _("An invitation to apply, from the ballot")
        yield _term(scheme, text, invitation.rule, invitation)
    for document in spec.documents:
        text = _("A {name}, issued no more than {months} months before applying").format(
            name=document.kind.description, months=document.max_age_months
        )
        yield _term(scheme, text, document.rule, document)
    if qualification := spec.qualification:
        text = _("A qualification at RQF level {level} or above").format(
            level=qualification.minimum_rqf_level
        )
        yield _term(scheme, text, qualification.rule, qualification)
    yield from _funds_terms(scheme, spec)
    for declaration in spec.declarations:
        text = _("Asked, yes or no: {question}").format(question=declaration.question)
        yield _term(scheme, text, declaration.rule, declaration)


def _funds_terms(scheme: Scheme, spec: Requirements) -> Iterator[Term]:
    if funds := spec.funds:
        yield _term(scheme, _("Funds of {amount}").format(amount=funds.money), funds.rule, funds)
    if held := spec.funds_held:
        text = _("Funds held for {days} days").format(days=held.days)
        yield _term(scheme, text, held.rule, held)
    if evidence := spec.funds_evidence:
        text = _("Latest evidence of funds no more than {days} days old").format(days=evidence.days)
        yield _term(scheme, text, evidence.rule, evidence)
    if children := spec.no_children_under_18:
        text = _("No children under 18 living with you or dependent on you")
        yield _term(scheme, text, children.rule, children)


def _who(scheme: Scheme, arrangements: Sequence[Arrangement]) -> list[str]:
    """One line per set of nationalities going to the same hosts, e.g. "Australia to UK"."""
    by_host: dict[str, set[str]] = {}
    for arrangement in arrangements:
        by_host.setdefault(arrangement.host, set()).add(arrangement.nationality)
    hosts_of: dict[frozenset[str], list[str]] = {}
    for host, nationalities in by_host.items():
        hosts_of.setdefault(frozenset(nationalities), []).append(host)
    return [
        _("{nationalities} to {hosts}").format(
            nationalities=", ".join(sorted(scheme.party_name(code) for code in nationalities)),
            hosts=", ".join(sorted(scheme.party_name(code) for code in hosts)),
        )
        for nationalities, hosts in hosts_of.items()
    ]


def _fee_terms(scheme: Scheme, arrangement: Arrangement) -> Iterator[Term]:
    for fee in arrangement.fees:
        kind = _("Application fee") if fee.kind.value == "application" else _("Health charge")
        amount = str(fee.money) + (_(" a year") if fee.per_year else "")
        period = (
            _("from {start} until {end}").format(
                start=long_date(fee.effective_from), end=long_date(fee.effective_until)
            )
            if fee.effective_until
            else _("from {start}").format(start=long_date(fee.effective_from))
        )
        yield _term(scheme, f"{kind}: {amount}, {period}", None, fee)


def _groups(scheme: Scheme) -> list[Group]:
    grouped: dict[str, list[Arrangement]] = {}
    for arrangement in scheme.arrangements:
        key = arrangement.model_dump_json(exclude={"nationality", "host"})
        grouped.setdefault(key, []).append(arrangement)
    groups = []
    for members in grouped.values():
        first = members[0]
        leave = _term(
            scheme,
            _("Leave of {duration}").format(duration=_duration(first.leave.months)),
            first.leave.rule,
            first.leave,
        )
        terms = [leave]
        if extension := first.extension:
            text = _("One extension of {months}, to {total} in all").format(
                months=_duration(extension.months), total=_duration(extension.total_months)
            )
            terms.append(_term(scheme, text, extension.eligibility_rule, extension))
        terms.extend(_requirement_terms(scheme, first.requirements))
        conditions = [_term(scheme, c.text, c.rule, c) for c in first.conditions]
        groups.append(
            Group(_who(scheme, members), terms, conditions, list(_fee_terms(scheme, first)))
        )
    return groups


def _allocations(scheme: Scheme) -> list[dict[str, object]]:
    rows = []
    for allocation in scheme.allocations:
        brake = allocation.emergency_brake
        rows.append(
            {
                "allocation": allocation,
                "places": _("Uncapped")
                if allocation.places == "uncapped"
                else f"{allocation.places:,}",
                "term": _term(scheme, allocation.title, allocation.rule, allocation),
                "brake": _term(
                    scheme,
                    _("{threshold} grants in a {period}").format(
                        threshold=f"{brake.threshold:,}", period=brake.period.value
                    ),
                    brake.rule,
                    brake,
                )
                if brake
                else None,
            }
        )
    return rows


def _listed(catalogue: Catalogue, on: date) -> list[Scheme]:
    """The version of each scheme in force `on` (else its newest); schemes in force first."""
    schemes = []
    for scheme_id in catalogue.ids():
        try:
            schemes.append(catalogue.in_force(scheme_id, on))
        except UnknownSchemeError:
            schemes.append(catalogue.latest(scheme_id))
    return sorted(schemes, key=lambda s: (s.status is not SchemeStatus.IN_FORCE, s.title))


@router.get("")
def schemes(request: Request) -> Response:
    """Every scheme, the one in force before proposals."""
    ctx = context_of(request)
    return render(
        request, "schemes/list.html", form=False, schemes=_listed(ctx.catalogue, today(ctx.clock))
    )


@router.get("/{scheme_id}")
def scheme(request: Request, scheme_id: str) -> Response:
    """One scheme: its terms, each rule with its source, and every assumption marked."""
    ctx = context_of(request)
    found = [s for s in _listed(ctx.catalogue, today(ctx.clock)) if s.id == scheme_id]
    if not found:
        return render(request, "errors/404.html", status=404, form=False)
    shown = found[0]
    return render(
        request,
        "schemes/show.html",
        form=False,
        scheme=shown,
        proposed=shown.status is SchemeStatus.PROPOSED,
        nationality=_term(shown, _("Who may apply"), shown.nationality_rule, None),
        groups=_groups(shown),
        allocations=_allocations(shown),
    )
