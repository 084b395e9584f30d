"""A GOV.UK Notify template as yms keeps it: a name for staff, a subject and a body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    """A Notify template: the name staff know it by (for translation), its subject and body.

    Subject and body hold ``((field))`` placeholders that the personalisation fills.
    """

    name: str
    subject: str
    body: str
