"""Rich tables that show schemes to people."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from yms.schemes.domain.scheme import (
    Allocation,
    Arrangement,
    Provenance,
    Requirements,
    Scheme,
    SchemeStatus,
)

MONTHS_PER_YEAR = 12
#: Beside every value that no public source gives (``assumption = true`` in the file).
ASSUMPTION = "Assumption: no public source"


def _marked(text: str, value: Provenance | None) -> str:
    """`text`, led by the assumption marker when `value` is one (first, so it never wraps away)."""
    return f"{ASSUMPTION} — {text}" if value is not None and value.assumption else text


def listing_order(schemes: Sequence[Scheme]) -> list[Scheme]:
    """Scheme versions as every list shows them: schemes in force first, then by id and date."""
    in_force = {s.id for s in schemes if s.status is SchemeStatus.IN_FORCE}
    return sorted(schemes, key=lambda s: (s.id not in in_force, s.id, s.effective_from))


def schemes_json(schemes: Sequence[Scheme]) -> list[dict[str, object]]:
    """One object per scheme version, in listing order."""
    return [
        {
            "id": scheme.id,
            "version": scheme.version,
            "title": scheme.title,
            "status": scheme.status.value,
            "effective_from": scheme.effective_from.isoformat(),
            "arrangements": len(scheme.arrangements),
            "allocations": len(scheme.allocations),
        }
        for scheme in listing_order(schemes)
    ]


def schemes_table(schemes: Sequence[Scheme]) -> Table:
    """One row per scheme version; ids and versions are never cut."""
    table = Table(title="Scheme versions", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("title")
    table.add_column("status")
    table.add_column("in force from", no_wrap=True)
    table.add_column("arrangements", justify="right")
    table.add_column("allocations", justify="right")
    for scheme in listing_order(schemes):
        table.add_row(
            scheme.id,
            scheme.version,
            scheme.title,
            scheme.status.value.replace("_", " "),
            scheme.effective_from.isoformat(),
            str(len(scheme.arrangements)),
            str(len(scheme.allocations)),
        )
    return table


def _duration(months: int) -> str:
    if months % MONTHS_PER_YEAR == 0:
        years = months // MONTHS_PER_YEAR
        return f"{years} year" + ("s" if years != 1 else "")
    return f"{months} months"


def _codes(codes: Sequence[str], limit: int = 8) -> str:
    if len(codes) <= limit:
        return ", ".join(codes)
    return f"{', '.join(codes[:limit])} … ({len(codes)})"


def _groups(scheme: Scheme) -> list[tuple[str, list[Arrangement]]]:
    """Arrangements with identical terms, together (the way a file's groups are written)."""

    def terms(arrangement: Arrangement) -> str:
        return arrangement.model_dump_json(exclude={"nationality", "host"})

    ordered = sorted(scheme.arrangements, key=terms)
    return [(key, list(group)) for key, group in groupby(ordered, key=terms)]


def _who(arrangements: Sequence[Arrangement]) -> str:
    nationalities = sorted({a.nationality for a in arrangements})
    hosts = sorted({a.host for a in arrangements})
    return f"{_codes(nationalities)} → {_codes(hosts)}"


Row = tuple[str, str, Provenance]


def _age_rows(requirements: Requirements) -> Iterator[Row]:
    for limit, bound in ((requirements.age_maximum, "under"), (requirements.age_minimum, "over")):
        if limit is not None:
            tested_on = limit.tested_on.value.replace("_", " ")
            yield f"aged {limit.years} or {bound} on the {tested_on}", limit.rule, limit


def _country_rows(requirements: Requirements) -> Iterator[Row]:
    if invitation := requirements.invitation:
        yield "invitation to apply, from the ballot", invitation.rule, invitation
    for document in requirements.documents:
        months = document.max_age_months
        text = f"{document.kind.description}, no more than {months} months old"
        yield text, document.rule, document
    if qualification := requirements.qualification:
        level = qualification.minimum_rqf_level
        yield f"qualification at RQF level {level} or above", qualification.rule, qualification


def _funds_rows(requirements: Requirements) -> Iterator[Row]:
    if funds := requirements.funds:
        yield f"funds of {funds.money}", funds.rule, funds
    if held := requirements.funds_held:
        yield f"funds held for {held.days} days", held.rule, held
    if evidence := requirements.funds_evidence:
        text = f"latest evidence of funds no more than {evidence.days} days old"
        yield text, evidence.rule, evidence


def _requirement_rows(requirements: Requirements) -> Iterator[Row]:
    yield from _age_rows(requirements)
    if previous := requirements.previous_participation:
        yield "not on the scheme before", previous.rule, previous
    yield from _country_rows(requirements)
    yield from _funds_rows(requirements)
    if children := requirements.no_children_under_18:
        yield "no children under 18 living with or dependent on them", children.rule, children
    for declaration in requirements.declarations:
        yield f"declares {declaration.requirement}", declaration.rule, declaration


def _arrangements_table(scheme: Scheme) -> Table:
    table = Table(title="Arrangements (nationality → host)", title_justify="left", show_lines=True)
    for column in ("who", "leave", "extension", "requirements (rule)"):
        table.add_column(column)
    for _, group in _groups(scheme):
        first = group[0]
        extension = (
            f"+{_duration(first.extension.months)} to {_duration(first.extension.total_months)}"
            f" ({first.extension.rule}; {first.extension.eligibility_rule})"
            if first.extension
            else "none"
        )
        requirements = "\n".join(
            _marked(f"{text} ({rule})", value)
            for text, rule, value in _requirement_rows(first.requirements)
        )
        table.add_row(
            _who(group),
            _marked(f"{_duration(first.leave.months)} ({first.leave.rule})", first.leave),
            extension,
            requirements or "—",
        )
    return table


def _places(allocation: Allocation) -> str:
    return "uncapped" if allocation.places == "uncapped" else f"{allocation.places:,}"


def _allocations_table(scheme: Scheme) -> Table:
    table = Table(title="Allocations", title_justify="left")
    for column in (
        "id",
        "year",
        "places",
        "who",
        "ballot",
        "invitation valid",
        "emergency brake",
        "rule",
    ):
        table.add_column(column)
    for allocation in scheme.allocations:
        members = [a for a in scheme.arrangements if a.id in allocation.arrangements]
        brake = allocation.emergency_brake
        table.add_row(
            _marked(allocation.id + (" (proposed)" if allocation.proposed else ""), allocation),
            str(allocation.year),
            _places(allocation),
            _who(members),
            "yes" if allocation.ballot else "no",
            f"{allocation.invitation_expiry_days} days"
            if allocation.invitation_expiry_days
            else "—",
            _marked(f"{brake.threshold:,} a {brake.period.value}", brake) if brake else "—",
            allocation.rule or "—",
        )
    return table


def _conditions_table(scheme: Scheme) -> Table:
    table = Table(title="Conditions of leave", title_justify="left")
    for column in ("who", "condition", "rule"):
        table.add_column(column)
    for _, group in _groups(scheme):
        for condition in group[0].conditions:
            table.add_row(_who(group), _marked(condition.text, condition), condition.rule)
    return table


def _fees_table(scheme: Scheme) -> Table:
    table = Table(title="Fees", title_justify="left")
    for column in ("who", "fee", "amount", "from", "until", "note"):
        table.add_column(column)
    for _, group in _groups(scheme):
        for fee in group[0].fees:
            table.add_row(
                _who(group),
                fee.kind.value.replace("_", " "),
                f"{fee.money}" + (" a year" if fee.per_year else ""),
                fee.effective_from.isoformat(),
                fee.effective_until.isoformat() if fee.effective_until else "—",
                _marked(fee.note or "", fee),
            )
    return table


def _sources_table(scheme: Scheme) -> Table:
    table = Table(title="Sources", title_justify="left")
    for column in ("id", "rules cited as", "title", "address"):
        table.add_column(column)
    for source in scheme.sources:
        prefixes = [prefix for prefix, cited in scheme.rule_sources.items() if cited == source.id]
        table.add_row(source.id, ", ".join(prefixes) or "—", source.title, source.url)
    return table


def _assumptions_table(scheme: Scheme) -> Table:
    table = Table(title=f"Assumptions ({ASSUMPTION.lower()})", title_justify="left")
    for column in ("where", "why"):
        table.add_column(column)
    for assumption in scheme.assumptions():
        table.add_row(assumption.where, assumption.why)
    return table


def scheme_report(scheme: Scheme) -> Iterator[RenderableType]:
    """The parts of `yms schemes show`, in reading order."""
    heading = Text.assemble(
        (scheme.title, "bold"),
        f"\n{scheme.key} · {scheme.status.value.replace('_', ' ')} · from "
        f"{scheme.effective_from.isoformat()}",
        f" until {scheme.effective_until.isoformat()}" if scheme.effective_until else "",
        f"\n\n{scheme.summary}\n\nLegal basis: {scheme.legal_basis}",
        f"\nWho may apply: {scheme.nationality_rule}",
        f"\nBirthday of someone born on 29 February, in a common year: {scheme.leap_day_birthday}",
    )
    yield Panel(heading)
    yield _arrangements_table(scheme)
    if scheme.allocations:
        yield _allocations_table(scheme)
    if scheme.allocation_fallback:
        fallback = scheme.allocation_fallback
        yield Text(
            f"Places for a year not yet set ({fallback.rule}): a quota under "
            f"{fallback.carry_over_below:,} carries over; any other becomes the greater of "
            f"{fallback.minimum:,} and {fallback.fraction * 100:.0f}% of the previous year's."
        )
    yield _conditions_table(scheme)
    yield _fees_table(scheme)
    if scheme.assumptions():
        yield _assumptions_table(scheme)
    if scheme.sources:
        yield _sources_table(scheme)
