"""The e-mails of the ballot and the case, as GOV.UK Notify templates: ids, subjects, bodies.

Personalisation fields are ``((name))``; every value is text. Links point at the
address the service is served on (`YMS_PUBLIC_URL`, or the port `yms serve` uses).
"""

from __future__ import annotations

from collections.abc import Mapping

from yms.kernel.text import N_
from yms.platform.mail.template import Template

INVITATION = "2b7f0c1e-8d44-4f6a-9c3e-5a1b2c3d4e10"
INVITATION_REMINDER = "5c8e1d2f-9e55-4a7b-8d4f-6b2c3d4e5f11"
PAYMENT_RECEIVED = "8d9f2e3a-0f66-4b8c-9e5a-7c3d4e5f6a12"
APPLICATION_RECEIVED = "1e0a3f4b-1a77-4c9d-8f6b-8d4e5f6a7b13"
APPLICATION_WITHDRAWN = "4f1b4a5c-2b88-4d0e-9a7c-9e5f6a7b8c14"
EVIDENCE_REQUESTED = "6a2c5b6d-3c99-4e1f-8b8d-0f6a7b8c9d15"
DECISION_GRANTED = "7b3d6c7e-4daa-4f20-9c9e-1a7b8c9d0e16"
DECISION_REFUSED = "8c4e7d8f-5ebb-4031-8daf-2b8c9d0e1f17"
REVIEW_UPHELD = "9d5f8e90-6fcc-4142-9eb0-3c9d0e1f2a18"

JOURNEY_TEMPLATES: Mapping[str, Template] = {
    INVITATION: Template(
        N_("Invitation to apply"),
        "You are invited to apply",
        (
            "You were picked in the ballot for ((ballot)). You are invited to apply for the "
            "((scheme)).\n\nAnswer your invitation by ((deadline)) at:\n\n((link))\n\n"
            "If you accept, you then apply online: the invitation page lists the documents "
            "you will need and the fee. If you do not answer by the deadline, your place goes "
            "to the next person on the waiting list."
        ),
    ),
    INVITATION_REMINDER: Template(
        N_("Invitation reminder"),
        "Your invitation to apply ends soon",
        (
            "Your invitation to apply for the ((scheme)) ends at ((deadline)). Answer it at:"
            "\n\n((link))\n\nIf you do not answer by then, your place goes to the next person "
            "on the waiting list."
        ),
    ),
    PAYMENT_RECEIVED: Template(
        N_("Payment receipt"),
        "Payment received for application ((case_ref))",
        (
            "We have received your payment of ((total)) for application ((case_ref)):\n\n"
            "((items))\n\nKeep this email as your receipt."
        ),
    ),
    APPLICATION_RECEIVED: Template(
        N_("Application received"),
        "We have received your application ((case_ref))",
        (
            "Your application ((case_ref)) for the ((scheme)) is submitted. We will email you "
            "when there is news. You can follow it at:\n\n((link))"
        ),
    ),
    APPLICATION_WITHDRAWN: Template(
        N_("Application withdrawn"),
        "Your application ((case_ref)) is withdrawn",
        (
            "You withdrew your application ((case_ref)). We will not decide it. If you did "
            "not do this, tell us at once through your account:\n\n((link))"
        ),
    ),
    EVIDENCE_REQUESTED: Template(
        N_("More evidence requested"),
        "We need more information for your application ((case_ref))",
        (
            "A caseworker needs more from you before deciding your application ((case_ref)):"
            "\n\n((request))\n\nReply, and upload what is asked for, at:\n\n((link))"
        ),
    ),
    DECISION_GRANTED: Template(
        N_("Application granted"),
        "Your application ((case_ref)) is granted",
        (
            "Your application ((case_ref)) for the ((scheme)) is granted.\n\n"
            "Your permission runs from ((valid_from)) to ((valid_until)). Its conditions:\n\n"
            "((conditions))\n\nYour decision letter and your status, from which you can make "
            "share codes for employers and landlords, are at:\n\n((link))"
        ),
    ),
    DECISION_REFUSED: Template(
        N_("Application refused"),
        "Decision on your application ((case_ref))",
        (
            "Your application ((case_ref)) for the ((scheme)) is refused.\n\n"
            "Why:\n\n((reasons))\n\nYou can ask for an administrative review if you think "
            "the decision is wrong. Your decision letter, and how to ask, are at:\n\n((link))"
        ),
    ),
    REVIEW_UPHELD: Template(
        N_("Administrative review: refusal upheld"),
        "Administrative review of your application ((case_ref))",
        (
            "We have reviewed the refusal of your application ((case_ref)). The refusal "
            "stands.\n\nWhy:\n\n((reasons))\n\nYour decision letter is at:\n\n((link))"
        ),
    ),
}
