"""The scheme list in the JSON API, over real HTTP."""

from __future__ import annotations

import httpx2 as httpx

from tests.fixtures.web import LiveServer


def test_schemes(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/schemes")
    assert response.status_code == 200
    ids = {scheme["id"] for scheme in response.json()}
    assert ids == {"uk-yms", "eu-uk-2024", "eu-uk-yes"}
