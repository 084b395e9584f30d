"""Casework: the automated checks on a submitted case, the staff's queue and case file.

The checks run as a job once the application is submitted (`run_checks`): the
case shows "checks running" while they do, then waits for a caseworker. None
of them decides; each says what a caseworker should weigh.

Everything here is for caseworkers: another role is answered as if the case did
not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yms.accounts.domain import CASEWORKERS
from yms.applications.domain.checks import CheckKind, CheckOutcome, CheckResult
from yms.applications.domain.decisions import DecisionKind, DecisionState
from yms.applications.domain.states import APPLICATION, WITH_STAFF, ApplicationState
from yms.applications.services import places
from yms.applications.services.cases import (
    EventView,
    EvidenceView,
    add_event,
    by_ref,
    open_answers,
    require_role,
)
from yms.applications.services.checks import check_answers
from yms.applications.services.screening import check_screening
from yms.applications.tables import (
    Application,
    ApplicationEvent,
    CaseCheck,
    Decision,
    EvidenceFile,
)
from yms.eligibility.domain import EligibilityResult
from yms.kernel.dates import shown
from yms.kernel.errors import NotFoundError
from yms.platform.clock import today
from yms.platform.context import ServiceContext

# The job that runs `run_checks` on a case once it is submitted.
RUN_CHECKS = "applications.checks.run"

# --- the automated checks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the checks read of a case, opened, outside any transaction."""

    id: int
    case_ref: str
    scheme_id: str
    scheme_version: str
    arrangement_id: str
    invitation_ref: str | None
    answers: dict[str, object]
    submitted_at: datetime
    identity_hash: bytes | None


Check = Callable[[ServiceContext, Submitted], CheckResult]


def check_eligibility(ctx: ServiceContext, case: Submitted) -> CheckResult:
    """The scheme's rules re-run on the answers given, rule by rule (the requirement trace)."""
    result = _trace(ctx, case)
    failed = [r.rule for r in result.requirements if r.outcome.value == "fail"]
    trace = _as_pages_write(result)
    if result.eligible is True:
        return CheckResult(
            CheckKind.ELIGIBILITY, CheckOutcome.CLEAR, "Every requirement met", trace
        )
    if result.eligible is False:
        return CheckResult(
            CheckKind.ELIGIBILITY, CheckOutcome.ATTENTION, f"Fails {', '.join(failed)}", trace
        )
    return CheckResult(
        CheckKind.ELIGIBILITY,
        CheckOutcome.UNKNOWN,
        "Some requirements cannot be checked from the answers",
        trace,
    )


def _as_pages_write(result: EligibilityResult) -> dict[str, object]:
    """The result's JSON, each sentence with its dates as pages write them (25 November 2026)."""
    trace = result.as_json()
    rows = trace["requirements"]
    assert isinstance(rows, list)  # noqa: S101 - as_json's shape
    for row, requirement in zip(rows, result.requirements, strict=True):
        row["detail"] = requirement.detail.render(show=shown)
    return trace


def _trace(ctx: ServiceContext, case: Submitted) -> EligibilityResult:
    scheme = ctx.catalogue.get(case.scheme_id, case.scheme_version)
    return check_answers(
        scheme, case.answers, invitation_ref=case.invitation_ref, on=case.submitted_at.date()
    )


def check_identity(ctx: ServiceContext, case: Submitted) -> CheckResult:
    """The same person (passport, nationality, date of birth) on another application (YMS 3.3)."""
    if case.identity_hash is None:
        return CheckResult(
            CheckKind.IDENTITY, CheckOutcome.UNKNOWN, "No passport number to compare"
        )
    with ctx.database.reading() as session:
        others = session.execute(
            select(Application.case_ref, Application.state)
            .where(
                Application.identity_hash == case.identity_hash,
                Application.id != case.id,
                Application.state != ApplicationState.DRAFT,
            )
            .order_by(Application.submitted_at)
        ).all()
    if not others:
        return CheckResult(
            CheckKind.IDENTITY, CheckOutcome.CLEAR, "No other application by this person"
        )
    granted = [ref for ref, state in others if state == ApplicationState.GRANTED]
    summary = (
        f"Granted before: {', '.join(granted)}"
        if granted
        else f"Other applications: {', '.join(ref for ref, _state in others)}"
    )
    return CheckResult(
        CheckKind.IDENTITY,
        CheckOutcome.ATTENTION,
        summary,
        {"applications": [{"case_ref": ref, "state": state} for ref, state in others]},
    )


