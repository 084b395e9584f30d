"""Idempotency keys: what a client may send so that a retry gets the first answer.

RFC 9110's token characters would allow more; these are what UUIDs, ULIDs and
random base64url keys use, and all that is safe in a log line or a form.
"""

from __future__ import annotations

import re

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}\Z")
IDEMPOTENCY_KEY_RULE = "1 to 64 of A-Z a-z 0-9 _ . : -"


def is_idempotency_key(text: object) -> bool:
    """Whether `text` is a key this service accepts."""
    return isinstance(text, str) and IDEMPOTENCY_KEY.match(text) is not None
