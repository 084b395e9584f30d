"""The questions of an application: who you are, your passport, then the scheme's own.

The scheme's questions are the same steps as "Check if you can apply", so the
two journeys ask alike and feed one eligibility engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from yms.eligibility.questions import STEP_BY_SLUG, Asking, FieldErrorsError, Step, needed
from yms.kernel.dates import long_date
from yms.platform.web import forms
from yms.platform.web.forms import FieldError, _

Answers = dict[str, Any]
MAX_NAME = 100


def _read_name(form: FormData, _asking: Asking, answers: Answers) -> None:
    personal = answers.setdefault("personal", {})
    personal["given_names"] = forms.text(form, "given-names")
    personal["family_name"] = forms.text(form, "family-name")
    errors = []
    if not personal["given_names"]:
        errors.append(FieldError("given-names", _("Enter your given names")))
    if not personal["family_name"]:
        errors.append(FieldError("family-name", _("Enter your family name")))
    for field, key in (("given-names", "given_names"), ("family-name", "family_name")):
        if len(personal[key]) > MAX_NAME:
            errors.append(FieldError(field, _("Names must be 100 characters or fewer")))
    if errors:
        raise FieldErrorsError(errors)


def _read_passport(form: FormData, asking: Asking, answers: Answers) -> None:
    personal = answers.setdefault("personal", {})
    personal["passport_typed"] = forms.text(form, "passport-number")
    answers.setdefault("typed", {})["passport-expiry"] = forms.typed_date(form, "passport-expiry")
    errors = []
    try:
        personal["passport_number"] = forms.passport_number(form, "passport-number")
    except FieldError as error:
        personal.pop("passport_number", None)
        errors.append(error)
    try:
        expiry = forms.read_date(
            form,
            "passport-expiry",
            _("Expiry date"),
            enter=_("Enter the expiry date of your passport"),
        )
    except FieldError as error:
        errors.append(error)
    else:
        if expiry is not None and expiry <= asking.today:
            errors.append(FieldError("passport-expiry", _("Your passport must not have expired")))
        elif expiry is not None:
            personal["passport_expiry"] = expiry.isoformat()
    if errors:
        raise FieldErrorsError(errors)


NAME = Step(
    "name",
    "apply/name.html",
    lambda _s, _a: True,
    _read_name,
    lambda _s, a: (
        " ".join(
            filter(
                None,
                [
                    a.get("personal", {}).get("given_names"),
                    a.get("personal", {}).get("family_name"),
                ],
            )
        )
        or None
    ),
    _("What is your name?"),
)
PASSPORT = Step(
    "passport",
    "apply/passport.html",
    lambda _s, _a: True,
    _read_passport,
    lambda _s, a: (
        _("{number}, expires {date}").format(
            number=a["personal"]["passport_number"],
            date=long_date(date.fromisoformat(a["personal"]["passport_expiry"])),
        )
        if a.get("personal", {}).get("passport_expiry") and a["personal"].get("passport_number")
        else None
    ),
    _("Your passport"),
)
SCHEME_QUESTIONS = (
    "date-of-birth",
    "start-date",
    "previous-participation",
    "children",
    "qualification",
    "documents",
    "savings",
)
APPLY_STEPS: tuple[Step, ...] = (
    NAME,
    STEP_BY_SLUG["date-of-birth"],
    PASSPORT,
    *(STEP_BY_SLUG[slug] for slug in SCHEME_QUESTIONS[1:]),
)
APPLY_STEP_BY_SLUG = {step.slug: step for step in APPLY_STEPS}


def asked(asking: Asking, answers: Answers) -> list[Step]:
    """The steps this applicant is asked, in order."""
    return [
        step for step in APPLY_STEPS if step in (NAME, PASSPORT) or needed(step, asking, answers)
    ]


def next_unanswered(asking: Asking, answers: Answers) -> str | None:
    """The first step still to answer."""
    for step in asked(asking, answers):
        if step.summary(asking.scheme, answers) is None:
            return step.slug
    return None


@dataclass(frozen=True, slots=True)
class Answered:
    """One question as "Check your answers" shows it: the question, and the answer in words."""

    slug: str
    question: str
    answer: str


def answered(asking: Asking, answers: Answers) -> list[Answered]:
    """The questions asked, in order, each answer worded for people (£3,000.00, 3 April 2001).

    The applicant's "Check your answers" and the caseworker's case file both read
    the answers through this, so the two say the same. A question asked but left
    unanswered reads "Not answered" rather than vanishing.
    """
    return [
        Answered(
            step.slug,
            step.question,
            step.summary(asking.scheme, answers) or _("Not answered"),
        )
        for step in asked(asking, answers)
    ]
