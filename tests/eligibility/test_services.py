"""The eligibility service: strict input, and the scheme version in force on the date."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.eligibility.builders import eligible_uk_yms
from yms.eligibility.services import check_against, check_eligibility, parse_applicant, parse_query
from yms.kernel.errors import InvalidInputError
from yms.platform.clock import FixedClock
from yms.schemes.catalogue import shipped

CLOCK = FixedClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))


def test_checks_against_the_version_in_force_on_the_application_date() -> None:
    applicant = parse_applicant(json.dumps(eligible_uk_yms()))
    result = check_eligibility(shipped(), "uk-yms", applicant, clock=CLOCK)
    assert (result.scheme, result.scheme_version, result.eligible) == ("uk-yms", "2025-11-25", True)


def test_without_an_application_date_today_chooses_the_version() -> None:
    too_early = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    australian = parse_applicant('{"nationality": "AU"}')
    with pytest.raises(InvalidInputError, match="no version in force on 2025-01-01"):
        check_eligibility(shipped(), "uk-yms", australian, clock=too_early)
    result = check_eligibility(shipped(), "uk-yms", australian, clock=CLOCK)
    assert result.scheme_version == "2025-11-25"


def test_every_problem_is_reported_with_its_field() -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_applicant('{"nationality": "ZZ", "date_of_birth": "2001-13-01", "extra": 1}')
    paths = [problem.path for problem in raised.value.problems]
    assert paths == ["nationality", "date_of_birth", "extra"]


def test_bytes_are_read_as_utf8_json() -> None:
    assert parse_applicant(b'{"nationality": "IS"}').nationality == "IS"


def test_the_apis_question_is_read_in_one_pass() -> None:
    scheme_id, applicant = parse_query(b'{"scheme": "eu-uk-2024", "nationality": "FR"}')
    assert (scheme_id, applicant.nationality) == ("eu-uk-2024", "FR")
    with pytest.raises(InvalidInputError) as missing:
        parse_query(b'{"nationality": "FR"}')
    assert [problem.path for problem in missing.value.problems] == ["scheme"]
    with pytest.raises(InvalidInputError) as malformed:
        parse_query(b"[1]")
    assert [problem.path for problem in malformed.value.problems] == [""]


def test_check_against_uses_the_version_given_not_the_one_in_force() -> None:
    proposal = shipped().latest("eu-uk-2024")
    result = check_against(proposal, parse_applicant('{"nationality": "FR", "host": "GB"}'))
    assert (result.scheme, result.scheme_version) == (proposal.id, proposal.version)
