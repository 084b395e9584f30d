"""Fuzzing what people type and programs send: whatever arrives, the answer is never a 5xx.

Hypothesis writes the values (unicode digits, huge numbers, exponents, control
characters, empty and blank fields, arbitrary JSON and arbitrary bytes) into every
field of the check journey, the apply journey, the account forms and the JSON API's
bodies, in process. Each test sets its journey up once and then fuzzes within it,
so together they run in seconds; ``YMS_HYPOTHESIS_PROFILE=thorough`` runs many more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx2 as httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.applications.test_web import PDF, PNG, started_application
from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import Browser
from yms.accounts import access_tokens
from yms.accounts import services as accounts
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.schemes.domain.documents import DocumentKind

T = TypeVar("T")

# An eighth of the profile's examples for each (25 by default): every example makes
# two to four requests, and a request in process takes tens of milliseconds.
FUZZ = settings(
    max_examples=max(10, settings().max_examples // 8),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
FUZZ_FEWER = settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 2))  # many requests each

TRICKY = [
    "",
    " ",
    "\t\r\n",
    "0",
    "-1",
    "-0",
    "²",
    "³⁰",
    "１２",  # noqa: RUF001 - full-width digits are the point
    "٣٠",
    "𝟗𝟗",  # noqa: RUF001 - mathematical digits too
    "1e30",
    "1E-5",
    "9" * 28,
    "9" * 5000,
    "NaN",
    "-Infinity",
    "0x1A",
    "1_000",
    "1,000.505",
    "£",
    "€€1",
    "\x00",
    "\u202e1",
    "2001-04-03",
    "29",
    "2",
    "2000",
    "yes",
    "no",
    "agreed",
    "AU",
    "IN",
    "HK",
    "GB",
    "FR",
    "uk-yms",
    "eu-uk-2024",
    "K12345678",
    "ana@example.org",
    "a good long password",
]


# Tried on every test, in every field at once, whatever Hypothesis draws besides: each of
# these was a 500 once (or is the kind of value that makes one).
HOSTILE = ["1e30", "9" * 28, "²", "１２", "9" * 5000, "2200000000", "", " \t", "\x00"]  # noqa: RUF001


def typed() -> st.SearchStrategy[str]:
    """What someone might put in a field, hostile or not."""
    return st.one_of(
        st.sampled_from(TRICKY),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.from_regex(r"\A[0-9]{1,14}(\.[0-9]{0,4})?\Z"),
        st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=5),
    )


def form(*fields: str) -> st.SearchStrategy[dict[str, str]]:
    """Any of `fields`, each absent or holding anything."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, typed()))


def date_fields(name: str) -> list[str]:
    return [f"{name}-{part}" for part in ("day", "month", "year")]


DOCUMENT_FIELDS = [
    field
    for kind in DocumentKind
    for field in date_fields(f"issued-{kind.value.replace('_', '-')}")
]
SAVINGS_FIELDS = ["amount", "held-days", *date_fields("latest-statement")]
CHECK_STEPS = {
    "date-of-birth": date_fields("date-of-birth"),
    "previous-participation": ["answer"],
    "children": ["answer"],
    "invitation": ["invited"],
    "qualification": ["degree"],
    "documents": DOCUMENT_FIELDS,
    "savings": SAVINGS_FIELDS,
}
APPLY_STEPS = {
    "name": ["given-names", "family-name"],
    "date-of-birth": date_fields("date-of-birth"),
    "passport": ["passport-number", *date_fields("passport-expiry")],
    "previous-participation": ["answer"],
    "children": ["answer"],
    "savings": SAVINGS_FIELDS,
}


def forms_for(steps: dict[str, list[str]]) -> st.SearchStrategy[tuple[dict[str, str], ...]]:
    """A form for each of `steps`, in order."""
    return st.tuples(*(form(*fields) for fields in steps.values()))


def everywhere(value: str, steps: dict[str, list[str]]) -> tuple[dict[str, str], ...]:
    """A form for each of `steps` with `value` in every field."""
    return tuple(dict.fromkeys(fields, value) for fields in steps.values())


