"""Applicant JSON: absent means not known; `invitation_ref: null` means no invitation."""

from __future__ import annotations

from datetime import date

from tests.eligibility.builders import applicant, eligible_uk_yms
from yms.eligibility.domain.applicant import Applicant, ApplicationType, HeldDocument
from yms.schemes.domain.documents import DocumentKind


def test_absent_invitation_is_not_known_and_null_is_none() -> None:
    assert applicant(eligible_uk_yms(invitation_ref=...)).has_invitation is None
    assert applicant(eligible_uk_yms(invitation_ref=None)).has_invitation is False
    held = applicant(eligible_uk_yms(invitation_ref="HK-2026-000123"))
    assert (held.has_invitation, held.invitation_ref) == (True, "HK-2026-000123")


def test_null_facts_are_not_known() -> None:
    parsed = applicant({"children_under_18": None, "date_of_birth": None})
    assert parsed == Applicant()


def test_a_start_date_not_given_stays_not_known() -> None:
    # YMS 3.4 tests the age on the date the permission becomes valid; the application
    # date is not a stand-in for it (a 17-year-old may be 18 by then).
    parsed = applicant(eligible_uk_yms(valid_from=...))
    assert parsed.valid_from is None
    assert parsed.application_date == date(2026, 11, 25)


def test_application_type_defaults_to_entry_clearance() -> None:
    assert applicant({}).application_type is ApplicationType.ENTRY_CLEARANCE
    stay = applicant({"application_type": "permission_to_stay"})
    assert stay.application_type is ApplicationType.PERMISSION_TO_STAY


def test_the_latest_document_of_a_kind_counts() -> None:
    documents = (
        HeldDocument(DocumentKind.POLICE_CERTIFICATE, date(2025, 1, 1)),
        HeldDocument(DocumentKind.POLICE_CERTIFICATE, date(2026, 6, 1)),
        HeldDocument(DocumentKind.CRIMINAL_CERTIFICATE, date(2026, 9, 1)),
    )
    person = Applicant(documents=documents)
    assert person.latest_document(DocumentKind.POLICE_CERTIFICATE) == date(2026, 6, 1)
    assert person.latest_document(DocumentKind.SUITABILITY_LETTER) is None
    assert Applicant().latest_document(DocumentKind.POLICE_CERTIFICATE) is None


def test_funds_parts_may_each_be_unknown() -> None:
    parsed = applicant({"funds": {"held_days": 30}})
    assert parsed.funds is not None
    assert (parsed.funds.amount, parsed.funds.held_days) == (None, 30)