def check_allocation(ctx: ServiceContext, case: Submitted) -> CheckResult:
    """Places left in the allocation a grant today would count against, and the brake."""
    scheme = ctx.catalogue.get(case.scheme_id, case.scheme_version)
    standing = places.places_left(ctx, scheme, case.arrangement_id, today(ctx.clock))
    if standing is None:
        return CheckResult(CheckKind.ALLOCATION, CheckOutcome.CLEAR, "Uncapped: no limit on places")
    detail = {
        "allocation": standing.allocation_id,
        "year": standing.year,
        "places": standing.places,
        "granted": standing.granted,
        "left": standing.left,
        "brake_threshold": standing.brake_threshold,
        "brake_period": standing.brake_period,
        "granted_in_period": standing.granted_in_period,
        "brake_engaged": standing.brake_engaged,
        "brake_released": standing.brake_released,
        "rule": standing.rule,
    }
    if standing.brake_engaged:
        summary = f"Emergency brake engaged for {standing.brake_period}: grants paused"
        return CheckResult(CheckKind.ALLOCATION, CheckOutcome.ATTENTION, summary, detail)
    if standing.left == 0:
        summary = f"No places left in {standing.allocation_id} for {standing.year}"
        return CheckResult(CheckKind.ALLOCATION, CheckOutcome.ATTENTION, summary, detail)
    left = "uncapped" if standing.left is None else f"{standing.left:,} places left"
    return CheckResult(CheckKind.ALLOCATION, CheckOutcome.CLEAR, left, detail)


CHECKS: list[Check] = [check_eligibility, check_identity, check_allocation, check_screening]


def _submitted(ctx: ServiceContext, application: Application) -> Submitted:
    assert application.submitted_at is not None  # noqa: S101 - checks follow submission
    return Submitted(
        id=application.id,
        case_ref=application.case_ref,
        scheme_id=application.scheme_id,
        scheme_version=application.scheme_version,
        arrangement_id=application.arrangement_id,
        invitation_ref=application.invitation_ref,
        answers=open_answers(ctx.sealer, application),
        submitted_at=application.submitted_at,
        identity_hash=application.identity_hash,
    )


def run_checks(ctx: ServiceContext, case_ref: str, *, checks: Collection[Check] = ()) -> bool:
    """Run the automated checks on a submitted case, then put it in the caseworkers' queue.

    Idempotent, as a job must be: a case already past its checks is left as it is
    (returns `False`); a case whose worker died mid-way is checked again.
    """
    with ctx.unit(actor="system") as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        state = ApplicationState(application.state)
        if state not in {ApplicationState.SUBMITTED, ApplicationState.CHECKING}:
            return False
        if state is ApplicationState.SUBMITTED:
            application.state = APPLICATION.move(state, ApplicationState.CHECKING).value
            add_event(uow.session, application, uow.now(), "checks_started", "Checks started")
        case = _submitted(ctx, application)
    # Outside any transaction: screening may take a while, and holds no lock.
    results = [check(ctx, case) for check in (checks or CHECKS)]
    with ctx.unit(actor="system") as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        if application.state != ApplicationState.CHECKING:  # withdrawn meanwhile
            return False
        _keep(uow.session, ctx, application, results, at=uow.now())
        application.state = APPLICATION.move(
            ApplicationState.CHECKING, ApplicationState.AWAITING_DECISION
        ).value
        add_event(uow.session, application, uow.now(), "checks_done", "Checks finished")
        uow.audit(
            "application.checks.completed",
            application.case_ref,
            **{result.kind.value: result.outcome.value for result in results},
        )
    return True


