"""The database as yms configures it: SQLite pragmas, UTC instants, sealed secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from yms.ballot.tables import BallotWindow
from yms.platform.db import Database, create_database_engine
from yms.platform.sealing import Sealer, SealError


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database.connect(f"sqlite:///{tmp_path / 'yms.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    database.dispose()


def test_a_postgresql_url_uses_psycopg() -> None:
    engine = create_database_engine("postgresql://someone@127.0.0.1:1/none")
    assert engine.dialect.driver == "psycopg"


def test_a_sqlite_file_has_a_sized_pool_and_memory_keeps_its_own(tmp_path: Path) -> None:
    file = create_database_engine(
        f"sqlite:///{tmp_path / 'yms.db'}", pool_size=2, max_overflow=1, pool_timeout=0.5
    )
    assert (file.pool.size(), file.pool._max_overflow, file.pool._timeout) == (2, 1, 0.5)  # type: ignore[attr-defined]
    memory = create_database_engine("sqlite://", pool_size=2, max_overflow=1)
    with memory.connect() as connection:  # one connection holds the database: no sizes apply
        assert connection.execute(text("SELECT 1")).scalar() == 1
    file.dispose()
    memory.dispose()


def window(**overrides: object) -> BallotWindow:
    fields: dict[str, object] = {
        "id": "w",
        "scheme_id": "uk-yms",
        "scheme_version": "2025-11-25",
        "allocation_id": "hong-kong-2025",
        "year": 2025,
        "ballot_round": 1,
        "opens_at": datetime(2026, 1, 1, 9, tzinfo=UTC),
        "closes_at": datetime(2026, 1, 2, 9, tzinfo=UTC),
        "places": 1,
        "invitation_expiry_days": 90,
        "seed_commitment": "0" * 64,
        "sealed_operator_seed": b"sealed",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    fields.update(overrides)
    return BallotWindow(**fields)


def test_instants_come_back_in_utc(database: Database) -> None:
    paris = timezone(timedelta(hours=1))
    with database.transaction() as session:
        session.add(window(opens_at=datetime(2026, 1, 1, 10, tzinfo=paris)))
    with database.reading() as session:
        stored = session.get(BallotWindow, "w")
        assert stored is not None
        assert stored.opens_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
        assert stored.opens_at.tzinfo == UTC


def test_a_naive_instant_is_refused(database: Database) -> None:
    naive = window(opens_at=datetime(2026, 1, 1, 10))  # noqa: DTZ001 - the point
    with database.transaction() as session:
        session.add(naive)
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
        session.rollback()


def test_a_failed_transaction_leaves_nothing(database: Database) -> None:
    def add_then_fail() -> None:
        with database.transaction() as session:
            session.add(window())
            session.flush()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        add_then_fail()
    with database.reading() as session:
        assert session.get(BallotWindow, "w") is None


def test_sealed_values_open_only_with_their_key() -> None:
    sealer = Sealer(Fernet.generate_key().decode())
    token = sealer.seal(b"operator seed")
    assert b"operator seed" not in token
    assert sealer.open(token) == b"operator seed"
    with pytest.raises(SealError):
        Sealer(Fernet.generate_key().decode()).open(token)
    with pytest.raises(SealError):
        sealer.open(token[:-2] + b"AA")
