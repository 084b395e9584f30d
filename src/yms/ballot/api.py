"""The JSON API's ballot entry: enter a window as a signed-in applicant (RFC 9457 problems)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from yms.accounts import access_tokens
from yms.ballot.api_groups import FullPath, GroupedAttempt
from yms.ballot.services.entries import EntryReceipt, EntryRequest, enter_ballot, prepared_entry
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.web.access import client_subject, limited, limited_both
from yms.platform.web.context import context_of
from yms.platform.web.idempotency import IDEMPOTENCY_KEY_RULE, is_idempotency_key
from yms.platform.web.json_body import MalformedJsonError, decode_json
from yms.platform.web.problems import problem

router = APIRouter(prefix="/api/v1")
# Each route's body limit, enforced as the body streams (platform.web.body_limit): an entry
# is three short strings.
BODY_LIMITS = {"/api/v1/ballot-windows/{window_id}/entries": 64 * 1024}
#: The request's scope key for what a group left to the route (`yms.ballot.api_rush`).
DECIDED = "yms.entry_decided"


ENTRY_FIELDS = {"passport_number", "nationality", "date_of_birth"}
OPTIONAL_ENTRY_FIELDS = {"previous_participation"}  # true or false, where the scheme asks


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _unauthorised() -> Response:
    response = problem(
        401,
        "Access token needed",
        "Send an access token of your account as 'Authorization: Bearer <token>'. "
        "Make one on your account's 'API access tokens' page.",
        kind="unauthorised",
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="yms"'
    return response


def _idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key header, or `None`; `InvalidInputError` if malformed."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not is_idempotency_key(key):
        raise InvalidInputError([FieldProblem("Idempotency-Key", IDEMPOTENCY_KEY_RULE)])
    return key


def _entry_request(
    data: object, window_id: str, account_id: str | None, key: str | None
) -> EntryRequest:
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
        idempotency_key=key,
    )


def _entrant(request: Request) -> access_tokens.TokenHolder | Response:
    """The applicant the bearer token names, counted against the limits; else a problem."""
    token = _bearer_token(request)
    holder = access_tokens.holder_of(context_of(request), token) if token else None
    if holder is None:
        limited(request, "ballot-entry")  # guessing tokens counts against the client too
        return _unauthorised()
    # Both limits in one statement: this runs on every entry.
    limited_both(request, "ballot-entry", "ballot-entry-account", holder.account_id)
    if holder.role != "applicant":
        return problem(403, "Forbidden", "Only applicants enter ballots.", kind="forbidden")
    return holder


def grouped_attempt(request: Request, body: bytes, window_id: str) -> GroupedAttempt | None:
    """The request's entry, ready for a group; `None` if anything about it is not plain.

    Only checks that cost no database and no thread: a request they do not pass
    goes the full way, which says what is wrong with it.
    """
    token = _bearer_token(request)
    if token is None:
        return None
    try:
        key = _idempotency_key(request)
        entry = _entry_request(decode_json(body), window_id, None, key)
    except (MalformedJsonError, InvalidInputError):
        return None
    prepared = prepared_entry(context_of(request), entry)
    if prepared is None:
        return None
    return GroupedAttempt(token, client_subject(request), prepared)


def _enter(
    request: Request, body: bytes, window_id: str, decided: FullPath | None = None
) -> EntryReceipt | Response:
    """Everything that touches the database, run off the event loop: the entry or a problem.

    `decided` is what a group (`EntryGroups`) left to this path: with its limits
    counted there, the holder it found is not looked up or counted again.
    """
    holder = (
        decided.holder
        if decided is not None and decided.counted and decided.holder is not None
        else _entrant(request)
    )
    if isinstance(holder, Response):
        return holder
    ctx = context_of(request)
    try:
        key = _idempotency_key(request)
        entry = _entry_request(decode_json(body), window_id, holder.account_id, key)
        return enter_ballot(ctx, entry, account_confirmed=holder.email_confirmed)
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
    """Enter a ballot window as the account whose access token signs the request.

    ``Authorization: Bearer <token>``; an optional ``Idempotency-Key`` header makes
    a retry safe: the same key and body answer as the first time did. 201 with the
    entry; 200 with the same entry when this identity already entered from this
    account (under another or no key); problems: 401, 403, 404, 409 (window not
    open, or the identity entered from another account), 422 (a field, or a key
    reused for another entry), 429 (too many attempts, with Retry-After).
    """
    body = await request.body()
    decided = request.scope.get(DECIDED)  # the group's part, if one took the entry first
    outcome = await run_in_threadpool(_enter, request, body, window_id, decided)
    if not isinstance(outcome, EntryReceipt):
        return outcome
    return JSONResponse(receipt_json(outcome), status_code=201 if outcome.created else 200)


def receipt_json(receipt: EntryReceipt) -> dict[str, str]:
    """What the API answers with an entry."""
    return {
        "ref": receipt.ref,
        "window": receipt.window_id,
        "entered_at": receipt.entered_at.isoformat(),
        "seed_commitment": receipt.seed_commitment,
    }
