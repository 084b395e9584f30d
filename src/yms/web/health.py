"""Probes for whoever runs the service: is the process alive, and can it serve?

``/healthz`` touches nothing (a load balancer may ask it every second);
``/readyz`` asks the database, and says the service is ready only when it is
reachable and migrated to the schema this code expects.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from yms.platform.db import SCHEMA_REVISION
from yms.platform.web.context import context_of
from yms.platform.web.problems import problem

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> Response:
    """The process answers: 200, whatever the database."""
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """200 when the database answers at the expected migration; otherwise a 503 problem."""
    try:
        revision = context_of(request).database.revision()
    except SQLAlchemyError:
        return _not_ready("The database cannot be reached.")
    if revision != SCHEMA_REVISION:
        return _not_ready(
            f"The database is at migration {revision or 'none'}, not {SCHEMA_REVISION}: "
            "run `yms db upgrade`."
        )
    return JSONResponse(
        {"status": "ready", "revision": revision}, headers={"Cache-Control": "no-store"}
    )


def _not_ready(detail: str) -> Response:
    answer = problem(503, "Not ready", detail, kind="not-ready")
    answer.headers["Retry-After"] = "5"
    answer.headers["Cache-Control"] = "no-store"
    return answer
