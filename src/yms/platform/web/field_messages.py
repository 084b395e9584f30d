"""A field's message, and which parts of the field it is about (for the pages to highlight)."""

from __future__ import annotations


class FieldMessage(str):
    """A field's message that also knows which of the field's parts are wrong.

    A date has three boxes; GOV.UK highlights only the wrong ones, and the error
    summary links to the first of them. `parts` is empty when the whole field is wrong.
    """

    parts: tuple[str, ...]

    def __new__(cls, text: str, parts: tuple[str, ...] = ()) -> FieldMessage:  # noqa: D102
        made = super().__new__(cls, text)
        made.parts = parts
        return made


def error_parts(message: object) -> tuple[str, ...]:
    """The parts of a field its message is about; empty means all of it."""
    return message.parts if isinstance(message, FieldMessage) else ()


def error_anchor(field: str, message: object) -> str:
    """The id an error summary links to: the field, or the first wrong box of a date."""
    parts = error_parts(message)
    return field if not parts or parts[0] == "day" else f"{field}-{parts[0]}"
