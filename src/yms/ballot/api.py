"""The JSON API's ballot entry: enter a window as a signed-in applicant (RFC 9457 problems)."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from yms.accounts import services as accounts
from yms.ballot.services.entries import EntryReceipt, EntryRequest, enter_ballot
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.context import ServiceContext
from yms.platform.web.access import limited
from yms.platform.web.context import context_of
from yms.platform.web.json_body import MalformedJsonError, decode_json
from yms.platform.web.problems import problem

router = APIRouter(prefix="/api/v1")
# Each route's body limit, enforced as the body streams (platform.web.body_limit): an entry
# is three short strings.
BODY_LIMITS = {"/api/v1/ballot-windows/{window_id}/entries": 64 * 1024}


ENTRY_FIELDS = {"passport_number", "nationality", "date_of_birth"}
OPTIONAL_ENTRY_FIELDS = {"previous_participation"}  # true or false, where the scheme asks


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        email, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return email, password


def _unauthorised() -> Response:
    response = problem(
        401, "Sign in", "Give your account's email and password (HTTP Basic).", kind="unauthorised"
    )
    response.headers["WWW-Authenticate"] = 'Basic realm="yms", charset="UTF-8"'
    return response


def _entry_request(data: object, window_id: str, account_id: str) -> EntryRequest:
    if not isinstance(data, dict):
        raise InvalidInputError([FieldProblem("", "the body must be a JSON object")])
    allowed = ENTRY_FIELDS | OPTIONAL_ENTRY_FIELDS
    problems = [FieldProblem(key, "unknown field") for key in sorted(set(data) - allowed)]
    problems += [FieldProblem(key, "required") for key in sorted(ENTRY_FIELDS - set(data))]
    if problems:
        raise InvalidInputError(problems)
    if not all(isinstance(data[key], str) for key in ENTRY_FIELDS):
        raise InvalidInputError([FieldProblem("", "every field is a string")])
    try:
        born = date.fromisoformat(data["date_of_birth"])
    except ValueError:
        raise InvalidInputError(
            [FieldProblem("date_of_birth", "a real date, YYYY-MM-DD")]
        ) from None
    previous = data.get("previous_participation")
    if previous is not None and not isinstance(previous, bool):
        raise InvalidInputError([FieldProblem("previous_participation", "true or false")])
    return EntryRequest(
        window_id,
        data["passport_number"],
        data["nationality"].strip().upper(),
        born,
        account_id,
        previous_participation=previous,
    )


def _enter(
    ctx: ServiceContext, body: bytes, window_id: str, account_id: str
) -> EntryReceipt | Response:
    """The entry made (or found), or the problem that stopped it."""
    try:
        entry = _entry_request(decode_json(body), window_id, account_id)
        return enter_ballot(ctx, entry)
    except MalformedJsonError as error:
        return problem(
            400, "Malformed JSON", f"The body is not valid JSON: {error}.", kind="malformed-json"
        )
    except InvalidInputError as error:
        return problem(
            422, "Invalid entry", str(error), kind="invalid-input", problems=error.problems
        )
    except NotFoundError as error:
        return problem(404, "Not found", str(error.args[0]), kind="not-found")
    except RefusedError as error:
        return problem(409, "Refused", str(error), kind="refused")


@router.post(
    "/ballot-windows/{window_id}/entries",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": sorted(ENTRY_FIELDS),
                        "properties": {key: {"type": "string"} for key in sorted(ENTRY_FIELDS)},
                    }
                }
            },
        }
    },
)
async def enter(request: Request, window_id: str) -> Response:
    """Enter a ballot window as the account signing the request (HTTP Basic).

    201 with the entry; 200 with the same entry when the identity already entered
    from this account; problems: 401, 403, 404, 409 (window not open, or the identity
    entered from another account), 422 (a field), 429 (too many attempts).
    """
    limited(request, "ballot-entry")
    credentials = _basic_credentials(request)
    if credentials is None:
        return _unauthorised()
    ctx = context_of(request)
    try:
        signed_in = accounts.sign_in(ctx, *credentials)
    except RefusedError:
        return _unauthorised()
    if signed_in.role != "applicant":
        return problem(403, "Forbidden", "Only applicants enter ballots.", kind="forbidden")
    outcome = _enter(ctx, await request.body(), window_id, signed_in.account_id)
    if not isinstance(outcome, EntryReceipt):
        return outcome
    receipt = outcome
    body = {
        "ref": receipt.ref,
        "window": receipt.window_id,
        "entered_at": receipt.entered_at.isoformat(),
        "seed_commitment": receipt.seed_commitment,
    }
    return JSONResponse(body, status_code=201 if receipt.created else 200)
