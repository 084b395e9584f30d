"""E-mail, shaped like GOV.UK Notify: a template id, an address and a personalisation.

Services never send directly: `queue_email` queues a job in their unit of work,
so a message goes if and only if the change it tells of commits, and a worker
sends it (again, if a try fails). `EmailSender` is the edge: the real adapter
would call Notify's ``send_email_notification``; the default `OutboxSender`
keeps each message in the outbox table, where the tests read them; the
operator's page shows that a message went, never its body or links.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select

from yms.kernel.text import N_
from yms.platform.clock import Clock
from yms.platform.db import Database
from yms.platform.mail.journey_templates import JOURNEY_TEMPLATES
from yms.platform.mail.tables import OutboxMessage
from yms.platform.mail.template import Template
from yms.platform.sealing import Sealer
from yms.platform.unit_of_work import UnitOfWork

SEND_EMAIL = "mail.send"  # the job that sends one queued message

# Template ids, as Notify gives them; the bodies are ours, below, for the outbox.
CONFIRM_EMAIL = "7d2c54e6-1f0b-4a55-9b5e-2f0d3c1c9a01"
RESET_PASSWORD = "a3c0b0d4-6e8f-4c1a-8f52-1d7a0f7e2b02"  # noqa: S105 - a template id
ACCOUNT_EXISTS = "4f6e1a3b-2c8d-4e9f-a1b2-c3d4e5f60703"
NO_ACCOUNT = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c04"
ALREADY_CONFIRMED = "c5e1d7a2-8b3f-4e6a-9d0c-2f4b6a8c0e05"
NO_ACCOUNT_TO_CONFIRM = "e8a4c2f6-1d3b-4f5a-8c7e-9b0d2f4a6c06"


TEMPLATES: Mapping[str, Template] = {
    CONFIRM_EMAIL: Template(
        N_("Confirm email address"),
        "Confirm your email address",
        (
            "Confirm your email address to finish creating your account:\n\n((link))\n\n"
            "The link works once and expires in 24 hours."
        ),
    ),
    RESET_PASSWORD: Template(
        N_("Reset password"),
        "Reset your password",
        (
            "Someone asked to reset the password of your account. If it was you, "
            "use this link:\n\n((link))\n\nThe link works once and expires in 1 hour. "
            "If it was not you, you can ignore this email."
        ),
    ),
    ACCOUNT_EXISTS: Template(
        N_("Account exists"),
        "You already have an account",
        (
            "Someone tried to create an account with this email address, which already "
            "has one. Sign in at ((link)). If it was not you, you can ignore this email."
        ),
    ),
    NO_ACCOUNT: Template(
        N_("No account (password reset)"),
        "No account with this email address",
        (
            "Someone asked to reset a password for this email address, which has no "
            "account. You can create one at ((link))."
        ),
    ),
    ALREADY_CONFIRMED: Template(
        N_("Email address already confirmed"),
        "Your email address is already confirmed",
        (
            "Someone asked for a link to confirm this email address. It is already "
            "confirmed: sign in at ((link)). If it was not you, you can ignore this email."
        ),
    ),
    NO_ACCOUNT_TO_CONFIRM: Template(
        N_("No account (confirmation link)"),
        "No account with this email address",
        (
            "Someone asked for a link to confirm this email address, which has no "
            "account. You can create one at ((link))."
        ),
    ),
}

TEMPLATES = {**TEMPLATES, **JOURNEY_TEMPLATES}


def queue_email(
    uow: UnitOfWork, email_address: str, template_id: str, personalisation: Mapping[str, str]
) -> None:
    """Send this message once `uow` commits (never if it rolls back)."""
    if template_id not in TEMPLATES:
        raise ValueError(f"no template {template_id}")
    uow.enqueue(
        SEND_EMAIL, to=email_address, template=template_id, personalisation=dict(personalisation)
    )


class EmailSender(Protocol):
    """Sends an e-mail from a template (GOV.UK Notify's ``send_email_notification``)."""

    def send_email_notification(
        self,
        email_address: str,
        template_id: str,
        personalisation: Mapping[str, str],
        reference: str | None = None,
    ) -> str:
        """Send it; returns the notification id."""
        ...


@dataclass(frozen=True)
class SentEmail:
    """A message in the outbox, opened."""

    notification_id: str
    template_id: str
    email_address: str
    personalisation: dict[str, str]
    created_at: datetime

    def _filled(self, text: str) -> str:
        for key, value in self.personalisation.items():
            text = text.replace(f"(({key}))", value)
        return text

    @property
    def template_name(self) -> str:
        """The name staff know the template by."""
        return TEMPLATES[self.template_id].name

    @property
    def subject(self) -> str:
        """The template's subject line, with the personalisation put in (as Notify does)."""
        return self._filled(TEMPLATES[self.template_id].subject)

    @property
    def body(self) -> str:
        """The template's body with the personalisation put in: for the recipient alone.

        It holds one-time links (confirm, reset), so no page for staff shows it.
        """
        return self._filled(TEMPLATES[self.template_id].body)

    @property
    def has_link(self) -> bool:
        """Whether the message carried a link (which staff may know of, never see)."""
        return "link" in self.personalisation


def address_hash(key: bytes, email_address: str) -> bytes:
    """A keyed hash of an address, to find its messages without storing it in clear."""
    return hmac.new(key, email_address.encode("utf-8"), hashlib.sha256).digest()


class OutboxSender:
    """Keeps every e-mail in the outbox table instead of sending it."""

    def __init__(self, database: Database, sealer: Sealer, clock: Clock, key: bytes) -> None:
        self._database, self._sealer, self._clock, self._key = database, sealer, clock, key

    def send_email_notification(
        self,
        email_address: str,
        template_id: str,
        personalisation: Mapping[str, str],
        reference: str | None = None,
    ) -> str:
        """Store the message; returns its notification id.

        A `reference` already used returns the first message's id and stores
        nothing: the worker passes its job's id, so a job run twice sends once.
        """
        if template_id not in TEMPLATES:
            raise ValueError(f"no template {template_id}")
        with self._database.transaction() as db:
            if reference is not None:
                sent = db.scalar(
                    select(OutboxMessage.notification_id).where(
                        OutboxMessage.reference == reference
                    )
                )
                if sent is not None:
                    return sent
            notification_id = str(uuid.uuid4())
            db.add(
                OutboxMessage(
                    notification_id=notification_id,
                    template_id=template_id,
                    to_hash=address_hash(self._key, email_address),
                    to_sealed=self._sealer.seal(email_address.encode("utf-8")),
                    personalisation_sealed=self._sealer.seal(
                        json.dumps(dict(personalisation)).encode("utf-8")
                    ),
                    reference=reference,
                    created_at=self._clock.now(),
                )
            )
        return notification_id

    def messages(self, email_address: str | None = None, limit: int = 100) -> list[SentEmail]:
        """The latest messages (to one address, if given), newest first."""
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if email_address is not None:
            query = query.where(OutboxMessage.to_hash == address_hash(self._key, email_address))
        with self._database.reading() as db:
            return [
                SentEmail(
                    message.notification_id,
                    message.template_id,
                    self._sealer.open(message.to_sealed).decode("utf-8"),
                    json.loads(self._sealer.open(message.personalisation_sealed)),
                    message.created_at,
                )
                for message in db.scalars(query)
            ]
