"""Demand for a scheme, per nationality, and the simulator's own parameters.

A demand file says, for each nationality, how many people would enter a ballot
(or apply, where there is no ballot) each year: either directly
(``applicants_per_year``) or as the eligible population times the yearly
take-up (``population`` x ``share_18_30`` x ``take_up``). Each quantity is a
*block*: a default source (or assumption) for the block, and values per
nationality, each a number or an inline table with its own source. Every value
says where it comes from, or that it is an assumption and why (`Figure`).

The parameters are the simulator's, not the scheme's rules: how many invitations
are accepted, how many applications are refused, how many take an extension,
ballot windows a year, and the months from invitation to application and from
application to decision. Each has a default here, marked as an assumption with
its reason, which a demand file may override.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from yms.kernel.countries import is_known_code
from yms.kernel.validation import field_problems


class DemandError(ValueError):
    """Demand that cannot be used: `field` is the dotted path at fault, `problem` what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


def _known_code(value: object) -> object:
    if isinstance(value, str) and not is_known_code(value):
        raise ValueError(f"unknown country code {value!r}")
    return value


CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}(-[A-Z]{3,4})?$"), BeforeValidator(_known_code)
]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class DemandModel(BaseModel):
    """Base for demand data: immutable, and unknown keys are errors (typos never pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Marked(DemandModel):
    """Where a value comes from: a source, or an assumption with the reason it was chosen.

    `source` is the id of one of the file's sources, or a URL.
    """

    source: str | None = Field(default=None, min_length=1)
    assumption: StrictBool = False
    why: str | None = Field(default=None, min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _assumption_has_why(self) -> Self:
        if self.assumption and not self.why:
            raise ValueError("an assumption needs a why: say why the value was chosen")
        if self.why and not self.assumption:
            raise ValueError("why explains an assumption; set assumption = true, or drop why")
        return self

    @property
    def marked(self) -> bool:
        """Whether the value has a source or is marked as an assumption."""
        return self.source is not None or self.assumption


class Figure(Marked):
    """One value with where it comes from."""

    value: Amount


def _as_figure(value: object) -> object:
    # A plain number stands for a value with the block's provenance.
    return {"value": value} if isinstance(value, int | float) else value


class Block(Marked):
    """One quantity for every nationality: its provenance, a default, and values by nationality.

    A value written as a plain number takes the block's source (or assumption); one
    written as an inline table ``{ value = ..., source = ... }`` carries its own.
    """

    what: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    default: Amount | None = None
    values: dict[CountryCode, Annotated[Figure, BeforeValidator(_as_figure)]] = Field(
        default_factory=dict
    )

    def figure(self, code: str) -> Figure | None:
        """The value for `code` (or the block's default) with its provenance, if any."""
        given = self.values.get(code)
        if given is not None:
            return given if given.marked else self._figure(given.value, note=given.note)
        if self.default is not None:
            return self._figure(self.default)
        return None

    def _figure(self, value: float, *, note: str | None = None) -> Figure:
        return Figure(
            value=value,
            source=self.source,
            assumption=self.assumption,
            why=self.why,
            note=note or self.note,
        )


class Destinations(Marked):
    """How one nationality's demand splits between several hosts.

    ``by = "population"`` splits in proportion to the hosts' populations (from the
    file's population block); ``by = "equal"`` evenly; ``weights`` by the given weights.
    """

    by: Literal["population", "equal"] | None = None
    weights: dict[CountryCode, Amount] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.by is None) == (self.weights is None):
            raise ValueError('give either by ("population" or "equal") or weights')
        return self


def _assumed(value: float, why: str, source: str | None = None) -> Figure:
    return Figure(value=value, assumption=True, why=why, source=source)


class Parameters(DemandModel):
    """What the simulator needs that no scheme rule gives; every default is an assumption."""

    acceptance_rate: Figure = _assumed(
        0.7,
        "No UK figure is published. The IEC (Canada) issued more than 14,000 invitations for "
        "its 9,000 UK places by mid-2025, which suggests about two in three invitations "
        "become applications; yms takes 70%.",
        source="https://working-holiday-canada.com/?p=1479",
    )
    refusal_rate: Figure = _assumed(
        0.05,
        "No refusal rate for the UK scheme was found; 5% of decided applications is illustrative.",
    )
    extension_share: Figure = _assumed(
        0.5,
        "No source gives how many holders extend where an extension is allowed; half is "
        "illustrative.",
    )
    ballot_windows_per_year: Figure = _assumed(
        2,
        "UK ballots for Hong Kong and Taiwan typically open in January and July: two windows.",
        source="https://govukdiff.njk.onl/update/2024-07-10T09:42:00+01:00/www.gov.uk/guidance/youth-mobility-scheme-visa-ballot-system",
    )
    months_to_apply: Figure = _assumed(
        1,
        "An invitation gives 90 days to apply (eiglaw, 2025); yms assumes most apply in the "
        "month after it.",
        source="https://eiglaw.com/uk-opens-second-2025-youth-mobility-scheme-ballot-for-hong-kong-and-taiwan",
    )
    months_to_decision: Figure = _assumed(
        1,
        "A decision takes about 3 weeks (gov.uk, copied at sasastunts.com): one month.",
        source="https://sasastunts.com/youth-mobility",
    )
    unset_years: Literal["repeat", "fallback"] = "repeat"

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        for name in ("acceptance_rate", "refusal_rate", "extension_share"):
            if getattr(self, name).value > 1:
                raise ValueError(f"{name} is a share: at most 1")
        windows = self.ballot_windows_per_year.value
        if windows not in {1, 2, 3, 4, 6, 12}:
            raise ValueError("ballot_windows_per_year must divide the year: 1, 2, 3, 4, 6 or 12")
        for name in ("months_to_apply", "months_to_decision"):
            months = getattr(self, name).value
            if months != int(months) or months > 12:  # noqa: PLR2004 - a year
                raise ValueError(f"{name} must be a whole number of months, at most 12")
        return self

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Each parameter with its figure."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Figure):
                yield name, value


