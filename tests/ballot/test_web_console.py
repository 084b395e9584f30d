"""The operator's ballot console: scheduling a window and moving it on, over HTTP.

Each action is confirmed on the page, calls one service, and leaves its audit
event under the operator's id; a mistake or a refusal is shown on the page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx2 as httpx
import pytest

from tests.ballot.builders import BEACON, drawn_window, entry, hong_kong_window
from tests.fixtures.web import Browser, sign_up_and_in
from yms.ballot.domain.states import WindowState
from yms.ballot.services import windows
from yms.ballot.services.entries import enter_ballot
from yms.ballot.services.status import WindowStatus
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

WINDOW = "hk-2026-9"
SCHEDULE = {
    "window": WINDOW,
    "allocation": "uk-yms/hong-kong-2025",
    "round": "1",
    "opens-day": "25",
    "opens-month": "11",
    "opens-year": "2026",
    "opens-time": "13:00",
    "closes-day": "25",  # a short window, so the operator's session outlasts it
    "closes-month": "11",
    "closes-year": "2026",
    "closes-time": "18:30",
    "places": "2",
    "expiry-days": "",
}


def operator(browser: Browser, ctx: ServiceContext) -> str:
    return sign_up_and_in(browser, ctx, "op@example.org", role="operator")


def events(ctx: ServiceContext, subject: str) -> list[dict[str, object]]:
    with ctx.database.reading() as session:
        return audit_log.history(session, subject)


def chain_length(ctx: ServiceContext) -> int:
    report = audit_log.verify(ctx.database)
    assert report.intact, report.reason
    return report.events


def act(browser: Browser, window_id: str, action: str, **form: str) -> httpx.Response:
    """Take `action` on the window's page, confirmed; a redirect means it was done."""
    browser.get(f"/operator/ballots/{window_id}")
    return browser.post(f"/operator/ballots/{window_id}/{action}", {"confirm": "yes", **form})


def done(browser: Browser, window_id: str, action: str, **form: str) -> str:
    """Take `action` and follow the redirect: the page after it was done."""
    response = act(browser, window_id, action, **form)
    assert response.status_code == 303, response.text
    return browser.get(response.headers["location"]).text


def schedule_in_browser(browser: Browser, ctx: ServiceContext) -> WindowStatus:
    """Schedule the window from the operator's home, as an operator would."""
    assert "/operator/ballots" in browser.get("/operator").text
    listed = browser.get("/operator/ballots").text
    assert "There are no ballot windows yet." in listed
    assert 'href="/operator/brakes"' in listed
    form = browser.get("/operator/ballots/new").text
    assert 'value="uk-yms/hong-kong-2025"' in form
    assert 'value="eu-uk-yes/eu-to-uk-2027"' in form
    scheduled = browser.post("/operator/ballots/new", SCHEDULE)
    assert scheduled.status_code == 303, scheduled.text
    assert scheduled.headers["location"] == f"/operator/ballots/{WINDOW}?done=scheduled"
    window = windows.status(ctx, WINDOW)
    page = browser.get(scheduled.headers["location"]).text
    assert "The window is scheduled: publish its seed commitment before it opens" in page
    assert window.seed_commitment in page
    assert "Operator seed" not in page  # sealed until the draw
    assert "Close the window" not in page
    return window