def examples(*given: dict[str, Any]) -> Callable[[T], T]:
    """Hypothesis's `example` for each of `given`: tried every run, before what it draws."""

    def add(test: T) -> T:
        for arguments in given:
            test = example(**arguments)(test)
        return test

    return add


def with_hostile_values(steps: dict[str, list[str]], **others: Any) -> Callable[[T], T]:
    """An example per `HOSTILE` value, in every field of every step."""
    return examples(*({"forms": everywhere(value, steps), **others} for value in HOSTILE))


def no_5xx(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.request.url, response.text[:2000])


def fresh_limits(browser: Browser) -> None:
    """Forget the rate limits' counts, so each example reaches the form behind them."""
    browser.client.app.state.rate_limits.forget()  # type: ignore[attr-defined]


# --- the check journey -------------------------------------------------------------------


FIRST_STEPS = {"scheme": ["scheme"], "nationality": ["nationality"], "destination": ["host"]}


def test_the_first_questions_survive_any_answer(browser: Browser) -> None:
    browser.get("/check/scheme")
    known = {"scheme": "uk-yms", "nationality": "GB", "host": "FR"}  # reached, when not fuzzed

    @FUZZ
    @with_hostile_values(FIRST_STEPS)
    @given(forms=forms_for(FIRST_STEPS))
    def answer(forms: tuple[dict[str, str], ...]) -> None:
        for (slug, [field]), fields in zip(FIRST_STEPS.items(), forms, strict=True):
            no_5xx(browser.post(f"/check/{slug}", {field: fields.get(field, known[field])}))
        no_5xx(browser.get("/check/result"))

    answer()


def test_every_later_question_survives_any_answer(browser: Browser) -> None:
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "uk-yms"})
    browser.post("/check/nationality", {"nationality": "IN"})  # asked every later question

    @FUZZ_FEWER
    @with_hostile_values(CHECK_STEPS)
    @given(forms=forms_for(CHECK_STEPS))
    def answer(forms: tuple[dict[str, str], ...]) -> None:
        for slug, fields in zip(CHECK_STEPS, forms, strict=True):
            no_5xx(browser.post(f"/check/{slug}", fields))  # a mistake shows the page again
        no_5xx(browser.get("/check/result"))  # every answer kept, shown

    answer()


# --- the apply journey -------------------------------------------------------------------


UPLOADS = st.tuples(
    st.sampled_from(["passport", "bank_statement", *DocumentKind]) | typed(),
    st.sampled_from(["evidence-passport", "evidence-bank_statement"]) | typed(),
    typed(),
    st.one_of(
        st.binary(max_size=64),
        st.sampled_from([PDF, PNG, b"%PDF-", b"\xff\xd8\xff"]),
        st.binary(max_size=64).map(lambda tail: PNG + tail),
    ),
)


