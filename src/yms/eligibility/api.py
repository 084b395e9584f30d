"""The JSON API's eligibility check: one applicant, any scheme, every requirement explained."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from yms.eligibility.services import check_eligibility
from yms.kernel.errors import InvalidInputError
from yms.kernel.validation import FieldProblem
from yms.platform.web.problems import problem
from yms.platform.web.session_middleware import visit_of

router = APIRouter(prefix="/api/v1")
MAX_BODY_BYTES = 64 * 1024


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
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "Too large", "The request body is over 64 KB.", kind="too-large")
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(400, "Malformed JSON", "The body is not valid JSON.", kind="malformed-json")
    if not isinstance(data, dict):
        return problem(
            400, "Malformed JSON", "The body must be a JSON object.", kind="malformed-json"
        )
    scheme_id = data.pop("scheme", None)
    if not isinstance(scheme_id, str):
        return problem(
            422,
            "Invalid applicant",
            "Say which scheme to check against.",
            kind="invalid-input",
            problems=[FieldProblem("scheme", "required: a scheme id such as uk-yms")],
        )
    ctx = visit_of(request).ctx
    try:
        result = check_eligibility(ctx.catalogue, scheme_id, json.dumps(data), clock=ctx.clock)
    except InvalidInputError as error:
        return problem(
            422, "Invalid applicant", str(error), kind="invalid-input", problems=error.problems
        )
    return JSONResponse(result.as_json())
