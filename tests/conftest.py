"""Fixtures shared by every test: shipped schemes, databases, a clock and services."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from hypothesis import settings

from tests.databases import (
    BACKENDS,
    create_postgres_database,
    empty_postgres,
    migrated_sqlite_template,
    postgres_admin_url,
    sqlite_copy,
)
from yms.cli.worker import build_worker
from yms.platform.clock import Clock, FixedClock
from yms.platform.context import ServiceContext
from yms.platform.db import Database
from yms.platform.files import LocalDiskStore
from yms.platform.sealing import Sealer
from yms.schemes.catalogue import shipped
from yms.schemes.domain.scheme import Scheme

# Fixtures every feature's tests use: the portal in a test client or a live server, the
# `yms` command in process or as a process, and GOV.UK Pay's API on a loopback port.
pytest_plugins = ["tests.fixtures.web", "tests.fixtures.commands", "tests.fixtures.govuk_pay"]

# Hypothesis runs the same examples on every run (a flaky test is a bug), and keeps
# no example database between runs.
settings.register_profile("yms", deadline=None, derandomize=True, database=None, max_examples=200)
settings.register_profile("thorough", deadline=None, database=None, max_examples=5000)
settings.load_profile(os.environ.get("YMS_HYPOTHESIS_PROFILE", "yms"))


# Argon2id still, with the cost turned down: tests hash many passwords.
FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def uk_yms() -> Scheme:
    return shipped().latest("uk-yms")


@pytest.fixture(scope="session")
def eu_uk_2024() -> Scheme:
    return shipped().latest("eu-uk-2024")


@pytest.fixture(scope="session")
def eu_uk_yes() -> Scheme:
    return shipped().latest("eu-uk-yes")


# --- databases ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str | None:
    admin = postgres_admin_url()
    if admin is None:
        return None
    return create_postgres_database(admin, f"yms_test_{worker_id}")


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> Iterator[Database]:
    """An empty, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        db = Database.connect(sqlite_copy(sqlite_template, tmp_path))
    else:
        if postgres_url is None:
            pytest.skip("no PostgreSQL: run scripts/test, or set YMS_TEST_POSTGRES_URL")
        db = Database.connect(postgres_url, pool_size=30)
        empty_postgres(db)
    yield db
    db.dispose()


TEST_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TEST_NOW)


@pytest.fixture
def ctx(database: Database, clock: FixedClock, tmp_path: Path) -> ServiceContext:
    """Services on the test database, a clock the test moves, and seeded randomness."""
    return context_for_tests(database, clock, tmp_path / "evidence")


def context_for_tests(database: Database, clock: Clock, files: Path) -> ServiceContext:
    """A service context for tests: fixed keys, fast Argon2, seeded refs, files in `files`."""
    randomness = random.Random(20261125)  # noqa: S311 - references need only be distinct here
    return ServiceContext.create(
        database=database,
        clock=clock,
        identity_key=b"test-identity-key-test-identity-key",
        sealer=Sealer(Fernet.generate_key().decode("ascii")),
        random_bytes=randomness.randbytes,
        passwords=FAST_ARGON2,
        files=LocalDiskStore(files),
    )


def run_jobs(ctx: ServiceContext) -> int:
    """Run every job that is due now, as `yms worker` would; returns how many ran."""
    return build_worker(ctx).run_due()
