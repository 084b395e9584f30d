"""Reading a JSON request body that may be hostile: a value, or one error that says why not.

`json.loads` is not safe on what a stranger sends: invalid UTF-8 raises
`UnicodeDecodeError`, deep nesting `RecursionError`, a number of thousands of
digits `ValueError`, and it takes `NaN` and `Infinity`, which JSON has not.
pydantic's parser (jiter) refuses all of these with one `ValueError`, and stops
at a fixed depth without recursing in Python.
"""

from __future__ import annotations

import pydantic_core


class MalformedJsonError(ValueError):
    """The body is not one JSON text (RFC 8259) in UTF-8; the message says where it broke."""


def decode_json(body: bytes) -> object:
    """The JSON value of `body`; raises `MalformedJsonError` for anything else.

    Refused: invalid UTF-8 (lone surrogates included), nesting deeper than 200,
    numbers too long to convert, `NaN` and `Infinity`, and trailing text.
    """
    try:
        return pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as error:
        raise MalformedJsonError(str(error)) from None
