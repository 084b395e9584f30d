"""Share codes: what a holder gives a verifier so they can check the holder's status.

A code is the purpose letter (work ``W``, rent ``R``, anything else ``S``) and
eight characters from an alphabet without look-alikes: no 0/O, 1/I/L, 5/S, 2/Z
or 8/B, so a code read aloud or copied by hand cannot be misread. It is shown
in groups of three (``W3H 4C6 KPX``) and read back however a person types it:
with spaces or dashes, in lower case.

The alphabet has 25 characters, so eight of them carry 25**8 (about 1.5 x 10**11)
codes per purpose: with misses rate-limited per client and per code, and the
holder's date of birth needed too, guessing is hopeless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from yms.kernel.text import N_

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LOOK_ALIKES = frozenset("0O1IL5S2Z8B")
CODE_LENGTH = 8  # after the purpose letter
GROUP = 3
# The largest multiple of the alphabet's size that fits a byte: bytes at or past it are
# thrown away, so every character is equally likely (no modulo bias).
_UNBIASED_BELOW = 256 - 256 % len(ALPHABET)


class Purpose(StrEnum):
    """What the holder makes a code for; its letter starts the code."""

    WORK = "W"
    RENT = "R"
    OTHER = "S"


PURPOSE_NAMES = {
    Purpose.WORK: N_("Prove your right to work"),
    Purpose.RENT: N_("Prove your right to rent"),
    Purpose.OTHER: N_("Something else"),
}


class InvalidShareCodeError(ValueError):
    """What was typed is not a share code (the wrong length, or a character no code has)."""


@dataclass(frozen=True, slots=True)
class ShareCode:
    """A share code, held as its purpose and its eight characters (``W3H4C6KPX`` in all)."""

    purpose: Purpose
    characters: str

    def __post_init__(self) -> None:
        if len(self.characters) != CODE_LENGTH or not set(self.characters) <= set(ALPHABET):
            raise InvalidShareCodeError("a share code has eight characters from its alphabet")

    @property
    def compact(self) -> str:
        """The code as one word, as it is hashed and compared: ``W3H4C6KPX``."""
        return f"{self.purpose.value}{self.characters}"

    def __str__(self) -> str:
        """The code as people see it, in groups of three: ``W3H 4C6 KPX``."""
        whole = self.compact
        return " ".join(whole[i : i + GROUP] for i in range(0, len(whole), GROUP))


def make_share_code(purpose: Purpose, random_bytes: Callable[[int], bytes]) -> ShareCode:
    """A new code for `purpose`, each character drawn uniformly from `random_bytes`."""
    chosen: list[str] = []
    while len(chosen) < CODE_LENGTH:
        for byte in random_bytes(CODE_LENGTH):
            if byte < _UNBIASED_BELOW and len(chosen) < CODE_LENGTH:
                chosen.append(ALPHABET[byte % len(ALPHABET)])
    return ShareCode(purpose, "".join(chosen))


def parse_share_code(typed: str) -> ShareCode:
    """The code a person typed, forgiving spaces, dashes and lower case; else refused.

    Raises `InvalidShareCodeError` if it is not the purpose letter and eight
    characters of the alphabet.
    """
    compact = "".join(typed.split()).replace("-", "").upper()
    if len(compact) != 1 + CODE_LENGTH:
        raise InvalidShareCodeError("a share code has 9 characters")
    letter, characters = compact[0], compact[1:]
    if letter not in {purpose.value for purpose in Purpose}:
        raise InvalidShareCodeError("a share code starts with W, R or S")
    return ShareCode(Purpose(letter), characters)
