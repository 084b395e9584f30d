"""The applicant's pages: applying after an invitation, and the overview of entries and cases."""

from __future__ import annotations

from yms.applications.domain.evidence import BANK_STATEMENT, PASSPORT
from yms.applications.domain.states import ApplicationState
from yms.kernel.text import N_
from yms.platform.web.forms import _
from yms.platform.web.tags import Tag
from yms.schemes.domain.documents import DocumentKind

APPLICATION_TAGS = {
    ApplicationState.DRAFT: Tag(N_("In progress"), "yellow"),
    ApplicationState.SUBMITTED: Tag(N_("Submitted"), "blue"),
    ApplicationState.WITHDRAWN: Tag(N_("Withdrawn"), "grey"),
}
EVIDENCE_NAMES = {
    PASSPORT: N_("the photo page of your passport"),
    BANK_STATEMENT: N_("your latest bank statement"),
}


def evidence_name(kind: str) -> str:
    """How a page names a kind of evidence, in the reader's language."""
    named = EVIDENCE_NAMES.get(kind)
    return _(named) if named else DocumentKind(kind).description


TEMPLATE_GLOBALS: dict[str, object] = {
    "ApplicationState": ApplicationState,
    "application_tags": APPLICATION_TAGS,
}
