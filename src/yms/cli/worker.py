"""`yms worker`: runs every feature's jobs, and queues the scheduled ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from yms.platform.context import ServiceContext
    from yms.platform.jobs.worker import Worker


def build_worker(ctx: ServiceContext, *, lease_seconds: float = 300) -> Worker:
    """A worker with every feature's job handlers and schedules."""
    from datetime import timedelta  # noqa: PLC0415 - keep `yms --help` fast

    from yms.applications import jobs as application_jobs  # noqa: PLC0415
    from yms.ballot import jobs as ballot_jobs  # noqa: PLC0415
    from yms.platform.jobs import jobs as queue_jobs  # noqa: PLC0415
    from yms.platform.jobs.worker import Worker  # noqa: PLC0415
    from yms.platform.mail import jobs as mail_jobs  # noqa: PLC0415
    from yms.platform.web import jobs as web_jobs  # noqa: PLC0415
    from yms.status import jobs as status_jobs  # noqa: PLC0415

    return Worker(
        ctx,
        handlers={
            **mail_jobs.JOBS,
            **web_jobs.JOBS,
            **queue_jobs.JOBS,
            **ballot_jobs.JOBS,
            **application_jobs.JOBS,
            **status_jobs.JOBS,
        },
        schedules=(
            *web_jobs.SCHEDULES,
            *queue_jobs.SCHEDULES,
            *ballot_jobs.SCHEDULES,
            *status_jobs.SCHEDULES,
        ),
        lease=timedelta(seconds=lease_seconds),
    )


def worker(
    poll: Annotated[float, typer.Option(help="Seconds to wait when no job is due.")] = 1.0,
    lease: Annotated[
        float, typer.Option(help="Seconds a job is held before another worker may take it.")
    ] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then stop.")] = False,
) -> None:
    """Run queued jobs (e-mail, checks on cases, invitation expiry, session purge) until stopped."""
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from yms.platform.cli import service_context  # noqa: PLC0415

    ctx = service_context()
    runner = build_worker(ctx, lease_seconds=lease)
    if once:
        runner.queue_scheduled()
        print(f"ran {runner.run_due():,} jobs")  # noqa: T201 - the command's output
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.run(stop, poll=poll)
