"""The applicant's pages: applying after an invitation, and the overview of entries and cases."""

from __future__ import annotations

from yms.applications.domain.states import ApplicationState
from yms.kernel.text import N_
from yms.platform.web.tags import Tag

APPLICATION_TAGS = {
    ApplicationState.DRAFT: Tag(N_("In progress"), "yellow"),
    ApplicationState.SUBMITTED: Tag(N_("Submitted"), "blue"),
    ApplicationState.WITHDRAWN: Tag(N_("Withdrawn"), "grey"),
}
TEMPLATE_GLOBALS: dict[str, object] = {
    "ApplicationState": ApplicationState,
    "application_tags": APPLICATION_TAGS,
}
