"""The case as its applicant sees it, and what every use case on a case shares.

Answers are kept sealed on the application, so nothing typed is lost between
pages; the case reference is given at the start and stays the same to the end.
Another account's case is not found, exactly as a case that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.applications.domain.states import (
    STAFF_ONLY_EVENTS,
    ApplicationState,
    PaymentState,
    as_applicant_sees,
)
from yms.applications.tables import Application, ApplicationEvent, EvidenceFile, Payment
from yms.ballot.domain.refs import normalise_ref
from yms.kernel.errors import NotFoundError
from yms.platform.context import ServiceContext
from yms.platform.sealing import Sealer
from yms.schemes.catalogue import Catalogue
from yms.schemes.domain.scheme import Arrangement

CASE_PREFIX = "YMS-"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """An uploaded file, as its owner sees it."""

    kind: str
    filename: str
    media_type: str
    size_bytes: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class EventView:
    """A line of the timeline."""

    at: datetime
    kind: str
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application as its applicant sees it."""

    case_ref: str
    state: ApplicationState
    scheme_id: str
    scheme_version: str
    arrangement_id: str
    invitation_ref: str | None
    answers: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None
    fee_pence: int | None
    evidence: tuple[EvidenceView, ...]
    events: tuple[EventView, ...]
    # When a payment was started that the provider has not yet said has ended: the
    # applicant left to pay and has not come back (a closed tab, a restart).
    paying_since: datetime | None = None


class UnderArrangement(Protocol):
    """Anything recording the arrangement it is under: a stored application, or its view."""

    @property
    def scheme_id(self) -> str: ...  # noqa: D102
    @property
    def scheme_version(self) -> str: ...  # noqa: D102
    @property
    def arrangement_id(self) -> str: ...  # noqa: D102


def new_case_ref(random_bytes: Callable[[int], bytes]) -> str:
    """A fresh case reference, ``YMS-XXXXX-XXXXX`` (40 random bits)."""
    digits = random_bytes(5).hex().upper()
    return f"{CASE_PREFIX}{digits[:5]}-{digits[5:]}"


def seal_answers(sealer: Sealer, answers: Mapping[str, Any]) -> bytes:
    """The answers, sealed for storing."""
    return sealer.seal(json.dumps(answers, sort_keys=True).encode("utf-8"))


def open_answers(sealer: Sealer, application: Application) -> dict[str, Any]:
    """The stored answers, opened."""
    opened: dict[str, Any] = json.loads(sealer.open(application.answers_sealed))
    return opened


def owned(session: Session, account_id: str, case_ref: str, *, lock: bool = False) -> Application:
    """The account's application; another's is `NotFoundError`, as if it did not exist."""
    query = select(Application).where(
        Application.case_ref == normalise_ref(case_ref), Application.account_id == account_id
    )
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFoundError(f"no application {case_ref!r}")
    return found


def by_ref(session: Session, case_ref: str, *, lock: bool = False) -> Application:
    """The application with this reference, whoever holds it (for staff and jobs).

    Raises `NotFoundError`; with `lock`, its row is held until the transaction ends.
    """
    query = select(Application).where(Application.case_ref == normalise_ref(case_ref))
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFoundError(f"no application {case_ref!r}")
    return found


def require_role(
    ctx: ServiceContext,
    account_id: str,
    roles: Collection[Role],
    *,
    hidden: str = "no such application",
) -> None:
    """Raise `NotFoundError` (saying `hidden`) unless the account has one of `roles`.

    Forbidden is answered as not found, so nothing leaks to those without the role.
    """
    if accounts.role_of(ctx, account_id) not in roles:
        raise NotFoundError(hidden)


def add_event(
    session: Session,
    application: Application,
    at: datetime,
    kind: str,
    text: str = "",
    *,
    author: str = "system",
) -> None:
    """A line on the case's timeline."""
    session.add(
        ApplicationEvent(application_id=application.id, at=at, kind=kind, author=author, text=text)
    )


def arrangement_of(catalogue: Catalogue, application: UnderArrangement) -> Arrangement:
    """The arrangement the application is under, in the scheme version it recorded."""
    scheme = catalogue.get(application.scheme_id, application.scheme_version)
    arrangement = scheme.arrangement(application.arrangement_id)
    assert arrangement is not None  # noqa: S101 - recorded from the scheme at the start
    return arrangement


def _view(session: Session, sealer: Sealer, application: Application) -> ApplicationView:
    files = session.scalars(
        select(EvidenceFile).where(EvidenceFile.application_id == application.id)
    )
    events = session.scalars(
        select(ApplicationEvent)
        .where(
            ApplicationEvent.application_id == application.id,
            ApplicationEvent.kind.not_in(STAFF_ONLY_EVENTS),
        )
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    )
    return ApplicationView(
        case_ref=application.case_ref,
        state=as_applicant_sees(ApplicationState(application.state)),
        scheme_id=application.scheme_id,
        scheme_version=application.scheme_version,
        arrangement_id=application.arrangement_id,
        invitation_ref=application.invitation_ref,
        answers=open_answers(sealer, application),
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        fee_pence=application.fee_pence,
        evidence=tuple(
            EvidenceView(f.kind, f.filename, f.media_type, f.size_bytes, f.uploaded_at)
            for f in files
        ),
        events=tuple(EventView(e.at, e.kind, e.author, e.text) for e in events),
        paying_since=session.scalar(
            select(Payment.created_at).where(
                Payment.application_id == application.id, Payment.state == PaymentState.CREATED
            )
        ),
    )


def view(ctx: ServiceContext, account_id: str, case_ref: str) -> ApplicationView:
    """The account's application, opened; raises `NotFoundError` for anyone else's."""
    with ctx.database.reading() as session:
        return _view(session, ctx.sealer, owned(session, account_id, case_ref))


def applications_of(ctx: ServiceContext, account_id: str) -> list[ApplicationView]:
    """Every application of the account, newest first."""
    with ctx.database.reading() as session:
        found = session.scalars(
            select(Application)
            .where(Application.account_id == account_id)
            .order_by(Application.created_at.desc())
        ).all()
        return [_view(session, ctx.sealer, application) for application in found]
