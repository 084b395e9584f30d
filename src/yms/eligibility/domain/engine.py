"""Apply a scheme version to applicants: one at a time, or a whole table in columns.

Both ways go through the same `Requirement` objects, built once per arrangement
from the scheme's data, so they give the same outcome for the same facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from yms.eligibility.domain import requirements as req
from yms.eligibility.domain.applicant import Applicant, ApplicationType
from yms.eligibility.domain.columns import ApplicantColumns, Flags
from yms.eligibility.domain.outcome import (
    ELIGIBLE,
    FAIL,
    NOT_APPLICABLE,
    NOT_ELIGIBLE,
    PASS,
    UNDECIDED,
    UNKNOWN,
    EligibilityResult,
    Outcome,
    RequirementResult,
)
from yms.kernel.countries import is_known_code, standard_name
from yms.kernel.text import N_, Message, message
from yms.schemes.domain.scheme import (
    Arrangement,
    Provenance,
    Requirements,
    Scheme,
    arrangement_id,
)

#: `ColumnResult.arrangement` codes for rows without an arrangement.
NATIONALITY_NOT_KNOWN = -1
NOT_A_PARTY = -2
HOST_NOT_KNOWN = -3

NATIONALITY = "nationality"


@dataclass(frozen=True, slots=True)
class _Resolution:
    arrangement: Arrangement | None
    outcome: Outcome
    detail: Message


@dataclass(frozen=True, slots=True)
class ColumnResult:
    """Outcomes for a table of applicants, row for row.

    `arrangement` holds an index into `arrangements`, or one of the negative codes
    above; `eligible` holds 1 (eligible), 0 (not) or -1 (not known); `outcomes`
    holds, for each requirement id, outcome codes (see `Outcome.code`), with -1
    where the row's arrangement does not have that requirement.
    """

    scheme: str
    scheme_version: str
    arrangements: tuple[str, ...]
    arrangement: npt.NDArray[np.int32]
    eligible: Flags
    outcomes: dict[str, Flags]

    def __len__(self) -> int:
        return len(self.eligible)

    def row(self, index: int) -> tuple[str | None, bool | None, dict[str, Outcome]]:
        """Arrangement id, overall answer and requirement outcomes of one row."""
        code = int(self.arrangement[index])
        arrangement = self.arrangements[code] if code >= 0 else None
        eligible = {ELIGIBLE: True, NOT_ELIGIBLE: False}.get(self.eligible[index])
        outcomes = {
            requirement: Outcome.from_code(int(codes[index]))
            for requirement, codes in self.outcomes.items()
            if codes[index] != NOT_APPLICABLE
        }
        return arrangement, eligible, outcomes

    def counts(self) -> dict[str, int]:
        """How many rows are eligible, not eligible, and not known."""
        return {
            "eligible": int(np.count_nonzero(self.eligible == ELIGIBLE)),
            "not_eligible": int(np.count_nonzero(self.eligible == NOT_ELIGIBLE)),
            "not_known": int(np.count_nonzero(self.eligible == UNDECIDED)),
        }


class Engine:
    """A scheme version compiled into requirements, ready to check applicants."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self._index = {a.id: i for i, a in enumerate(scheme.arrangements)}
        self._requirements = {
            (arrangement.id, kind): tuple(self._build(arrangement, kind))
            for arrangement in scheme.arrangements
            for kind in ApplicationType
        }
        self._assumptions = {
            arrangement.id: _assumptions_of(arrangement) for arrangement in scheme.arrangements
        }

    # --- building -----------------------------------------------------------------------

    def _build(self, arrangement: Arrangement, kind: ApplicationType) -> Iterator[req.Requirement]:
        if kind is ApplicationType.PERMISSION_TO_STAY:
            yield from self._build_extension(arrangement)
        else:
            yield from self._build_entry(arrangement)

    def _build_entry(self, arrangement: Arrangement) -> Iterator[req.Requirement]:
        spec = arrangement.requirements
        yield from self._ages(spec)
        if spec.previous_participation is not None:
            yield req.previous_participation(spec.previous_participation.rule)
        yield from self._country_specific(spec)
        yield from self._funds(spec)
        if spec.no_children_under_18 is not None:
            yield req.no_children_under_18(spec.no_children_under_18.rule)
        for declaration in spec.declarations:
            yield req.Declared(declaration.id, declaration.rule, declaration.requirement)

    def _ages(self, spec: Requirements) -> Iterator[req.Requirement]:
        leap_day = self.scheme.leap_day_birthday
        if (top := spec.age_maximum) is not None:
            yield req.AgeMaximum("age_maximum", top.rule, top.years, top.tested_on, leap_day)
        if (bottom := spec.age_minimum) is not None:
            yield req.AgeMinimum(
                "age_minimum", bottom.rule, bottom.years, bottom.tested_on, leap_day
            )

    @staticmethod
    def _country_specific(spec: Requirements) -> Iterator[req.Requirement]:
        if spec.invitation is not None:
            yield req.InvitationHeld(spec.invitation.rule)
        for document in spec.documents:
            yield req.DocumentHeld(
                document.kind.value, document.rule, document.kind, document.max_age_months
            )
        if (qualification := spec.qualification) is not None:
            yield req.QualificationLevel(qualification.rule, qualification.minimum_rqf_level)

    @staticmethod
    def _funds(spec: Requirements) -> Iterator[req.Requirement]:
        if spec.funds is not None:
            yield req.FundsAmount(spec.funds.rule, spec.funds.money)
        if spec.funds_held is not None:
            yield req.FundsHeld(spec.funds_held.rule, spec.funds_held.days)
        if spec.funds_evidence is not None:
            yield req.FundsEvidence(spec.funds_evidence.rule, spec.funds_evidence.days)

    def _build_extension(self, arrangement: Arrangement) -> Iterator[req.Requirement]:
        extension = arrangement.extension
        rule = (
            extension.eligibility_rule
            if extension is not None
            else self.scheme.extension_rule or arrangement.leave.rule
        )
        yield req.ExtensionAvailable(
            rule,
            self.scheme.party_name(arrangement.nationality),
            extension.months if extension else None,
            extension.total_months if extension else None,
        )
        if extension is not None:
            yield req.in_host_country(extension.eligibility_rule)
            yield req.last_permission_on_scheme(extension.eligibility_rule)
            yield req.no_previous_extension(extension.eligibility_rule)

    @cached_property
    def requirement_ids(self) -> tuple[str, ...]:
        """Every requirement id any arrangement can report, in report order."""
        ids: dict[str, None] = {NATIONALITY: None}
        for requirements in self._requirements.values():
            ids.update(dict.fromkeys(r.id for r in requirements))
        return tuple(ids)

    # --- one applicant ------------------------------------------------------------------

    def _name(self, code: str) -> str:
        if code in self.scheme.parties:
            return self.scheme.party_name(code)
        return standard_name(code) if is_known_code(code) else code

    def _resolve(self, nationality: str | None, host: str | None) -> _Resolution:
        if nationality is None:
            return _Resolution(None, Outcome.UNKNOWN, message(N_("Nationality not given.")))
        name = self._name(nationality)
        hosts = self.scheme.hosts_for(nationality)
        if not hosts:
            template = N_("Nationality {nationality}: not covered by this scheme.")
            return _Resolution(None, Outcome.FAIL, message(template, nationality=name))
        if host is None and len(hosts) > 1:
            template = N_(
                "Nationality {nationality}: this scheme covers {count} host countries, and the "
                "host country was not given."
            )
            return _Resolution(
                None, Outcome.UNKNOWN, message(template, nationality=name, count=len(hosts))
            )
        chosen = host if host is not None else hosts[0]
        arrangement = self.scheme.arrangement(arrangement_id(nationality, chosen))
        if arrangement is None:
            template = N_(
                "Nationality {nationality}, host country {host}: not covered by this scheme."
            )
            return _Resolution(
                None, Outcome.FAIL, message(template, nationality=name, host=self._name(chosen))
            )
        template = N_("Nationality {nationality}, host country {host}: covered by this scheme.")
        return _Resolution(
            arrangement,
            Outcome.PASS,
            message(template, nationality=name, host=self._name(chosen)),
        )

    def check(self, applicant: Applicant) -> EligibilityResult:
        """Every requirement of the applicant's arrangement applied to them, with reasons.

        The first result is always ``nationality`` (the scheme's party rule, e.g.
        YMS 1.3). Without an arrangement, it is the only one.
        """
        resolution = self._resolve(applicant.nationality, applicant.host)
        first = RequirementResult(
            NATIONALITY,
            self.scheme.nationality_rule,
            resolution.outcome,
            applicant.nationality,
            resolution.detail,
        )
        results: tuple[RequirementResult, ...] = (first,)
        assumptions: dict[str, str] = {}
        if resolution.arrangement is not None:
            key = (resolution.arrangement.id, applicant.application_type)
            results += tuple(r.check(applicant) for r in self._requirements[key])
            assumptions = self._assumptions[resolution.arrangement.id]
        results = tuple(
            replace(
                result,
                source=self.scheme.source_for(result.rule),
                assumption=assumptions.get(result.id),
            )
            for result in results
        )
        return EligibilityResult(
            self.scheme.id,
            self.scheme.version,
            resolution.arrangement.id if resolution.arrangement else None,
            results,
        )

    # --- columns ------------------------------------------------------------------------

    def _arrangement_codes(self, columns: ApplicantColumns) -> npt.NDArray[np.int32]:
        nationalities = columns.nationality.categories
        hosts = columns.host.categories
        # One extra row and column, which code -1 (not known) indexes.
        table = np.full((len(nationalities) + 1, len(hosts) + 1), NOT_A_PARTY, dtype=np.int32)
        table[-1, :] = NATIONALITY_NOT_KNOWN
        for n, nationality in enumerate(nationalities):
            options = self.scheme.hosts_for(nationality)
            for h, host in enumerate(hosts):
                if host in options:
                    table[n, h] = self._index[arrangement_id(nationality, host)]
            if len(options) == 1:
                table[n, -1] = self._index[arrangement_id(nationality, options[0])]
            elif len(options) > 1:
                table[n, -1] = HOST_NOT_KNOWN
        return table[columns.nationality.codes, columns.host.codes]

    def check_columns(self, columns: ApplicantColumns) -> ColumnResult:
        """Outcome codes for every row: the same answers as `check` row by row."""
        size = len(columns)
        arrangement = self._arrangement_codes(columns)
        outcomes = {
            rid: np.full(size, NOT_APPLICABLE, dtype=np.int8) for rid in self.requirement_ids
        }
        outcomes[NATIONALITY] = np.select(
            [arrangement >= 0, arrangement == NOT_A_PARTY], [PASS, FAIL], UNKNOWN
        ).astype(np.int8)

        # Sort rows into groups of one arrangement and one application type, then
        # apply each group's requirements with scalar parameters.
        group = np.where(arrangement >= 0, arrangement * 2 + columns.permission_to_stay, -1)
        order = np.argsort(group, kind="stable")
        ordered = group[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], size]
        kinds = (ApplicationType.ENTRY_CLEARANCE, ApplicationType.PERMISSION_TO_STAY)
        for start, end in zip(starts, ends, strict=True):
            key = int(ordered[start]) if size else -1
            if key < 0:
                continue
            rows = order[start:end]
            subset = columns.take(rows)
            arrangement_id = self.scheme.arrangements[key // 2].id
            for requirement in self._requirements[(arrangement_id, kinds[key % 2])]:
                outcomes[requirement.id][rows] = requirement.check_columns(subset)

        failed = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        for codes in outcomes.values():
            failed |= codes == FAIL
            unknown |= codes == UNKNOWN
        eligible = np.where(failed, NOT_ELIGIBLE, np.where(unknown, UNDECIDED, ELIGIBLE))
        return ColumnResult(
            self.scheme.id,
            self.scheme.version,
            tuple(a.id for a in self.scheme.arrangements),
            arrangement,
            eligible.astype(np.int8),
            outcomes,
        )


def _assumptions_of(arrangement: Arrangement) -> dict[str, str]:
    """Why each requirement that no public source gives was chosen, by requirement id.

    The ids are those the builders above give their requirements.
    """
    spec = arrangement.requirements
    named: dict[str, Provenance | None] = {
        "age_maximum": spec.age_maximum,
        "age_minimum": spec.age_minimum,
        "previous_participation": spec.previous_participation,
        "invitation": spec.invitation,
        "qualification": spec.qualification,
        "funds": spec.funds,
        "funds_held": spec.funds_held,
        "funds_evidence": spec.funds_evidence,
        "children_under_18": spec.no_children_under_18,
        **{document.kind.value: document for document in spec.documents},
        **{declaration.id: declaration for declaration in spec.declarations},
    }
    return {
        requirement_id: value.why
        for requirement_id, value in named.items()
        if value is not None and value.assumption and value.why
    }


_ENGINES: dict[int, tuple[Scheme, Engine]] = {}


def engine_for(scheme: Scheme) -> Engine:
    """The compiled engine of a scheme version, built once and kept."""
    cached = _ENGINES.get(id(scheme))
    if cached is None or cached[0] is not scheme:
        if len(_ENGINES) > 64:  # noqa: PLR2004 - a bound, not a tuning knob
            _ENGINES.clear()
        cached = (scheme, Engine(scheme))
        _ENGINES[id(scheme)] = cached
    return cached[1]


def check(scheme: Scheme, applicant: Applicant) -> EligibilityResult:
    """Apply `scheme` to one applicant: every requirement with outcome, value seen and reason."""
    return engine_for(scheme).check(applicant)


def check_columns(scheme: Scheme, columns: ApplicantColumns) -> ColumnResult:
    """Apply `scheme` to a table of applicants at once, giving the same outcomes as `check`."""
    return engine_for(scheme).check_columns(columns)
