"""Every table, imported in one place so the metadata (and Alembic) sees them all."""

from yms.accounts.tables import Account, AccountToken
from yms.applications.tables import (
    Application,
    ApplicationEvent,
    BrakeCount,
    CaseCheck,
    Decision,
    EvidenceFile,
    Payment,
    PlaceCount,
)
from yms.ballot.tables import BallotEntry, BallotInvitation, BallotWindow
from yms.platform.audit.tables import AuditEvent, AuditHead
from yms.platform.jobs.tables import Job
from yms.platform.mail.tables import OutboxMessage
from yms.platform.orm import Base
from yms.platform.payments.tables import FakePayment
from yms.platform.web.tables import WebSession
from yms.status.tables import ShareCode, SigningKey, Status, StatusCheck

__all__ = [
    "Account",
    "AccountToken",
    "Application",
    "ApplicationEvent",
    "AuditEvent",
    "AuditHead",
    "BallotEntry",
    "BallotInvitation",
    "BallotWindow",
    "Base",
    "BrakeCount",
    "CaseCheck",
    "Decision",
    "EvidenceFile",
    "FakePayment",
    "Job",
    "OutboxMessage",
    "Payment",
    "PlaceCount",
    "ShareCode",
    "SigningKey",
    "Status",
    "StatusCheck",
    "WebSession",
]
