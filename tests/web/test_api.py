"""The assembled JSON API over real HTTP: unknown paths are problems; OpenAPI describes it."""

from __future__ import annotations

import httpx2 as httpx

from tests.fixtures.web import LiveServer


def test_unknown_api_paths_are_problems(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_openapi_describes_the_api(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/api/v1/openapi.json").json()
    assert {"/api/v1/schemes", "/api/v1/eligibility"} <= set(spec["paths"])
