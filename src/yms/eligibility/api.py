"""The JSON API's eligibility check: one applicant, any scheme, every requirement explained."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from yms.eligibility.services import check_eligibility, parse_query
from yms.kernel.errors import InvalidInputError
from yms.platform.web.context import context_of
from yms.platform.web.problems import problem

router = APIRouter(prefix="/api/v1")
MAX_BODY_BYTES = 64 * 1024
# Each route's body limit, enforced as the body streams (platform.web.body_limit).
BODY_LIMITS = {"/api/v1/eligibility": MAX_BODY_BYTES}


@router.post(
    "/eligibility",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def eligibility(request: Request) -> Response:
    """Check one applicant: the applicant JSON of `yms eligibility check` plus ``"scheme"``."""
    body = await request.body()  # at most MAX_BODY_BYTES: BodyLimitMiddleware refuses more
    ctx = context_of(request)
    try:
        scheme_id, applicant = parse_query(body)
        result = check_eligibility(ctx.catalogue, scheme_id, applicant, clock=ctx.clock)
    except InvalidInputError as error:
        if any(problem.path == "" for problem in error.problems):
            return problem(
                400, "Malformed JSON", "The body must be a JSON object.", kind="malformed-json"
            )
        return problem(
            422, "Invalid applicant", str(error), kind="invalid-input", problems=error.problems
        )
    return JSONResponse(result.as_json())
