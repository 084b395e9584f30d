"""The JSON API, version 1: schemes and eligibility. Errors are RFC 9457 problem documents."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from yms.domain.validation import FieldProblem
from yms.services.eligibility import check_eligibility
from yms.services.errors import InvalidInputError
from yms.web.problems import problem
from yms.web.visits import visit_of

router = APIRouter(prefix="/api/v1")
MAX_BODY_BYTES = 64 * 1024


@router.get("/schemes")
def schemes(request: Request) -> list[dict[str, Any]]:
    """Every scheme version: id, version, title, status and effective dates."""
    catalogue = visit_of(request).ctx.catalogue
    return [
        {
            "id": scheme.id,
            "version": scheme.version,
            "title": scheme.title,
            "status": scheme.status.value,
            "effective_from": scheme.effective_from.isoformat(),
            "effective_until": scheme.effective_until.isoformat()
            if scheme.effective_until
            else None,
            "arrangements": len(scheme.arrangements),
        }
        for scheme in catalogue.schemes
    ]


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
