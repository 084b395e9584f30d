"""A worker killed between enqueue and completion: the job runs once the worker is back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.databases import sqlite_copy
from yms.platform.context import ServiceContext
from yms.platform.jobs import queue
from yms.platform.jobs.queue import JobState, JobView
from yms.platform.settings import Settings

# A worker process with one handler: it notes when it starts, sleeps, and notes when it ends.
WORKER = """
import signal, sys, threading, time
from datetime import timedelta
from pathlib import Path

from yms.platform.context import ServiceContext
from yms.platform.jobs.worker import Worker
from yms.platform.settings import Settings

pause = float(sys.argv[1])


def slow(ctx, job):
    log = Path(job.args["log"])
    with log.open("a") as notes:
        notes.write(f"started {job.attempt}\\n")
    time.sleep(pause)
    with log.open("a") as notes:
        notes.write(f"finished {job.attempt}\\n")


stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
ctx = ServiceContext.from_settings(Settings())
Worker(ctx, handlers={"test.slow": slow}, lease=timedelta(seconds=2)).run(stop, poll=0.1)
"""

Start = Callable[[float], subprocess.Popen[bytes]]


@pytest.fixture
def environment(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Settings shared by this test and its worker processes: one database, one data key."""
    values = {
        "YMS_DATABASE_URL": sqlite_copy(sqlite_template, tmp_path),
        "YMS_DATA_KEY": Fernet.generate_key().decode("ascii"),
        "YMS_IDENTITY_KEY": "kill-test-identity-key-kill-test-identity-key",
        "YMS_EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return {**os.environ, **values}


@pytest.fixture
def start_worker(environment: dict[str, str], tmp_path: Path) -> Iterator[Start]:
    """Start `python -c WORKER pause` as its own process; every one left is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(pause: float) -> subprocess.Popen[bytes]:
        output = (tmp_path / f"worker-{len(started) + 1}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own code, fixed arguments
            [sys.executable, "-c", WORKER, str(pause)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        output.close()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture
def shared_ctx(environment: dict[str, str]) -> Iterator[ServiceContext]:
    """This process's context, built from the same settings as the workers'."""
    assert environment["YMS_DATABASE_URL"].startswith("sqlite:///")
    ctx = ServiceContext.from_settings(Settings())
    yield ctx
    ctx.database.dispose()


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, logs: Path) -> None:
    """Poll `condition`; generous, since a loaded machine starts Python slowly."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            output = "\n".join(path.read_text() for path in sorted(logs.glob("worker-*.log")))
            pytest.fail(f"waited {seconds} s for {what}; the workers said:\n{output}")
        time.sleep(0.05)


def the_job(ctx: ServiceContext) -> JobView:
    [view] = queue.jobs(ctx.database)
    return view


def test_a_job_whose_worker_is_killed_runs_again_when_a_worker_is_back(
    shared_ctx: ServiceContext, start_worker: Start, tmp_path: Path
) -> None:
    ctx = shared_ctx
    notes = tmp_path / "notes.txt"
    with ctx.unit(actor="system") as uow:
        uow.enqueue("test.slow", log=str(notes))

    def lines() -> list[str]:
        return notes.read_text().splitlines() if notes.exists() else []

    doomed = start_worker(30)
    wait_for(
        lambda: lines() == ["started 1"],
        seconds=60,
        what="the first worker to start",
        logs=tmp_path,
    )
    doomed.send_signal(signal.SIGKILL)
    assert doomed.wait(timeout=10) == -signal.SIGKILL
    killed = the_job(ctx)
    assert (killed.state, killed.attempts) == (JobState.RUNNING, 1)

    back = start_worker(0)
    wait_for(
        lambda: the_job(ctx).state is JobState.DONE,
        seconds=60,
        what="the job to be done",
        logs=tmp_path,
    )
    back.send_signal(signal.SIGTERM)
    assert back.wait(timeout=10) == 0
    assert lines() == ["started 1", "started 2", "finished 2"]
    done = the_job(ctx)
    assert (done.attempts, done.last_error) == (2, None)
