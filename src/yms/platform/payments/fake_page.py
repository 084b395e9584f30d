"""The local stand-in for GOV.UK Pay's payment page (only when the fake provider is in use).

Whatever process serves the page, the payment is the one in the fake's table.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.platform.payments.provider import FakePaymentProvider, PaymentNotFoundError
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.rendering import render

router = APIRouter(prefix="/fake-pay", include_in_schema=False)
OUTCOMES = {"pay": "success", "decline": "failed", "cancel": "cancelled"}


def _provider(request: Request) -> FakePaymentProvider | None:
    provider = context_of(request).payments
    return provider if isinstance(provider, FakePaymentProvider) else None


@router.get("/{payment_id}")
def payment_page(request: Request, payment_id: str) -> Response:
    """Enter card details (pretend): pay, have the card declined, or cancel."""
    provider = _provider(request)
    details = provider.details(payment_id) if provider else None
    if details is None:
        return render(request, "errors/404.html", status=404, form=False)
    amount, description, return_url, finished = details
    if finished:  # back on the page after paying: as GOV.UK Pay does, return to the service
        return RedirectResponse(return_url, status_code=303)
    return render(
        request,
        "fake_pay/page.html",
        payment_id=payment_id,
        amount=f"£{amount / 100:,.2f}",
        description=description,
    )


@router.post("/{payment_id}")
def finish(request: Request, payment_id: str) -> Response:
    """End the payment as chosen, and return to the service."""
    form = csrf_form_in_thread(request)
    provider = _provider(request)
    if provider is None:
        return render(request, "errors/404.html", status=404, form=False)
    outcome = OUTCOMES.get(str(form.get("outcome")), "cancelled")
    try:
        return_url = provider.finish(payment_id, outcome)  # type: ignore[arg-type]
    except PaymentNotFoundError:
        return render(request, "errors/404.html", status=404, form=False)
    return RedirectResponse(return_url, status_code=303)
