"""The requirements a scheme can set, each applied to one applicant or to columns.

Every requirement has two forms side by side, `check` for one applicant (with the
value it saw and a sentence saying why) and `check_columns` for many (outcome
codes only). They must agree row for row; `tests/domain/eligibility` proves it on
generated applicants.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

import numpy as np

from yms.eligibility.domain import columns as col
from yms.eligibility.domain.applicant import Applicant
from yms.eligibility.domain.columns import ApplicantColumns, Flags
from yms.eligibility.domain.outcome import FAIL, PASS, UNKNOWN, JsonValue, Outcome
from yms.eligibility.domain.outcome import RequirementResult as Result
from yms.kernel.dates import LeapDayBirthday, age_on, days_before, months_before
from yms.kernel.money import Money
from yms.kernel.text import N_, Message, message
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import TestedOn


class Requirement(ABC):
    """One requirement of one arrangement, with its rule reference."""

    id: str
    rule: str

    @abstractmethod
    def check(self, applicant: Applicant) -> Result:
        """Apply the requirement to one applicant."""

    @abstractmethod
    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Apply the requirement to every row: an array of outcome codes."""

    def _result(self, outcome: Outcome, value: JsonValue, detail: Message) -> Result:
        return Result(self.id, self.rule, outcome, value, detail)


def _choose(unknown: np.ndarray, failed: np.ndarray) -> Flags:
    """Outcome codes from two masks: unknown wins, then fail, else pass."""
    return np.where(unknown, UNKNOWN, np.where(failed, FAIL, PASS)).astype(np.int8)


# --- ages -------------------------------------------------------------------------------

_DATE_NAMES = {
    TestedOn.APPLICATION_DATE: N_("the date of application"),
    TestedOn.VALID_FROM: N_("the date the permission becomes valid"),
}


@dataclass(frozen=True, slots=True)
class _AgeLimit(Requirement):
    id: str
    rule: str
    years: int
    tested_on: TestedOn
    leap_day: LeapDayBirthday

    @abstractmethod
    def _within(self, age: int) -> bool: ...

    @abstractmethod
    def _within_columns(self, ages: col.Counts) -> np.ndarray: ...

    @abstractmethod
    def _explain(self, *, passed: bool) -> str: ...

    @abstractmethod
    def _settled_early(self, age: int) -> Outcome | None:
        """The outcome that an age reached before the tested date already settles, if any.

        Age only grows: an applicant old enough (or too old) on the application
        date is so on any later date the permission may start.
        """

    @abstractmethod
    def _settled_early_columns(self, ages: col.Counts) -> tuple[np.ndarray, np.ndarray]:
        """Column form of `_settled_early`: masks of rows settled as passed, and as failed."""

    def check(self, applicant: Applicant) -> Result:
        """Pass if the age reached on the tested date is within the limit.

        When the limit is tested on the date the permission becomes valid and
        that date is not known, the age on the application date settles it if it
        can (the permission cannot start before the application); otherwise the
        outcome is not known, never failed (YMS 3.4).
        """
        if applicant.date_of_birth is None:
            return self._result(Outcome.UNKNOWN, None, message(N_("Date of birth not given.")))
        on = applicant.application_date
        if self.tested_on is TestedOn.VALID_FROM and applicant.valid_from is not None:
            on = applicant.valid_from
        if on is None:
            return self._result(
                Outcome.UNKNOWN,
                None,
                message(N_("Not known: {date_name} was not given."), date_name=self._date_name),
            )
        age = age_on(applicant.date_of_birth, on, leap_day=self.leap_day)
        if self.tested_on is TestedOn.VALID_FROM and applicant.valid_from is None:
            return self._settled_by_application_date(age, on)
        passed = self._within(age)
        detail = message(
            self._explain(passed=passed),
            age=age,
            on=on,
            date_name=self._date_name,
            years=self.years,
        )
        return self._result(Outcome.PASS if passed else Outcome.FAIL, age, detail)

    def _settled_by_application_date(self, age: int, on: date) -> Result:
        # Only a minimum is settled as passed early, and only a maximum as failed.
        settled = self._settled_early(age)
        params = {"age": age, "on": on, "years": self.years}
        if settled is Outcome.PASS:
            template = N_(
                "Aged {age} on the date of application ({on}), so at least {years} "
                "on any date the permission can start."
            )
        elif settled is Outcome.FAIL:
            template = N_(
                "Aged {age} on the date of application ({on}), so over the limit of {years} "
                "on any date the permission can start."
            )
        else:
            template = N_(
                "Aged {age} on the date of application ({on}); the limit of {years} is tested "
                "on the date the permission becomes valid, which was not given."
            )
        return self._result(settled or Outcome.UNKNOWN, age, message(template, **params))

    @property
    def _date_name(self) -> str:
        return _DATE_NAMES[self.tested_on]

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        if self.tested_on is TestedOn.APPLICATION_DATE:
            unknown = np.isnat(columns.date_of_birth) | np.isnat(columns.application_date)
            ages = col.ages_on(
                columns.date_of_birth, columns.application_date, leap_day=self.leap_day
            )
            return _choose(unknown, ~self._within_columns(ages))
        start_known = ~np.isnat(columns.valid_from)
        on = np.where(start_known, columns.valid_from, columns.application_date)
        unknown = np.isnat(columns.date_of_birth) | np.isnat(on)
        ages = col.ages_on(columns.date_of_birth, on, leap_day=self.leap_day)
        passed_early, failed_early = self._settled_early_columns(ages)
        failed = np.where(start_known, ~self._within_columns(ages), failed_early)
        unknown |= ~start_known & ~passed_early & ~failed_early
        return _choose(unknown, failed)