def _keep(
    session: Session,
    ctx: ServiceContext,
    application: Application,
    results: list[CheckResult],
    *,
    at: datetime,
) -> None:
    for result in results:
        stored = session.scalar(
            select(CaseCheck).where(
                CaseCheck.application_id == application.id, CaseCheck.kind == result.kind
            )
        )
        if stored is None:
            stored = CaseCheck(application_id=application.id, kind=result.kind.value)
            session.add(stored)
        stored.outcome = result.outcome.value
        stored.summary = result.summary[:500]
        stored.detail_sealed = ctx.sealer.seal(
            json.dumps(dict(result.detail), sort_keys=True, default=str).encode("utf-8")
        )
        stored.ran_at = at


# --- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A case in the caseworkers' queue."""

    case_ref: str
    state: ApplicationState
    scheme_id: str
    arrangement_id: str
    submitted_at: datetime
    attention: tuple[str, ...]  # the summaries of the checks that need a look


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What a caseworker narrows the queue to; every field left empty lets all through."""

    states: tuple[ApplicationState, ...] = ()
    arrangement_id: str | None = None
    older_than_days: int | None = None
    with_hits: bool = False


def queue(
    ctx: ServiceContext,
    caseworker_id: str,
    chosen: QueueFilter = QueueFilter(),
    *,
    limit: int = 200,
) -> list[QueueItem]:
    """Cases waiting on staff, oldest first, narrowed by `chosen`."""
    require_role(ctx, caseworker_id, CASEWORKERS)
    states = chosen.states or WITH_STAFF
    query = select(Application).where(Application.state.in_([s.value for s in states]))
    if chosen.arrangement_id:
        query = query.where(Application.arrangement_id == chosen.arrangement_id)
    if chosen.older_than_days is not None:
        cutoff = ctx.clock.now() - timedelta(days=chosen.older_than_days)
        query = query.where(Application.submitted_at <= cutoff)
    query = query.order_by(Application.submitted_at, Application.id)
    with ctx.database.reading() as session:
        found = session.scalars(query).all()
        hits = _attention_by_case(session, [a.id for a in found])
        items = [
            QueueItem(
                a.case_ref,
                ApplicationState(a.state),
                a.scheme_id,
                a.arrangement_id,
                a.submitted_at or a.created_at,
                hits.get(a.id, ()),
            )
            for a in found
        ]
    if chosen.with_hits:
        items = [item for item in items if item.attention]
    return items[:limit]


def _attention_by_case(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    rows = session.execute(
        select(CaseCheck.application_id, CaseCheck.summary)
        .where(CaseCheck.application_id.in_(ids), CaseCheck.outcome != CheckOutcome.CLEAR)
        .order_by(CaseCheck.id)
    ).all()
    found: dict[int, list[str]] = {}
    for application_id, summary in rows:
        found.setdefault(application_id, []).append(summary)
    return {key: tuple(value) for key, value in found.items()}


# --- the case file -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredCheck:
    """A check's result as kept on the case."""

    kind: CheckKind
    outcome: CheckOutcome
    summary: str
    detail: dict[str, object]
    ran_at: datetime


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision on the case, or a refusal proposed, as staff see it."""

    kind: DecisionKind
    state: DecisionState
    outcome: str
    scheme_version: str
    author_id: str
    decided_at: datetime
    second_id: str | None
    second_at: datetime | None
    reasons: dict[str, object]


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """An uploaded file, as staff list it (with the id to open it by)."""

    id: int
    view: EvidenceView


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything a caseworker needs to decide a case."""

    case_ref: str
    state: ApplicationState
    scheme_id: str
    scheme_version: str
    arrangement_id: str
    invitation_ref: str | None
    answers: dict[str, object]
    submitted_at: datetime | None
    evidence: tuple[EvidenceItem, ...]
    checks: tuple[StoredCheck, ...]
    history: tuple[EventView, ...]
    decisions: tuple[DecisionRecord, ...]
    applicant_id: str

    def pending_refusal(self) -> DecisionRecord | None:
        """The refusal waiting for its second caseworker, if any."""
        for decision in reversed(self.decisions):
            if decision.kind is DecisionKind.REFUSAL and decision.state is DecisionState.PROPOSED:
                return decision
        return None

    def took_part(self) -> set[str]:
        """Everyone who proposed or confirmed a refusal of this case (for four eyes)."""
        return {
            who
            for decision in self.decisions
            if decision.kind is DecisionKind.REFUSAL
            for who in (decision.author_id, decision.second_id)
            if who
        }


