"""The job that sends a queued e-mail through the context's sender."""

from __future__ import annotations

from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.mail.outbox import SEND_EMAIL


def send_email(ctx: ServiceContext, job: ClaimedJob) -> None:
    """Send the message the job carries; its id is the reference, so a re-run sends once."""
    ctx.mail.send_email_notification(
        job.args["to"], job.args["template"], job.args["personalisation"], f"job-{job.id}"
    )


JOBS = {SEND_EMAIL: send_email}
