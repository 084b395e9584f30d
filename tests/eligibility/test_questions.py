"""The check journey's questions: one scheme version for questions and verdict, typed answers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData

from yms.eligibility.domain.applicant import HeldDocument
from yms.eligibility.questions import (
    STEP_BY_SLUG,
    FieldErrorsError,
    asking_for,
    next_unanswered,
)
from yms.eligibility.services import applicant_from_answers, check_against
from yms.kernel.money import Money
from yms.platform.web.forms import FieldError
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
    assert {scheme.id for scheme in asking.schemes} == {
        "uk-yms",
        "eu-uk-2024",
        "eu-uk-brake",
        "eu-uk-cap",
        "eu-uk-yes",
    }
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


# --- whatever is typed into any step: a message by the field, or answers the engine takes ---

TYPED = st.one_of(
    st.sampled_from(["yes", "no", "1", "12", "2026", "2000", "1e30", "9" * 28, "²", "１２"]),  # noqa: RUF001 - other scripts' digits are the point
    st.text(alphabet=st.sampled_from(list("0123456789.,-+eE_ £²３٣\t")), max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
ANSWERED = {
    "scheme": "uk-yms",
    "applicant": {
        "nationality": "IN",
        "date_of_birth": "2000-02-29",
        "previous_participation": False,
        "children_under_18": False,
        "has_invitation": True,
        "qualification_rqf_level": 6,
        "documents": [],
        "funds": {
            "amount": "2530.00",
            "currency": "GBP",
            "held_days": 28,
            "latest_evidence_date": "2026-11-20",
        },
    },
}
STEP_FIELDS = {
    "date-of-birth": ["date-of-birth-day", "date-of-birth-month", "date-of-birth-year"],
    "previous-participation": ["answer"],
    "children": ["answer"],
    "invitation": ["invited"],
    "qualification": ["degree"],
    "documents": [f"issued-police-certificate-{part}" for part in ("day", "month", "year")],
    "savings": [
        "amount",
        "held-days",
        *(f"latest-statement-{part}" for part in ("day", "month", "year")),
    ],
}


def messages_of(read: Callable[[], None]) -> list[FieldError]:
    """The messages `read` raised, by field ([] if it took the answer)."""
    try:
        read()
    except FieldError as error:
        return [error]
    except FieldErrorsError as errors:
        return errors.errors
    return []


@given(
    typed=st.fixed_dictionaries(
        {field: TYPED for fields in STEP_FIELDS.values() for field in fields}
    )
)
def test_any_answer_is_refused_by_the_field_or_checked(typed: dict[str, str]) -> None:
    for step, fields in STEP_FIELDS.items():
        answers = copy.deepcopy(ANSWERED)
        asking = asking_for(shipped(), answers, TODAY)
        form = FormData([(field, typed[field]) for field in fields])
        messages = messages_of(lambda: STEP_BY_SLUG[step].read(form, asking, answers))  # noqa: B023 - called at once
        boxes = {"date-of-birth", "issued-police-certificate", "latest-statement"}
        assert all(m.field in fields or m.field in boxes for m in messages)
        if not messages:  # taken: the engine checks it, and check answers shows it
            assert asking.scheme is not None
            check_against(asking.scheme, applicant_from_answers(answers, application_date=TODAY))
            assert STEP_BY_SLUG[step].summary(asking.scheme, answers) is not None


def test_savings_are_summarised_as_the_result_page_writes_money() -> None:
    answers = copy.deepcopy(ANSWERED)
    answers["applicant"]["funds"]["amount"] = "3000.00"
    summary = STEP_BY_SLUG["savings"].summary(shipped().latest("uk-yms"), answers)
    assert summary == "£3,000.00, held for 28 days; latest statement 20 November 2026"
