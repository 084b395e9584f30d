"""/metrics: requests by route template, for the allowed networks only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from yms.platform import metrics
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobRequest
from yms.web.app import create_app

LOOPBACK_CLIENT = ("127.0.0.1", 50000)
ENTRIES = "/api/v1/ballot-windows/{window_id}/entries"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Each sample of a scrape by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests(scraped: str, route: str, method: str, status: str) -> float:
    labels = (("method", method), ("route", route), ("status", status))
    return samples(scraped).get(("yms_http_requests_total", labels), 0.0)


def test_requests_are_counted_and_timed_by_route_template(web_ctx: ServiceContext) -> None:
    app = create_app(web_ctx)
    with TestClient(app, base_url="https://testserver", client=LOOPBACK_CLIENT) as client:
        before = client.get("/metrics").text
        assert client.get("/ballots/some-window-ref").status_code == 404
        assert client.get("/ballots/other-window-ref").status_code == 404
        assert client.post("/api/v1/ballot-windows/w-123/entries", json={}).status_code == 401
        assert client.get("/no/such/page-ref").status_code == 404
        after = client.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain")
    scraped = after.text
    for route, method, status, more in [
        ("/ballots/{window_id}", "GET", "4xx", 2),
        (ENTRIES, "POST", "4xx", 1),
        ("unmatched", "GET", "4xx", 1),
        ("/metrics", "GET", "2xx", 1),
    ]:
        moved = requests(scraped, route, method, status) - requests(before, route, method, status)
        assert moved == more, route
    labels = (("method", "GET"), ("route", "/ballots/{window_id}"), ("status", "4xx"))
    assert samples(scraped)[("yms_http_request_duration_seconds_count", labels)] >= 2
    # A path is never a label: no reference, token or address reaches the series.
    for raw in ("some-window-ref", "w-123", "page-ref", "127.0.0.1"):
        assert raw not in scraped


def test_the_scrape_counts_entries_connections_and_queued_jobs(web_ctx: ServiceContext) -> None:
    with web_ctx.database.transaction() as session:
        for n in range(3):
            queue.add(
                session, web_ctx.sealer, JobRequest("test.job", {"n": n}), now=web_ctx.clock.now()
            )
    app = create_app(web_ctx)
    with TestClient(app, base_url="https://testserver", client=LOOPBACK_CLIENT) as client:
        before = samples(client.get("/metrics").text)
        metrics.entry_accepted()
        after = samples(client.get("/metrics").text)
    accepted = ("yms_ballot_entries_accepted_total", ())
    assert after[accepted] - before[accepted] == 1
    assert after[("yms_jobs_queued", ())] == 3
    assert ("yms_db_pool_connections_in_use", ()) in after


def test_only_the_allowed_networks_may_read_the_metrics(web_ctx: ServiceContext) -> None:
    app = create_app(web_ctx, trusted_proxies="127.0.0.1", metrics_from="10.0.0.0/8")
    inside, outside = ("10.1.2.3", 50000), ("192.0.2.7", 50000)
    with TestClient(app, base_url="https://testserver", client=inside) as client:
        assert client.get("/metrics").status_code == 200
    with TestClient(app, base_url="https://testserver", client=outside) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 404
        assert "yms_" not in refused.text
    # Through a trusted proxy, the client it names is the one that counts, either way.
    with TestClient(app, base_url="https://testserver", client=LOOPBACK_CLIENT) as client:
        assert client.get("/metrics").status_code == 404  # the proxy itself is not allowed
        forwarded = client.get("/metrics", headers={"X-Forwarded-For": "10.9.9.9"})
        assert forwarded.status_code == 200
        spoofed = client.get("/metrics", headers={"X-Forwarded-For": "10.9.9.9, 192.0.2.7"})
        assert spoofed.status_code == 404


def test_by_default_only_this_machine_reads_the_metrics(web_ctx: ServiceContext) -> None:
    app = create_app(web_ctx)
    for client, status in [(LOOPBACK_CLIENT, 200), (("::1", 50000), 200), (("10.0.0.1", 1), 404)]:
        with TestClient(app, base_url="https://testserver", client=client) as browser:
            assert browser.get("/metrics").status_code == status, client
