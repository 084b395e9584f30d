"""Settings: working defaults for development, refused anywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import TEST_NOW
from tests.fixtures.commands import Yms
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.payments.govuk_pay import GovUkPayProvider
from yms.platform.payments.provider import FakePaymentProvider
from yms.platform.settings import Environment, PaymentsProvider, Settings

STRONG = "k" * 40
FERNET_KEY = "q6QfZqgW0eEvj0hk3Lhp6d1yMpsIqvz3Dt6ecBfi0vY="


def test_development_runs_on_sqlite_with_no_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("YMS_ENVIRONMENT", "YMS_DATABASE_URL", "YMS_IDENTITY_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.environment is Environment.DEVELOPMENT
    assert settings.database_url == "sqlite:///yms.db"
    assert settings.is_sqlite


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("YMS_IDENTITY_KEY", "YMS_IDENTITY_KEY must be set outside development"),
        ("YMS_DATA_KEY", "YMS_DATA_KEY must be set outside development"),
    ],
)
def test_production_refuses_the_development_keys(
    monkeypatch: pytest.MonkeyPatch, missing: str, message: str
) -> None:
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    for name, value in {
        "YMS_IDENTITY_KEY": STRONG,
        "YMS_DATA_KEY": FERNET_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ValidationError, match=message):
        Settings()


def test_production_refuses_short_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    monkeypatch.setenv("YMS_IDENTITY_KEY", "short")
    with pytest.raises(ValidationError, match="YMS_IDENTITY_KEY must be at least 32 characters"):
        Settings()


def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production with its own keys and GOV.UK Pay: everything it needs."""
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    monkeypatch.setenv("YMS_IDENTITY_KEY", STRONG)
    monkeypatch.setenv("YMS_DATA_KEY", FERNET_KEY)
    monkeypatch.setenv("YMS_PAYMENTS", "govuk-pay")
    monkeypatch.setenv("YMS_PAY_API_KEY", PAY_KEY)
    monkeypatch.setenv("YMS_PUBLIC_URL", "https://youth-mobility.example.org")


PAY_KEY = "api_live_0123456789abcdefghijklmnopqrstuvwxyz"


def test_production_with_its_own_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_DATABASE_URL", "postgresql://yms@db/yms")
    settings = Settings()
    assert not settings.is_sqlite
    assert settings.identity_key.get_secret_value() == STRONG
    assert settings.payments is PaymentsProvider.GOVUK_PAY
    assert settings.pay_base_url == "https://publicapi.payments.service.gov.uk"
    assert settings.pay_api_key is not None
    assert PAY_KEY not in repr(settings)  # a secret: never printed, never logged


