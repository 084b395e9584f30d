"""Settings, read once from the environment (``YMS_*``) into one typed object.

Development has working defaults so the demo runs with no set-up. Any other
environment refuses to start with those defaults, with keys too short to be
secret, or with the fake payment provider (which takes no money): production
must be configured on purpose.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from yms.platform.web.clients import LOOPBACK, trusted_networks

# Published in this file, hence good for nothing but development.
_DEVELOPMENT_IDENTITY_KEY = "development-only-identity-key-do-not-use-in-production"
_DEVELOPMENT_DATA_KEY = base64.urlsafe_b64encode(b"development-only-data-key-32byte").decode()
_MINIMUM_KEY_LENGTH = 32


class Environment(StrEnum):
    """Where yms runs; only development accepts the built-in keys."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class PaymentsProvider(StrEnum):
    """Who takes the fee: the local fake (development only) or GOV.UK Pay."""

    FAKE = "fake"
    GOVUK_PAY = "govuk-pay"


class Settings(BaseSettings):
    """Every setting yms reads. See the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="YMS_", extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default="sqlite:///yms.db", min_length=1)
    identity_key: SecretStr = SecretStr(_DEVELOPMENT_IDENTITY_KEY)
    data_key: SecretStr = SecretStr(_DEVELOPMENT_DATA_KEY)
    # Each web process's connections: the pool keeps `pool_size` open and opens up to
    # `max_overflow` more under load; a request waits `pool_timeout` seconds for one at
    # most, then is answered 503 (busy) rather than queued until its client gives up.
    # No overflow by default: a connection beyond the pool is opened for one use and
    # closed after, a connection set-up (milliseconds of both sides' CPU) per request
    # just when the load is highest; the surge benchmark measured it as the largest cost.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=0, ge=0, le=200)
    database_pool_timeout: float = Field(default=1.0, gt=0, le=60)
    # Requests one web process works on at once; more wait briefly, then get 503.
    # Unset: as many as the connections its pool can hold (DESIGN.md, "Serving").
    max_in_flight: int | None = Field(default=None, ge=1, le=10_000)
    # On PostgreSQL, API ballot entries arriving together are written in groups, one
    # commit each; this many groups at once per process, each on a connection of its
    # own (so a process holds this many connections beside its pool). 0: one at a time.
    entry_group_lanes: int = Field(default=2, ge=0, le=32)
    # Status checks arriving together are checked and committed in groups (each check
    # is audited, and the audit chain takes one commit at a time); this many groups at
    # once per process, on PostgreSQL each on a connection of its own beside the pool
    # (on SQLite one, in the thread pool). 0: one check at a time. One lane makes the
    # larger groups: the status-checks benchmark ran 2,450/s with 1, 1,998/s with 2.
    check_group_lanes: int = Field(default=1, ge=0, le=32)
    # Who may read /metrics (addresses or networks, comma-separated); others get 404.
    metrics_from: str = LOOPBACK
    # Cookies without `Secure`, for plain HTTP other than localhost (never in production).
    insecure_cookies: bool = False
    evidence_dir: str = Field(default="var/evidence", min_length=1)
    public_url: str = Field(default="http://localhost:8000", pattern=r"^https?://[^\s]+$")
    # Where applicants write for help (the contact page, and refusals that send them there).
    contact_email: str = Field(
        default="youth-mobility@example.org", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    # How long a share code a holder makes stays valid, in days (DESIGN.md: 90 by default).
    share_code_days: int = Field(default=90, ge=1, le=366)
    # Published statistics withhold counts below this (ONS output checking uses 10).
    stats_suppress_below: int = Field(default=10, ge=2, le=1000)
    # The proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    trusted_proxies: str = ""
    # Who the command line acts as in the audit log: a pseudonymous operator id.
    actor: str = Field(default="cli", pattern=r"^[a-z][a-z0-9_:.-]{0,63}$")
    payments: PaymentsProvider = PaymentsProvider.FAKE
    pay_api_key: SecretStr | None = None
    pay_base_url: str = Field(
        default="https://publicapi.payments.service.gov.uk", pattern=r"^https?://[^\s]+$"
    )

    @field_validator("trusted_proxies", "metrics_from")
    @classmethod
    def _lists_networks(cls, value: str) -> str:
        trusted_networks(value)  # raises ValueError naming the address it cannot read
        return value

    @model_validator(mode="after")
    def _no_insecure_defaults(self) -> Self:
        if self.environment is not Environment.DEVELOPMENT:
            self._refuse_development_keys()
            self._check_public_url()
        if self.environment is Environment.PRODUCTION and self.insecure_cookies:
            raise ValueError("YMS_INSECURE_COOKIES must not be set in production")
        self._check_payments()
        return self

    def _check_public_url(self) -> None:
        # Every e-mail link and payment return is built on it: the default would send
        # applicants to localhost.
        if "public_url" not in self.model_fields_set:
            raise ValueError("YMS_PUBLIC_URL must be set outside development")
        if self.environment is Environment.PRODUCTION and not self.public_url.startswith(
            "https://"
        ):
            raise ValueError("YMS_PUBLIC_URL must be https:// in production")

    def _refuse_development_keys(self) -> None:
        defaults = {
            "YMS_IDENTITY_KEY": (self.identity_key, _DEVELOPMENT_IDENTITY_KEY),
            "YMS_DATA_KEY": (self.data_key, _DEVELOPMENT_DATA_KEY),
        }
        for name, (value, default) in defaults.items():
            secret = value.get_secret_value()
            if secret == default:
                raise ValueError(f"{name} must be set outside development")
            if len(secret) < _MINIMUM_KEY_LENGTH:
                raise ValueError(f"{name} must be at least {_MINIMUM_KEY_LENGTH} characters")

    def _check_payments(self) -> None:
        if self.payments is PaymentsProvider.GOVUK_PAY:
            if self.pay_api_key is None or not self.pay_api_key.get_secret_value().strip():
                raise ValueError("YMS_PAY_API_KEY must be set when YMS_PAYMENTS is govuk-pay")
            if self.environment is Environment.PRODUCTION and not self.pay_base_url.startswith(
                "https://"
            ):
                raise ValueError("YMS_PAY_BASE_URL must be https:// in production")
        elif self.environment is not Environment.DEVELOPMENT:
            # The fake says every payment it is told to is paid: no money would be taken.
            raise ValueError("YMS_PAYMENTS must be govuk-pay outside development")

    @property
    def database_connections(self) -> int:
        """The most connections one process's pool hands out at once."""
        return self.database_pool_size + self.database_max_overflow

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")
