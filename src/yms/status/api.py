"""The JSON API's status check: a share code and a date of birth in, the answer out.

The answer is the one the verifier page gives, with its signed record: a W3C
Verifiable Credential as a compact JWS that verifies offline against
``/.well-known/jwks.json``. Problems are RFC 9457 documents; too many misses
from a client or on a code is 429 with ``Retry-After``.
"""

from __future__ import annotations

from datetime import date

import psycopg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from yms.kernel.errors import InvalidInputError
from yms.kernel.validation import FieldProblem
from yms.platform.grouping import GroupClosedError
from yms.platform.web.clients import client_address
from yms.platform.web.errors import unavailable_problem
from yms.platform.web.json_body import MalformedJsonError, decode_json
from yms.platform.web.problems import problem
from yms.status import checks, sharing
from yms.status.api_groups import CheckGroups

router = APIRouter(prefix="/api/v1")
# Each route's body limit, enforced as the body streams (platform.web.body_limit).
BODY_LIMITS = {"/api/v1/status-checks": 4 * 1024}

REQUIRED = {"share_code", "date_of_birth"}
OPTIONAL = {"verifier"}


def _request(data: object) -> tuple[str, date, str | None]:
    if not isinstance(data, dict):
        raise InvalidInputError([FieldProblem("", "the body must be a JSON object")])
    problems = [
        FieldProblem(key, "unknown field") for key in sorted(set(data) - REQUIRED - OPTIONAL)
    ]
    problems += [FieldProblem(key, "required") for key in sorted(REQUIRED - set(data))]
    problems += [
        FieldProblem(key, "a string")
        for key in sorted(set(data) & (REQUIRED | OPTIONAL))
        if not isinstance(data[key], str) and not (key in OPTIONAL and data[key] is None)
    ]
    if problems:
        raise InvalidInputError(problems)
    try:
        born = date.fromisoformat(data["date_of_birth"])
    except ValueError:
        raise InvalidInputError(
            [FieldProblem("date_of_birth", "a real date, YYYY-MM-DD")]
        ) from None
    return data["share_code"], born, data.get("verifier")


@router.post(
    "/status-checks",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": sorted(REQUIRED),
                        "properties": {
                            "share_code": {"type": "string", "example": "W3H 4C6 KPX"},
                            "date_of_birth": {"type": "string", "format": "date"},
                            "verifier": {"type": "string", "maxLength": 200},
                        },
                    }
                }
            },
        }
    },
)
async def status_check(request: Request) -> Response:
    """Check a share code with the holder's date of birth.

    200 with the answer: ``match`` false for an unknown, expired or revoked code
    or a wrong date of birth alike; when true, the holder's name, whether the
    status is valid, from and until when, the conditions and the signed
    ``record``. Problems: 400 (not JSON), 422 (a field), 429 (too many misses).
    """
    try:
        check = parsed_check(await request.body(), client_address(request))
    except MalformedJsonError as error:
        return problem(
            400, "Malformed JSON", f"The body is not valid JSON: {error}.", kind="malformed-json"
        )
    except InvalidInputError as error:
        if any(p.path == "" for p in error.problems):
            return problem(
                400, "Malformed JSON", "The body must be a JSON object.", kind="malformed-json"
            )
        return problem(
            422, "Invalid status check", str(error), kind="invalid-input", problems=error.problems
        )
    return await answer_to(request.app.state, check)


def parsed_check(body: bytes, client: str) -> checks.CheckRequest:
    """The check a request's body asks for, from `client`.

    `MalformedJsonError` or `InvalidInputError` (saying which field) if it asks for none.
    """
    code, born, verifier = _request(decode_json(body))
    return checks.parse_check(code, born, client=client, verifier_name=verifier)


async def answer_to(state: State, check: checks.CheckRequest) -> Response:
    """The answer to a parsed check: 200, 429 (too many misses) or 503 (the database away).

    In a group (`CheckGroups`, while the app is served), else alone in the thread pool,
    on the app's service context (`state.ctx`).
    """
    groups: CheckGroups | None = state.check_groups
    try:
        if groups is not None:
            answer = await groups.check(check)
        else:  # in the thread pool: the check waits on the database, the event loop must not
            answer = await run_in_threadpool(checks.check_parsed, state.ctx, check)
    except (GroupClosedError, psycopg.OperationalError, psycopg.InterfaceError) as error:
        # Stopping, or the database away (PoolTimeout too): 503, and the verifier asks again.
        return unavailable_problem(error)
    except sharing.TooManyChecksError as error:
        limited = problem(
            429,
            "Too many attempts",
            "Too many checks did not match; try again later.",
            kind="rate-limited",
        )
        limited.headers["Retry-After"] = str(error.retry_after)
        return limited
    return JSONResponse(answer.as_json())