@dataclass(frozen=True, slots=True)
class AgeMaximum(_AgeLimit):
    """Aged `years` or under on the tested date (e.g. YMS 1.4)."""

    def _within(self, age: int) -> bool:
        return age <= self.years

    def _within_columns(self, ages: col.Counts) -> np.ndarray:
        return ages <= self.years

    def _settled_early(self, age: int) -> Outcome | None:
        return Outcome.FAIL if age > self.years else None

    def _settled_early_columns(self, ages: col.Counts) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(ages.shape, dtype=bool), ages > self.years

    def _explain(self, *, passed: bool) -> str:
        if passed:
            return N_("Aged {age} on {date_name} ({on}); the limit is {years} or under.")
        return N_("Aged {age} on {date_name} ({on}), over the limit of {years}.")


@dataclass(frozen=True, slots=True)
class AgeMinimum(_AgeLimit):
    """Aged `years` or over on the tested date (e.g. YMS 3.4)."""

    def _within(self, age: int) -> bool:
        return age >= self.years

    def _within_columns(self, ages: col.Counts) -> np.ndarray:
        return ages >= self.years

    def _settled_early(self, age: int) -> Outcome | None:
        return Outcome.PASS if age >= self.years else None

    def _settled_early_columns(self, ages: col.Counts) -> tuple[np.ndarray, np.ndarray]:
        return ages >= self.years, np.zeros(ages.shape, dtype=bool)

    def _explain(self, *, passed: bool) -> str:
        if passed:
            return N_("Aged {age} on {date_name} ({on}); the minimum is {years}.")
        return N_("Aged {age} on {date_name} ({on}), under the minimum age of {years}.")


# --- yes/no facts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact(Requirement):
    """A yes/no fact about the applicant that must have the value `required`."""

    id: str
    rule: str
    attribute: str
    required: bool
    when_met: str
    when_not_met: str
    when_unknown: str

    def check(self, applicant: Applicant) -> Result:
        """Pass if the fact is known and equals `required`."""
        value: bool | None = getattr(applicant, self.attribute)
        if value is None:
            return self._result(Outcome.UNKNOWN, None, message(self.when_unknown))
        if value is self.required:
            return self._result(Outcome.PASS, value, message(self.when_met))
        return self._result(Outcome.FAIL, value, message(self.when_not_met))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        flags: Flags = getattr(columns, self.attribute)
        return _choose(flags == col.NOT_KNOWN, flags != int(self.required))


