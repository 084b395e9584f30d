"""What every service needs from the world: the database, the time, keys, randomness."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher

from yms.platform.clock import Clock, SystemClock
from yms.platform.db import Database
from yms.platform.files import FileStore, LocalDiskStore
from yms.platform.mail.outbox import EmailSender, OutboxSender
from yms.platform.payments.provider import FakePaymentProvider, PaymentProvider
from yms.platform.sealing import Sealer
from yms.platform.settings import Settings
from yms.schemes.catalogue import Catalogue, shipped


@dataclass(frozen=True)
class ServiceContext:
    """The process's collaborators, passed to each service so tests can choose them."""

    database: Database
    clock: Clock
    identity_key: bytes
    sealer: Sealer
    catalogue: Catalogue = field(default_factory=shipped)
    random_bytes: Callable[[int], bytes] = os.urandom
    passwords: PasswordHasher = field(default_factory=PasswordHasher)  # Argon2id, RFC 9106
    public_url: str = "http://localhost:8000"  # where links in e-mails point
    emails: EmailSender | None = None  # default: the outbox table
    payments: PaymentProvider | None = None  # default: the local fake of GOV.UK Pay
    evidence: FileStore | None = None  # default: var/evidence on local disk

    def __post_init__(self) -> None:
        if self.emails is None:
            outbox = OutboxSender(self.database, self.sealer, self.clock, self.identity_key)
            object.__setattr__(self, "emails", outbox)
        if self.payments is None:
            object.__setattr__(self, "payments", FakePaymentProvider(self.public_url))
        if self.evidence is None:
            object.__setattr__(self, "evidence", LocalDiskStore(Path("var/evidence")))

    @property
    def mailer(self) -> EmailSender:
        """Where e-mails go."""
        assert self.emails is not None  # noqa: S101 - set in __post_init__
        return self.emails

    @property
    def pay(self) -> PaymentProvider:
        """Where fees are paid."""
        assert self.payments is not None  # noqa: S101 - set in __post_init__
        return self.payments

    @property
    def files(self) -> FileStore:
        """Where evidence files are kept."""
        assert self.evidence is not None  # noqa: S101 - set in __post_init__
        return self.evidence

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> ServiceContext:
        """A context for this process, connected to the configured database."""
        return cls(
            database=Database.connect(settings.database_url, pool_size=settings.database_pool_size),
            clock=clock or SystemClock(),
            identity_key=settings.identity_key.get_secret_value().encode("utf-8"),
            sealer=Sealer(settings.data_key.get_secret_value()),
            public_url=settings.public_url.rstrip("/"),
            evidence=LocalDiskStore(Path(settings.evidence_dir)),
        )
