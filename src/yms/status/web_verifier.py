"""Check a status: a verifier's pages, the signed record to download or print, and the keys.

The form is public (an employer or landlord has no account). A match is kept in
the visit's session, so only whoever made a check sees its answer again, and the
answer page is reached by a redirect (a reload does not check twice). Every
kind of miss gets the one "no match" page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from segno import DataOverflowError, make_qr

from yms.kernel.errors import NotFoundError
from yms.platform.web import forms
from yms.platform.web.access import TooManyAttemptsError
from yms.platform.web.clients import client_address
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render
from yms.platform.web.session_middleware import visit_of
from yms.status import checks, sharing, signing
from yms.status.domain.share_codes import PURPOSE_NAMES

router = APIRouter(include_in_schema=False)
JOURNEY = "status-checks"
KEPT_CHECKS = 20  # the last checks a visit can come back to
FIELD_MESSAGES = {"share_code": "share-code", "verifier": "verifier"}  # service field -> form


def client_of(request: Request) -> str:
    """The client's address, as the rate limits count it."""
    return client_address(request)


def _form_page(
    request: Request,
    typed: dict[str, object] | None = None,
    errors: dict[str, object] | None = None,
) -> Response:
    return render(
        request,
        "status/check_form.html",
        status=400 if errors else 200,
        errors=errors or {},
        typed=typed or {},
    )


@router.get("/check-a-status")
def check_form(request: Request) -> Response:
    """Enter a share code and the holder's date of birth."""
    return _form_page(request)


@router.post("/check-a-status")
def check(request: Request) -> Response:
    """Check the code: a match goes to its answer page; any miss gets the one "no match" page."""
    form = csrf_form_in_thread(request)
    typed: dict[str, object] = {
        "share_code": forms.text(form, "share-code"),
        "verifier": forms.text(form, "verifier"),
        "date_of_birth": forms.typed_date(form, "date-of-birth"),
    }
    # Every field's problem at once: the code's and the name's, then the date's.
    errors = _problems(str(typed["share_code"]), str(typed["verifier"]))
    try:
        born = forms.read_date(form, "date-of-birth", _("Date of birth"))
    except FieldError as error:
        errors[error.field] = error.message
        born = None
    if errors or born is None:
        return _form_page(request, typed, errors)
    try:
        answer = checks.check_status(
            context_of(request),
            str(typed["share_code"]),
            born,
            client=client_of(request),
            verifier_name=str(typed["verifier"]) or None,
        )
    except sharing.TooManyChecksError:
        raise TooManyAttemptsError from None
    if not answer.matched:
        return render(request, "status/no_match.html", answer=answer)
    visit = visit_of(request)
    kept = visit.data(JOURNEY).setdefault("refs", [])
    assert isinstance(kept, list)  # noqa: S101 - only this module writes it
    kept[:] = [*kept, answer.check_ref][-KEPT_CHECKS:]
    visit.changed_data()
    return RedirectResponse(f"/check-a-status/{answer.check_ref}", status_code=303)


def _problems(code: str, verifier: str) -> dict[str, object]:
    """The form's messages for the share code and the organisation's name, by field."""
    messages = {
        "share_code": _("Enter a share code like W3H 4C6 KPX: 9 letters and numbers"),
        "verifier": _("Organisation name must be 200 characters or fewer"),
    }
    errors: dict[str, object] = {
        FIELD_MESSAGES[p.path]: messages[p.path]
        for p in checks.check_problems(code, verifier or None)
    }
    if not code:
        errors["share-code"] = _("Enter the share code")
    return errors


def _made_here(request: Request, check_ref: str) -> sharing.CheckAnswer | None:
    """The answer to a check this visit made; another's is as if it did not exist."""
    session = visit_of(request).session  # no session is started for a page only read
    journey = session.data.get(JOURNEY, {}) if session else {}
    kept = journey.get("refs", []) if isinstance(journey, dict) else []
    if not isinstance(kept, list) or check_ref.upper() not in kept:
        return None
    try:
        return sharing.checked(context_of(request), check_ref)
    except NotFoundError:
        return None


def _not_found(request: Request) -> Response:
    return render(request, "errors/404.html", status=404, form=False)


@router.get("/check-a-status/{check_ref}")
def answer_page(request: Request, check_ref: str) -> Response:
    """What the holder may do and until when, with the check reference and the record."""
    answer = _made_here(request, check_ref)
    if answer is None:
        return _not_found(request)
    return render(
        request,
        "status/answer.html",
        form=False,
        answer=answer,
        purpose=_(PURPOSE_NAMES[answer.purpose]),
    )


@router.get("/check-a-status/{check_ref}/record.jwt")
def record_download(request: Request, check_ref: str) -> Response:
    """The signed record (a VC 2.0 as a compact JWS), to keep and verify offline."""
    answer = _made_here(request, check_ref)
    if answer is None or answer.record is None:
        return _not_found(request)
    return Response(
        answer.record,
        media_type=signing.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="status-check-{answer.check_ref}.jwt"'
        },
    )


@router.get("/check-a-status/{check_ref}/print")
def printable(request: Request, check_ref: str) -> Response:
    """The answer on one page with the signed record as a QR code (SVG, made on the server)."""
    answer = _made_here(request, check_ref)
    if answer is None or answer.record is None:
        return _not_found(request)
    try:
        qr = make_qr(answer.record, error="l", mode="byte")
        svg: str | None = qr.svg_inline(scale=2, title=_("The signed record as a QR code"))
    except DataOverflowError:  # past a QR code's 2,953 bytes: the page still has the text
        svg = None
    return render(
        request,
        "status/print.html",
        form=False,
        answer=answer,
        purpose=_(PURPOSE_NAMES[answer.purpose]),
        qr_svg=svg,
    )


@router.get("/.well-known/jwks.json")
def jwks(request: Request) -> Response:
    """Every key that signs check records, retired ones too (RFC 7517 key set)."""
    return JSONResponse(
        signing.jwks(context_of(request)),
        media_type="application/jwk-set+json",
        headers={"Cache-Control": "public, max-age=300"},
    )
