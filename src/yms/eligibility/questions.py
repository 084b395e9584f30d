"""The questions of "Check if you can apply": only those the chosen scheme asks.

Each page reads its answers into the journey's answers; the eligibility service
`applicant_from_answers` turns them into the domain's `Applicant`, which the
engine checks against the very scheme version the questions came from. What a
question needs besides the answers (the scheme and arrangement, today's date,
the schemes to choose from) comes in an `Asking`, never mixed into the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from yms.kernel.dates import age_on, long_date
from yms.kernel.money import Money
from yms.platform.web import forms
from yms.platform.web.forms import FieldError, _
from yms.schemes.catalogue import Catalogue, UnknownSchemeError
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Arrangement, Scheme, TestedOn, arrangement_id

Answers = dict[str, Any]
DEGREE_RQF_LEVEL = 6  # a bachelor's degree on the Regulated Qualifications Framework


@dataclass(frozen=True)
class Asking:
    """What the questions need besides the answers: one scheme version, its arrangement, today."""

    scheme: Scheme | None
    arrangement: Arrangement | None
    today: date
    schemes: Sequence[Scheme] = field(default=())  # to choose from, on the first page


@dataclass(frozen=True)
class Step:
    """One page of the journey."""

    slug: str
    template: str
    applies: Callable[[Scheme | None, Arrangement | None], bool]
    read: Callable[[FormData, Asking, Answers], None]  # raises FieldError
    summary: Callable[[Scheme | None, Answers], str | None]  # the answer, for check answers
    question: str


def scheme_version(catalogue: Catalogue, scheme_id: str, today: date) -> Scheme:
    """The version of `scheme_id` in force `today`; the newest if none is in force yet."""
    try:
        return catalogue.in_force(scheme_id, today)
    except UnknownSchemeError:
        return catalogue.latest(scheme_id)


def scheme_of(catalogue: Catalogue, answers: Mapping[str, Any], today: date) -> Scheme | None:
    """The version, in force today, of the scheme chosen so far."""
    scheme_id = answers.get("scheme")
    return scheme_version(catalogue, scheme_id, today) if scheme_id in catalogue.ids() else None


def arrangement_of(scheme: Scheme | None, answers: Mapping[str, Any]) -> Arrangement | None:
    """The arrangement the nationality (and host) chosen so far select."""
    applicant = answers.get("applicant", {})
    nationality = applicant.get("nationality")
    if scheme is None or nationality is None:
        return None
    hosts = scheme.hosts_for(nationality)
    host = applicant.get("host") or (hosts[0] if len(hosts) == 1 else None)
    return scheme.arrangement(arrangement_id(nationality, host)) if host else None


def asking_for(catalogue: Catalogue, answers: Mapping[str, Any], today: date) -> Asking:
    """The check journey's `Asking`, from the scheme and nationality answered so far."""
    scheme = scheme_of(catalogue, answers, today)
    return Asking(
        scheme=scheme,
        arrangement=arrangement_of(scheme, answers),
        today=today,
        schemes=[
            scheme_version(catalogue, scheme_id, today)
            for scheme_id in catalogue.ids_in_force_first()
        ],
    )


def _read_scheme(form: FormData, asking: Asking, answers: Answers) -> None:
    choices = {scheme.id for scheme in asking.schemes}
    chosen = forms.choice(form, "scheme", choices, _("Select the scheme you want to check"))
    if chosen != answers.get("scheme"):
        _keep_what_every_scheme_asks(answers)
    answers["scheme"] = chosen
    answers.setdefault("applicant", {})


# The answers about the person that mean the same under any scheme. The rest (the
# nationality, from the scheme's own list; invitations, documents, money, declarations)
# is asked again, in the new scheme's terms.
PERSONAL_FACTS = ("date_of_birth", "valid_from")


def _keep_what_every_scheme_asks(answers: Answers) -> None:
    applicant = answers.get("applicant", {})
    kept = {key: applicant[key] for key in PERSONAL_FACTS if key in applicant}
    typed = answers.get("typed_date_of_birth")
    answers.clear()
    answers["applicant"] = kept
    if typed is not None:
        answers["typed_date_of_birth"] = typed


def nationalities(scheme: Scheme) -> list[tuple[str, str]]:
    """The scheme's nationalities, as (code, name), by name."""
    codes = {arrangement.nationality for arrangement in scheme.arrangements}
    return sorted(((code, scheme.party_name(code)) for code in codes), key=lambda pair: pair[1])


