"""The eligibility service: strict input, and the scheme version in force on the date."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.eligibility.builders import eligible_uk_yms
from yms.eligibility.services import check_eligibility, parse_applicant
from yms.kernel.errors import InvalidInputError
from yms.platform.clock import FixedClock
from yms.schemes.catalogue import shipped

CLOCK = FixedClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))


def test_checks_against_the_version_in_force_on_the_application_date() -> None:
    result = check_eligibility(shipped(), "uk-yms", json.dumps(eligible_uk_yms()), clock=CLOCK)
    assert (result.scheme, result.scheme_version, result.eligible) == ("uk-yms", "2025-11-25", True)


def test_without_an_application_date_today_chooses_the_version() -> None:
    too_early = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidInputError, match="no version in force on 2025-01-01"):
        check_eligibility(shipped(), "uk-yms", '{"nationality": "AU"}', clock=too_early)
    result = check_eligibility(shipped(), "uk-yms", '{"nationality": "AU"}', clock=CLOCK)
    assert result.scheme_version == "2025-11-25"


def test_every_problem_is_reported_with_its_field() -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_applicant('{"nationality": "ZZ", "date_of_birth": "2001-13-01", "extra": 1}')
    paths = [problem.path for problem in raised.value.problems]
    assert paths == ["nationality", "date_of_birth", "extra"]


def test_bytes_are_read_as_utf8_json() -> None:
    assert parse_applicant(b'{"nationality": "IS"}').nationality == "IS"
