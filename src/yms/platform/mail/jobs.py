"""The job that sends a queued e-mail through the context's sender."""

from __future__ import annotations

from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob
from yms.platform.mail.outbox import SEND_EMAIL


def send_email(ctx: ServiceContext, job: ClaimedJob) -> None:
    """Send the message the job carries; its id is the reference, so a re-run sends once.

    A link queued as a path on this service (``/invitations/ITA-…``) is made whole
    here, on the address of the process that sends: the one serving the pages, when
    `yms serve --demo` runs the worker, whichever process (the operator's command
    line, say) queued the e-mail.
    """
    personalisation = {
        key: absolute(ctx.public_url, value) if key.endswith("link") else value
        for key, value in job.args["personalisation"].items()
    }
    ctx.mail.send_email_notification(
        job.args["to"], job.args["template"], personalisation, f"job-{job.id}"
    )


def absolute(public_url: str, link: str) -> str:
    """`link` on the service at `public_url`, if it is a path; otherwise as given."""
    return f"{public_url}{link}" if link.startswith("/") else link


JOBS = {SEND_EMAIL: send_email}
