"""Two server processes on one PostgreSQL: limits, idempotency and sessions hold across them.

As behind a load balancer, where each request may reach any process: nothing
that matters may live in one process's memory.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.fixtures.processes import Served, postgres, served
from tests.fixtures.rush import WINDOW, identity, seeded
from yms.platform.web.ratelimit import DEFAULT_LIMITS

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Served, Served, list[str]]]:
    with postgres() as cluster:
        tokens = seeded(cluster.url, tmp_path_factory.mktemp("two"), 3)
        env = {"YMS_DATABASE_URL": cluster.url, "YMS_TRUSTED_PROXIES": "127.0.0.1"}
        with served(env, "--insecure-cookies") as a, served(env, "--insecure-cookies") as b:
            yield a, b, tokens


def entries(server: Served) -> str:
    return f"{server.url}/api/v1/ballot-windows/{WINDOW}/entries"


def test_an_idempotency_key_answers_the_same_on_either_server(
    two_servers: tuple[Served, Served, list[str]],
) -> None:
    a, b, tokens = two_servers
    headers = {"authorization": f"Bearer {tokens[0]}", "idempotency-key": "either-server"}
    first = httpx.post(entries(a), json=identity(0), headers=headers)
    again = httpx.post(entries(b), json=identity(0), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()


def test_an_accounts_limit_is_one_count_across_servers(
    two_servers: tuple[Served, Served, list[str]],
) -> None:
    a, b, tokens = two_servers
    limit = DEFAULT_LIMITS["ballot-entry-account"].attempts
    # The servers count in fixed windows on the real clock: begin well inside one, so
    # the attempts are not split across two (each of which would let the limit through).
    seconds = DEFAULT_LIMITS["ballot-entry-account"].seconds
    into = time.time() % seconds
    if into > seconds - 10:
        time.sleep(seconds - into + 0.5)
    headers = {"authorization": f"Bearer {tokens[1]}"}
    answers = [
        httpx.post(entries(server), json=identity(1), headers=headers).status_code
        for server in [a, b] * limit
    ]
    assert answers[:limit] == [201] + [200] * (limit - 1)  # each server alone saw only half
    assert set(answers[limit:]) == {429}


def test_a_session_made_on_one_server_is_good_on_the_other(
    two_servers: tuple[Served, Served, list[str]],
) -> None:
    a, b, _tokens = two_servers
    with httpx.Client() as browser:  # one cookie jar: 127.0.0.1 is one site, whatever the port
        form = browser.get(f"{a.url}/sign-in")
        csrf = CSRF.search(form.text)
        assert csrf is not None
        signed_in = browser.post(
            f"{a.url}/sign-in",
            data={
                "csrf_token": csrf.group(1),
                "email": "entrant2@example.org",
                "password": "a good long password",
            },
        )
        assert signed_in.status_code == 303, signed_in.text[:300]
        home = browser.get(f"{b.url}/account")
        assert home.status_code == 200
        assert "entrant2@example.org" in home.text
        signed_out = browser.get(f"{b.url}/sign-in")  # and a CSRF token made on B is good on A
        csrf_b = CSRF.search(signed_out.text)
        assert csrf_b is not None
        out = browser.post(f"{a.url}/sign-out", data={"csrf_token": csrf_b.group(1)})
        assert out.status_code == 303
        gone = browser.get(f"{b.url}/account")  # signed out on A: signed out on B
        assert gone.status_code == 303
        assert gone.headers["location"].startswith("/sign-in")
