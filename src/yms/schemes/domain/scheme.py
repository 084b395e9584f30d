"""A scheme version as data: parties, arrangements, allocations, fees and rule references.

Every model here is immutable and validated; a scheme that loads is internally
consistent (see `Scheme` validators). Files on disk are read by `yms.schemes`,
which expands the file's shorthand (defaults, groups of nationalities) into these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from yms.kernel.countries import is_known_code
from yms.kernel.dates import LeapDayBirthday
from yms.kernel.money import MINOR_UNIT_PLACES, Money
from yms.schemes.domain.documents import DocumentKind

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _no_float(value: object) -> object:
    # TOML floats are binary fractions; money must be written as a string or integer.
    if isinstance(value, float):
        # pydantic turns ValueError, not TypeError, into a validation error.
        raise ValueError(  # noqa: TRY004
            'write amounts as strings, e.g. "2530.00", not as floating-point numbers'
        )
    return value


def _known_code(value: str) -> str:
    if not is_known_code(value):
        raise ValueError(f"unknown country code {value!r}")
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(ge=0, decimal_places=MINOR_UNIT_PLACES, allow_inf_nan=False),
]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z]{3,4})?$"), BeforeValidator(str)]
RuleRef = Annotated[str, Field(min_length=1, max_length=120)]
Slug = Annotated[str, Field(pattern=_SLUG, max_length=60)]


class SchemeModel(BaseModel):
    """Base for scheme data: immutable, and unknown keys are errors (typos never pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(SchemeModel):
    """Where a value comes from: agreed rule text, or a proposal with its public source.

    `assumption` marks a value no public source gives (yms chose it); `why` says
    why it was chosen, and every page that shows the value says it is an assumption.
    """

    proposed: StrictBool = False
    source: str | None = None
    note: str | None = None
    assumption: StrictBool = False
    why: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _proposed_needs_source(self) -> Self:
        if self.proposed and not (self.source or self.note or self.why):
            raise ValueError("a proposed value needs a source or a note saying why it was chosen")
        if self.assumption and not self.why:
            raise ValueError("an assumption needs a why: say why the value was chosen")
        if self.why and not self.assumption:
            raise ValueError("why explains an assumption; set assumption = true, or drop why")
        return self


class RuleBased(Provenance):
    """A term that comes from one rule, cited as the source writes it (e.g. ``YMS 1.4``)."""

    rule: RuleRef


class TestedOn(StrEnum):
    """The date on which an age limit is tested."""

    APPLICATION_DATE = "application_date"
    VALID_FROM = "valid_from"


class AgeLimit(RuleBased):
    """An age limit in whole years, tested on a named date."""

    years: StrictInt = Field(ge=0, le=120)
    tested_on: TestedOn


class DocumentRequirement(RuleBased):
    """A document the applicant must hold, issued no more than `max_age_months` before applying."""

    kind: DocumentKind
    max_age_months: StrictInt = Field(ge=1, le=120)


class QualificationRequirement(RuleBased):
    """A qualification at or above a Regulated Qualifications Framework level."""

    minimum_rqf_level: StrictInt = Field(ge=1, le=8)


class FundsRequirement(RuleBased):
    """Funds the applicant must hold."""

    amount: Amount
    currency: CurrencyCode

    @property
    def money(self) -> Money:
        """The required amount as `Money`."""
        return Money(self.amount, self.currency)


class DaysRequirement(RuleBased):
    """A number of days: how long funds are held, or how old evidence may be."""

    days: StrictInt = Field(ge=0, le=3660)


#: A declaration's id: a slug with at least one hyphen, so it never clashes with the
#: eligibility engine's own requirement ids, which are written with underscores.
DeclarationId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)+$", max_length=60)]


class Declaration(RuleBased):
    """A requirement yms cannot check from other facts, so it asks: yes meets it, no fails it.

    E.g. health insurance for the whole stay. `requirement` names it in a sentence
    ("health insurance for your whole stay"); `question` asks it, answered yes or no.
    """

    id: DeclarationId
    requirement: str = Field(min_length=1, max_length=200)
    question: str = Field(min_length=2, max_length=200, pattern=r"\?$")
    hint: str | None = Field(default=None, max_length=400)


