"""Dates typed in three boxes get the GOV.UK Design System's messages, naming the wrong boxes."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import FormData

from yms.platform.web import forms
from yms.platform.web.field_messages import error_anchor, error_parts
from yms.platform.web.forms import FieldError


def typed(day: str, month: str, year: str) -> FormData:
    return FormData([("born-day", day), ("born-month", month), ("born-year", year)])


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "", "", "Enter your date of birth", ()),
        ("", "4", "2001", "Date of birth must include a day", ("day",)),
        ("3", "", "2001", "Date of birth must include a month", ("month",)),
        ("3", "4", "", "Date of birth must include a year", ("year",)),
        ("", "", "2001", "Date of birth must include a day and month", ("day", "month")),
        ("3", "", "", "Date of birth must include a month and year", ("month", "year")),
        ("3", "4", "01", "Year must include 4 numbers", ("year",)),
        ("3", "4", "20011", "Year must include 4 numbers", ("year",)),
        ("3", "13", "2001", "Date of birth must be a real date", ("month",)),
        ("32", "4", "2001", "Date of birth must be a real date", ("day",)),
        ("30", "2", "2001", "Date of birth must be a real date", ("day",)),
        ("x", "4", "2001", "Date of birth must be a real date", ("day",)),
        ("3", "4", "２００１", "Date of birth must be a real date", ("year",)),  # noqa: RUF001 - the point
        ("0", "0", "2001", "Date of birth must be a real date", ("day", "month")),
    ],
)
def test_date_messages_name_the_field_and_the_wrong_boxes(
    day: str, month: str, year: str, message: str, parts: tuple[str, ...]
) -> None:
    with pytest.raises(FieldError) as refused:
        forms.read_date(
            typed(day, month, year), "born", "Date of birth", enter="Enter your date of birth"
        )
    assert refused.value.field == "born"
    assert refused.value.message == message
    assert error_parts(refused.value.message) == parts


def test_the_summary_links_to_the_first_wrong_box() -> None:
    with pytest.raises(FieldError) as refused:
        forms.read_date(typed("3", "", ""), "born", "Date of birth")
    assert error_anchor("born", refused.value.message) == "born-month"
    with pytest.raises(FieldError) as refused:
        forms.read_date(typed("", "", "2001"), "born", "Date of birth")
    assert error_anchor("born", refused.value.message) == "born"


def test_a_real_date() -> None:
    assert forms.read_date(typed("03", "4", "2001"), "born", "Date of birth") == date(2001, 4, 3)
