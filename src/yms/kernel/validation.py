"""Plain messages for invalid input, each tied to the field it is about.

Pydantic's messages are precise but written for programmers; these say what a
person should change. The command line prints the first; the API returns them
all in an RFC 9457 problem document; web forms show each beside its field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field.

    `path` is dotted, e.g. ``funds.amount`` or ``documents[0].kind``; empty for the whole.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def _path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


_SHOWN_LENGTH = 40

_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 3] + "..."


def _bound(error: ErrorDetails) -> str:
    limit = next(iter((error.get("ctx") or {}).values()), "")
    return f"must be {_BOUNDS[error['type']]} {limit}, not {_shown(error.get('input'))}"


def _context(error: ErrorDetails, key: str, default: object = "") -> object:
    return (error.get("ctx") or {}).get(key, default)


_MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "json_invalid": lambda e: f"not valid JSON ({_context(e, 'error', 'cannot be read')})",
    "extra_forbidden": lambda _: "unknown field",
    "missing": lambda _: "is required",
    "date_parsing": lambda e: f"{_shown(e.get('input'))} is not a real date in the form YYYY-MM-DD",
    "date_from_datetime_parsing": lambda e: (
        f"{_shown(e.get('input'))} is not a real date in the form YYYY-MM-DD"
    ),
    "date_type": lambda e: f'must be a date written as "YYYY-MM-DD", not {_shown(e.get("input"))}',
    "bool_type": lambda e: f"must be true or false, not {_shown(e.get('input'))}",
    "int_type": lambda e: f"must be a whole number, not {_shown(e.get('input'))}",
    "int_parsing": lambda e: f"must be a whole number, not {_shown(e.get('input'))}",
    "int_from_float": lambda e: f"must be a whole number, not {_shown(e.get('input'))}",
    "string_type": lambda e: f"must be text, not {_shown(e.get('input'))}",
    "decimal_type": lambda e: (
        f'must be a number written as text, e.g. "2530.00", not {_shown(e.get("input"))}'
    ),
    "decimal_parsing": lambda e: (
        f'must be a number written as text, e.g. "2530.00", not {_shown(e.get("input"))}'
    ),
    "enum": lambda e: f"{_shown(e.get('input'))} is not one of: {_context(e, 'expected')}",
    "value_error": lambda e: str(_context(e, "error", e["msg"])),
    "model_type": lambda _: "must be an object with named fields",
    "model_attributes_type": lambda _: "must be an object with named fields",
    "dict_type": lambda _: "must be an object with named fields",
    "list_type": lambda _: "must be a list",
    **dict.fromkeys(_BOUNDS, _bound),
}


def _message(error: ErrorDetails) -> str:
    describe = _MESSAGES.get(error["type"])
    return describe(error) if describe else str(error["msg"])


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """Every problem in `error`, in the order pydantic found them."""
    return [FieldProblem(_path(e["loc"]), _message(e)) for e in error.errors()]
