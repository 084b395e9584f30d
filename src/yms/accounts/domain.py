"""The rules of an account, pure: what an e-mail address and a password must be, and roles."""

from __future__ import annotations

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