def previous_participation(rule: str) -> Fact:
    """Never before on the scheme (e.g. YMS 3.3)."""
    return Fact(
        "previous_participation",
        rule,
        "previous_participation",
        required=False,
        when_met=N_("Not on this scheme before."),
        when_not_met=N_("Has been on this scheme before; it allows one stay."),
        when_unknown=N_("Not known whether you have been on this scheme before."),
    )


def no_children_under_18(rule: str) -> Fact:
    """No children under 18 living with or financially dependent on the applicant (YMS 5.3)."""
    return Fact(
        "children_under_18",
        rule,
        "children_under_18",
        required=False,
        when_met=N_("No children under 18 living with you or dependent on you."),
        when_not_met=N_(
            "Has a child under 18 living with them or financially dependent on them; "
            "this scheme does not allow that."
        ),
        when_unknown=N_(
            "Not known whether you have children under 18 living with you or dependent on you."
        ),
    )


def in_host_country(rule: str) -> Fact:
    """In the host country when applying to stay (YMS 1.4.A(a))."""
    return Fact(
        "in_host_country",
        rule,
        "in_host_country",
        required=True,
        when_met=N_("In the host country."),
        when_not_met=N_("Permission to stay is applied for from inside the host country."),
        when_unknown=N_("Not known whether you are in the host country."),
    )


def last_permission_on_scheme(rule: str) -> Fact:
    """Holds, or was last granted, permission to enter on the scheme (YMS 1.4.A(b))."""
    return Fact(
        "last_permission_on_scheme",
        rule,
        "last_permission_on_scheme",
        required=True,
        when_met=N_("Your current or last permission is on this scheme."),
        when_not_met=N_("Your current or last permission must be on this scheme."),
        when_unknown=N_("Not known whether your current or last permission is on this scheme."),
    )


def no_previous_extension(rule: str) -> Fact:
    """Not previously granted permission to stay on the scheme (YMS 1.4.A(c))."""
    return Fact(
        "previous_extension",
        rule,
        "previous_extension",
        required=False,
        when_met=N_("Not extended on this scheme before."),
        when_not_met=N_("Already extended once on this scheme; only one extension is allowed."),
        when_unknown=N_("Not known whether you have extended on this scheme before."),
    )


@dataclass(frozen=True, slots=True)
class Declared(Requirement):
    """A scheme's declaration (e.g. health insurance): yes meets it, no fails it.

    yms cannot check these from other facts, so it asks; one not answered is not
    known, which keeps the overall answer from being "eligible" on age and
    nationality alone.
    """

    id: str
    rule: str
    requirement: str

    def check(self, applicant: Applicant) -> Result:
        """Pass on yes, fail on no, not known when not answered."""
        answer = applicant.declared(self.id)
        if answer is None:
            template = N_("Not known: you were not asked whether you have {requirement}.")
            return self._result(
                Outcome.UNKNOWN, None, message(template, requirement=self.requirement)
            )
        if answer:
            template = N_("You said you have {requirement}.")
            detail = message(template, requirement=self.requirement)
            return self._result(Outcome.PASS, value=True, detail=detail)
        template = N_("Not met: {requirement} is needed, and you said you do not have it.")
        detail = message(template, requirement=self.requirement)
        return self._result(Outcome.FAIL, value=False, detail=detail)

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        flags = columns.declaration(self.id)
        return _choose(flags == col.NOT_KNOWN, flags == col.NO)


@dataclass(frozen=True, slots=True)
class InvitationHeld(Requirement):
    """An invitation to apply, issued from the ballot (e.g. YMS 4.2)."""

    rule: str
    id: str = "invitation"

    def check(self, applicant: Applicant) -> Result:
        """Pass if an invitation reference was given; its time limit is checked on the record."""
        if applicant.has_invitation is None:
            return self._result(
                Outcome.UNKNOWN, None, message(N_("Not known whether you have an invitation."))
            )
        if not applicant.has_invitation:
            return self._result(
                Outcome.FAIL,
                None,
                message(N_("No invitation to apply: one is needed, from this scheme's ballot.")),
            )
        if applicant.invitation_ref is None:  # the portal asks only whether there is one
            return self._result(
                Outcome.PASS,
                None,
                message(
                    N_("You have an invitation; its time limit is checked on the ballot record.")
                ),
            )
        return self._result(
            Outcome.PASS,
            applicant.invitation_ref,
            message(
                N_("Invitation {ref} given; its time limit is checked against the ballot record."),
                ref=applicant.invitation_ref,
            ),
        )

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        flags = columns.has_invitation
        return _choose(flags == col.NOT_KNOWN, flags == col.NO)


