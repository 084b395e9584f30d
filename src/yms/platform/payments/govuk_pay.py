"""The GOV.UK Pay adapter: create a payment and find it by id, over HTTPS with a bearer key.

Speaks the documented public API (https://docs.payments.service.gov.uk/api_reference/):

* ``POST /v1/payments`` with ``amount`` (pence), ``reference``, ``description``
  and ``return_url`` answers 201 with ``payment_id`` and ``_links.next_url.href``;
* ``GET /v1/payments/{payment_id}`` answers 200 with ``state.status`` (created,
  started, submitted, capturable, success, failed, cancelled, error),
  ``state.finished`` and, for a failed payment, ``state.code`` and
  ``state.message``; 404 for a payment the account does not know.

Every call has a time limit. Anything but an answer we understand (no
connection, too slow, 401 for a bad key, 429, 5xx, a body without the fields we
need) is a `PaymentProviderError`, which the portal shows as "the payment
service is unavailable", never as a crash. Properties GOV.UK Pay adds later are
ignored, as its documentation asks.
"""

from __future__ import annotations

from typing import Final, TypeVar
from urllib.parse import quote

import httpx2 as httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from yms.platform.payments.provider import (
    CreatedPayment,
    PaymentNotFoundError,
    PaymentProviderError,
    PaymentState,
    PaymentStatus,
)

DEFAULT_BASE_URL: Final = "https://publicapi.payments.service.gov.uk"
# Long enough for a slow day at GOV.UK Pay, short enough that the payer is not left
# waiting on a page that will never load.
DEFAULT_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)

_UNDER_WAY = frozenset({"created", "started", "submitted", "capturable"})
_CANCELLED_BY_PAYER = "P0030"  # GOV.UK Pay reports the payer's "Cancel" as failed, P0030


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


_A = TypeVar("_A", bound=_Answer)


class _Link(_Answer):
    href: str = Field(min_length=1)


class _CreatedLinks(_Answer):
    next_url: _Link


class _Created(_Answer):
    payment_id: str = Field(min_length=1)
    links: _CreatedLinks = Field(alias="_links")


class _State(_Answer):
    status: str
    finished: bool
    code: str | None = None
    message: str | None = None


class _Payment(_Answer):
    payment_id: str = Field(min_length=1)
    amount: int
    reference: str
    state: _State


def _state_of(state: _State) -> tuple[PaymentState, str | None]:
    """GOV.UK Pay's state in yms's terms, with the reason a payment did not go through."""
    reason = " ".join(part for part in (state.code, state.message) if part) or None
    if state.status in _UNDER_WAY:
        return "created", None
    if state.status == "success":
        return "success", None
    if state.status == "failed" and state.code == _CANCELLED_BY_PAYER:
        return "cancelled", reason
    if state.status == "cancelled":  # cancelled by the service, through the API
        return "cancelled", reason or "cancelled"
    if state.status in {"failed", "error"}:
        return "failed", reason or state.status
    # A status we do not know may hide a payment that succeeded: never guess it failed.
    raise PaymentProviderError(f"GOV.UK Pay answered an unknown status {state.status!r}")


class GovUkPayProvider:
    """GOV.UK Pay's public API, with one API key (``YMS_PAY_API_KEY``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("GOV.UK Pay needs an API key")
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        """Create a payment; the payer goes to its ``next_url``, then comes back to `return_url`."""
        body = {
            "amount": amount,
            "reference": reference,
            "description": description,
            "return_url": return_url,
        }
        response = self._call("POST", "/v1/payments", json=body)
        if response.status_code != httpx.codes.CREATED:
            raise _refused("creating a payment", response)
        created = _parse(_Created, response)
        return CreatedPayment(created.payment_id, created.links.next_url.href)

    def get_payment(self, payment_id: str) -> PaymentStatus:
        """The payment's state; `PaymentNotFoundError` if this account does not know it."""
        response = self._call("GET", f"/v1/payments/{quote(payment_id, safe='')}")
        if response.status_code == httpx.codes.NOT_FOUND:
            raise PaymentNotFoundError(payment_id)
        if response.status_code != httpx.codes.OK:
            raise _refused("finding a payment", response)
        found = _parse(_Payment, response)
        state, reason = _state_of(found.state)
        return PaymentStatus(found.payment_id, found.amount, found.reference, state, reason=reason)

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def _call(self, method: str, path: str, *, json: object = None) -> httpx.Response:
        try:
            return self._client.request(method, path, json=json)
        except httpx.TimeoutException as error:
            raise PaymentProviderError(f"GOV.UK Pay did not answer in time ({method})") from error
        except httpx.HTTPError as error:
            raise PaymentProviderError(
                f"GOV.UK Pay could not be reached ({method}): {type(error).__name__}"
            ) from error


def _refused(doing: str, response: httpx.Response) -> PaymentProviderError:
    """The error for an answer other than the one expected: its status and GOV.UK Pay's code."""
    code = ""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code = f" {body['code']}"  # e.g. P0102: an invalid value; never personal data
    if response.status_code == httpx.codes.UNAUTHORIZED:
        return PaymentProviderError(f"GOV.UK Pay refused the API key while {doing} (401)")
    return PaymentProviderError(f"GOV.UK Pay answered {response.status_code}{code} {doing}")


def _parse(model: type[_A], response: httpx.Response) -> _A:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise PaymentProviderError(
            f"GOV.UK Pay's answer lacks what yms needs ({error.error_count()} problems)"
        ) from error