def _read_nationality(form: FormData, asking: Asking, answers: Answers) -> None:
    assert asking.scheme is not None  # noqa: S101 - steps after the scheme only run with one
    codes = {code for code, _name in nationalities(asking.scheme)}
    chosen = forms.choice(form, "nationality", codes, _("Select your nationality"))
    applicant = answers["applicant"]
    if applicant.get("nationality") != chosen:
        applicant.pop("host", None)
    applicant["nationality"] = chosen


def _read_host(form: FormData, asking: Asking, answers: Answers) -> None:
    assert asking.scheme is not None  # noqa: S101
    hosts = set(asking.scheme.hosts_for(answers["applicant"]["nationality"]))
    answers["applicant"]["host"] = forms.choice(
        form, "host", hosts, _("Select the country you want to go to")
    )


def _read_birth(form: FormData, asking: Asking, answers: Answers) -> None:
    answers["typed_date_of_birth"] = forms.typed_date(form, "date-of-birth")
    born = forms.read_date(
        form, "date-of-birth", _("Date of birth"), enter=_("Enter your date of birth")
    )
    assert born is not None  # noqa: S101 - required
    if born >= asking.today:
        raise FieldError("date-of-birth", _("Date of birth must be in the past"))
    answers["applicant"]["date_of_birth"] = born.isoformat()


def _read_start(form: FormData, asking: Asking, answers: Answers) -> None:
    answers.setdefault("typed", {})["start-date"] = forms.typed_date(form, "start-date")
    start = forms.read_date(form, "start-date", _("Date you plan to start"), required=False)
    if start is not None and start < asking.today:
        raise FieldError("start-date", _("Date you plan to start must be today or in the future"))
    # An empty answer says "not sure yet": asked, and not known.
    answers["applicant"]["valid_from"] = start.isoformat() if start else ""


def _birth_summary(_scheme: Scheme | None, answers: Answers) -> str | None:
    born = answers.get("applicant", {}).get("date_of_birth")
    return long_date(date.fromisoformat(born)) if born else None


def _start_summary(_scheme: Scheme | None, answers: Answers) -> str | None:
    given = answers.get("applicant", {}).get("valid_from")
    if given is None:
        return None
    return long_date(date.fromisoformat(given)) if given else _("Not sure yet")


def _under_minimum_today(asking: Asking, answers: Answers) -> bool:
    """Whether the start date can change the answer (YMS 3.4).

    So it is: the minimum age is tested on the start date, and the applicant is
    under it today, so may or may not be old enough by then.
    """
    arrangement, scheme = asking.arrangement, asking.scheme
    minimum = arrangement.requirements.age_minimum if arrangement else None
    born = answers.get("applicant", {}).get("date_of_birth")
    if (
        scheme is None
        or minimum is None
        or minimum.tested_on is not TestedOn.VALID_FROM
        or not born
    ):
        return False
    age = age_on(date.fromisoformat(born), asking.today, leap_day=scheme.leap_day_birthday)
    return age < minimum.years


def _yes_no_reader(field: str, key: str, message: str) -> Callable[..., None]:
    def read(form: FormData, _asking: Asking, answers: Answers) -> None:
        value = forms.yes_no(form, field, message)
        answers["applicant"][key] = value

    return read


def _read_invitation(form: FormData, _asking: Asking, answers: Answers) -> None:
    invited = forms.yes_no(form, "invited", _("Select yes if you have an invitation to apply"))
    answers["applicant"]["has_invitation"] = invited


def _read_qualification(form: FormData, _asking: Asking, answers: Answers) -> None:
    degree = forms.yes_no(form, "degree", _("Select yes if you have a degree or higher"))
    answers["applicant"]["qualification_rqf_level"] = (
        DEGREE_RQF_LEVEL if degree else DEGREE_RQF_LEVEL - 1
    )


def _read_documents(form: FormData, asking: Asking, answers: Answers) -> None:
    arrangement = asking.arrangement
    assert arrangement is not None  # noqa: S101
    documents = []
    errors: list[FieldError] = []
    for requirement in arrangement.requirements.documents:
        field = f"issued-{requirement.kind.value.replace('_', '-')}"
        answers.setdefault("typed", {})[field] = forms.typed_date(form, field)
        name = _("Date your {document} was issued").format(document=requirement.kind.description)
        try:
            issued = forms.read_date(form, field, name, required=False)
        except FieldError as error:
            errors.append(error)
            continue
        if issued is not None and issued > asking.today:
            errors.append(
                FieldError(field, _("{name} must be today or in the past").format(name=name))
            )
        elif issued is not None:
            documents.append({"kind": requirement.kind.value, "issued": issued.isoformat()})
    if errors:
        raise FieldErrorsError(errors)
    answers["applicant"]["documents"] = documents


