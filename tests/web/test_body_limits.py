"""Request bodies are limited while they stream: a huge body is refused before it is read.

Over real HTTP, a chunked body carries no length to check up front, so only counting
what arrives can stop it; these tests send 60 MB that way and watch for the answer
while still sending.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import httpx2 as httpx
import pytest

from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import Browser, LiveServer
from yms.accounts import services as accounts
from yms.platform.context import ServiceContext

SIXTY_MB = 60 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Answer:
    status: int
    head: str
    sent_before_answer: int


def post_chunked(server: LiveServer, path: str, *, content_type: str, extra: str = "") -> Answer:
    """POST 60 MB with `Transfer-Encoding: chunked`, reading the answer while sending.

    The sender stops as soon as an answer has come; `sent_before_answer` is how much it
    had sent by then (a server that read everything first makes that all 60 MB).
    """
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    connection.sendall(
        (
            f"POST {path} HTTP/1.1\r\nHost: localhost:{server.port}\r\n"
            f"Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n{extra}\r\n"
        ).encode("ascii")
    )
    answered = threading.Event()
    sent = 0

    def send_body() -> None:
        nonlocal sent
        framed = f"{CHUNK:x}\r\n".encode("ascii") + b"x" * CHUNK + b"\r\n"
        try:
            while sent < SIXTY_MB and not answered.is_set():
                connection.sendall(framed)
                sent += CHUNK
            if not answered.is_set():
                connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection: it will not read the rest

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    head = b""
    while b"\r\n\r\n" not in head:
        data = connection.recv(65536)
        if not data:
            break
        head += data
    sent_before_answer = sent
    answered.set()
    connection.close()
    sender.join(timeout=30)
    text = head.decode("latin-1")
    return Answer(int(text.split(" ", 2)[1]), text.lower(), sent_before_answer)


def test_a_chunked_60mb_api_post_is_refused_before_it_is_read(live_server: LiveServer) -> None:
    answer = post_chunked(live_server, "/api/v1/eligibility", content_type="application/json")
    assert answer.status == 413
    assert "content-type: application/problem+json" in answer.head
    assert "connection: close" in answer.head
    assert answer.sent_before_answer < SIXTY_MB // 4


@pytest.mark.usefixtures("entrant")
def test_a_chunked_60mb_ballot_entry_is_refused_before_it_is_read(live_server: LiveServer) -> None:
    answer = post_chunked(
        live_server,
        "/api/v1/ballot-windows/hk-2026-1/entries",
        content_type="application/json",
        extra="Authorization: Basic YW5hQGV4YW1wbGUub3JnOmEgZ29vZCBsb25nIHBhc3N3b3Jk\r\n",
    )
    assert answer.status == 413
    assert answer.sent_before_answer < SIXTY_MB // 4


def test_a_chunked_60mb_form_is_refused_before_it_is_read(live_server: LiveServer) -> None:
    answer = post_chunked(live_server, "/sign-in", content_type="application/x-www-form-urlencoded")
    assert answer.status == 413
    assert "content-type: text/html" in answer.head
    assert answer.sent_before_answer < SIXTY_MB // 4


@pytest.fixture
def entrant(web_ctx: ServiceContext) -> None:
    hong_kong_window(web_ctx)
    accounts.create_account(web_ctx, "ana@example.org", "a good long password", confirmed=True)


def test_a_declared_length_over_the_limit_is_refused_unread(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.url}/api/v1/eligibility",
        content=b"{" + b" " * (64 * 1024) + b"}",
    )
    assert response.status_code == 413
    assert response.json()["type"] == "/api/v1/problems/too-large"


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        ("/api/v1/eligibility", 64 * 1024, 400),  # at the limit: read, and found not to be JSON
        ("/api/v1/eligibility", 64 * 1024 + 1, 413),
        ("/api/v1/ballot-windows/hk-2026-1/entries", 64 * 1024 + 1, 413),
        ("/sign-in", 64 * 1024, 400),  # at the limit: read, and found without a token
        ("/sign-in", 64 * 1024 + 1, 413),
        ("/check/scheme", 64 * 1024 + 1, 413),
        ("/applications/AB12/evidence/passport", 11 * 1024 * 1024 + 1, 413),
    ],
)
@pytest.mark.usefixtures("entrant")
def test_each_route_has_its_limit(browser: Browser, path: str, size: int, status: int) -> None:
    body = b"x" * size

    def streamed() -> object:  # no Content-Length: the limit is counted as the body arrives
        yield body[: size // 2]
        yield body[size // 2 :]

    for content in (body, streamed()):
        response = browser.client.post(
            path,
            content=content,  # type: ignore[arg-type]
            headers={"content-type": "application/x-www-form-urlencoded"},
            auth=("ana@example.org", "a good long password"),  # for the ballot entry
        )
        assert response.status_code == status, response.text[:300]


def test_a_form_over_the_limit_gets_the_error_page(browser: Browser) -> None:
    response = browser.client.post(
        "/sign-in",
        content=b"x" * (64 * 1024 + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "too large" in response.text
    assert response.headers["content-security-policy"]  # the page's headers, as any page's
