"""Settings: working defaults for development, refused anywhere else."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from yms.platform.settings import Environment, Settings

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


def test_production_with_its_own_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YMS_ENVIRONMENT", "production")
    monkeypatch.setenv("YMS_IDENTITY_KEY", STRONG)
    monkeypatch.setenv("YMS_DATA_KEY", FERNET_KEY)
    monkeypatch.setenv("YMS_DATABASE_URL", "postgresql://yms@db/yms")
    settings = Settings()
    assert not settings.is_sqlite
    assert settings.identity_key.get_secret_value() == STRONG
