"""Journey 4, applying after an invitation: questions, evidence, check, declare, pay, confirm.

Every answer is saved to the draft as it is given. Paying submits; coming back
to the payment page (reload, back button) shows the same confirmation.
"""

from __future__ import annotations

import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from yms.applications.domain.evidence import MAX_BYTES, evidence_needed
from yms.applications.domain.states import WITHDRAWABLE, ApplicationState, PaymentState
from yms.applications.questions import APPLY_STEP_BY_SLUG, answered, asked, next_unanswered
from yms.applications.services import cases, checks, drafts, payment
from yms.applications.services.cases import ApplicationView
from yms.applications.services.evidence import add_evidence
from yms.applications.services.identity import NOT_THE_ENTRANT, not_the_entrant
from yms.applications.web import evidence_name
from yms.applications.web.decision import asked_for, reviewed
from yms.eligibility.questions import Asking, FieldErrorsError
from yms.kernel.dates import shown
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.payments.provider import PaymentProviderError
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form, csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render
from yms.platform.web.templating import translations

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)
# The steps whose answers make up the identity an invitation was drawn for, and the
# field each page shows a mismatch beside.
IDENTITY_STEPS = {"passport": "passport-number", "date-of-birth": "date-of-birth"}
# Each route's body limit, enforced as the body streams (platform.web.body_limit): one
# evidence file and the form around it; other forms keep the platform's small default.
BODY_LIMITS = {"/applications/{case_ref}/evidence/{kind}": MAX_BYTES + 1024 * 1024}
EVIDENCE_NAMES = {
    "passport": "the photo page of your passport",
    "bank_statement": "your latest bank statement",
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _load(request: Request, case_ref: str) -> tuple[str, ApplicationView]:
    """The signed-in applicant's id and application; anyone else's is the 404 page."""
    account_id = require_role(request, "applicant")
    try:
        return account_id, cases.view(context_of(request), account_id, case_ref)
    except NotFoundError:
        raise HTTPException(status_code=404) from None


def _asking(request: Request, application: ApplicationView) -> Asking:
    """The questions' context: the scheme version and arrangement the application recorded."""
    ctx = context_of(request)
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    return Asking(
        scheme=scheme,
        arrangement=scheme.arrangement(application.arrangement_id),
        today=today(ctx.clock),
    )


def _base(application: ApplicationView) -> str:
    return f"/applications/{application.case_ref}"


@router.get("/apply/{invitation_ref}")
def start(request: Request, invitation_ref: str) -> Response:
    """Start (or carry on with) the application an accepted invitation allows."""
    account_id = require_role(request, "applicant")
    try:
        case_ref = drafts.start_for_invitation(context_of(request), account_id, invitation_ref)
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    except RefusedError as error:
        return render(request, "ballots/refused.html", status=409, form=False, reason=str(error))
    return _see_other(f"/applications/{case_ref}/continue")


@router.get("/applications/{case_ref}/continue")
def carry_on(request: Request, case_ref: str) -> Response:
    """The first thing still to do."""
    _account, application = _load(request, case_ref)
    base = _base(application)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(base)
    ctx = context_of(request)
    missing = next_unanswered(_asking(request, application), application.answers)
    if missing:
        return _see_other(f"{base}/{missing}")
    uploaded = {file.kind for file in application.evidence}
    for kind in evidence_needed(cases.arrangement_of(ctx.catalogue, application)):
        if kind not in uploaded:
            return _see_other(f"{base}/evidence/{kind}")
    return _see_other(f"{base}/check-answers")


def _question(
    request: Request, application: ApplicationView, slug: str, errors: dict[str, str] | None = None
) -> Response:
    answers = application.answers
    asking = _asking(request, application)
    steps = [step.slug for step in asked(asking, answers)]
    index = steps.index(slug)
    base = _base(application)
    return render(
        request,
        APPLY_STEP_BY_SLUG[slug].template,
        status=400 if errors else 200,
        step=APPLY_STEP_BY_SLUG[slug],
        errors=errors or {},
        answers=answers,
        applicant=answers.get("applicant", {}),
        personal=answers.get("personal", {}),
        typed=answers.get("typed", {}),
        scheme=asking.scheme,
        arrangement=asking.arrangement,
        nationalities=[],
        back=f"{base}/{steps[index - 1]}" if index > 0 else "/applications",
        action=f"{base}/{slug}",
        caption=_("Your application"),
    )


def _evidence_page(
    request: Request, application: ApplicationView, kind: str, errors: dict[str, str] | None = None
) -> Response:
    name = evidence_name(kind)
    current = next((f for f in application.evidence if f.kind == kind), None)
    return render(
        request,
        "apply/evidence.html",
        status=400 if errors else 200,
        errors=errors or {},
        kind=kind,
        name=name,
        current=current,
        action=f"{_base(application)}/evidence/{kind}",
        back=_before_evidence(request, application, kind),
    )


def _before_evidence(request: Request, application: ApplicationView, kind: str) -> str:
    """The page before an upload: the previous upload, or the last question asked.

    Not "continue", which leads straight back to the first missing upload.
    """
    base = _base(application)
    kinds = list(evidence_needed(cases.arrangement_of(context_of(request).catalogue, application)))
    index = kinds.index(kind) if kind in kinds else 0
    if index > 0:
        return f"{base}/evidence/{kinds[index - 1]}"
    steps = asked(_asking(request, application), application.answers)
    return f"{base}/{steps[-1].slug}" if steps else "/applications"


def _require_needed(request: Request, application: ApplicationView, kind: str) -> None:
    """A kind of evidence this application does not need is not a page: 404."""
    arrangement = cases.arrangement_of(context_of(request).catalogue, application)
    if kind not in evidence_needed(arrangement):
        raise HTTPException(status_code=404)


@router.get("/applications/{case_ref}/evidence/{kind}")
def evidence_page(request: Request, case_ref: str, kind: str) -> Response:
    """Upload one document."""
    _account, application = _load(request, case_ref)
    _require_needed(request, application, kind)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    return _evidence_page(request, application, kind)


@router.post("/applications/{case_ref}/evidence/{kind}")
async def upload(request: Request, case_ref: str, kind: str) -> Response:
    """Keep an uploaded file after checking its type (by content) and size."""
    form = await csrf_form(request)
    try:
        return await _upload(request, form, case_ref, kind)
    finally:
        await form.close()  # the upload's temporary file


async def _upload(request: Request, form: FormData, case_ref: str, kind: str) -> Response:
    account_id, application = _load(request, case_ref)
    _require_needed(request, application, kind)
    field = f"evidence-{kind}"
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        if any(f.kind == kind for f in application.evidence):
            return _see_other(f"{_base(application)}/continue")  # keep the file already given
        return _evidence_page(request, application, kind, {field: _("Select a file")})
    data = await upload.read(MAX_BYTES + 1)
    try:
        add_evidence(
            context_of(request),
            account_id,
            case_ref,
            kind=kind,
            filename=upload.filename,
            data=data,
        )
    except InvalidInputError as error:
        problems = {p.path: _(p.message) for p in error.problems}
        return _evidence_page(request, application, kind, problems)
    except RefusedError:
        return _see_other(_base(application))
    return _see_other(f"{_base(application)}/continue")


@router.get("/applications/{case_ref}/check-answers")
def check_answers(request: Request, case_ref: str) -> Response:
    """Check your answers before you declare and pay."""
    _account, application = _load(request, case_ref)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    ctx = context_of(request)
    answers = application.answers
    asking = _asking(request, application)
    if next_unanswered(asking, answers):
        return _see_other(f"{_base(application)}/continue")
    base = _base(application)
    rows = [
        (one.question, one.answer, f"{base}/{one.slug}", one.question)
        for one in answered(asking, answers)
    ]
    for kind in evidence_needed(cases.arrangement_of(ctx.catalogue, application)):
        uploaded = next((f for f in application.evidence if f.kind == kind), None)
        name = evidence_name(kind)
        rows.append(
            (
                name.capitalize(),
                uploaded.filename if uploaded else _("Not uploaded"),
                f"{base}/evidence/{kind}",
                name,
            )
        )
    return render(request, "apply/check_answers.html", rows=rows, base=base)


@router.get("/applications/{case_ref}/declaration")
def declaration_page(request: Request, case_ref: str) -> Response:
    """The declaration, and the fee to pay."""
    _account, application = _load(request, case_ref)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    return _declaration(request, application)


def _declaration(
    request: Request, application: ApplicationView, errors: dict[str, str] | None = None
) -> Response:
    ctx = context_of(request)
    fee = payment.fee_due(ctx, application)
    translate = translations().gettext
    refusals = [
        (requirement.detail.render(translate, show=shown), requirement.rule)
        for requirement in checks.failing(ctx, application)
    ]
    return render(
        request,
        "apply/declaration.html",
        status=400 if errors else 200,
        errors=errors or {},
        base=_base(application),
        fee=f"£{fee / 100:,.2f}",
        refusals=refusals,
    )


def _declaration_problems(
    ctx: ServiceContext, application: ApplicationView, form: FormData, *, understood: bool
) -> dict[str, str]:
    """What the declaration form still needs: the declaration, and any refusal understood."""
    if form.get("declaration") != "agreed":
        return {"declaration": _("Confirm that the information you have given is true")}
    if not understood and checks.failing(ctx, application):
        return {
            "refusal-understood": _(
                "Confirm that you understand your application would be refused, "
                "or go back and change your answers"
            )
        }
    return {}


@router.post("/applications/{case_ref}/declaration")
def declare_and_pay(request: Request, case_ref: str) -> Response:
    """Record the declaration and send the applicant to pay (once, however often clicked)."""
    form = csrf_form_in_thread(request)
    account_id, application = _load(request, case_ref)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    ctx = context_of(request)
    understood = form.get("refusal-understood") == "yes"
    problems = _declaration_problems(ctx, application, form, understood=understood)
    if problems:
        return _declaration(request, application, problems)
    answers = dict(application.answers)
    answers["declaration"] = True
    drafts.save_answers(ctx, account_id, case_ref, answers)
    return_url = f"{ctx.public_url}{_base(application)}/payment-return"
    try:
        next_url = payment.begin_payment(
            ctx, account_id, case_ref, return_url, refusal_understood=understood
        )
    except PaymentProviderError as error:
        return _payment_unavailable(request, application, error, retry="declaration")
    except RefusedError as error:
        now = cases.view(ctx, account_id, case_ref)
        if now.state is not ApplicationState.DRAFT:  # submitted or withdrawn in another tab
            return _see_other(_base(application))
        return _declaration(request, application, {"declaration": _(str(error))})
    return _see_other(
        next_url.removeprefix(ctx.public_url) if next_url.startswith(ctx.public_url) else next_url
    )


def _payment_unavailable(
    request: Request, application: ApplicationView, error: PaymentProviderError, *, retry: str
) -> Response:
    """The provider could not answer: nothing has changed, so the applicant can try again."""
    log.warning("payment.provider_unavailable", case=application.case_ref, error=str(error))
    return render(
        request,
        "apply/payment_failed.html",
        status=503,
        form=False,
        outcome="unavailable",
        base=_base(application),
        retry=f"{_base(application)}/{retry}",
    )


@router.get("/applications/{case_ref}/payment-return")
def payment_return(request: Request, case_ref: str) -> Response:
    """Back from paying: the confirmation, or what to do if the payment did not go through."""
    account_id, application = _load(request, case_ref)
    try:
        outcome = payment.complete_payment(context_of(request), account_id, case_ref)
    except PaymentProviderError as error:
        return _payment_unavailable(request, application, error, retry="payment-return")
    if outcome is ApplicationState.SUBMITTED:
        return _see_other(f"{_base(application)}/confirmation")
    if isinstance(outcome, ApplicationState):  # withdrawn meanwhile
        return _see_other(_base(application))
    retry = f"{_base(application)}/declaration"
    if outcome is PaymentState.CREATED:  # left the provider's page before the payment ended
        retry = payment.payment_under_way(context_of(request), account_id, case_ref) or retry
    outcomes = {
        PaymentState.CANCELLED: "cancelled",
        PaymentState.CREATED: "unfinished",
        None: "missing",
    }
    return render(
        request,
        "apply/payment_failed.html",
        form=False,
        outcome=outcomes.get(outcome, "failed"),
        base=_base(application),
        retry=retry,
    )


@router.get("/applications/{case_ref}/confirmation")
def confirmation(request: Request, case_ref: str) -> Response:
    """Application submitted: the case reference and what happens next."""
    _account, application = _load(request, case_ref)
    if application.state is ApplicationState.DRAFT:
        return _see_other(f"{_base(application)}/continue")
    return render(request, "apply/confirmation.html", form=False, application=application)


@router.get("/applications/{case_ref}")
def case(
    request: Request, case_ref: str, withdrawn: str = "", replied: str = "", review: str = ""
) -> Response:
    """Journey 5: the case's status, timeline and messages, and what the applicant can do next.

    A banner follows withdrawing, replying to a request for evidence, or asking for review.
    """
    account_id, application = _load(request, case_ref)
    if application.paying_since is not None:
        application = _settled(request, account_id, application)
    just_withdrawn = withdrawn == "yes" and application.state is ApplicationState.WITHDRAWN
    banner = ""
    if replied == "yes":
        banner = _("Your reply has been sent to the caseworker")
    elif review == "asked":
        banner = _("You have asked for an administrative review")
    return render(
        request,
        "applications/case.html",
        application=application,
        under=_under(request, application),
        just_withdrawn=just_withdrawn,
        banner=banner,
        asked=asked_for(application),
        reviewed=reviewed(application),
    )


def _under(request: Request, application: ApplicationView) -> str:
    """What the application is for, as the applicant would say it."""
    catalogue = context_of(request).catalogue
    scheme = catalogue.get(application.scheme_id, application.scheme_version)
    arrangement = cases.arrangement_of(catalogue, application)
    return _("{scheme}: as a national of {nationality}, to {host}").format(
        scheme=scheme.title,
        nationality=scheme.party_name(arrangement.nationality),
        host=scheme.party_place(arrangement.host),
    )


def _settled(request: Request, account_id: str, application: ApplicationView) -> ApplicationView:
    """The application once the provider has said how its payment under way stands.

    A payer who paid but never came back (a closed tab, a lost connection) finds the
    application submitted; if the provider cannot answer, the page says the payment
    has not finished, and the button asks again.
    """
    ctx = context_of(request)
    try:
        payment.complete_payment(ctx, account_id, application.case_ref)
    except PaymentProviderError as error:
        log.warning("payment.provider_unavailable", case=application.case_ref, error=str(error))
        return application
    return cases.view(ctx, account_id, application.case_ref)


@router.get("/applications/{case_ref}/withdraw")
def withdraw_page(request: Request, case_ref: str) -> Response:
    """Are you sure you want to withdraw?"""
    _account, application = _load(request, case_ref)
    if application.state not in WITHDRAWABLE:  # withdrawn already, or decided
        return _see_other(_base(application))
    return render(request, "applications/withdraw.html", application=application)


@router.post("/applications/{case_ref}/withdraw")
def withdraw(request: Request, case_ref: str) -> Response:
    """Withdraw the application, if the applicant says yes."""
    form = csrf_form_in_thread(request)
    account_id, application = _load(request, case_ref)
    choice = form.get("withdraw")
    if choice not in {"yes", "no"}:
        errors = {"withdraw": _("Select yes if you want to withdraw your application")}
        return render(
            request,
            "applications/withdraw.html",
            status=400,
            application=application,
            errors=errors,
        )
    if choice == "yes" and application.state in WITHDRAWABLE:
        try:
            drafts.withdraw(context_of(request), account_id, case_ref)
        except RefusedError:  # decided since the page was shown: the case page says so
            return _see_other(_base(application))
        return _see_other(f"{_base(application)}?withdrawn=yes")
    return _see_other(_base(application))


# The catch-all question routes come last, after every fixed path under the case.
@router.get("/applications/{case_ref}/{slug}")
def question(request: Request, case_ref: str, slug: str) -> Response:
    """One question of the application."""
    _account, application = _load(request, case_ref)  # the role first: nothing leaks to others
    if slug not in APPLY_STEP_BY_SLUG:
        raise HTTPException(status_code=404)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    asking = _asking(request, application)
    if slug not in [step.slug for step in asked(asking, application.answers)]:
        return _see_other(f"{_base(application)}/continue")
    return _question(request, application, slug)


@router.post("/applications/{case_ref}/{slug}")
def answer(request: Request, case_ref: str, slug: str) -> Response:
    """Save an answer to the draft and go on."""
    form = csrf_form_in_thread(request)
    account_id, application = _load(request, case_ref)  # the role first: nothing leaks to others
    if slug not in APPLY_STEP_BY_SLUG:
        raise HTTPException(status_code=404)
    if application.state is not ApplicationState.DRAFT:
        return _see_other(_base(application))
    ctx = context_of(request)
    answers = dict(application.answers)
    errors: dict[str, str] = {}
    try:
        APPLY_STEP_BY_SLUG[slug].read(form, _asking(request, application), answers)
    except FieldError as error:
        errors = {error.field: error.message}
    except FieldErrorsError as several:
        errors = {error.field: error.message for error in several.errors}
    drafts.save_answers(ctx, account_id, case_ref, answers)
    saved = cases.view(ctx, account_id, case_ref)
    if not errors and slug in IDENTITY_STEPS and not_the_entrant(ctx, saved):
        errors = {IDENTITY_STEPS[slug]: _(NOT_THE_ENTRANT)}
    if errors:
        return _question(request, saved, slug, errors)
    return _see_other(f"{_base(application)}/continue")
