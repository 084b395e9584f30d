"""What an application costs: the fee, and the health charge for each year of leave."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from yms.schemes.domain.scheme import Arrangement, FeeKind

PENCE_PER_POUND = 100


def years_of_leave(arrangement: Arrangement) -> int:
    """Whole years of leave the health charge is paid for (at least one)."""
    return max(1, arrangement.leave.months // 12)


def fee_pence(arrangement: Arrangement, on: date) -> int:
    """The application fee plus the health charge for the years of leave, in pence, on `on`."""
    years = years_of_leave(arrangement)
    total = Decimal(0)
    for fee in arrangement.fees_on(on):
        if fee.kind is FeeKind.APPLICATION:
            total += fee.amount
        elif fee.per_year:
            total += fee.amount * years
    return int(total * PENCE_PER_POUND)
