"""The journey's e-mails over HTTP: each in the outbox at its step, linking to the served address.

The live server listens on a port of its own, not the default `http://localhost:8000`;
every link in the e-mails must lead back to it.
"""

from __future__ import annotations

from datetime import timedelta

import httpx2 as httpx

from tests.applications.test_web import ANSWERS, PDF, PNG
from tests.ballot.builders import BEACON, enter_in_browser, hong_kong_window
from tests.fixtures.web import Browser, LiveServer, inbox, sign_in
from yms.accounts.services import create_account
from yms.ballot.services import windows
from yms.ballot.services.invitations import invite_round, remind_expiring
from yms.platform.clock import FixedClock, today
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail.outbox import SentEmail

ADDRESS = "ana@example.org"
DEFAULT = ServiceContext.__dataclass_fields__["public_url"].default


class OverHttp(Browser):
    """A `Browser` on the live server's plain-HTTP loopback address.

    The service marks its cookies Secure (browsers honour them on localhost); this
    client keeps sending them over http, as Chromium does for localhost.
    """

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        response = super().get(url, **kwargs)
        self.keep_cookies()
        return response

    def post(
        self, url: str, data: dict[str, str] | None = None, **kwargs: object
    ) -> httpx.Response:
        response = super().post(url, data, **kwargs)
        self.keep_cookies()
        return response

    def keep_cookies(self) -> None:
        for cookie in self.client.cookies.jar:
            cookie.secure = False


def sent(ctx: ServiceContext, template_id: str) -> list[SentEmail]:
    """The messages of one template sent to the applicant so far."""
    return [m for m in inbox(ctx, ADDRESS) if m.template_id == template_id]


def answered(browser: OverHttp, case_url: str, clock: FixedClock) -> None:
    """Every question and upload of an application from the Hong Kong ballot, over HTTP."""
    statement = today(clock) - timedelta(days=3)  # recent on the day they apply
    savings = {
        "latest-statement-day": str(statement.day),
        "latest-statement-month": str(statement.month),
        "latest-statement-year": str(statement.year),
    }
    for slug, data in ANSWERS:
        browser.get(f"{case_url}/{slug}")
        response = browser.post(f"{case_url}/{slug}", data | savings if slug == "savings" else data)
        assert response.status_code == 303, (slug, response.text[:2000])
    for kind, content in (("passport", PNG), ("bank_statement", PDF)):
        browser.get(f"{case_url}/evidence/{kind}")
        uploaded = browser.client.post(
            f"{case_url}/evidence/{kind}",
            data={"csrf_token": browser.csrf},
            files={f"evidence-{kind}": (f"{kind}.bin", content, "application/octet-stream")},
            follow_redirects=False,
        )
        assert uploaded.status_code == 303, uploaded.text[:2000]
        browser.keep_cookies()


def test_every_email_is_sent_at_its_step_with_a_link_to_the_served_address(
    live_server: LiveServer, clock: FixedClock
) -> None:
    ctx, url = live_server.ctx, live_server.url
    assert url != DEFAULT
    create_account(ctx, ADDRESS, "a good long password", confirmed=True)
    window = hong_kong_window(ctx, places=1)
    with httpx.Client(base_url=url) as client:
        browser = OverHttp(client)  # type: ignore[arg-type]  # the same calls as a TestClient
        sign_in(browser, ADDRESS)
        enter_in_browser(browser)

        # The operator draws and invites: the invitation.
        clock.instant = window.closes_at
        windows.close_window(ctx, window.window_id, BEACON, actor="operator")
        windows.run_draw(ctx, window.window_id, actor="operator")
        [issued] = invite_round(ctx, window.window_id, actor="operator").invitations
        [invitation] = sent(ctx, templates.INVITATION)
        assert invitation.personalisation["link"] == f"{url}/invitations/{issued.ref}"
        assert sent(ctx, templates.INVITATION_REMINDER) == []

        # Its last week: the reminder.
        clock.instant = issued.expires_at - timedelta(days=6)
        assert remind_expiring(ctx) == 1
        [reminder] = sent(ctx, templates.INVITATION_REMINDER)
        assert reminder.personalisation["link"] == f"{url}/invitations/{issued.ref}"
        assert f"{url}/invitations/{issued.ref}" in reminder.body

        # The applicant accepts, applies and pays: the receipt and the acknowledgement.
        sign_in(browser, ADDRESS)  # days have passed: the session has expired
        browser.get(f"/invitations/{issued.ref}")
        accepted = browser.post(f"/invitations/{issued.ref}", {"accept": "yes"})
        started = browser.get(accepted.headers["location"], follow_redirects=False)
        case_url = started.headers["location"].removesuffix("/continue")
        case_ref = case_url.rsplit("/", 1)[1]
        answered(browser, case_url, clock)
        browser.get(f"{case_url}/declaration")
        to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"})
        assert to_pay.status_code == 303, to_pay.text[:2000]
        browser.get(to_pay.headers["location"])
        returned = browser.post(to_pay.headers["location"], {"outcome": "pay"}).headers["location"]
        assert returned == f"{url}{case_url}/payment-return"  # the provider sends them back here
        assert sent(ctx, templates.PAYMENT_RECEIVED) == []  # paid, not yet known to yms
        done = browser.get(returned, follow_redirects=False)
        assert done.headers["location"] == f"{case_url}/confirmation"
        [receipt] = sent(ctx, templates.PAYMENT_RECEIVED)
        assert receipt.personalisation["total"] == "£1,871.00"
        [received] = sent(ctx, templates.APPLICATION_RECEIVED)
        assert received.personalisation["link"] == f"{url}/applications/{case_ref}"
        assert sent(ctx, templates.APPLICATION_WITHDRAWN) == []

        # The applicant withdraws: the confirmation.
        browser.get(f"{case_url}/withdraw")
        assert browser.post(f"{case_url}/withdraw", {"withdraw": "yes"}).status_code == 303
        [withdrawn] = sent(ctx, templates.APPLICATION_WITHDRAWN)
        assert withdrawn.personalisation["link"].startswith(f"{url}/")
        assert f"{url}/" in withdrawn.body

    everything = inbox(ctx, ADDRESS)
    assert all(DEFAULT not in m.body for m in everything)
