"""Every table, imported in one place so the metadata (and Alembic) sees them all."""

from yms.store.accounts import Account, AccountToken, OutboxMessage
from yms.store.applications import Application, ApplicationEvent, EvidenceFile, Payment
from yms.store.ballot import BallotEntry, BallotInvitation, BallotWindow
from yms.store.base import Base
from yms.store.web import WebSession

__all__ = [
    "Account",
    "AccountToken",
    "Application",
    "ApplicationEvent",
    "BallotEntry",
    "BallotInvitation",
    "BallotWindow",
    "Base",
    "EvidenceFile",
    "OutboxMessage",
    "Payment",
    "WebSession",
]
