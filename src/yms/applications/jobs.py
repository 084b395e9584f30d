"""The case's jobs: the automated checks once an application is submitted. Idempotent."""

from __future__ import annotations

import structlog

from yms.applications.services.casework import RUN_CHECKS, run_checks
from yms.platform.context import ServiceContext
from yms.platform.jobs.queue import ClaimedJob

log = structlog.get_logger(__name__)


def run_case_checks(ctx: ServiceContext, job: ClaimedJob) -> None:
    """Run the automated checks on the case the job names; a case past them is left alone."""
    ran = run_checks(ctx, job.args["case_ref"])
    log.info("application.checks", ran=ran)


JOBS = {RUN_CHECKS: run_case_checks}
