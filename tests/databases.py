"""Test databases: a migrated SQLite file per test, and a PostgreSQL database per worker.

`scripts/test` starts a throwaway PostgreSQL and sets ``YMS_TEST_POSTGRES_URL``
and ``YMS_REQUIRE_POSTGRES``; without them (a quick local run) the PostgreSQL
half of each database test is skipped, and says so.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from yms.migrations import apply as migrate
from yms.migrations.metadata import Base
from yms.platform.audit.chain import GENESIS
from yms.platform.audit.tables import AuditHead
from yms.platform.db import Database

BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str | None:
    """The throwaway cluster's URL, failing the run if it is required but missing."""
    url = os.environ.get("YMS_TEST_POSTGRES_URL")
    if url is None and os.environ.get("YMS_REQUIRE_POSTGRES") == "1":
        pytest.fail("YMS_REQUIRE_POSTGRES is set but YMS_TEST_POSTGRES_URL is not")
    return url


def create_postgres_database(admin_url: str, name: str) -> str:
    """A fresh, migrated PostgreSQL database called `name`; returns its URL."""
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database.connect(url)
    migrate.upgrade(database)
    database.dispose()
    return url


def empty_postgres(database: Database) -> None:
    """Delete every row (the schema stays), so each test starts empty."""
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # The one row the migrations put in: the head of an empty audit chain.
        connection.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS.hex()))


def migrated_sqlite_template(directory: Path) -> Path:
    """A SQLite file migrated to the latest revision, to copy for each test."""
    path = directory / "template.db"
    database = Database.connect(f"sqlite:///{path}")
    migrate.upgrade(database)
    database.dispose()
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    """A copy of the template in `directory`; returns its URL."""
    path = directory / "yms.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
