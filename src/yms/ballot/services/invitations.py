"""Invitations to apply: issued in rounds down the drawn order, accepted, declined, expired.

Round 1 invites the first `places` entries of the order; each later round
invites the next entries to fill the places that declined or expired
invitations left (DESIGN.md, "The draw"). An invitation lasts the window's
`invitation_expiry_days` (the UK gives 90 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from yms.accounts import services as accounts
from yms.ballot.domain.refs import new_invitation_ref, normalise_ref
from yms.ballot.domain.states import HOLDING_A_PLACE, INVITATION, InvitationState
from yms.ballot.services.windows import load_window
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow
from yms.kernel.dates import long_time
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail import outbox as mail
from yms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class InvitationView:
    """An invitation as its holder (and the operator) sees it."""

    ref: str
    window_id: str
    entry_ref: str
    invitation_round: int
    issued_at: datetime
    expires_at: datetime
    state: InvitationState
    responded_at: datetime | None

    @classmethod
    def of(cls, invitation: BallotInvitation, entry_ref: str) -> InvitationView:
        """The view of a stored invitation."""
        return cls(
            ref=invitation.ref,
            window_id=invitation.window_id,
            entry_ref=entry_ref,
            invitation_round=invitation.invitation_round,
            issued_at=invitation.issued_at,
            expires_at=invitation.expires_at,
            state=InvitationState(invitation.state),
            responded_at=invitation.responded_at,
        )


@dataclass(frozen=True, slots=True)
class InvitationRound:
    """What one round issued, and what is left of the waiting list."""

    window_id: str
    invitation_round: int
    invitations: tuple[InvitationView, ...]
    waiting: int  # drawn entries not yet invited


def _expire_due(uow: UnitOfWork, window_id: str | None = None) -> int:
    """Expire every issued invitation past its deadline, one audit event each."""
    query = select(BallotInvitation).where(
        BallotInvitation.state == InvitationState.ISSUED.value,
        BallotInvitation.expires_at <= uow.now(),
    )
    if window_id is not None:
        query = query.where(BallotInvitation.window_id == window_id)
    due = uow.session.scalars(query.with_for_update(skip_locked=True)).all()
    for invitation in due:
        invitation.state = INVITATION.move(
            InvitationState(invitation.state), InvitationState.EXPIRED
        ).value
        uow.audit("ballot.invitation.expired", invitation.ref, window=invitation.window_id)
    return len(due)


def _not_invited(window_id: str):  # type: ignore[no-untyped-def]
    invited = exists().where(BallotInvitation.entry_id == BallotEntry.id)
    return select(BallotEntry).where(
        BallotEntry.window_id == window_id, BallotEntry.draw_position.is_not(None), ~invited
    )


def _invitation_mail(
    ctx: ServiceContext, window: BallotWindow, invitation: BallotInvitation
) -> dict[str, str]:
    scheme = ctx.catalogue.get(window.scheme_id, window.scheme_version)
    allocation = scheme.allocation(window.allocation_id)
    return {
        "ballot": allocation.title if allocation else window.id,
        "scheme": scheme.title,
        "deadline": long_time(invitation.expires_at),
        "link": f"/invitations/{invitation.ref}",
    }


def _tell_the_invited(
    ctx: ServiceContext,
    uow: UnitOfWork,
    window: BallotWindow,
    invited: list[tuple[BallotInvitation, BallotEntry]],
) -> None:
    """Queue each invitation's e-mail in the round's own unit of work.

    Entries made without an account (at the command line) get none.
    """
    addresses = accounts.emails_of(ctx, {e.account_id for _i, e in invited if e.account_id})
    for invitation, entry in invited:
        if entry.account_id in addresses:
            mail.queue_email(
                uow,
                addresses[entry.account_id],
                templates.INVITATION,
                _invitation_mail(ctx, window, invitation),
            )


def invite_round(ctx: ServiceContext, window_id: str, *, actor: str) -> InvitationRound:
    """Issue the next round of invitations, filling every place not held by one.

    Raises `RefusedError` if the window is not drawn or every place is held.
    """
    with ctx.unit(actor=actor) as uow:
        session = uow.session
        window = load_window(session, window_id, lock=True)
        if window.drawn_at is None:
            raise RefusedError(f"window {window_id!r} must be drawn before inviting")
        now = uow.now()
        _expire_due(uow, window_id)
        held = session.scalar(
            select(func.count())
            .select_from(BallotInvitation)
            .where(
                BallotInvitation.window_id == window_id,
                BallotInvitation.state.in_([state.value for state in HOLDING_A_PLACE]),
            )
        )
        free = window.places - (held or 0)
        if free <= 0:
            raise RefusedError(f"all {window.places:,} places of {window_id!r} are held")
        last_round = session.scalar(
            select(func.max(BallotInvitation.invitation_round)).where(
                BallotInvitation.window_id == window_id
            )
        )
        this_round = (last_round or 0) + 1
        chosen = session.scalars(
            _not_invited(window_id).order_by(BallotEntry.draw_position).limit(free)
        ).all()
        expires_at = now + timedelta(days=window.invitation_expiry_days)
        issued = [
            BallotInvitation(
                ref=new_invitation_ref(ctx.random_bytes),
                window_id=window_id,
                entry_id=entry.id,
                invitation_round=this_round,
                issued_at=now,
                expires_at=expires_at,
                state=InvitationState.ISSUED.value,
            )
            for entry in chosen
        ]
        session.add_all(issued)
        session.flush()
        for invitation, entry in zip(issued, chosen, strict=True):
            uow.audit(
                "ballot.invitation.issued",
                invitation.ref,
                window=window_id,
                round=this_round,
                entry=entry.ref,
                expires_at=expires_at,
            )
        _tell_the_invited(ctx, uow, window, list(zip(issued, chosen, strict=True)))
        waiting = session.scalar(
            select(func.count()).select_from(_not_invited(window_id).subquery())
        )
        views = tuple(
            InvitationView.of(invitation, entry.ref)
            for invitation, entry in zip(issued, chosen, strict=True)
        )
        return InvitationRound(window_id, this_round, views, waiting or 0)


def _load(session: Session, invitation_ref: str) -> tuple[BallotInvitation, str]:
    row = session.execute(
        select(BallotInvitation, BallotEntry.ref)
        .join(BallotEntry, BallotEntry.id == BallotInvitation.entry_id)
        .where(BallotInvitation.ref == normalise_ref(invitation_ref))
        .with_for_update(of=BallotInvitation)
    ).first()
    if row is None:
        raise NotFoundError(f"no invitation {invitation_ref!r}")
    return row[0], row[1]


def respond(
    ctx: ServiceContext,
    invitation_ref: str,
    *,
    accept: bool,
    account_id: str | None = None,
    actor: str | None = None,
) -> InvitationView:
    """Accept or decline an invitation before it expires; answering the same way twice is a no-op.

    With `account_id`, only the account that made the entry may answer (any other
    gets `NotFoundError`, as if there were no such invitation); without it, `actor`
    (an operator at the command line) answers for the entrant.
    """
    wanted = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
    with ctx.unit(actor=account_id or actor or "system") as uow:
        session = uow.session
        invitation, entry_ref = _load(session, invitation_ref)
        if account_id is not None:
            owner = session.scalar(
                select(BallotEntry.account_id).where(BallotEntry.id == invitation.entry_id)
            )
            if owner != account_id:
                raise NotFoundError(f"no invitation {invitation_ref!r}")
        now = uow.now()
        state = InvitationState(invitation.state)
        if state is wanted:
            return InvitationView.of(invitation, entry_ref)
        if state is InvitationState.ISSUED and now >= invitation.expires_at:
            state = InvitationState.EXPIRED
        if state is not InvitationState.ISSUED:
            raise RefusedError(f"invitation {invitation.ref} is already {state.value}")
        invitation.state = INVITATION.move(state, wanted).value
        invitation.responded_at = now
        uow.audit(f"ballot.invitation.{wanted.value}", invitation.ref, window=invitation.window_id)
        return InvitationView.of(invitation, entry_ref)


REMIND_BEFORE = timedelta(days=7)


def remind_expiring(ctx: ServiceContext, *, actor: str = "system") -> int:
    """E-mail each holder of an unanswered invitation that ends within a week, once.

    Returns how many were reminded. Idempotent: a reminded invitation is marked.
    """
    with ctx.unit(actor=actor) as uow:
        now = uow.now()
        due = uow.session.execute(
            select(BallotInvitation, BallotEntry.account_id, BallotWindow)
            .join(BallotEntry, BallotEntry.id == BallotInvitation.entry_id)
            .join(BallotWindow, BallotWindow.id == BallotInvitation.window_id)
            .where(
                BallotInvitation.state == InvitationState.ISSUED.value,
                BallotInvitation.reminded_at.is_(None),
                BallotInvitation.expires_at > now,
                BallotInvitation.expires_at <= now + REMIND_BEFORE,
            )
            .with_for_update(of=BallotInvitation, skip_locked=True)
        ).all()
        addresses = accounts.emails_of(ctx, {account for _i, account, _w in due if account})
        for invitation, account_id, window in due:
            invitation.reminded_at = now
            if account_id in addresses:
                mail.queue_email(
                    uow,
                    addresses[account_id],
                    templates.INVITATION_REMINDER,
                    _invitation_mail(ctx, window, invitation),
                )
        return len(due)


def expire_invitations(ctx: ServiceContext, *, actor: str = "system") -> int:
    """Mark every unanswered invitation past its expiry as expired; returns how many."""
    with ctx.unit(actor=actor) as uow:
        return _expire_due(uow)


def invitations_of(ctx: ServiceContext, window_id: str) -> list[InvitationView]:
    """Every invitation of a window, in the drawn order."""
    with ctx.database.reading() as session:
        load_window(session, window_id)
        rows = session.execute(
            select(BallotInvitation, BallotEntry.ref)
            .join(BallotEntry, BallotEntry.id == BallotInvitation.entry_id)
            .where(BallotInvitation.window_id == window_id)
            .order_by(BallotEntry.draw_position)
        ).all()
        return [InvitationView.of(invitation, ref) for invitation, ref in rows]


@dataclass(frozen=True, slots=True)
class HeldInvitation:
    """An invitation as the application it leads to needs it: where it is from, how it stands."""

    ref: str
    state: InvitationState
    expires_at: datetime
    nationality: str
    scheme_id: str
    scheme_version: str
    allocation_id: str


def invitation_held_by(session: Session, account_id: str, invitation_ref: str) -> HeldInvitation:
    """The account's invitation, read in the caller's transaction; anyone else's is not found."""
    row = session.execute(
        select(BallotInvitation, BallotEntry.nationality, BallotWindow)
        .join(BallotEntry, BallotEntry.id == BallotInvitation.entry_id)
        .join(BallotWindow, BallotWindow.id == BallotInvitation.window_id)
        .where(
            BallotInvitation.ref == normalise_ref(invitation_ref),
            BallotEntry.account_id == account_id,
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no invitation {invitation_ref!r}")
    invitation, nationality, window = row
    return HeldInvitation(
        ref=invitation.ref,
        state=InvitationState(invitation.state),
        expires_at=invitation.expires_at,
        nationality=nationality,
        scheme_id=window.scheme_id,
        scheme_version=window.scheme_version,
        allocation_id=window.allocation_id,
    )


def identity_hash_of(ctx: ServiceContext, invitation_ref: str) -> bytes:
    """The keyed identity hash of the entry an invitation was drawn for (the person invited)."""
    with ctx.database.reading() as session:
        found = session.scalar(
            select(BallotEntry.identity_hash)
            .join(BallotInvitation, BallotInvitation.entry_id == BallotEntry.id)
            .where(BallotInvitation.ref == normalise_ref(invitation_ref))
        )
    if found is None:
        raise NotFoundError(f"no invitation {invitation_ref!r}")
    return found