class Requirements(SchemeModel):
    """The eligibility requirements of one arrangement for entry; absent ones do not apply."""

    age_maximum: AgeLimit | None = None
    age_minimum: AgeLimit | None = None
    previous_participation: RuleBased | None = None
    invitation: RuleBased | None = None
    documents: tuple[DocumentRequirement, ...] = ()
    qualification: QualificationRequirement | None = None
    funds: FundsRequirement | None = None
    funds_held: DaysRequirement | None = None
    funds_evidence: DaysRequirement | None = None
    no_children_under_18: RuleBased | None = None
    declarations: tuple[Declaration, ...] = ()

    @model_validator(mode="after")
    def _one_requirement_per_document_kind(self) -> Self:
        kinds = [document.kind for document in self.documents]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each document kind may be required only once")
        ids = [declaration.id for declaration in self.declarations]
        if len(ids) != len(set(ids)):
            raise ValueError("each declaration id may be used only once")
        return self


class Leave(RuleBased):
    """How long the first grant of leave lasts."""

    months: StrictInt = Field(ge=1, le=240)


class Extension(RuleBased):
    """One further grant from inside the host country (`rule` gives its length)."""

    months: StrictInt = Field(ge=1, le=120)
    total_months: StrictInt = Field(ge=1, le=360)
    eligibility_rule: RuleRef


class Condition(RuleBased):
    """A condition attached to the leave, e.g. no access to public funds."""

    id: Slug
    text: str = Field(min_length=1)


class FeeKind(StrEnum):
    """What a fee pays for."""

    APPLICATION = "application"
    HEALTH_CHARGE = "health_charge"


class Fee(Provenance):
    """One value of a fee over a period; `per_year` fees are charged for each year of leave."""

    kind: FeeKind
    amount: Amount
    currency: CurrencyCode
    per_year: StrictBool = False
    effective_from: date
    effective_until: date | None = None

    @property
    def money(self) -> Money:
        """The fee as `Money`."""
        return Money(self.amount, self.currency)

    def in_force_on(self, day: date) -> bool:
        """Whether this value applies on `day`."""
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )


class Terms(SchemeModel):
    """The terms of an arrangement: leave, extension, requirements, conditions and fees."""

    leave: Leave
    extension: Extension | None = None
    requirements: Requirements = Requirements()
    conditions: tuple[Condition, ...] = ()
    fees: tuple[Fee, ...] = ()

    def fees_on(self, day: date) -> tuple[Fee, ...]:
        """The fee values in force on `day`, one per kind."""
        return tuple(fee for fee in self.fees if fee.in_force_on(day))


class Arrangement(Terms):
    """The terms for nationals of one country going to one host country."""

    nationality: Annotated[CountryCode, BeforeValidator(_known_code)]
    host: Annotated[CountryCode, BeforeValidator(_known_code)]

    @property
    def id(self) -> str:
        """``NATIONALITY-HOST``, e.g. ``AU-GB`` or ``GB-BNO-GB``."""
        return arrangement_id(self.nationality, self.host)


class BrakePeriod(StrEnum):
    """The period over which an emergency brake counts grants."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class EmergencyBrake(Provenance):
    """Past `threshold` grants in one `period`, new grants pause until the operator acts."""

    threshold: StrictInt = Field(ge=1)
    period: BrakePeriod
    rule: RuleRef | None = None


class Allocation(Provenance):
    """A year's places for one or more arrangements, drawn as one pool."""

    id: Slug
    title: str
    year: StrictInt = Field(ge=2000, le=2100)
    places: StrictInt | Literal["uncapped"]
    arrangements: tuple[str, ...] = Field(min_length=1)
    ballot: StrictBool = False
    invitation_expiry_days: StrictInt | None = Field(default=None, ge=1, le=365)
    emergency_brake: EmergencyBrake | None = None
    rule: RuleRef | None = None

    @model_validator(mode="after")
    def _places_and_ballot_agree(self) -> Self:
        if isinstance(self.places, int) and self.places < 1:
            raise ValueError('places must be at least 1, or "uncapped"')
        if self.ballot and self.places == "uncapped":
            raise ValueError("an uncapped allocation has no ballot")
        if self.ballot and self.invitation_expiry_days is None:
            raise ValueError("a ballot allocation needs invitation_expiry_days")
        return self

    @property
    def capped(self) -> bool:
        """Whether the allocation has a number of places."""
        return self.places != "uncapped"


class AllocationFallback(RuleBased):
    """Places for a year whose allocation is not yet set, from the previous year's.

    Appendix Youth Mobility Scheme: eligible nationals, paragraph 1.A: a quota under
    `carry_over_below` carries over; any other becomes the greater of `minimum` and
    `fraction` of the previous year's places.
    """

    carry_over_below: StrictInt = Field(ge=1)
    minimum: StrictInt = Field(ge=1)
    fraction: Annotated[Decimal, BeforeValidator(_no_float), Field(gt=0, le=1)]

    def places(self, previous_year_places: int) -> int:
        """The places for the unset year, given the previous year's."""
        if previous_year_places < self.carry_over_below:
            return previous_year_places
        share = int(Decimal(previous_year_places) * self.fraction)  # whole places, rounded down
        return max(self.minimum, share)


