"""Who an entrant is, reduced to a keyed hash: one person, one entry per window.

The identity is the passport number (upper-cased, without spaces or dashes), the
nationality and the date of birth. Only an HMAC of it is stored, with a key from
the settings, so the database alone cannot be searched for a passport number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

_SEPARATORS = re.compile(r"[\s\-]+")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}\Z")


class InvalidPassportNumberError(ValueError):
    """The passport number cannot be a real one."""


def normalise_passport_number(text: str) -> str:
    """Upper case, without spaces or dashes; raises if what is left is not 5-20 letters/digits."""
    cleaned = _SEPARATORS.sub("", text)
    # ASCII before upper-casing: "ﬀ".upper() is "FF", and no passport number holds a ligature.
    cleaned = cleaned.upper() if cleaned.isascii() else cleaned
    if not _PASSPORT.match(cleaned):
        raise InvalidPassportNumberError(
            "a passport number is 5 to 20 letters and digits (spaces and dashes are ignored)"
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class Identity:
    """An entrant's identity, normalised."""

    passport_number: str
    nationality: str
    date_of_birth: date

    @classmethod
    def of(cls, passport_number: str, nationality: str, date_of_birth: date) -> Identity:
        """Normalise what a person typed."""
        return cls(normalise_passport_number(passport_number), nationality, date_of_birth)

    def keyed_hash(self, key: bytes) -> bytes:
        """HMAC-SHA256 of the identity: equal for the same person, useless without the key."""
        text = f"{self.nationality}|{self.passport_number}|{self.date_of_birth.isoformat()}"
        return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
