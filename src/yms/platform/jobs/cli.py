"""`yms jobs`: see queued, running, done and failed jobs; retry a failed one."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="See and retry background jobs.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    failed: Annotated[
        bool, typer.Option("--failed", help="Only jobs that ran out of attempts.")
    ] = False,
    state: Annotated[
        str | None, typer.Option(help="Only jobs in this state: queued, running, done, failed.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """List the latest jobs: name, state, attempts, last error."""
    from rich.table import Table  # noqa: PLC0415 - commands import what they use

    from yms.platform.cli import fail, service_context  # noqa: PLC0415
    from yms.platform.jobs.queue import JobState, jobs  # noqa: PLC0415
    from yms.platform.terminal import add_id_column, show  # noqa: PLC0415

    wanted = JobState.FAILED if failed else None
    if state is not None:
        try:
            wanted = JobState(state)
        except ValueError:
            fail(f"--state must be one of {', '.join(s.value for s in JobState)}")
    table = Table(title="Jobs", title_justify="left")
    add_id_column(table, "id", justify="right")  # `yms jobs retry ID` takes it back
    for column in ("job", "state", "attempts", "last error", "run after", "finished"):
        table.add_column(column, no_wrap=column in {"job", "state", "last error"})
    for job in jobs(service_context().database, state=wanted, limit=limit):
        table.add_row(
            str(job.id),
            job.name,
            job.state.value,
            f"{job.attempts}/{job.max_attempts}",
            job.last_error or "",
            f"{job.run_after:%Y-%m-%d %H:%M:%S}Z",
            f"{job.finished_at:%Y-%m-%d %H:%M:%S}Z" if job.finished_at else "",
        )
    show(table)


@app.command("retry")
def retry(job_id: Annotated[int, typer.Argument(metavar="ID", help="A failed job's id.")]) -> None:
    """Queue a failed job again, with its attempts counted afresh (audited)."""
    from yms.platform.cli import EXIT_REFUSED, actor, fail, service_context  # noqa: PLC0415
    from yms.platform.jobs import queue  # noqa: PLC0415

    ctx = service_context()
    with ctx.unit(actor=actor()) as uow:
        retried = queue.retry(uow.session, job_id, now=uow.now())
        if retried:
            uow.audit("jobs.job.retried", str(job_id))
    if not retried:
        fail(f"job {job_id} is not a failed job", code=EXIT_REFUSED)
    print(f"job {job_id} queued again")  # noqa: T201 - the command's output
