"""What every service needs from the world: the database, the time, keys, and the edges."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher

from yms.platform.clock import Clock, SystemClock
from yms.platform.db import Database
from yms.platform.files import FileStore, LocalDiskStore
from yms.platform.mail.outbox import EmailSender, OutboxSender
from yms.platform.payments.govuk_pay import GovUkPayProvider
from yms.platform.payments.provider import FakePaymentProvider, PaymentProvider
from yms.platform.sealing import Sealer
from yms.platform.settings import PaymentsProvider, Settings
from yms.platform.unit_of_work import UnitOfWork, unit_of_work
from yms.schemes.catalogue import Catalogue, shipped


@dataclass(frozen=True)
class ServiceContext:
    """The process's collaborators, passed to each service so tests can choose them.

    Each outside edge has one name: `mail` (GOV.UK Notify's shape), `payments`
    (GOV.UK Pay's) and `files` (where evidence is kept).
    """

    database: Database
    clock: Clock
    identity_key: bytes
    sealer: Sealer
    mail: EmailSender
    payments: PaymentProvider
    files: FileStore
    catalogue: Catalogue = field(default_factory=shipped)
    random_bytes: Callable[[int], bytes] = os.urandom
    passwords: PasswordHasher = field(default_factory=PasswordHasher)  # Argon2id, RFC 9106
    public_url: str = "http://localhost:8000"  # where links in e-mails point
    contact_email: str = "youth-mobility@example.org"  # where people write for help
    share_code_days: int = 90  # how long a new share code stays valid
    suppress_below: int = 10  # published statistics withhold counts below this

    @classmethod
    def create(
        cls,
        *,
        database: Database,
        clock: Clock,
        identity_key: bytes,
        sealer: Sealer,
        public_url: str = "http://localhost:8000",
        files: FileStore | None = None,
        mail: EmailSender | None = None,
        payments: PaymentProvider | None = None,
        random_bytes: Callable[[int], bytes] = os.urandom,
        passwords: PasswordHasher | None = None,
        contact_email: str = "youth-mobility@example.org",
        share_code_days: int = 90,
        suppress_below: int = 10,
    ) -> ServiceContext:
        """A context whose unnamed edges are the defaults: the outbox, the fake Pay, local disk."""
        return cls(
            database=database,
            clock=clock,
            identity_key=identity_key,
            sealer=sealer,
            mail=mail or OutboxSender(database, sealer, clock, identity_key),
            payments=payments or FakePaymentProvider(database, clock, public_url=public_url),
            files=files or LocalDiskStore(Path("var/evidence")),
            random_bytes=random_bytes,
            passwords=passwords or PasswordHasher(),
            public_url=public_url,
            contact_email=contact_email,
            share_code_days=share_code_days,
            suppress_below=suppress_below,
        )

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> ServiceContext:
        """A context for this process, connected to the configured database and payment provider."""
        database = Database.connect(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout,
        )
        clock = clock or SystemClock()
        public_url = settings.public_url.rstrip("/")
        return cls.create(
            database=database,
            clock=clock,
            identity_key=settings.identity_key.get_secret_value().encode("utf-8"),
            sealer=Sealer(settings.data_key.get_secret_value()),
            public_url=public_url,
            files=LocalDiskStore(Path(settings.evidence_dir)),
            payments=_payments(settings, database, clock, public_url=public_url),
            contact_email=settings.contact_email,
            share_code_days=settings.share_code_days,
            suppress_below=settings.stats_suppress_below,
        )

    def unit(self, *, actor: str) -> AbstractContextManager[UnitOfWork]:
        """One unit of work: ``with ctx.unit(actor=...) as uow:`` (see `unit_of_work`)."""
        return unit_of_work(self.database, actor=actor, clock=self.clock, sealer=self.sealer)


def _payments(
    settings: Settings, database: Database, clock: Clock, *, public_url: str
) -> PaymentProvider:
    """The provider ``YMS_PAYMENTS`` names (the settings refuse the fake outside development)."""
    if settings.payments is PaymentsProvider.GOVUK_PAY:
        assert settings.pay_api_key is not None  # noqa: S101 - the settings require it
        return GovUkPayProvider(settings.pay_base_url, settings.pay_api_key.get_secret_value())
    return FakePaymentProvider(database, clock, public_url=public_url)
