"""What the ballot's counts for statistics say: one allocation's ballots in one year.

The services count them in SQL (`yms.ballot.services.counts`); statistics folds
them (`yms.statistics.domain.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BallotCounts:
    """One allocation's ballots in one year: windows, places offered, entries and invitations."""

    scheme_id: str
    allocation_id: str
    year: int
    windows: int
    places: int  # the places the year's windows offered, summed over its rounds
    entries: int
    invited: int  # every invitation issued, whatever became of it
    accepted: int
    declined: int
    expired: int

    @property
    def outstanding(self) -> int:
        """Invitations issued and not yet answered."""
        return self.invited - self.accepted - self.declined - self.expired
