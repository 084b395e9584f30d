"""The body limit on its own, around a bare ASGI app that reads every body it is sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from yms.platform.web.body_limit import BodyLimitMiddleware, BodyTooLargeError, size

read: list[int] = []


async def reads_everything(_scope: Scope, receive: Receive, send: Send) -> None:
    """An app with no error handling: reads the whole body, then answers how much it read."""
    total, more = 0, True
    while more:
        message = await receive()
        total += len(message.get("body", b""))
        more = message.get("more_body", False)
    read.append(total)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(total).encode()})


async def answers_first(_scope: Scope, receive: Receive, send: Send) -> None:
    """An app that starts its answer before reading the body."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.body", "body": b"done"})


def chunks(total: int, size: int = 4) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


@pytest.fixture
def client() -> TestClient:
    read.clear()
    limited = BodyLimitMiddleware(reads_everything, default=10, limits={"/api/big/{id}": 100})
    return TestClient(limited)  # not entered: the bare apps know no lifespan


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        ("/api/small", 10, 200),
        ("/api/small", 11, 413),
        ("/api/big/7", 100, 200),
        ("/api/big/7", 101, 413),
        ("/api/big/7/more", 11, 413),  # a route's limit is for that route only
    ],
)
def test_each_path_has_its_limit_counted_as_the_body_streams(
    client: TestClient, path: str, size: int, status: int
) -> None:
    response = client.post(path, content=chunks(size))
    assert response.status_code == status
    if status == 413:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["connection"] == "close"
        assert read == []  # the app never finished reading


def test_a_declared_length_over_the_limit_never_reaches_the_app(client: TestClient) -> None:
    response = client.post("/api/small", content=b"x" * 11)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is over 10 bytes."
    assert read == []


def test_other_traffic_passes_untouched(client: TestClient) -> None:
    assert client.get("/api/small").text == "0"
    assert client.post("/api/small", content=b"x" * 10).text == "10"


def test_an_answer_already_started_cannot_become_a_413() -> None:
    client = TestClient(BodyLimitMiddleware(answers_first, default=10))
    with pytest.raises(BodyTooLargeError):
        client.post("/api/small", content=chunks(11))


@pytest.mark.parametrize(
    ("limit", "shown"), [(64 * 1024, "64 KB"), (11 * 1024 * 1024, "11 MB"), (1536, "1,536 bytes")]
)
def test_limits_are_said_as_people_read_them(limit: int, shown: str) -> None:
    assert size(limit) == shown
