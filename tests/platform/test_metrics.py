"""The metrics the platform keeps: connections in use, entries accepted, jobs queued."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from yms.platform import metrics
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobRequest, JobState


def in_use() -> float:
    return REGISTRY.get_sample_value("yms_db_pool_connections_in_use") or 0.0


def test_connections_in_use_follow_checkouts_and_checkins(database: Database) -> None:
    metrics.watch_pool(database.engine)
    metrics.watch_pool(database.engine)  # watched once, however often asked
    before = in_use()
    with database.engine.connect(), database.engine.connect():
        assert in_use() - before == 2
    assert in_use() == before


def test_an_accepted_entry_is_counted() -> None:
    name = "yms_ballot_entries_accepted_total"
    before = REGISTRY.get_sample_value(name) or 0.0
    metrics.entry_accepted()
    assert REGISTRY.get_sample_value(name) == before + 1


def test_the_queue_counts_jobs_by_state(ctx: ServiceContext) -> None:
    assert queue.count(ctx.database, JobState.QUEUED) == 0
    with ctx.database.transaction() as session:
        for n in range(2):
            queue.add(session, ctx.sealer, JobRequest("test.job", {"n": n}), now=ctx.clock.now())
    assert queue.count(ctx.database, JobState.QUEUED) == 2
    assert queue.count(ctx.database, JobState.FAILED) == 0
    claimed = queue.claim(ctx.database, ctx.sealer, now=ctx.clock.now(), lease=timedelta(minutes=1))
    assert claimed is not None
    assert queue.count(ctx.database, JobState.QUEUED) == 1
    assert queue.count(ctx.database, JobState.RUNNING) == 1


def test_the_scrape_says_nothing_of_the_queue_when_the_database_is_away(tmp_path: Path) -> None:
    nowhere = Database.connect(f"sqlite:///{tmp_path / 'missing' / 'yms.db'}")
    scraped = metrics.exposition(nowhere).decode()
    assert "yms_http_requests_total" in scraped
    assert "yms_jobs_queued" not in scraped


def test_with_several_workers_the_scrape_reads_their_folder(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In multiprocess mode a scrape adds up the workers' files, not this process's memory."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    monkeypatch.setenv(metrics.MULTIPROCESS_DIR, str(folder))
    assert metrics.multiprocess_mode()
    scraped = metrics.exposition(ctx.database).decode()
    assert "yms_http_requests_total" not in scraped  # no worker has written to this folder
    assert "yms_jobs_queued 0.0" in scraped
    (folder / "gauge_livesum_4242.db").write_bytes(b"")
    monkeypatch.setattr("os.getpid", lambda: 4242)
    metrics.process_ended()  # a worker leaving takes its gauges with it
    assert not (folder / "gauge_livesum_4242.db").exists()