# --- documents and qualifications -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentHeld(Requirement):
    """A document of `kind` issued no more than `max_age_months` before the application."""

    id: str
    rule: str
    kind: DocumentKind
    max_age_months: int

    def check(self, applicant: Applicant) -> Result:
        """Fail if not held, or issued after or too long before the application date."""
        name = self.kind.description
        if applicant.documents is None:
            return self._result(
                Outcome.UNKNOWN,
                None,
                message(N_("Not known whether you hold a {name}."), name=name),
            )
        issued = applicant.latest_document(self.kind)
        if issued is None:
            return self._result(
                Outcome.FAIL, None, message(N_("A {name} is needed and none was given."), name=name)
            )
        if applicant.application_date is None:
            return self._result(
                Outcome.UNKNOWN,
                issued.isoformat(),
                message(N_("Not known: the date of application was not given.")),
            )
        earliest = months_before(applicant.application_date, self.max_age_months)
        params = {"name": name, "issued": issued, "months": self.max_age_months}
        if issued > applicant.application_date:
            template = N_("The {name} is dated {issued}, after the date of application.")
            return self._result(Outcome.FAIL, issued.isoformat(), message(template, **params))
        if issued < earliest:
            template = N_(
                "The {name} was issued on {issued}, more than {months} months before the date "
                "of application."
            )
            return self._result(Outcome.FAIL, issued.isoformat(), message(template, **params))
        template = N_("The {name} was issued on {issued}, within {months} months of applying.")
        return self._result(Outcome.PASS, issued.isoformat(), message(template, **params))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        issued = columns.document(self.kind)
        applied = columns.application_date
        held = ~np.isnat(issued)
        known = columns.documents_known
        earliest = col.months_before(applied, self.max_age_months)
        unknown = ~known | (held & np.isnat(applied))
        failed = ~held | (issued > applied) | (issued < earliest)
        return _choose(unknown, failed)


@dataclass(frozen=True, slots=True)
class QualificationLevel(Requirement):
    """A qualification at or above an RQF level (e.g. YMS 4.2 for India)."""

    rule: str
    minimum: int
    id: str = "qualification"

    def check(self, applicant: Applicant) -> Result:
        """Pass if the highest qualification is at least `minimum`."""
        level = applicant.qualification_rqf_level
        if level is None:
            return self._result(
                Outcome.UNKNOWN, None, message(N_("Highest qualification not given."))
            )
        params = {"level": level, "minimum": self.minimum}
        if level >= self.minimum:
            template = N_("Qualification at RQF level {level}; level {minimum} or above needed.")
            return self._result(Outcome.PASS, level, message(template, **params))
        template = N_("Qualification at RQF level {level}, below the level {minimum} needed.")
        return self._result(Outcome.FAIL, level, message(template, **params))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        level = columns.qualification_rqf_level
        return _choose(level < 0, level < self.minimum)


# --- funds ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundsAmount(Requirement):
    """Funds of at least `required` (e.g. YMS 5.1)."""

    rule: str
    required: Money
    id: str = "funds"

    def check(self, applicant: Applicant) -> Result:
        """Pass if the amount, in the required currency, is at least `required`.

        An amount in another currency is not known until converted at the rate on
        the application date, which the caseworker does.
        """
        held = applicant.funds.amount if applicant.funds is not None else None
        if held is None:
            return self._result(Outcome.UNKNOWN, None, message(N_("Amount of funds not given.")))
        value = f"{held.amount} {held.currency}"
        params = {"held": held, "required": self.required, "currency": self.required.currency}
        if held.currency != self.required.currency:
            template = N_(
                "Funds of {held} are converted to {currency} at the exchange rate on the date "
                "of application before they can be compared with {required}."
            )
            return self._result(Outcome.UNKNOWN, value, message(template, **params))
        if held >= self.required:
            template = N_("Funds of {held}; {required} is needed.")
            return self._result(Outcome.PASS, value, message(template, **params))
        template = N_("Funds of {held}, less than the {required} needed.")
        return self._result(Outcome.FAIL, value, message(template, **params))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        currency = columns.funds_currency.code_of(self.required.currency)
        same_currency = columns.funds_currency.codes == (-2 if currency is None else currency)
        unknown = (columns.funds_amount < 0) | ~same_currency
        return _choose(unknown, columns.funds_amount < self.required.minor_units())


