"""Reading what people type: dates in three boxes, amounts, whole numbers, yes or no.

Each reader returns the value or raises `FieldError` with a message in the
GOV.UK Design System's words, which the page shows beside the field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from starlette.datastructures import FormData

from yms.kernel.identity import InvalidPassportNumberError, normalise_passport_number
from yms.platform.web.field_messages import FieldMessage
from yms.platform.web.templating import translations

# Digits are ASCII 0-9 only: Python's own readers also take superscript, full-width and
# Arabic-Indic digits, and Decimal takes "1e30", "NaN" and "1_000"; no one means those.
_AMOUNT = re.compile(r"(?:[0-9]+(?:\.[0-9]{0,2})?|\.[0-9]{1,2})")
_WHOLE = re.compile(r"[0-9]+")
# Savings past this are not typed in earnest; the cap keeps every amount well inside
# Decimal's 28 digits of precision (and int()'s limit on digits) once it has pence.
MAX_AMOUNT = Decimal(1_000_000_000)


def _(text: str) -> str:
    return translations().gettext(text)


class FieldError(ValueError):
    """What is wrong with one field, as the page should say it (and which parts of it)."""

    def __init__(self, field: str, message: str, *, parts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.message = FieldMessage(message, parts)


def text(form: FormData, field: str) -> str:
    """A text field, trimmed ('' when absent)."""
    value = form.get(field)
    return value.strip() if isinstance(value, str) else ""


def typed_date(form: FormData, field: str) -> dict[str, str]:
    """The three boxes of a date as typed, to show them again."""
    return {part: text(form, f"{field}-{part}") for part in ("day", "month", "year")}


DATE_PARTS = ("day", "month", "year")


def _missing_message(name: str, missing: tuple[str, ...]) -> str:
    messages = {
        ("day",): _("{name} must include a day"),
        ("month",): _("{name} must include a month"),
        ("year",): _("{name} must include a year"),
        ("day", "month"): _("{name} must include a day and month"),
        ("day", "year"): _("{name} must include a day and year"),
        ("month", "year"): _("{name} must include a month and year"),
    }
    return messages[missing].format(name=name)


def read_date(
    form: FormData, field: str, name: str, *, enter: str | None = None, required: bool = True
) -> date | None:
    """A real date from day, month and year boxes, or the GOV.UK Design System's message.

    `name` is how the message names the date ("Date of birth"); `enter` is what to say
    when nothing is typed (default "Enter date of birth"). Each message names the
    boxes that are wrong, so only they are highlighted.
    """
    typed = typed_date(form, field)
    if not any(typed.values()):
        if required:
            raise FieldError(field, enter or _("Enter {name}").format(name=name.lower()))
        return None
    missing = tuple(part for part in DATE_PARTS if not typed[part])
    if missing:
        raise FieldError(field, _missing_message(name, missing), parts=missing)
    real = _("{name} must be a real date").format(name=name)
    not_digits = tuple(part for part in DATE_PARTS if not _WHOLE.fullmatch(typed[part]))
    if not_digits:
        raise FieldError(field, real, parts=not_digits)
    if len(typed["year"]) != 4:  # noqa: PLR2004 - a four-digit year
        raise FieldError(field, _("Year must include 4 numbers"), parts=("year",))
    # No day or month has three digits: date() raises OverflowError, not ValueError, past C's int.
    day_digits, month_digits = typed["day"].lstrip("0"), typed["month"].lstrip("0")
    out_of_range = tuple(
        part
        for part, digits, top in (("day", day_digits, 31), ("month", month_digits, 12))
        if not digits or len(digits) > 2 or int(digits) > top  # noqa: PLR2004 - two digits
    )
    if out_of_range:
        raise FieldError(field, real, parts=out_of_range)
    try:
        return date(int(typed["year"]), int(month_digits), int(day_digits))
    except ValueError:
        # The day does not fall in that month (30 February), or the year is 0000.
        parts = ("year",) if int(typed["year"]) == 0 else ("day",)
        raise FieldError(field, real, parts=parts) from None


def yes_no(form: FormData, field: str, message: str) -> bool:
    """A yes/no radio; `message` says what to choose when neither was."""
    value = text(form, field)
    if value not in {"yes", "no"}:
        raise FieldError(field, message)
    return value == "yes"


def choice(form: FormData, field: str, options: set[str], message: str) -> str:
    """One of `options`."""
    value = text(form, field)
    if value not in options:
        raise FieldError(field, message)
    return value


def amount(form: FormData, field: str, name: str) -> Decimal:
    """Money typed as a number, with or without pence and thousands commas, at most `MAX_AMOUNT`.

    Only ASCII digits with an optional point: no exponent, sign, underscore or other
    script's digits.
    """
    typed = text(form, field).replace(",", "").lstrip("£€").strip()
    if not typed:
        raise FieldError(field, _("Enter {name}").format(name=name))
    if not _AMOUNT.fullmatch(typed):
        raise FieldError(
            field,
            _("{name} must be an amount, like 2530 or 2530.50").format(name=name.capitalize()),
        )
    whole, _point, pence = typed.partition(".")
    if len(whole.lstrip("0")) > len(str(MAX_AMOUNT)) or Decimal(typed) > MAX_AMOUNT:
        raise FieldError(
            field,
            _("{name} must be {maximum} or less").format(
                name=name.capitalize(), maximum=f"{MAX_AMOUNT:,}"
            ),
        )
    return Decimal(f"{whole or 0}.{pence:0<2}")


def whole_number(form: FormData, field: str, name: str, *, maximum: int) -> int:
    """A whole number from 0 to `maximum`, in ASCII digits."""
    typed = text(form, field)
    if not typed:
        raise FieldError(field, _("Enter {name}").format(name=name))
    if not _WHOLE.fullmatch(typed):
        raise FieldError(field, _("{name} must be a whole number").format(name=name.capitalize()))
    # Compare lengths first: int() of thousands of digits is slow, and refused past 4300.
    digits = typed.lstrip("0") or "0"
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise FieldError(
            field,
            _("{name} must be {maximum} or fewer").format(name=name.capitalize(), maximum=maximum),
        )
    return int(digits)


def passport_number(form: FormData, field: str) -> str:
    """A passport number in its one normal form: upper case, no spaces or dashes."""
    typed = text(form, field)
    if not typed:
        raise FieldError(field, _("Enter your passport number"))
    try:
        return normalise_passport_number(typed)
    except InvalidPassportNumberError:
        raise FieldError(field, _("Passport number must be 5 to 20 letters and numbers")) from None
