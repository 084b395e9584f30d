"""The check journey's questions: one scheme version for questions and verdict, typed answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from yms.eligibility.domain.applicant import HeldDocument
from yms.eligibility.questions import asking_for, next_unanswered
from yms.eligibility.services import applicant_from_answers
from yms.kernel.money import Money
from yms.schemes.catalogue import Catalogue, shipped
from yms.schemes.domain.documents import DocumentKind

TODAY = date(2026, 11, 25)


def test_the_version_asked_from_is_the_one_in_force_not_the_newest() -> None:
    current = shipped().latest("uk-yms")
    future = current.model_copy(
        update={"version": "2099-01-01", "effective_from": date(2099, 1, 1)}
    )
    catalogue = Catalogue((current, future))
    asking = asking_for(catalogue, {"scheme": "uk-yms", "applicant": {"nationality": "AU"}}, TODAY)
    assert asking.scheme is current
    assert asking.arrangement is not None
    assert asking.arrangement.id == "AU-GB"
    in_2099 = asking_for(catalogue, {"scheme": "uk-yms"}, date(2099, 6, 1))
    assert in_2099.scheme is future


def test_a_journey_not_begun_asks_for_the_scheme_first() -> None:
    asking = asking_for(shipped(), {}, TODAY)
    assert asking.scheme is None
    assert {scheme.id for scheme in asking.schemes} == {"uk-yms", "eu-uk-2024", "eu-uk-yes"}
    assert next_unanswered(asking, {}) == "scheme"


def test_answers_become_a_typed_applicant() -> None:
    answers = {
        "scheme": "uk-yms",
        "applicant": {
            "nationality": "IN",
            "date_of_birth": "2000-02-29",
            "has_invitation": True,
            "qualification_rqf_level": 6,
            "documents": [{"kind": "police_certificate", "issued": "2026-08-01"}],
            "funds": {
                "amount": "2530.00",
                "currency": "GBP",
                "held_days": 28,
                "latest_evidence_date": "2026-11-20",
            },
        },
    }
    applicant = applicant_from_answers(answers, application_date=TODAY)
    assert applicant.date_of_birth == date(2000, 2, 29)
    assert applicant.application_date == TODAY
    assert applicant.has_invitation is True
    assert applicant.documents == (HeldDocument(DocumentKind.POLICE_CERTIFICATE, date(2026, 8, 1)),)
    assert applicant.funds is not None
    assert applicant.funds.amount == Money(Decimal("2530.00"), "GBP")
    assert applicant.funds.latest_evidence_date == date(2026, 11, 20)
    # A question not asked stays not known.
    assert applicant.children_under_18 is None
    assert applicant.previous_participation is None
