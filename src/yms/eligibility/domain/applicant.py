"""What yms knows about one applicant, and the JSON shape it arrives in.

`Applicant` is the value the eligibility engine reads: every fact may be `None`,
meaning *not known*. `ApplicantInput` is the strict JSON form (CLI, API, portal):
an absent field is not known; unknown fields, impossible dates and unknown codes
are errors. One field differs: ``"invitation_ref": null`` says *no invitation*,
while leaving it out says the invitation is not known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from yms.kernel.countries import is_known_code
from yms.kernel.money import MINOR_UNIT_PLACES, Money
from yms.schemes.domain.documents import DocumentKind


class ApplicationType(StrEnum):
    """Entry clearance from outside the host, or permission to stay (the extension) inside it."""

    ENTRY_CLEARANCE = "entry_clearance"
    PERMISSION_TO_STAY = "permission_to_stay"


@dataclass(frozen=True, slots=True)
class HeldDocument:
    """A document the applicant holds, and the date it was issued."""

    kind: DocumentKind
    issued: date


@dataclass(frozen=True, slots=True)
class Funds:
    """The applicant's funds; any part may be unknown."""

    amount: Money | None = None
    held_days: int | None = None
    latest_evidence_date: date | None = None


@dataclass(frozen=True, slots=True)
class Applicant:
    """The facts about one applicant. `None` means the fact is not known."""

    nationality: str | None = None
    host: str | None = None
    date_of_birth: date | None = None
    application_date: date | None = None
    valid_from: date | None = None
    application_type: ApplicationType = ApplicationType.ENTRY_CLEARANCE
    funds: Funds | None = None
    children_under_18: bool | None = None
    previous_participation: bool | None = None
    has_invitation: bool | None = None
    invitation_ref: str | None = None
    qualification_rqf_level: int | None = None
    documents: tuple[HeldDocument, ...] | None = None
    in_host_country: bool | None = None
    last_permission_on_scheme: bool | None = None
    previous_extension: bool | None = None
    #: Answers to a scheme's declarations, by declaration id; a missing id is not known.
    declarations: Mapping[str, bool] | None = None

    def declared(self, declaration_id: str) -> bool | None:
        """The yes/no answer to one declaration, or `None` if it was not given."""
        if self.declarations is None:
            return None
        return self.declarations.get(declaration_id)

    def latest_document(self, kind: DocumentKind) -> date | None:
        """The issue date of the most recent document of `kind`, or `None` if none is held."""
        if self.documents is None:
            return None
        dates = [document.issued for document in self.documents if document.kind is kind]
        return max(dates, default=None)


# --- JSON input -------------------------------------------------------------------------


def _country(value: str) -> str:
    if not is_known_code(value):
        raise ValueError(
            f"unknown country code {value!r}: use ISO 3166-1 alpha-2 (e.g. AU), "
            "or GB-BOC, GB-BOTC, GB-BNO"
        )
    return value


def _currency(value: str) -> str:
    if pycountry.currencies.get(alpha_3=value) is None:
        raise ValueError(f"unknown currency code {value!r}: use ISO 4217 (e.g. GBP)")
    return value


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("must be zero or more")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MINOR_UNIT_PLACES:
        raise ValueError(f"has more than {MINOR_UNIT_PLACES} decimal places")
    return value


#: How many declaration answers one applicant may give; schemes ask a handful.
MAX_DECLARATIONS = 20

CountryInput = Annotated[str, AfterValidator(_country)]
CurrencyInput = Annotated[str, AfterValidator(_currency)]
AmountInput = Annotated[Decimal, AfterValidator(_amount)]


class InputModel(BaseModel):
    """Strict JSON input: no coercion, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FundsInput(InputModel):
    """``funds`` in applicant JSON."""

    amount: AmountInput | None = None
    currency: CurrencyInput | None = None
    held_days: Annotated[int, Field(ge=0, le=36600)] | None = None
    latest_evidence_date: date | None = None

    @model_validator(mode="after")
    def _amount_has_currency(self) -> Self:
        if self.amount is not None and self.currency is None:
            raise ValueError("currency is needed with amount")
        return self


class DocumentInput(InputModel):
    """One entry of ``documents`` in applicant JSON."""

    kind: DocumentKind
    issued: date


class ApplicantInput(InputModel):
    """An applicant as JSON. Every field may be absent; absent means not known."""

    nationality: CountryInput | None = None
    host: CountryInput | None = None
    date_of_birth: date | None = None
    application_date: date | None = None
    valid_from: date | None = None
    application_type: ApplicationType | None = None
    funds: FundsInput | None = None
    children_under_18: bool | None = None
    previous_participation: bool | None = None
    invitation_ref: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    qualification_rqf_level: Annotated[int, Field(ge=0, le=8)] | None = None
    documents: list[DocumentInput] | None = None
    in_host_country: bool | None = None
    last_permission_on_scheme: bool | None = None
    previous_extension: bool | None = None
    declarations: (
        Annotated[
            dict[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)+$", max_length=60)], bool],
            Field(max_length=MAX_DECLARATIONS),
        ]
        | None
    ) = None

    def to_applicant(self) -> Applicant:
        """The domain `Applicant`: absent and null both mean not known, but for `invitation_ref`."""
        given = self.model_fields_set
        has_invitation = (self.invitation_ref is not None) if "invitation_ref" in given else None
        return Applicant(
            nationality=self.nationality,
            host=self.host,
            date_of_birth=self.date_of_birth,
            application_date=self.application_date,
            valid_from=self.valid_from,
            application_type=self.application_type or ApplicationType.ENTRY_CLEARANCE,
            funds=self._funds(),
            children_under_18=self.children_under_18,
            previous_participation=self.previous_participation,
            has_invitation=has_invitation,
            invitation_ref=self.invitation_ref,
            qualification_rqf_level=self.qualification_rqf_level,
            documents=(
                None
                if self.documents is None
                else tuple(HeldDocument(d.kind, d.issued) for d in self.documents)
            ),
            in_host_country=self.in_host_country,
            last_permission_on_scheme=self.last_permission_on_scheme,
            previous_extension=self.previous_extension,
            declarations=dict(self.declarations) if self.declarations is not None else None,
        )

    def _funds(self) -> Funds | None:
        if self.funds is None:
            return None
        amount = (
            Money(self.funds.amount, self.funds.currency)
            if self.funds.amount is not None and self.funds.currency is not None
            else None
        )
        return Funds(amount, self.funds.held_days, self.funds.latest_evidence_date)


class EligibilityQuery(ApplicantInput):
    """The API's question: an applicant as JSON, and the scheme to check them against."""

    scheme: Annotated[str, Field(min_length=1, max_length=64)]
