"""Public references: random, readable, and carrying no personal data.

Entry references look like ``K7QX-M2RD-9TPA``: twelve symbols of Crockford's
base-32 alphabet (digits and capitals without I, L, O and U, so nothing is
misread), 60 random bits. Invitation references add the prefix ``ITA-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Crockford's base-32 symbols, in ASCII order, so the order of references as text is
#: the order of the numbers they spell.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = 12
GROUP = 4
INVITATION_PREFIX = "ITA-"

ENTRY_REF = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}\Z")
INVITATION_REF = re.compile(rf"^ITA-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}\Z")

#: What an auditor's file of references may hold: printable, no spaces, quotes or
#: backslashes, so a reference is written in JSON exactly as it is.
DRAW_REF = re.compile(r"^[A-Za-z0-9._:-]{1,64}\Z")

RandomBytes = Callable[[int], bytes]


def _symbols(number: int) -> str:
    digits = []
    for _ in range(SYMBOLS):
        number, digit = divmod(number, 32)
        digits.append(ALPHABET[digit])
    text = "".join(reversed(digits))
    return "-".join(text[i : i + GROUP] for i in range(0, SYMBOLS, GROUP))


def new_entry_ref(random_bytes: RandomBytes) -> str:
    """A fresh entry reference from 60 random bits."""
    return _symbols(int.from_bytes(random_bytes(8), "big") >> 4)


def new_invitation_ref(random_bytes: RandomBytes) -> str:
    """A fresh invitation reference, ``ITA-`` and 60 random bits."""
    return INVITATION_PREFIX + _symbols(int.from_bytes(random_bytes(8), "big") >> 4)


def normalise_ref(text: str) -> str:
    """A reference as a person might type it (lower case, spaces) in its written form."""
    return text.strip().upper().replace(" ", "")