def test_an_operator_runs_a_ballot_from_scheduling_to_invitations(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    operator_id = operator(browser, web_ctx)
    window = schedule_in_browser(browser, web_ctx)
    assert window.opens_at == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    assert window.closes_at == datetime(2026, 11, 25, 18, 30, tzinfo=UTC)
    assert (window.places, window.invitation_expiry_days) == (2, 90)  # the allocation's expiry
    clock.instant = window.opens_at
    for number in range(3):
        enter_ballot(web_ctx, entry(WINDOW, number))
    clock.instant = window.closes_at
    assert "Close it with the beacon value" in browser.get("/operator/ballots").text

    assert "its entries are frozen" in done(browser, WINDOW, "close", beacon=BEACON.upper())
    page = done(browser, WINDOW, "draw")
    window = windows.status(web_ctx, WINDOW)
    assert window.operator_seed is not None
    assert window.operator_seed in page  # revealed by the draw
    assert "Publish the draw record" in browser.get("/operator/ballots").text
    assert f'href="/ballots/{WINDOW}/record.json"' in done(browser, WINDOW, "publish")
    record = browser.get(f"/ballots/{WINDOW}/record.json")
    assert json.loads(record.text)["operator_seed"] == window.operator_seed
    assert "Round 1 of invitations is issued" in done(browser, WINDOW, "invite")
    assert windows.status(web_ctx, WINDOW).places_filled == 2
    listed = browser.get("/operator/ballots").text
    assert "None: every place is held, or everyone drawn is invited" in listed

    actions = [(e["action"], e["actor"]) for e in events(web_ctx, WINDOW)]
    assert actions == [
        (f"ballot.window.{done}", operator_id)
        for done in ("opened", "closed", "drawn", "published")
    ]
    assert events(web_ctx, WINDOW)[1]["data"]["beacon"] == BEACON  # type: ignore[index]
    chain_length(web_ctx)


def test_invitations_are_audited_under_the_operator(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(web_ctx, clock, 3)
    operator_id = operator(browser, web_ctx)
    assert act(browser, window_id, "invite").status_code == 303
    from yms.ballot.services.invitations import invitations_of  # noqa: PLC0415

    issued = invitations_of(web_ctx, window_id)
    assert len(issued) == 2
    for invitation in issued:
        assert [(e["action"], e["actor"]) for e in events(web_ctx, invitation.ref)] == [
            ("ballot.invitation.issued", operator_id)
        ]
    # Every place is held now: the service refuses, and the page says why.
    refused = act(browser, window_id, "invite")
    assert refused.status_code == 400
    assert "All 2 places of &#39;hk-2026-1&#39; are held" in refused.text


@pytest.mark.parametrize(
    ("stage", "action", "message"),
    [
        ("ended", "close", "Confirm that you want to close this window"),
        ("closed", "draw", "Confirm that you want to run the draw"),
        ("drawn", "publish", "Confirm that you want to publish the draw record"),
        ("drawn", "invite", "Confirm that you want to invite a round"),
    ],
)
def test_each_action_needs_its_confirmation(
    browser: Browser,
    web_ctx: ServiceContext,
    clock: FixedClock,
    stage: str,
    action: str,
    message: str,
) -> None:
    window = hong_kong_window(web_ctx)
    enter_ballot(web_ctx, entry(window.window_id, 1))
    clock.instant = window.closes_at
    if stage in {"closed", "drawn"}:
        windows.close_window(web_ctx, window.window_id, BEACON, actor="operator")
    if stage == "drawn":
        windows.run_draw(web_ctx, window.window_id, actor="operator")
    operator(browser, web_ctx)
    before = (windows.status(web_ctx, window.window_id), chain_length(web_ctx))
    browser.get(f"/operator/ballots/{window.window_id}")
    unconfirmed = browser.post(f"/operator/ballots/{window.window_id}/{action}", {"beacon": BEACON})
    assert unconfirmed.status_code == 400
    assert f'<a href="#confirm-{action}">{message}</a>' in unconfirmed.text
    assert 'id="confirm-' + action + '-error"' in unconfirmed.text
    assert (windows.status(web_ctx, window.window_id), chain_length(web_ctx)) == before


@pytest.mark.parametrize(
    ("beacon", "message"),
    [
        ("", "Enter the beacon value"),
        ("5eed5", "Beacon value must be an even number of hex digits"),
        ("not hex!", "Beacon value must be an even number of hex digits"),
        ("ab" * 129, "Beacon value must be an even number of hex digits"),
    ],
)
def test_a_bad_beacon_is_shown_beside_its_field(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, beacon: str, message: str
) -> None:
    window = hong_kong_window(web_ctx)
    clock.instant = window.closes_at
    operator(browser, web_ctx)
    before = chain_length(web_ctx)
    response = act(browser, window.window_id, "close", beacon=beacon)
    assert response.status_code == 400
    assert f'<a href="#beacon">{message}' in response.text
    assert 'id="beacon-error"' in response.text
    assert windows.status(web_ctx, window.window_id).state is WindowState.ENDED
    assert chain_length(web_ctx) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"window": ""}, "window", "Enter a window id"),
        ({"window": "-hk"}, "window", "Window id must be 2 to 100 lower-case letters"),
        ({"window": "new"}, "window", "Window id must be 2 to 100 lower-case letters"),
        ({"allocation": "uk-yms/italy-2025"}, "allocation", "Select the allocation"),
        ({"allocation": ""}, "allocation", "Select the allocation"),
        ({"round": "0"}, "round", "Round must be 1 or more"),
        ({"round": "one"}, "round", "Round must be a whole number"),
        ({"opens-day": ""}, "opens", "Opening date must include a day"),
        ({"opens-month": "13"}, "opens-month", "Opening date must be a real date"),
        ({"closes-day": "31", "closes-month": "2"}, "closes", "Closing date must be a real date"),
        ({"opens-time": ""}, "opens-time", "Enter opening time"),
        ({"closes-time": "25:00"}, "closes-time", "Closing time must be a time on the 24-hour"),
        ({"closes-time": "13:00"}, "closes", "The window must close after it opens"),
        ({"places": "0"}, "places", "Places must be 1 or more"),
        ({"places": "1e3"}, "places", "Places must be a whole number"),
        ({"expiry-days": "400"}, "expiry-days", "Days an invitation lasts must be 365 or fewer"),
        # The service's own check: no version of the scheme is in force that early.
        ({"opens-year": "2020"}, "allocation", "Scheme &#39;uk-yms&#39; has no version in force"),
    ],
)
def test_scheduling_mistakes_are_shown_beside_the_fields(
    browser: Browser, web_ctx: ServiceContext, changes: dict[str, str], field: str, message: str
) -> None:
    operator(browser, web_ctx)
    browser.get("/operator/ballots/new")
    response = browser.post("/operator/ballots/new", {**SCHEDULE, **changes})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert f'<a href="#{field}">{message}' in response.text
    assert windows.list_windows(web_ctx) == []