class SchemeStatus(StrEnum):
    """Whether a scheme is law, or a proposal modelled for analysis."""

    IN_FORCE = "in_force"
    PROPOSED = "proposed"


class Source(SchemeModel):
    """A public document the scheme's values come from."""

    id: str = Field(min_length=1, max_length=40)
    title: str
    url: str = Field(pattern=r"^https?://")


@dataclass(frozen=True, slots=True)
class Assumption:
    """A value no public source gives: where it is in the scheme, and why it was chosen."""

    where: str
    why: str


class Scheme(SchemeModel):
    """One version of a scheme, consistent in itself."""

    id: Slug
    version: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    title: str
    status: SchemeStatus
    summary: str
    legal_basis: str
    effective_from: date
    effective_until: date | None = None
    nationality_rule: RuleRef
    extension_rule: RuleRef | None = None
    leap_day_birthday: LeapDayBirthday
    sources: tuple[Source, ...] = ()
    #: Rule references by prefix (``"YMS"`` covers ``"YMS 3.3"``), each to a source id.
    rule_sources: dict[Annotated[str, Field(min_length=1, max_length=120)], str] = Field(
        default_factory=dict
    )
    parties: dict[Annotated[CountryCode, BeforeValidator(_known_code)], str]
    arrangements: tuple[Arrangement, ...] = Field(min_length=1)
    allocations: tuple[Allocation, ...] = ()
    allocation_fallback: AllocationFallback | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for problem in self._problems():
            raise ValueError(problem)
        return self

    def _problems(self) -> Iterator[str]:
        source_ids = {source.id for source in self.sources}
        for prefix, cited in self.rule_sources.items():
            if cited not in source_ids:
                yield f"rule_sources[{prefix!r}] names {cited!r}, which is not one of the sources"
        for cited in _cited_sources(self):
            if cited not in source_ids and not cited.startswith(("http://", "https://")):
                yield f"source {cited!r} is neither a URL nor the id of one of the sources"
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            yield "effective_until must be after effective_from"
        seen: set[str] = set()
        for arrangement in self.arrangements:
            if arrangement.id in seen:
                yield f"arrangement {arrangement.id} is defined twice"
            seen.add(arrangement.id)
            for code in (arrangement.nationality, arrangement.host):
                if code not in self.parties:
                    yield f"arrangement {arrangement.id} names {code}, which is not in parties"
        yield from self._allocation_problems(seen)

    def _allocation_problems(self, arrangement_ids: set[str]) -> Iterator[str]:
        allocation_ids: set[str] = set()
        allocated: dict[tuple[str, int], str] = {}
        for allocation in self.allocations:
            if allocation.id in allocation_ids:
                yield f"allocation {allocation.id} is defined twice"
            allocation_ids.add(allocation.id)
            for arrangement_id in allocation.arrangements:
                if arrangement_id not in arrangement_ids:
                    yield f"allocation {allocation.id} names unknown arrangement {arrangement_id}"
                key = (arrangement_id, allocation.year)
                if key in allocated:
                    yield (
                        f"arrangement {arrangement_id} is in both {allocated[key]} and "
                        f"{allocation.id} for {allocation.year}"
                    )
                allocated[key] = allocation.id
                invited = self._by_id.get(arrangement_id)
                if invited is not None and allocation.ballot != (
                    invited.requirements.invitation is not None
                ):
                    needs = "does not require" if allocation.ballot else "requires"
                    yield (
                        f"allocation {allocation.id} ballot={allocation.ballot} but arrangement "
                        f"{arrangement_id} {needs} an invitation"
                    )

    @cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {source.id: source for source in self.sources}

    @cached_property
    def _by_id(self) -> dict[str, Arrangement]:
        return {arrangement.id: arrangement for arrangement in self.arrangements}

    @cached_property
    def _hosts_by_nationality(self) -> dict[str, tuple[str, ...]]:
        hosts: dict[str, list[str]] = {}
        for arrangement in self.arrangements:
            hosts.setdefault(arrangement.nationality, []).append(arrangement.host)
        return {nationality: tuple(codes) for nationality, codes in hosts.items()}

    @property
    def key(self) -> str:
        """``ID@VERSION``: names this version exactly."""
        return f"{self.id}@{self.version}"

    def arrangement(self, arrangement_id: str) -> Arrangement | None:
        """The arrangement with this id, if the scheme has it."""
        return self._by_id.get(arrangement_id)

    def hosts_for(self, nationality: str) -> tuple[str, ...]:
        """The host countries this scheme opens to nationals of `nationality`."""
        return self._hosts_by_nationality.get(nationality, ())

    def allocation(self, allocation_id: str) -> Allocation | None:
        """The allocation with this id, if the scheme has it."""
        return next((a for a in self.allocations if a.id == allocation_id), None)

    def allocations_holding(self, arrangement_id: str) -> tuple[Allocation, ...]:
        """Every allocation (of any year) that holds places for this arrangement."""
        return tuple(a for a in self.allocations if arrangement_id in a.arrangements)

    def arrangements_of(self, allocation: Allocation) -> tuple[Arrangement, ...]:
        """The arrangements whose places `allocation` holds."""
        return tuple(self._by_id[arrangement_id] for arrangement_id in allocation.arrangements)

    def allocation_for(self, arrangement_id: str, year: int) -> Allocation | None:
        """The allocation holding this arrangement's places in `year`, if any."""
        for allocation in self.allocations:
            if allocation.year == year and arrangement_id in allocation.arrangements:
                return allocation
        return None

    def in_force_on(self, day: date) -> bool:
        """Whether this version applies to an application made on `day`."""
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )

    def source_for(self, rule: str) -> Source | None:
        """The public source a rule reference comes from, if the scheme names one.

        A source whose id is the reference itself (``"CU 2025"``) wins; otherwise
        the longest prefix in `rule_sources` that the reference starts with, as a
        whole word (``"YMS"`` covers ``"YMS 1.4.A"``, not ``"YMSX 1"``).
        """
        by_id = self._sources_by_id
        if rule in by_id:
            return by_id[rule]
        matches = [
            prefix
            for prefix in self.rule_sources
            if rule == prefix or rule.startswith((f"{prefix} ", f"{prefix}."))
        ]
        if not matches:
            return None
        return by_id.get(self.rule_sources[max(matches, key=len)])

    def assumptions(self) -> tuple[Assumption, ...]:
        """Every value marked as an assumption, once each, in file order.

        `where` is a dotted path such as ``requirements.invitation`` (the same
        for every arrangement that shares it) or
        ``allocations.eu-to-uk-2027.emergency_brake``.
        """
        found: dict[str, Assumption] = {}
        for arrangement in self.arrangements:
            for where, value in _provenances(arrangement, ""):
                found.setdefault(where, Assumption(where, str(value.why)))
        for allocation in self.allocations:
            for where, value in _provenances(allocation, f"allocations.{allocation.id}"):
                found.setdefault(where, Assumption(where, str(value.why)))
        return tuple(found.values())

    def party_name(self, code: str) -> str:
        """The scheme's own name for a party."""
        return self.parties.get(code, code)

    def party_place(self, code: str) -> str:
        """The party's name as it reads after "in" or "to": "the United Kingdom", "Japan"."""
        name = self.party_name(code)
        return f"the {name}" if name.startswith(_NAMES_WITH_THE) else name