def case_file(ctx: ServiceContext, caseworker_id: str, case_ref: str) -> CaseFile:
    """The whole case for a caseworker: answers, evidence, checks, history and decisions."""
    require_role(ctx, caseworker_id, CASEWORKERS)
    with ctx.database.reading() as session:
        application = by_ref(session, case_ref)
        if application.state == ApplicationState.DRAFT:
            raise NotFoundError(f"no application {case_ref!r}")  # not yet sent: not staff's
        files = session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.application_id == application.id)
            .order_by(EvidenceFile.id)
        ).all()
        checks = session.scalars(
            select(CaseCheck).where(CaseCheck.application_id == application.id)
        ).all()
        events = session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application.id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        ).all()
        decisions = session.scalars(
            select(Decision).where(Decision.application_id == application.id).order_by(Decision.id)
        ).all()
        order = list(CheckKind)
        return CaseFile(
            case_ref=application.case_ref,
            state=ApplicationState(application.state),
            scheme_id=application.scheme_id,
            scheme_version=application.scheme_version,
            arrangement_id=application.arrangement_id,
            invitation_ref=application.invitation_ref,
            answers=open_answers(ctx.sealer, application),
            submitted_at=application.submitted_at,
            evidence=tuple(
                EvidenceItem(
                    f.id,
                    EvidenceView(f.kind, f.filename, f.media_type, f.size_bytes, f.uploaded_at),
                )
                for f in files
            ),
            checks=tuple(
                sorted(
                    (
                        StoredCheck(
                            CheckKind(c.kind),
                            CheckOutcome(c.outcome),
                            c.summary,
                            json.loads(ctx.sealer.open(c.detail_sealed)),
                            c.ran_at,
                        )
                        for c in checks
                    ),
                    key=lambda c: order.index(c.kind),
                )
            ),
            history=tuple(EventView(e.at, e.kind, e.author, e.text) for e in events),
            decisions=tuple(
                DecisionRecord(
                    DecisionKind(d.kind),
                    DecisionState(d.state),
                    d.outcome,
                    d.scheme_version,
                    d.author_id,
                    d.decided_at,
                    d.second_id,
                    d.second_at,
                    json.loads(ctx.sealer.open(d.reasons_sealed)),
                )
                for d in decisions
            ),
            applicant_id=application.account_id,
        )


def evidence_for_staff(
    ctx: ServiceContext, caseworker_id: str, case_ref: str, evidence_id: int
) -> tuple[EvidenceView, bytes]:
    """An uploaded file of the case, opened from its seal, for a caseworker to view."""
    require_role(ctx, caseworker_id, CASEWORKERS)
    with ctx.database.reading() as session:
        application = by_ref(session, case_ref)
        stored = session.get(EvidenceFile, evidence_id)
        # A draft's files are not yet sent: staff see them once the case is (as `case_file`).
        if (
            stored is None
            or stored.application_id != application.id
            or application.state == ApplicationState.DRAFT
        ):
            raise NotFoundError("no such file")
        view = EvidenceView(
            stored.kind, stored.filename, stored.media_type, stored.size_bytes, stored.uploaded_at
        )
        key = stored.storage_key
    return view, ctx.sealer.open(ctx.files.get(key))