def test_scheduling_a_window_twice_is_refused_on_the_page(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    operator(browser, web_ctx)
    browser.get("/operator/ballots/new")
    assert browser.post("/operator/ballots/new", SCHEDULE).status_code == 303
    before = chain_length(web_ctx)
    browser.get("/operator/ballots/new")
    again = browser.post("/operator/ballots/new", SCHEDULE)
    assert again.status_code == 400
    assert '<a href="#window">There is already a ballot window &#39;hk-2026-9&#39;' in again.text
    other_id = browser.post("/operator/ballots/new", {**SCHEDULE, "window": "hk-2026-10"})
    assert other_id.status_code == 400
    assert '<a href="#round">Round 1 of hong-kong-2025 already has window' in other_id.text
    assert 'value="hk-2026-10"' in other_id.text  # what was typed is kept
    assert chain_length(web_ctx) == before


def test_an_action_in_the_wrong_state_shows_the_services_reason(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    window = hong_kong_window(web_ctx)  # open until 4 December
    operator(browser, web_ctx)
    before = chain_length(web_ctx)
    page = browser.get(f"/operator/ballots/{window.window_id}").text
    assert "You can close this window once it ends" in page
    early = act(browser, window.window_id, "close", beacon=BEACON)
    assert early.status_code == 400
    assert "is open until 2026-12-04 09:00Z" in early.text
    for action, reason in [
        ("draw", "must be closed before the draw"),
        ("publish", "has not been drawn yet"),
        ("invite", "must be drawn before inviting"),
    ]:
        refused = act(browser, window.window_id, action)
        assert refused.status_code == 400, action
        assert reason in refused.text
        assert f'<a href="#confirm-{action}">' in refused.text
    assert chain_length(web_ctx) == before
    assert windows.status(web_ctx, window.window_id).state is WindowState.OPEN


def test_a_record_is_published_once_and_a_round_needs_someone_to_invite(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window_id = drawn_window(web_ctx, clock, 1)
    operator(browser, web_ctx)
    assert act(browser, window_id, "publish").status_code == 303
    again = act(browser, window_id, "publish")
    assert again.status_code == 400
    assert "The draw record is already published" in again.text
    assert act(browser, window_id, "invite").status_code == 303
    # One entrant, two places: no one is left to invite.
    nobody = act(browser, window_id, "invite")
    assert nobody.status_code == 400
    assert "Nobody is left to invite: everyone drawn is invited" in nobody.text
    published = [e for e in events(web_ctx, window_id) if e["action"] == "ballot.window.published"]
    assert len(published) == 1


def test_an_unknown_window_is_not_found(browser: Browser, web_ctx: ServiceContext) -> None:
    operator(browser, web_ctx)
    assert browser.get("/operator/ballots/nowhere").status_code == 404
    browser.get("/operator/ballots")
    for action in ("close", "draw", "publish", "invite"):
        response = browser.post(f"/operator/ballots/nowhere/{action}", {"confirm": "yes"})
        assert response.status_code == 404, action


def test_only_an_operator_may_act(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(web_ctx)
    clock.instant = window.closes_at
    sign_up_and_in(browser, web_ctx, "cw@example.org", role="caseworker")
    before = chain_length(web_ctx)
    browser.get("/casework")
    assert browser.post("/operator/ballots/new", SCHEDULE).status_code == 403
    closing = browser.post(
        f"/operator/ballots/{window.window_id}/close", {"beacon": BEACON, "confirm": "yes"}
    )
    assert closing.status_code == 403
    assert windows.status(web_ctx, window.window_id).state is WindowState.ENDED
    assert chain_length(web_ctx) == before
