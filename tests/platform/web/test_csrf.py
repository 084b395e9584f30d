"""A plain (sync) handler reads its form off the event loop, with the same CSRF check."""

from __future__ import annotations

import threading

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from tests.fixtures.web import CSRF
from yms.platform.context import ServiceContext
from yms.platform.web.csrf import csrf_form_in_thread
from yms.web.app import create_app


def test_a_sync_handler_reads_the_form_in_its_thread_and_checks_the_token(
    web_ctx: ServiceContext,
) -> None:
    loop_thread: list[str] = []

    def echo(request: Request) -> Response:
        form = csrf_form_in_thread(request)
        return JSONResponse({"name": form["name"], "thread": threading.current_thread().name})

    async def where_the_loop_runs() -> dict[str, str]:
        loop_thread.append(threading.current_thread().name)
        return {}

    app = create_app(web_ctx)
    app.add_api_route("/echo-for-test", echo, methods=["POST"])
    app.add_api_route("/loop-for-test", where_the_loop_runs)
    with TestClient(app, base_url="https://testserver") as client:
        token = CSRF.search(client.get("/sign-in").text)
        assert token is not None
        client.get("/loop-for-test")
        sent = client.post("/echo-for-test", data={"csrf_token": token.group(1), "name": "Ana"})
        assert sent.status_code == 200
        assert sent.json()["name"] == "Ana"
        assert sent.json()["thread"] != loop_thread[0]  # not on the event loop
        forged = client.post("/echo-for-test", data={"csrf_token": "guess", "name": "Ana"})
        assert forged.status_code == 400
        assert "Your page has expired" in forged.text