def declaration_field(declaration_id: str) -> str:
    """The form field of one declaration's yes/no answer."""
    return f"declaration-{declaration_id}"


def _read_declarations(form: FormData, asking: Asking, answers: Answers) -> None:
    arrangement = asking.arrangement
    assert arrangement is not None  # noqa: S101
    declared: dict[str, bool] = {}
    errors: list[FieldError] = []
    for declaration in arrangement.requirements.declarations:
        try:
            declared[declaration.id] = forms.yes_no(
                form,
                declaration_field(declaration.id),
                _("Select yes if you have {requirement}").format(
                    requirement=declaration.requirement
                ),
            )
        except FieldError as error:
            errors.append(error)
    if errors:
        raise FieldErrorsError(errors)
    answers["applicant"]["declarations"] = declared


def _declarations_summary(scheme: Scheme | None, answers: Answers) -> str | None:
    declared = answers.get("applicant", {}).get("declarations")
    if declared is None or scheme is None:
        return None
    asked = {
        declaration.id: declaration.question
        for arrangement in scheme.arrangements
        for declaration in arrangement.requirements.declarations
    }
    return "; ".join(
        f"{asked.get(declaration_id, declaration_id)} {_('Yes') if value else _('No')}"
        for declaration_id, value in declared.items()
    )


def _read_funds(form: FormData, asking: Asking, answers: Answers) -> None:
    arrangement = asking.arrangement
    assert arrangement is not None  # noqa: S101
    answers["typed"] = {
        **answers.get("typed", {}),
        "amount": forms.text(form, "amount"),
        "held-days": forms.text(form, "held-days"),
        "latest-statement": forms.typed_date(form, "latest-statement"),
    }
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for key, reader in (
        ("amount", lambda: forms.amount(form, "amount", _("how much you have"))),
        (
            "held_days",
            lambda: forms.whole_number(
                form, "held-days", _("how many days you have held it"), maximum=3650
            ),
        ),
        (
            "latest_evidence_date",
            lambda: forms.read_date(
                form,
                "latest-statement",
                _("Date of your latest statement"),
                enter=_("Enter the date of your latest statement"),
            ),
        ),
    ):
        try:
            values[key] = reader()
        except FieldError as error:
            errors.append(error)
    statement = values.get("latest_evidence_date")
    if statement is not None and statement > asking.today:
        errors.append(
            FieldError(
                "latest-statement",
                _("Date of your latest statement must be today or in the past"),
            )
        )
    if errors:
        raise FieldErrorsError(errors)
    funds = arrangement.requirements.funds
    answers["applicant"]["funds"] = {
        "amount": str(values["amount"]),
        "currency": funds.currency if funds else "GBP",
        "held_days": values["held_days"],
        "latest_evidence_date": values["latest_evidence_date"].isoformat(),
    }