@dataclass(frozen=True, slots=True)
class FundsHeld(Requirement):
    """Funds held for at least `days` consecutive days (e.g. YMS 5.2)."""

    rule: str
    days: int
    id: str = "funds_held"

    def check(self, applicant: Applicant) -> Result:
        """Pass if the funds were held for at least `days` days."""
        held = applicant.funds.held_days if applicant.funds is not None else None
        if held is None:
            return self._result(
                Outcome.UNKNOWN, None, message(N_("How long the funds were held was not given."))
            )
        params = {"held": held, "days": self.days}
        if held >= self.days:
            template = N_("Funds held for {held} days; {days} days are needed.")
            return self._result(Outcome.PASS, held, message(template, **params))
        template = N_("Funds held for {held} days, fewer than the {days} days needed.")
        return self._result(Outcome.FAIL, held, message(template, **params))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        held = columns.funds_held_days
        return _choose(held < 0, held < self.days)


@dataclass(frozen=True, slots=True)
class FundsEvidence(Requirement):
    """The latest evidence of funds dated no more than `days` days before applying (YMS 5.2)."""

    rule: str
    days: int
    id: str = "funds_evidence"

    def check(self, applicant: Applicant) -> Result:
        """Fail if the latest evidence is after, or over `days` days before, the application."""
        dated = applicant.funds.latest_evidence_date if applicant.funds is not None else None
        applied = applicant.application_date
        if dated is None:
            return self._result(
                Outcome.UNKNOWN,
                None,
                message(N_("Date of the latest evidence of funds not given.")),
            )
        if applied is None:
            return self._result(
                Outcome.UNKNOWN,
                dated.isoformat(),
                message(N_("Not known: the date of application was not given.")),
            )
        params = {"dated": dated, "days": self.days}
        if dated > applied:
            template = N_("The latest evidence of funds is dated {dated}, after the application.")
            return self._result(Outcome.FAIL, dated.isoformat(), message(template, **params))
        if dated < days_before(applied, self.days):
            template = N_(
                "The latest evidence of funds is dated {dated}, more than {days} days before "
                "the date of application."
            )
            return self._result(Outcome.FAIL, dated.isoformat(), message(template, **params))
        template = N_("The latest evidence of funds is dated {dated}, within {days} days.")
        return self._result(Outcome.PASS, dated.isoformat(), message(template, **params))

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        dated = columns.funds_latest_evidence
        applied = columns.application_date
        unknown = np.isnat(dated) | np.isnat(applied)
        earliest = applied - np.timedelta64(self.days, "D")
        return _choose(unknown, (dated > applied) | (dated < earliest))


# --- permission to stay -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtensionAvailable(Requirement):
    """The arrangement offers an extension from inside the host (e.g. YMS 1.4.A(a)).

    It depends only on the arrangement, so every applicant of it gets the same outcome.
    """

    rule: str
    nationality_name: str
    months: int | None
    total_months: int | None
    id: str = "extension"

    def check(self, applicant: Applicant) -> Result:  # noqa: ARG002 - same for every applicant
        """Pass if this arrangement can be extended."""
        if self.months is None:
            template = N_("Nationality {nationality}: this scheme offers no permission to stay.")
            detail = message(template, nationality=self.nationality_name)
            return self._result(Outcome.FAIL, value=False, detail=detail)
        template = N_("One extension of {months} months is possible, to {total} months in all.")
        detail = message(template, months=self.months, total=self.total_months)
        return self._result(Outcome.PASS, value=True, detail=detail)

    def check_columns(self, columns: ApplicantColumns) -> Flags:
        """Column form of `check`."""
        return np.full(len(columns), FAIL if self.months is None else PASS, dtype=np.int8)
