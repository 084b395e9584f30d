"""What anyone may read about a ballot: who it is for, when, how many places, its record.

The ballot page names the allocation (not an id), its nationalities and age limits
from the scheme version the window was opened under, and links the draw record
once the operator has published it; before that the record is not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from yms.ballot.domain.record import DrawRecord
from yms.ballot.services.status import WindowStatus
from yms.ballot.services.windows import draw_record, load_window, status
from yms.kernel.errors import NotFoundError
from yms.kernel.text import N_
from yms.platform.audit.log import history
from yms.platform.context import ServiceContext
from yms.schemes.catalogue import Catalogue

PUBLISHED = "ballot.window.published"


@dataclass(frozen=True, slots=True)
class BallotPage:
    """A window as the public sees it: its status, and what its allocation is for."""

    window: WindowStatus
    title: str  # e.g. "Hong Kong 2025 ballot", or "Hong Kong 2025 ballot, round 2"
    scheme_title: str
    nationalities: tuple[str, ...]  # the scheme's names for them, sorted
    age_minimum: int | None
    age_maximum: int | None
    published: bool


def _published(session: Session, window_id: str) -> bool:
    """Whether the operator has published the draw record (the audit log says so)."""
    return any(event["action"] == PUBLISHED for event in history(session, window_id))


def describe(catalogue: Catalogue, window: WindowStatus, *, published: bool) -> BallotPage:
    """The public description of `window`, from the scheme version it was opened under."""
    scheme = catalogue.get(window.scheme_id, window.scheme_version)
    allocation = scheme.allocation(window.allocation_id)
    arrangements = scheme.arrangements_of(allocation) if allocation else []
    requirements = [arrangement.requirements for arrangement in arrangements]
    minimums = {r.age_minimum.years for r in requirements if r.age_minimum}
    maximums = {r.age_maximum.years for r in requirements if r.age_maximum}
    return BallotPage(
        window=window,
        title=_title(allocation.title if allocation else window.allocation_id, window),
        scheme_title=scheme.title,
        nationalities=tuple(sorted({scheme.party_name(a.nationality) for a in arrangements})),
        # An allocation pooling arrangements with different limits shows the widest range.
        age_minimum=min(minimums) if minimums else None,
        age_maximum=max(maximums) if maximums else None,
        published=published,
    )


def _title(allocation_title: str, window: WindowStatus) -> str:
    # An allocation's later rounds are ballots of their own: the round tells them apart.
    if window.ballot_round > 1:
        return N_("{allocation} ballot, round {round}").format(
            allocation=allocation_title, round=window.ballot_round
        )
    return N_("{allocation} ballot").format(allocation=allocation_title)


def ballot_page(ctx: ServiceContext, window_id: str) -> BallotPage:
    """One window's public page; raises `NotFoundError`."""
    window = status(ctx, window_id)
    with ctx.database.reading() as session:
        published = _published(session, window_id)
    return describe(ctx.catalogue, window, published=published)


def published_windows(ctx: ServiceContext, window_ids: Iterable[str]) -> set[str]:
    """Those of `window_ids` whose draw record the operator has published."""
    with ctx.database.reading() as session:
        return {window_id for window_id in window_ids if _published(session, window_id)}


def ballot_titles(ctx: ServiceContext, windows: list[WindowStatus]) -> dict[str, str]:
    """Each window's human title (its allocation's), by window id."""
    return {
        window.window_id: describe(ctx.catalogue, window, published=False).title
        for window in windows
    }


def published_record(ctx: ServiceContext, window_id: str) -> DrawRecord:
    """The draw record, once the operator has published it; otherwise `NotFoundError`."""
    with ctx.database.reading() as session:
        load_window(session, window_id)  # raises NotFoundError for an unknown window
        if not _published(session, window_id):
            raise NotFoundError(f"the draw of window {window_id!r} is not published")
    return draw_record(ctx, window_id)