#: Names English writes with "the" in a sentence ("in the Netherlands"), by how they begin.
_NAMES_WITH_THE = ("United ", "Republic ", "Netherlands", "Czech Republic", "Philippines")


def _provenances(model: BaseModel, path: str) -> Iterator[tuple[str, Provenance]]:
    """Every assumption inside `model`, with its dotted path (items by id where they have one)."""
    if isinstance(model, Provenance) and model.assumption:
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, BaseModel):
                key = getattr(item, "id", None) or getattr(item, "kind", None)
                inner = f"{name}.{key}" if isinstance(value, tuple) and key else name
                yield from _provenances(item, f"{path}.{inner}" if path else inner)


def _cited_sources(model: BaseModel) -> Iterator[str]:
    """Every `source` value anywhere inside `model`."""
    if isinstance(model, Provenance) and model.source is not None:
        yield model.source
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, BaseModel):
                yield from _cited_sources(item)


def arrangement_id(nationality: str, host: str) -> str:
    """The id of the arrangement for `nationality` nationals going to `host`."""
    return f"{nationality}-{host}"


_ARRANGEMENT_ID = re.compile(r"^(?P<nationality>[A-Z]{2}(?:-[A-Z]{3,4})?)-(?P<host>[A-Z]{2})\Z")


def split_arrangement_id(value: str) -> tuple[str, str]:
    """``("AU", "GB")`` from ``"AU-GB"``; raises `ValueError` for anything else."""
    match = _ARRANGEMENT_ID.match(value)
    if match is None:
        raise ValueError(f"not an arrangement id: {value!r}")
    return match["nationality"], match["host"]