class FieldErrorsError(ValueError):
    """Several fields of one page are wrong at once."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def _yes_no_summary(key: str) -> Callable[[Scheme | None, Answers], str | None]:
    def summary(_scheme: Scheme | None, answers: Answers) -> str | None:
        value = answers.get("applicant", {}).get(key)
        if value is None:
            return None
        return _("Yes") if value else _("No")

    return summary


def _requires(name: str) -> Callable[[Scheme | None, Arrangement | None], bool]:
    def applies(_scheme: Scheme | None, arrangement: Arrangement | None) -> bool:
        requirements = arrangement.requirements if arrangement else None
        return requirements is not None and bool(getattr(requirements, name))

    return applies


def _document_names(_scheme: Scheme | None, answers: Answers) -> str | None:
    documents = answers.get("applicant", {}).get("documents")
    if documents is None:
        return None
    if not documents:
        return _("None yet")
    return ", ".join(
        _("{document}: issued {date}").format(
            document=DocumentKind(d["kind"]).description.capitalize(),
            date=long_date(date.fromisoformat(d["issued"])),
        )
        for d in documents
    )


def _funds_summary(_scheme: Scheme | None, answers: Answers) -> str | None:
    funds = answers.get("applicant", {}).get("funds")
    if not funds:
        return None
    # Written as the result page writes money (£3,000.00), not as stored (3000.00 GBP).
    return _("{amount}, held for {days} days; latest statement {date}").format(
        amount=Money.of(funds["amount"], funds["currency"]),
        days=funds["held_days"],
        date=long_date(date.fromisoformat(funds["latest_evidence_date"])),
    )


STEPS: tuple[Step, ...] = (
    Step(
        "scheme",
        "check/scheme.html",
        lambda _s, _a: True,
        _read_scheme,
        lambda scheme, _a: scheme.title if scheme else None,
        _("Which scheme do you want to check?"),
    ),
    Step(
        "nationality",
        "check/nationality.html",
        lambda scheme, _a: scheme is not None,
        _read_nationality,
        lambda scheme, a: (
            scheme.party_name(a["applicant"]["nationality"])
            if scheme and a.get("applicant", {}).get("nationality")
            else None
        ),
        _("What is your nationality?"),
    ),
    Step(
        "destination",
        "check/destination.html",
        lambda scheme, _a: scheme is not None,  # narrowed further by `needed`
        _read_host,
        lambda scheme, a: (
            scheme.party_name(a["applicant"]["host"])
            if scheme and a.get("applicant", {}).get("host")
            else None
        ),
        _("Which country do you want to go to?"),
    ),
    Step(
        "date-of-birth",
        "check/date_of_birth.html",
        lambda _s, arrangement: arrangement is not None,
        _read_birth,
        _birth_summary,
        _("What is your date of birth?"),
    ),
    Step(
        "start-date",
        "check/start_date.html",
        lambda _s, arrangement: arrangement is not None,  # narrowed further by `needed`
        _read_start,
        _start_summary,
        _("When do you plan to start?"),
    ),
    Step(
        "previous-participation",
        "check/yes_no.html",
        _requires("previous_participation"),
        _yes_no_reader(
            "answer",
            "previous_participation",
            _("Select yes if you have been on this scheme before"),
        ),
        _yes_no_summary("previous_participation"),
        _("Have you been on this scheme before?"),
    ),
    Step(
        "children",
        "check/yes_no.html",
        _requires("no_children_under_18"),
        _yes_no_reader(
            "answer",
            "children_under_18",
            _("Select yes if you have children under 18 who live with you or depend on you"),
        ),
        _yes_no_summary("children_under_18"),
        _("Do you have any children under 18 who live with you or depend on you financially?"),
    ),
    Step(
        "invitation",
        "check/yes_no.html",
        _requires("invitation"),
        _read_invitation,
        _yes_no_summary("has_invitation"),
        _("Have you been invited to apply through the ballot?"),
    ),
    Step(
        "qualification",
        "check/yes_no.html",
        _requires("qualification"),
        _read_qualification,
        lambda _s, a: (
            None
            if "qualification_rqf_level" not in a.get("applicant", {})
            else (
                _("Yes")
                if a["applicant"]["qualification_rqf_level"] >= DEGREE_RQF_LEVEL
                else _("No")
            )
        ),
        _("Do you have a bachelor's degree or a higher qualification?"),
    ),
    Step(
        "documents",
        "check/documents.html",
        _requires("documents"),
        _read_documents,
        _document_names,
        _("When were your documents issued?"),
    ),
    Step(
        "declarations",
        "check/declarations.html",
        _requires("declarations"),
        _read_declarations,
        _declarations_summary,
        _("What else this scheme requires"),
    ),
    Step(
        "savings",
        "check/savings.html",
        _requires("funds"),
        _read_funds,
        _funds_summary,
        _("Your savings"),
    ),
)

STEP_BY_SLUG = {step.slug: step for step in STEPS}


def needed(step: Step, asking: Asking, answers: Answers) -> bool:
    """Whether this step is asked, given the answers so far."""
    if step.slug == "destination":
        nationality = answers.get("applicant", {}).get("nationality")
        return (
            asking.scheme is not None
            and nationality is not None
            and len(asking.scheme.hosts_for(nationality)) > 1
        )
    if step.slug == "start-date":
        return _under_minimum_today(asking, answers)
    return step.applies(asking.scheme, asking.arrangement)


def next_unanswered(asking: Asking, answers: Answers) -> str | None:
    """The first step still to answer, or `None` when all are answered."""
    for step in STEPS:
        if needed(step, asking, answers) and step.summary(asking.scheme, answers) is None:
            return step.slug
    return None


def previous(slug: str, asking: Asking, answers: Answers) -> str | None:
    """The step before `slug` that this person was asked."""
    asked = [step.slug for step in STEPS if needed(step, asking, answers)]
    index = asked.index(slug) if slug in asked else 0
    return asked[index - 1] if index > 0 else None
