"""The applicant's pages: applying after an invitation, and the overview of entries and cases."""

from __future__ import annotations

from datetime import date

from yms.applications.domain.evidence import BANK_STATEMENT, FURTHER, PASSPORT
from yms.applications.domain.fees import fee_items
from yms.applications.domain.states import WITHDRAWABLE, ApplicationState
from yms.kernel.text import N_
from yms.platform.web.forms import _
from yms.platform.web.tags import Tag
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Arrangement, FeeKind

APPLICATION_TAGS = {
    ApplicationState.DRAFT: Tag(N_("In progress"), "yellow"),
    ApplicationState.SUBMITTED: Tag(N_("Submitted"), "blue"),
    ApplicationState.CHECKING: Tag(N_("Being checked"), "blue"),
    ApplicationState.AWAITING_DECISION: Tag(N_("Waiting for a decision"), "blue"),
    ApplicationState.AWAITING_EVIDENCE: Tag(N_("We need more information"), "orange"),
    ApplicationState.REFUSAL_PENDING: Tag(N_("Refusal to confirm"), "orange"),  # staff only
    ApplicationState.GRANTED: Tag(N_("Granted"), "green"),
    ApplicationState.REFUSED: Tag(N_("Refused"), "red"),
    ApplicationState.REVIEW_REQUESTED: Tag(N_("Under review"), "purple"),
    ApplicationState.WITHDRAWN: Tag(N_("Withdrawn"), "grey"),
}
EVIDENCE_NAMES = {
    PASSPORT: N_("the photo page of your passport"),
    BANK_STATEMENT: N_("your latest bank statement"),
    FURTHER: N_("a file sent with a reply to a request for evidence"),
}


def evidence_name(kind: str) -> str:
    """How a page names a kind of evidence, in the reader's language."""
    named = EVIDENCE_NAMES.get(kind)
    return _(named) if named else DocumentKind(kind).description


def pounds(pence: int) -> str:
    """An amount in pence as a page shows it: £1,035.00."""
    return f"£{pence / 100:,.2f}"


def fee_lines(arrangement: Arrangement, on: date) -> tuple[list[tuple[str, str]], str]:
    """What applying costs on `on`, itemised (the fee, the health charge), and the total."""
    names = {FeeKind.APPLICATION: _("Application fee"), FeeKind.HEALTH_CHARGE: _("Health charge")}
    lines = []
    items = fee_items(arrangement, on)
    for item in items:
        name = names[item.kind]
        if item.years is not None:
            name = _("{name} for {years} years of leave").format(name=name, years=item.years)
        lines.append((name, pounds(item.pence)))
    return lines, pounds(sum(item.pence for item in items))


TEMPLATE_GLOBALS: dict[str, object] = {
    "ApplicationState": ApplicationState,
    "withdrawable": WITHDRAWABLE,
    "application_tags": APPLICATION_TAGS,
}
