"""What an application costs: the fee, and the health charge for each year of leave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yms.schemes.domain.scheme import Arrangement, FeeKind

PENCE_PER_POUND = 100


@dataclass(frozen=True, slots=True)
class FeeItem:
    """One line of the bill: what it pays for, how many years (for a yearly charge), in pence."""

    kind: FeeKind
    years: int | None  # `None` for a one-off fee
    pence: int


def years_of_leave(arrangement: Arrangement) -> int:
    """Whole years of leave the health charge is paid for (at least one)."""
    return max(1, arrangement.leave.months // 12)


def fee_items(arrangement: Arrangement, on: date) -> list[FeeItem]:
    """The lines of the bill on `on`: the application fee, then yearly charges for the leave."""
    years = years_of_leave(arrangement)
    items = []
    for fee in arrangement.fees_on(on):
        pence = int(fee.amount * PENCE_PER_POUND)
        if fee.per_year:
            items.append(FeeItem(fee.kind, years, pence * years))
        elif fee.kind is FeeKind.APPLICATION:
            items.append(FeeItem(fee.kind, None, pence))
    return sorted(items, key=lambda item: item.kind is not FeeKind.APPLICATION)


def fee_pence(arrangement: Arrangement, on: date) -> int:
    """The application fee plus the health charge for the years of leave, in pence, on `on`."""
    return sum(item.pence for item in fee_items(arrangement, on))