def test_every_application_question_and_upload_survives_anything(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = started_application(browser, web_ctx, clock)
    browser.get(f"{case_url}/name")

    @FUZZ_FEWER
    @with_hostile_values(APPLY_STEPS, upload=("shoe_size", "evidence-shoe_size", "x.png", PNG))
    @given(forms=forms_for(APPLY_STEPS), upload=UPLOADS)
    def answer(forms: tuple[dict[str, str], ...], upload: tuple[str, str, str, bytes]) -> None:
        for slug, fields in zip(APPLY_STEPS, forms, strict=True):
            no_5xx(browser.post(f"{case_url}/{slug}", fields))
        kind, field, filename, content = upload
        no_5xx(
            browser.client.post(
                f"{case_url}/evidence/{quote(kind, safe='')}",
                data={"csrf_token": browser.csrf},
                files={field: (filename, content, "application/octet-stream")},
                follow_redirects=False,
            )
        )
        no_5xx(browser.get(f"{case_url}/check-answers"))  # every answer and file, shown

    answer()


# --- accounts ----------------------------------------------------------------------------


def test_the_account_forms_survive_anything(browser: Browser) -> None:
    @FUZZ
    @examples(
        *(
            {"page": page, "fields": dict.fromkeys(["email", "password", "next"], value)}
            for page in ("/sign-up", "/sign-in", "/reset-password")
            for value in HOSTILE
        )
    )
    @given(
        page=st.sampled_from(["/sign-up", "/sign-in", "/reset-password"])
        | typed().map(lambda token: f"/reset-password/{quote(token, safe='') or 'x'}"),
        fields=form("email", "password", "next"),
    )
    def submit(page: str, fields: dict[str, str]) -> None:
        fresh_limits(browser)
        no_5xx(browser.get(page))  # a fresh token: signing in rotates it
        no_5xx(browser.post(page, fields))

    submit()


# --- the JSON API ------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats()
    | typed(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(typed(), inner, max_size=4),
    max_leaves=12,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`value`, or any JSON value at all in its place."""
    return value | JSON_VALUES


def a_date() -> st.SearchStrategy[Any]:
    return maybe(st.dates().map(str) | typed())


APPLICANTS = st.fixed_dictionaries(
    {},
    optional={
        "scheme": maybe(st.sampled_from(["uk-yms", "eu-uk-2024", "eu-uk-yes"])),
        "nationality": maybe(st.sampled_from(["AU", "IN", "HK", "GB", "FR", "GB-BNO"])),
        "host": maybe(st.sampled_from(["GB", "FR", "DE"])),
        "date_of_birth": a_date(),
        "application_date": a_date(),
        "valid_from": a_date(),
        "application_type": maybe(st.sampled_from(["entry_clearance", "extension"])),
        "funds": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "amount": maybe(st.sampled_from(["2530", "1e30", "9" * 28, "-1", "0.001"])),
                    "currency": maybe(st.sampled_from(["GBP", "EUR", "XXX"])),
                    "held_days": maybe(st.integers(min_value=-(10**30), max_value=10**30)),
                    "latest_evidence_date": a_date(),
                },
            )
        ),
        "documents": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {"kind": maybe(st.sampled_from(list(DocumentKind))), "issued": a_date()}
                ),
                max_size=3,
            )
        ),
        "children_under_18": maybe(st.booleans()),
        "previous_participation": maybe(st.booleans()),
        "invitation_ref": maybe(typed()),
        "qualification_rqf_level": maybe(st.integers(min_value=-100, max_value=100)),
    },
)
ENTRIES = st.fixed_dictionaries(
    {},
    optional={
        "passport_number": maybe(typed()),
        "nationality": maybe(st.sampled_from(["HK", "hk", "AU"])),
        "date_of_birth": a_date(),
    },
)
RAW = [
    b"",
    b"\xff\xfe\x00",
    b'{"scheme": "uk-yms\xff"}',
    b"[" * 30_000 + b"]" * 30_000,
    b'{"a": ' + b"9" * 5000 + b"}",
    b"NaN",
    b"\xef\xbb\xbf{}",
]


def bodies(shaped: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Request bodies: JSON shaped like the endpoint's, any JSON, any bytes, known poison."""
    dumped: Callable[[Any], bytes] = lambda value: json.dumps(value).encode()  # noqa: E731
    return st.one_of(
        shaped.map(dumped),
        JSON_VALUES.map(dumped),
        st.binary(max_size=200),
        st.sampled_from(RAW),
    )


def test_the_api_survives_any_body(browser: Browser, web_ctx: ServiceContext) -> None:
    hong_kong_window(web_ctx)
    ana = accounts.create_account(
        web_ctx, "ana@example.org", "a good long password", confirmed=True
    )
    token = access_tokens.create_access_token(web_ctx, ana, name="fuzz").secret

    @FUZZ
    @examples(*({"applicant": raw, "entry": raw} for raw in RAW))
    @given(applicant=bodies(APPLICANTS), entry=bodies(ENTRIES))
    def send(applicant: bytes, entry: bytes) -> None:
        fresh_limits(browser)
        json_type = {"content-type": "application/json"}
        no_5xx(browser.client.post("/api/v1/eligibility", content=applicant, headers=json_type))
        no_5xx(
            browser.client.post(
                "/api/v1/ballot-windows/hk-2026-1/entries",
                content=entry,
                headers={**json_type, "authorization": f"Bearer {token}"},
            )
        )

    send()
