"""Applying without a ballot: most nationalities, and every uncapped arrangement."""

from __future__ import annotations

import pytest

from tests.eligibility.builders import eligible_uk_yms
from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.accounts.services import create_account
from yms.applications.services import cases, drafts
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.audit import log as audit_log
from yms.platform.context import ServiceContext


def applicant(ctx: ServiceContext, *, confirmed: bool = True) -> str:
    return create_account(ctx, "ana@example.org", "a good long password", confirmed=confirmed)


def test_an_australian_starts_straight_away(ctx: ServiceContext) -> None:
    account = applicant(ctx)
    case = drafts.start_direct(ctx, account, "uk-yms", "AU-GB")
    view = cases.view(ctx, account, case)
    assert (view.arrangement_id, view.invitation_ref, view.state.value) == ("AU-GB", None, "draft")
    assert view.answers == {"applicant": {"nationality": "AU", "host": "GB"}}
    # Starting again carries on with the draft in progress.
    assert drafts.start_direct(ctx, account, "uk-yms", "AU-GB") == case
    with ctx.database.reading() as session:
        [started] = audit_log.history(session, case)
    assert (started["action"], started["data"]["invitation"]) == ("application.started", None)


@pytest.mark.parametrize(
    ("scheme", "arrangement", "message"),
    [
        ("uk-yms", "HK-GB", "You need an invitation to apply"),
        ("eu-uk-2024", "FR-GB", "is a proposal that has not been agreed"),
    ],
)
def test_no_direct_route_where_a_ballot_or_an_agreement_is_missing(
    ctx: ServiceContext, scheme: str, arrangement: str, message: str
) -> None:
    account = applicant(ctx)
    with pytest.raises(RefusedError, match=message):
        drafts.start_direct(ctx, account, scheme, arrangement)


def test_unknown_schemes_and_arrangements_are_not_found(ctx: ServiceContext) -> None:
    account = applicant(ctx)
    for scheme, arrangement in (("no-such", "AU-GB"), ("uk-yms", "ZZ-GB")):
        with pytest.raises(NotFoundError):
            drafts.start_direct(ctx, account, scheme, arrangement)


def test_an_unconfirmed_account_cannot_apply(ctx: ServiceContext) -> None:
    account = applicant(ctx, confirmed=False)
    with pytest.raises(RefusedError, match="Confirm your email address before you apply"):
        drafts.start_direct(ctx, account, "uk-yms", "AU-GB")


def test_the_eligible_result_leads_to_the_fee_and_the_application(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    answers = eligible_uk_yms()
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "uk-yms"})
    browser.post("/check/nationality", {"nationality": "AU"})
    born = answers["date_of_birth"].split("-")
    browser.post(
        "/check/date-of-birth",
        {
            "date-of-birth-day": born[2],
            "date-of-birth-month": born[1],
            "date-of-birth-year": born[0],
        },
    )
    browser.post("/check/previous-participation", {"answer": "no"})
    browser.post("/check/children", {"answer": "no"})
    browser.post(
        "/check/savings",
        {
            "amount": "2600",
            "held-days": "40",
            "latest-statement-day": "20",
            "latest-statement-month": "11",
            "latest-statement-year": "2026",
        },
    )
    result = browser.get("/check/result").text
    assert 'href="/apply/new?scheme=uk-yms&amp;arrangement=AU-GB"' in result
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    page = browser.get("/apply/new?scheme=uk-yms&arrangement=AU-GB").text
    # Itemised before anything is typed: £319 + 2 years x £776 = £1,871.
    assert "Application fee" in page
    assert "£319.00" in page
    assert "Health charge for 2 years of leave" in page
    assert "£1,552.00" in page
    assert "£1,871.00" in page
    assert "your latest bank statement" in page
    started = browser.post("/apply/new", {"scheme": "uk-yms", "arrangement": "AU-GB"})
    assert started.status_code == 303
    assert started.headers["location"].endswith("/continue")


def test_the_chooser_lists_only_what_needs_no_ballot(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    page = browser.get("/apply/new").text
    assert "Apply as a national of Australia" in page
    assert "Apply as a British National (Overseas)" in page
    assert "Hong Kong" not in page  # by ballot
    assert "European Commission proposal" not in page  # not in force


def test_a_proposed_scheme_never_says_you_can_apply(browser: Browser) -> None:
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "eu-uk-2024"})
    browser.post("/check/nationality", {"nationality": "FR"})
    browser.post(
        "/check/date-of-birth",
        {"date-of-birth-day": "1", "date-of-birth-month": "2", "date-of-birth-year": "2000"},
    )
    browser.post(  # what the proposal requires and yms cannot check, declared
        "/check/declarations",
        {
            "declaration-travel-document": "yes",
            "declaration-sickness-insurance": "yes",
            "declaration-sufficient-means": "yes",
        },
    )
    page = browser.get("/check/result").text
    assert "You can apply" not in page
    assert "No one can apply under this scheme yet" in page
    assert "/apply/new" not in page


def test_an_unconfirmed_account_is_told_to_confirm_before_starting(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    # Defect: "You cannot start this application" gave no way to a new confirmation link.
    applicant(web_ctx, confirmed=False)
    sign_in(browser, "ana@example.org")
    for page in (
        browser.get("/apply/new?scheme=uk-yms&arrangement=AU-GB"),
        browser.post("/apply/new", {"scheme": "uk-yms", "arrangement": "AU-GB"}),
    ):
        assert page.status_code == 403
        assert "Confirm your email address before you apply" in page.text
        assert 'href="/confirm-email"' in page.text


def test_starting_takes_no_place_of_a_capped_allocation(ctx: ServiceContext) -> None:
    # Andorra's allocation has 100 places and no ballot: places are counted when
    # applications are granted, so a 101st applicant can still start (and drafts
    # abandoned never hold a place).
    started = {
        drafts.start_direct(
            ctx,
            create_account(ctx, f"a{n}@example.org", "a good long password", confirmed=True),
            "uk-yms",
            "AD-GB",
        )
        for n in range(101)
    }
    assert len(started) == 101
