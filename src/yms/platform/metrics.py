"""What the service counts for Prometheus: requests, entries accepted, connections, the queue.

Labels are bounded by construction: a request is labelled with its route's
template (``/api/v1/ballot-windows/{window_id}/entries``), never the path, so
no reference, token or address reaches a label, and the series stay few.

With several web processes (`yms serve --workers N`) each writes its own values
to files in ``PROMETHEUS_MULTIPROC_DIR``, which `yms serve` makes before the
workers start and removes after, and a scrape of any one of them adds up all
(prometheus_client's multiprocess mode). Without it, a process counts in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from yms.platform.db import Database
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobState

#: The environment variable naming prometheus_client's multiprocess directory.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Latency buckets, in seconds: the API's goal (p99 under 0.1 s) falls on a bound.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "yms_http_requests",
    "HTTP requests answered, by route template, method and status class.",
    ("route", "method", "status"),
)
LATENCY = Histogram(
    "yms_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class.",
    ("route", "method", "status"),
    buckets=LATENCY_BUCKETS,
)
ENTRIES_ACCEPTED = Counter(
    "yms_ballot_entries_accepted",
    "Ballot entries accepted and committed (not counting a repeat of the same entry).",
)
GROUP_SIZE = Histogram(
    "yms_group_size",
    "Requests handled together in one group (one commit), by kind: ballot entries, status "
    "checks. Small groups under load mean the database's round trips, not its commits, bound it.",
    ("kind",),
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
# Written on each checkout and checkin, so every worker's own count is current; a
# scrape adds up the live workers' counts.
POOL_IN_USE = Gauge(
    "yms_db_pool_connections_in_use",
    "Database connections checked out of the pool now.",
    multiprocess_mode="livesum",
)


def group_handled(kind: str, size: int) -> None:
    """Count a group of `size` requests of `kind` handled together (`yms.platform.grouping`)."""
    GROUP_SIZE.labels(kind).observe(size)


def entry_accepted() -> None:
    """Count one ballot entry accepted (call it once the entry is committed)."""
    ENTRIES_ACCEPTED.inc()


def _checked_out(*_args: object) -> None:
    POOL_IN_USE.inc()


def _checked_in(*_args: object) -> None:
    POOL_IN_USE.dec()


def watch_pool(engine: Engine) -> None:
    """Count `engine`'s connections in use in `POOL_IN_USE` (once, however often asked)."""
    if not event.contains(engine, "checkout", _checked_out):
        event.listen(engine, "checkout", _checked_out)
        event.listen(engine, "checkin", _checked_in)


class _QueuedJobs(Collector):
    """The jobs waiting now, counted in the database when scraped (one number for all)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        try:
            queued = queue.count(self.database, JobState.QUEUED)
        except SQLAlchemyError:  # the database is away: the scrape still shows the rest
            return
        yield GaugeMetricFamily("yms_jobs_queued", "Jobs queued, waiting for a worker.", queued)


def multiprocess_mode() -> bool:
    """Whether this process writes its metrics to files shared with its sibling workers."""
    return bool(os.environ.get(MULTIPROCESS_DIR))


def exposition(database: Database) -> bytes:
    """Every metric in Prometheus's text format: all workers' if several, and the queue now."""
    if multiprocess_mode():
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    now = CollectorRegistry()
    now.register(_QueuedJobs(database))
    return generate_latest(counted) + generate_latest(now)


def process_ended() -> None:
    """Forget this process's gauges, as a worker ends (its counters stay in the totals)."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
