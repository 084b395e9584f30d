"""Applicants for tests, built through the same JSON input the CLI and API read."""

from __future__ import annotations

import json
from typing import Any

from yms.eligibility.domain.applicant import Applicant, ApplicantInput

APPLICATION_DATE = "2026-11-25"


def eligible_uk_yms(**overrides: Any) -> dict[str, Any]:
    """Applicant JSON for an Australian who meets every uk-yms requirement on 2026-11-25.

    Keyword arguments replace top-level fields; a value of `...` removes the field.
    """
    data: dict[str, Any] = {
        "nationality": "AU",
        "host": "GB",
        "date_of_birth": "1996-05-10",
        "application_date": APPLICATION_DATE,
        "valid_from": "2027-01-10",
        "funds": {
            "amount": "2530.00",
            "currency": "GBP",
            "held_days": 28,
            "latest_evidence_date": "2026-11-20",
        },
        "children_under_18": False,
        "previous_participation": False,
        "invitation_ref": None,
        "qualification_rqf_level": 6,
        "documents": [],
    }
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def applicant(data: dict[str, Any]) -> Applicant:
    """Parse applicant JSON exactly as the command line does."""
    return ApplicantInput.model_validate_json(json.dumps(data)).to_applicant()