class Source(DemandModel):
    """A public document values come from."""

    id: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")


#: The blocks a demand may give, and what each counts.
BLOCKS = {
    "population": "people",
    "share_18_30": "share of the population aged 18 to 30",
    "take_up": "share of the eligible who enter a ballot or apply each year",
    "applicants_per_year": "people entering a ballot or applying each year",
}


class Demand(DemandModel):
    """Who would come, per nationality, with every value's source or assumption."""

    title: str = Field(min_length=1)
    note: str | None = None
    sources: tuple[Source, ...] = ()
    population: Block | None = None
    share_18_30: Block | None = None
    take_up: Block | None = None
    applicants_per_year: Block | None = None
    destinations: dict[CountryCode, Destinations] = Field(default_factory=dict)
    parameters: Parameters = Parameters()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for problem in self._problems():
            raise ValueError(problem)
        return self

    def _problems(self) -> Iterator[str]:
        if not self.nationalities():
            yield "population: give a nationality here or in applicants_per_year.values"
        for name in ("share_18_30", "take_up"):
            for code in self.nationalities():
                share = self._figure(name, code)
                if share is not None and share.value > 1:
                    yield f"{name}.values.{code}: a share, at most 1"
        for code in self.nationalities():
            if self._figure("applicants_per_year", code) is not None:
                continue
            missing = [
                n for n in ("population", "share_18_30", "take_up") if not self._figure(n, code)
            ]
            if missing:
                yield (
                    f"{missing[0]}.values.{code}: is required (or give "
                    f"applicants_per_year.values.{code})"
                )
        ids = {source.id for source in self.sources}
        for where, figure in self.figures():
            cited = figure.source
            if cited and cited not in ids and not cited.startswith(("http://", "https://")):
                yield f"{where}: source {cited!r} is neither a URL nor the id of one of the sources"

    def _block(self, name: str) -> Block | None:
        block = getattr(self, name)
        return block if isinstance(block, Block) else None

    def _figure(self, name: str, code: str) -> Figure | None:
        block = self._block(name)
        return block.figure(code) if block else None

    def nationalities(self) -> tuple[str, ...]:
        """Every nationality the demand gives, sorted."""
        codes: set[str] = set()
        for name in ("population", "applicants_per_year"):
            block = self._block(name)
            if block is not None:
                codes.update(block.values)
        return tuple(sorted(codes))

    def population_of(self, code: str) -> float | None:
        """The population of `code`, if the demand gives it."""
        figure = self._figure("population", code)
        return figure.value if figure else None

    def yearly_entries(self, code: str) -> float:
        """People of nationality `code` entering a ballot or applying in a year (expected)."""
        given = self._figure("applicants_per_year", code)
        if given is not None:
            return given.value
        population, share, take_up = (
            self._figure(name, code) for name in ("population", "share_18_30", "take_up")
        )
        if population is None or share is None or take_up is None:
            raise DemandError(f"applicants_per_year.values.{code}", "is required")
        return population.value * share.value * take_up.value

    def figures(self) -> Iterator[tuple[str, Marked]]:
        """Every value in use, with its dotted path: blocks by nationality, then parameters."""
        for name in BLOCKS:
            block = self._block(name)
            if block is None:
                continue
            codes = self.nationalities() if block.default is not None else tuple(block.values)
            for code in codes:
                figure = block.figure(code)
                if figure is not None:
                    yield f"{name}.values.{code}", figure
        for code, destinations in self.destinations.items():
            yield f"destinations.{code}", destinations
        for name, figure in self.parameters.figures():
            yield f"parameters.{name}", figure

    def unmarked(self) -> tuple[str, ...]:
        """The paths of values with neither a source nor an assumption."""
        return tuple(where for where, figure in self.figures() if not figure.marked)

    def assumptions(self) -> tuple[tuple[str, str], ...]:
        """Every assumption, with its reason: ``(where, why)``; a block's once, by its name."""
        found: list[tuple[str, str]] = []
        for name in BLOCKS:
            block = self._block(name)
            if block is None:
                continue
            if block.assumption:
                found.append((name, str(block.why)))
            found.extend(
                (f"{name}.values.{code}", str(value.why))
                for code, value in block.values.items()
                if isinstance(value, Figure) and value.assumption
            )
        found.extend(
            (f"destinations.{code}", str(destinations.why))
            for code, destinations in self.destinations.items()
            if destinations.assumption
        )
        found.extend(
            (f"parameters.{name}", str(figure.why))
            for name, figure in self.parameters.figures()
            if figure.assumption
        )
        return tuple(found)


def parse_demand(raw: Mapping[str, object]) -> Demand:
    """Validate a demand read from a file; raises `DemandError` naming the first field at fault."""
    try:
        return Demand.model_validate(raw)
    except ValidationError as error:
        problem = field_problems(error)[0]
        field, message = problem.path, problem.message
        if not field:  # a check across fields names its field first: "take_up.values.FR: ..."
            named, _, rest = message.partition(": ")
            if rest and " " not in named:
                field, message = named, rest
        raise DemandError(field, message) from error
