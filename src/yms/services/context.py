"""What every service needs from the world: the database, the time, keys, randomness."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from yms.clock import Clock, SystemClock
from yms.schemes import Catalogue, shipped
from yms.settings import Settings
from yms.store.database import Database
from yms.store.sealing import Sealer


@dataclass(frozen=True)
class ServiceContext:
    """The process's collaborators, passed to each service so tests can choose them."""

    database: Database
    clock: Clock
    identity_key: bytes
    sealer: Sealer
    catalogue: Catalogue = field(default_factory=shipped)
    random_bytes: Callable[[int], bytes] = os.urandom

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> ServiceContext:
        """A context for this process, connected to the configured database."""
        return cls(
            database=Database.connect(settings.database_url, pool_size=settings.database_pool_size),
            clock=clock or SystemClock(),
            identity_key=settings.identity_key.get_secret_value().encode("utf-8"),
            sealer=Sealer(settings.data_key.get_secret_value()),
        )
