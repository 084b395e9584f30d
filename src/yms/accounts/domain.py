"""The rules of an account, pure: what an e-mail address and a password must be, and roles."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from yms.kernel.errors import InvalidInputError
from yms.kernel.validation import FieldProblem

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
MIN_PASSWORD, MAX_PASSWORD = 10, 256


class Role(StrEnum):
    """What an account may do: apply, decide applications, or run the service."""

    APPLICANT = "applicant"
    CASEWORKER = "caseworker"  # works the queue: asks for evidence, grants, proposes refusals
    SENIOR_CASEWORKER = "senior_caseworker"  # all that, and the second pair of eyes
    OPERATOR = "operator"  # runs schemes, ballots and allocations


# Who may work cases; of them, who may confirm another's refusal or review a decision.
CASEWORKERS = frozenset({Role.CASEWORKER, Role.SENIOR_CASEWORKER})
SENIOR_CASEWORKERS = frozenset({Role.SENIOR_CASEWORKER})
STAFF = CASEWORKERS | {Role.OPERATOR}


def normalise_email(text: str) -> str:
    """Trimmed and lower-cased; raises `InvalidInputError` if it cannot be an address."""
    address = text.strip().lower()
    if not address:
        raise InvalidInputError([FieldProblem("email", "Enter your email address")])
    if len(address) > 254 or not EMAIL.match(address):  # noqa: PLR2004 - RFC 5321's limit
        raise InvalidInputError(
            [
                FieldProblem(
                    "email", "Enter an email address in the correct format, like name@example.com"
                )
            ]
        )
    return address


def check_password(password: str, email: str) -> None:
    """Raise `InvalidInputError` unless the password is long enough and not the address."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(
            [FieldProblem("password", f"Password must be {MIN_PASSWORD} characters or more")]
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInputError(
            [FieldProblem("password", f"Password must be {MAX_PASSWORD} characters or fewer")]
        )
    if password.strip().lower() == email:
        raise InvalidInputError(
            [FieldProblem("password", "Password must not be your email address")]
        )


# An API access token: a prefix that says what it is (so secret scanners and people can
# spot one pasted where it should not be), then 256 random bits.
API_TOKEN_PREFIX = "yms_at_"  # noqa: S105 - a label, not a secret
API_TOKEN_DAYS, API_TOKEN_MAX_DAYS = 30, 365
API_TOKEN_NAME_MAX = 64


def hash_api_token(token: str) -> bytes:
    """The SHA-256 digest an access token is stored and found by (the token is never kept).

    A plain hash, not a slow one: the token has 256 random bits, so there is
    nothing to guess, and the API checks it on every request.
    """
    return hashlib.sha256(token.encode("utf-8")).digest()


def check_api_token_request(name: str, days: int) -> str:
    """The token's name, trimmed; raises `InvalidInputError` for a bad name or lifetime."""
    problems = []
    label = name.strip()
    if not label:
        problems.append(FieldProblem("name", "Enter a name for the token, like 'entry script'"))
    elif len(label) > API_TOKEN_NAME_MAX:
        problems.append(
            FieldProblem("name", f"Name must be {API_TOKEN_NAME_MAX} characters or fewer")
        )
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        problems.append(FieldProblem("days", f"A token lasts from 1 to {API_TOKEN_MAX_DAYS} days"))
    if problems:
        raise InvalidInputError(problems)
    return label
