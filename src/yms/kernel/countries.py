"""Country codes: ISO 3166-1 alpha-2, plus the British nationality categories of YMS 1.3(a)."""

from __future__ import annotations

import re
from functools import cache

import pycountry

#: British nationals who are not British citizens (YMS 1.3(a)), coded as yms writes them.
BRITISH_NATIONALITY_CATEGORIES: dict[str, str] = {
    "GB-BOC": "British Overseas citizen",
    "GB-BOTC": "British Overseas Territories citizen",
    "GB-BNO": "British National (Overseas)",
}

_ALPHA_2 = re.compile(r"^[A-Z]{2}\Z")


@cache
def is_known_code(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code or a British nationality category."""
    if code in BRITISH_NATIONALITY_CATEGORIES:
        return True
    return bool(_ALPHA_2.match(code)) and pycountry.countries.get(alpha_2=code) is not None


@cache
def standard_name(code: str) -> str:
    """An English name for a known code (schemes may give their own names for display)."""
    if code in BRITISH_NATIONALITY_CATEGORIES:
        return BRITISH_NATIONALITY_CATEGORIES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise KeyError(code)
    return str(getattr(country, "common_name", None) or country.name)
