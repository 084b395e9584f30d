"""The watchlist check on a submitted case: flagged with every hit and why, never decided."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.applications.builders import declared
from tests.applications.test_payment_restarts import fake
from tests.conftest import run_jobs
from yms.accounts.domain import Role
from yms.accounts.services import create_account
from yms.applications.domain.checks import CheckKind, CheckOutcome
from yms.applications.services import cases, casework, drafts, payment, screening
from yms.applications.services.casework import Submitted
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def submitted(answers: dict[str, object]) -> Submitted:
    return Submitted(
        id=1,
        case_ref="YMS-TEST",
        scheme_id="uk-yms",
        scheme_version="2026",
        arrangement_id="hk",
        invitation_ref=None,
        answers=answers,
        submitted_at=datetime(2026, 12, 1, tzinfo=UTC),
        identity_hash=None,
    )


def about(given: str, family: str, born: str = "1994-12-21", nationality: str = "HK") -> dict:
    return {
        "personal": {"given_names": given, "family_name": family},
        "applicant": {"date_of_birth": born, "nationality": nationality},
    }


def test_the_check_is_one_of_the_checks_every_case_goes_through() -> None:
    assert casework.CHECKS[-1] is screening.check_screening


def test_the_shipped_watchlist_is_read_once() -> None:
    assert screening.watchlist() is screening.watchlist()
    assert len(screening.watchlist()) == 3000


def test_the_shipped_pairs_are_read_for_the_benchmark() -> None:
    tuning, held_out = screening.shipped_pairs("tuning"), screening.shipped_pairs("held-out")
    assert len(tuning) == len(held_out) == 3000
    assert tuning != held_out


def test_a_name_on_the_list_needs_attention_with_every_hit_and_why(ctx: ServiceContext) -> None:
    # SYN-00003 is "Vladimir Shcherbakov", born 1994-12-21 (an invented person).
    result = screening.check_screening(ctx, submitted(about("Vladimir", "Chtcherbakov")))
    assert result.kind is CheckKind.SCREENING
    assert result.outcome is CheckOutcome.ATTENTION
    [hit] = result.detail["hits"]
    # The summary, kept in clear for the queue, names no one; the sealed detail does.
    assert (
        result.summary
        == f"Possible watchlist match: 1 listed person, best score {hit['score']:.2f}"
    )
    assert "Vladimir" not in result.summary
    assert hit["entry_id"] == "SYN-00003"
    assert hit["dob"] == "exact"
    assert hit["nationality"] == "unknown"  # the list gives none
    assert {t["applicant"] for t in hit["tokens"]} == {"vladimir", "chtcherbakov"}
    assert result.detail["screened"] == "Vladimir Chtcherbakov"
    assert result.detail["watchlist_size"] == 3000


def test_a_name_not_on_the_list_is_clear(ctx: ServiceContext) -> None:
    result = screening.check_screening(ctx, submitted(about("Brunhilde", "Oakenshield")))
    assert result.outcome is CheckOutcome.CLEAR
    assert result.detail["hits"] == []


def test_a_namesake_born_another_year_is_clear(ctx: ServiceContext) -> None:
    result = screening.check_screening(
        ctx, submitted(about("Vladimir", "Shcherbakov", born="1971-12-21"))
    )
    assert [h["entry_id"] for h in result.detail["hits"]] == []
    assert result.outcome is CheckOutcome.CLEAR


@pytest.mark.parametrize(
    "answers",
    [{}, {"personal": {}}, {"personal": {"given_names": " ", "family_name": ""}}, {"personal": 3}],
)
def test_no_name_is_unknown(ctx: ServiceContext, answers: dict[str, object]) -> None:
    result = screening.check_screening(ctx, submitted(answers))
    assert result.outcome is CheckOutcome.UNKNOWN


def test_a_malformed_date_of_birth_is_left_out() -> None:
    applicant = screening.applicant_of(about("Vladimir", "Shcherbakov", born="21/12/1994"))
    assert applicant is not None
    assert applicant.date_of_birth is None
    assert applicant.nationality == "HK"


def test_a_submitted_case_with_a_listed_name_is_flagged_for_a_caseworker(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = declared(ctx, clock)
    answers = cases.view(ctx, account, case).answers
    answers["personal"] = {"given_names": "Vladimir", "family_name": "Chtcherbakov"}
    answers.setdefault("applicant", {})["date_of_birth"] = "1994-12-21"
    drafts.save_answers(ctx, account, case, answers)
    paying = payment.begin_payment(ctx, account, case, "http://x/back")
    fake(ctx).finish(paying.rsplit("/", 1)[1], "success")
    payment.complete_payment(ctx, account, case)
    run_jobs(ctx)
    caseworker = create_account(
        ctx, "cw@example.org", "a good long password", role=Role.CASEWORKER, confirmed=True
    )
    kept = casework.case_file(ctx, caseworker, case)
    [check] = [c for c in kept.checks if c.kind is CheckKind.SCREENING]
    assert check.outcome is CheckOutcome.ATTENTION
    assert [hit["entry_id"] for hit in check.detail["hits"]] == ["SYN-00003"]
    assert kept.state.value == "awaiting_decision"  # flagged, not decided
    [item] = casework.queue(ctx, caseworker)
    assert any(summary.startswith("Possible watchlist match") for summary in item.attention)
