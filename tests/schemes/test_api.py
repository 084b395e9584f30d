"""The scheme list in the JSON API, over real HTTP."""

from __future__ import annotations

import httpx2 as httpx

from tests.fixtures.web import LiveServer


def test_schemes(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/schemes")
    assert response.status_code == 200
    ids = {scheme["id"] for scheme in response.json()}
    assert ids == {"uk-yms", "eu-uk-2024", "eu-uk-brake", "eu-uk-cap", "eu-uk-yes"}


def test_the_scheme_in_force_comes_first(live_server: LiveServer) -> None:
    listed = httpx.get(f"{live_server.url}/api/v1/schemes").json()
    assert listed[0]["id"] == "uk-yms"
    assert listed[0]["status"] == "in_force"
