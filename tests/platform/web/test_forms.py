"""The form readers: what people type becomes a value or a message by the field, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData

from yms.platform.web import forms
from yms.platform.web.forms import FieldError

T = TypeVar("T")


def typed(**fields: str) -> FormData:
    return FormData(list(fields.items()))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2530", Decimal("2530.00")),
        ("2,530.5", Decimal("2530.50")),
        ("£2530.50", Decimal("2530.50")),
        ("€ 0", Decimal("0.00")),
        ("2530.", Decimal("2530.00")),
        (".5", Decimal("0.50")),
        ("1000000000", Decimal("1000000000.00")),
    ],
)
def test_amounts_people_type(text: str, value: Decimal) -> None:
    assert forms.amount(typed(amount=text), "amount", "how much you have") == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter how much you have"),
        ("lots", "How much you have must be an amount, like 2530 or 2530.50"),
        ("1e30", "How much you have must be an amount, like 2530 or 2530.50"),
        ("1E3", "How much you have must be an amount, like 2530 or 2530.50"),
        ("NaN", "How much you have must be an amount, like 2530 or 2530.50"),
        ("Infinity", "How much you have must be an amount, like 2530 or 2530.50"),
        ("-5", "How much you have must be an amount, like 2530 or 2530.50"),
        ("1_000", "How much you have must be an amount, like 2530 or 2530.50"),
        ("12.345", "How much you have must be an amount, like 2530 or 2530.50"),
        ("²", "How much you have must be an amount, like 2530 or 2530.50"),
        ("１２", "How much you have must be an amount, like 2530 or 2530.50"),  # noqa: RUF001 - the point
        ("٣٠", "How much you have must be an amount, like 2530 or 2530.50"),
        ("9" * 28, "How much you have must be 1,000,000,000 or less"),
        ("1" * 5000, "How much you have must be 1,000,000,000 or less"),
        ("1000000000.01", "How much you have must be 1,000,000,000 or less"),
    ],
)
def test_amounts_that_are_not_money_get_a_message(text: str, message: str) -> None:
    with pytest.raises(FieldError) as refused:
        forms.amount(typed(amount=text), "amount", "how much you have")
    assert refused.value.field == "amount"
    assert refused.value.message == message


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("30", 30), ("0030", 30), ("3650", 3650)])
def test_whole_numbers_people_type(text: str, value: int) -> None:
    assert forms.whole_number(typed(days=text), "days", "how many days", maximum=3650) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter how many days"),
        ("2.5", "How many days must be a whole number"),
        ("²", "How many days must be a whole number"),
        ("³⁰", "How many days must be a whole number"),
        ("３０", "How many days must be a whole number"),  # noqa: RUF001 - the point
        ("٣٠", "How many days must be a whole number"),
        ("1e3", "How many days must be a whole number"),
        ("-1", "How many days must be a whole number"),
        ("3651", "How many days must be 3650 or fewer"),
        ("9" * 28, "How many days must be 3650 or fewer"),
        ("9" * 5000, "How many days must be 3650 or fewer"),
    ],
)
def test_whole_numbers_that_are_not_get_a_message(text: str, message: str) -> None:
    with pytest.raises(FieldError) as refused:
        forms.whole_number(typed(days=text), "days", "how many days", maximum=3650)
    assert refused.value.field == "days"
    assert refused.value.message == message


@pytest.mark.parametrize(("day", "month"), [("03", "4"), ("3", "04"), ("0003", "004")])
def test_dates_in_ascii_digits(day: str, month: str) -> None:
    form = typed(**{"born-day": day, "born-month": month, "born-year": "2001"})
    assert forms.read_date(form, "born", "Date of birth") == date(2001, 4, 3)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("²", "4", "2001"),
        ("３", "4", "2001"),  # noqa: RUF001 - the point
        ("3", "٤", "2001"),
        ("3", "4", "２００１"),  # noqa: RUF001 - the point
        ("3", "4", "1" * 5000),
        ("1" * 5000, "4", "2001"),
        ("1", "2200000000", "2000"),  # past C's int: OverflowError, not ValueError
        ("9" * 20, "1", "2000"),
        ("123", "1", "2000"),
    ],
)
def test_dates_in_other_digits_are_not_real_dates(day: str, month: str, year: str) -> None:
    form = typed(**{"born-day": day, "born-month": month, "born-year": year})
    with pytest.raises(FieldError) as refused:
        forms.read_date(form, "born", "Date of birth")
    assert refused.value.message in {
        "Date of birth must be a real date",
        "Year must include 4 numbers",  # 5,000 ones are ASCII digits, but no year
    }


# --- whatever is typed: a value in range, or a message by the field ------------------------

NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789.,-+eE_x £€²³１٣𝟗\t")), max_size=40)
ANYTHING = st.one_of(
    NUMBERISH,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.integers().map(str),
    st.decimals().map(str),
    st.floats().map(str),
)


def outcome(reader: Callable[[], T]) -> T | FieldError:
    """What the reader returned, or the message it raised (any other exception escapes)."""
    try:
        return reader()
    except FieldError as error:
        return error


@given(ANYTHING)
def test_an_amount_is_money_in_range_or_a_message(text: str) -> None:
    value = outcome(lambda: forms.amount(typed(amount=text), "amount", "how much you have"))
    if isinstance(value, FieldError):
        assert value.field == "amount"
    else:
        assert Decimal(0) <= value <= forms.MAX_AMOUNT
        assert value.as_tuple().exponent == -2


@given(ANYTHING)
def test_a_whole_number_is_in_range_or_a_message(text: str) -> None:
    value = outcome(
        lambda: forms.whole_number(typed(days=text), "days", "how many days", maximum=3650)
    )
    if isinstance(value, FieldError):
        assert value.field == "days"
    else:
        assert 0 <= value <= 3650


@given(ANYTHING, ANYTHING, ANYTHING)
def test_a_date_is_real_or_a_message(day: str, month: str, year: str) -> None:
    form = typed(**{"born-day": day, "born-month": month, "born-year": year})
    value = outcome(lambda: forms.read_date(form, "born", "Date of birth"))
    assert isinstance(value, date) or value.field == "born"