def test_development_pays_with_the_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("YMS_ENVIRONMENT", "YMS_PAYMENTS", "YMS_PAY_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().payments is PaymentsProvider.FAKE


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_the_fake_provider_is_refused(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_ENVIRONMENT", environment)
    monkeypatch.setenv("YMS_PAYMENTS", "fake")
    with pytest.raises(ValidationError, match="YMS_PAYMENTS must be govuk-pay outside development"):
        Settings()
    monkeypatch.delenv("YMS_PAYMENTS")  # the default is the fake: refused too
    with pytest.raises(ValidationError, match="YMS_PAYMENTS must be govuk-pay outside development"):
        Settings()


@pytest.mark.parametrize("environment", ["development", "production"])
def test_gov_uk_pay_needs_an_api_key(monkeypatch: pytest.MonkeyPatch, environment: str) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_ENVIRONMENT", environment)
    for key in (None, "  "):
        if key is None:
            monkeypatch.delenv("YMS_PAY_API_KEY")
        else:
            monkeypatch.setenv("YMS_PAY_API_KEY", key)
        with pytest.raises(ValidationError, match="YMS_PAY_API_KEY must be set when YMS_PAYMENTS"):
            Settings()


def test_production_sends_the_api_key_over_https_only(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_PAY_BASE_URL", "http://publicapi.payments.service.gov.uk")
    with pytest.raises(ValidationError, match="YMS_PAY_BASE_URL must be https:// in production"):
        Settings()


def test_an_unknown_provider_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_PAYMENTS", "stripe")
    with pytest.raises(ValidationError, match="fake"):
        Settings()


@pytest.mark.parametrize(
    ("payments", "provider"), [("fake", FakePaymentProvider), ("govuk-pay", GovUkPayProvider)]
)
def test_the_context_pays_with_the_provider_the_settings_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, payments: str, provider: type
) -> None:
    monkeypatch.setenv("YMS_DATABASE_URL", f"sqlite:///{tmp_path / 'yms.db'}")
    monkeypatch.setenv("YMS_PAYMENTS", payments)
    monkeypatch.setenv("YMS_PAY_API_KEY", PAY_KEY)
    ctx = ServiceContext.from_settings(Settings(), clock=FixedClock(TEST_NOW))
    assert isinstance(ctx.payments, provider)
    if isinstance(ctx.payments, GovUkPayProvider):
        ctx.payments.close()
    ctx.database.dispose()


def test_production_will_not_start_with_the_fake_provider(
    yms: Yms, monkeypatch: pytest.MonkeyPatch
) -> None:
    production(monkeypatch)
    monkeypatch.delenv("YMS_PAYMENTS")
    ran = yms("serve")
    assert ran.code == 2
    assert ran.stderr.startswith("yms: setting")
    assert "YMS_PAYMENTS must be govuk-pay outside development" in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_the_public_address_must_be_given(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_ENVIRONMENT", environment)
    monkeypatch.delenv("YMS_PUBLIC_URL")
    with pytest.raises(ValidationError, match="YMS_PUBLIC_URL must be set outside development"):
        Settings()


def test_production_is_served_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_PUBLIC_URL", "http://youth-mobility.example.org")
    with pytest.raises(ValidationError, match="YMS_PUBLIC_URL must be https:// in production"):
        Settings()


def test_the_contact_address_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_CONTACT_EMAIL", "help@youth-mobility.example.org")
    assert Settings().contact_email == "help@youth-mobility.example.org"
    monkeypatch.setenv("YMS_CONTACT_EMAIL", "not an address")
    with pytest.raises(ValidationError, match="contact_email"):
        Settings()


def test_production_will_not_send_cookies_without_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("YMS_INSECURE_COOKIES", "true")
    with pytest.raises(ValidationError, match="YMS_INSECURE_COOKIES must not be set in production"):
        Settings()
    monkeypatch.setenv("YMS_ENVIRONMENT", "test")
    assert Settings().insecure_cookies


def test_serving_settings_size_the_pool_and_say_who_reads_the_metrics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = Settings()
    assert (defaults.database_connections, defaults.database_pool_timeout) == (10, 1.0)
    assert defaults.metrics_from == "127.0.0.1/32,::1"
    assert defaults.max_in_flight is None  # then the connections (overload.Capacity)
    monkeypatch.setenv("YMS_DATABASE_POOL_SIZE", "30")
    monkeypatch.setenv("YMS_DATABASE_MAX_OVERFLOW", "5")
    monkeypatch.setenv("YMS_METRICS_FROM", "10.0.0.0/8, 2001:db8::/32")
    settings = Settings()
    assert settings.database_connections == 35
    assert settings.metrics_from == "10.0.0.0/8, 2001:db8::/32"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("YMS_METRICS_FROM", "10.0.0.0/8, prometheus"),
        ("YMS_DATABASE_POOL_TIMEOUT", "0"),
        ("YMS_DATABASE_MAX_OVERFLOW", "-1"),
        ("YMS_MAX_IN_FLIGHT", "0"),
    ],
)
def test_serving_settings_out_of_range_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_the_context_pool_follows_the_settings() -> None:
    settings = Settings(
        database_url="postgresql://yms@127.0.0.1:1/none",
        database_pool_size=3,
        database_max_overflow=2,
        database_pool_timeout=0.5,
    )
    pool = ServiceContext.from_settings(settings).database.engine.pool
    assert pool.size() == 3  # type: ignore[attr-defined]
    assert (pool._max_overflow, pool._timeout) == (2, 0.5)  # type: ignore[attr-defined]
