"""The database: one engine per process, and a transaction per use case.

SQLite (the default) runs in WAL mode with foreign keys on and a busy timeout;
a writing transaction starts with ``BEGIN IMMEDIATE`` so two writers queue for
the lock instead of failing half-way. PostgreSQL (``YMS_DATABASE_URL``) uses
psycopg 3 with a connection pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import ClauseElement

SQLITE_BUSY_TIMEOUT_MS = 30_000
# How long a caller waits for a pooled connection by default (SQLAlchemy's own); the
# web service is given a short wait instead (YMS_DATABASE_POOL_TIMEOUT), so a
# saturated pool answers "busy" within a second rather than holding requests.
DEFAULT_POOL_TIMEOUT = 30.0
# The latest migration shipped, so a command can check that the database is up to
# date without loading Alembic; a test holds it equal to Alembic's own head.
SCHEMA_REVISION = "0013"
_READ_ONLY = "yms_read_only"


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # Readers take no lock (WAL); writers take the write lock at the start.
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_database_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int | None = None,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT,
) -> Engine:
    """An engine for `url`, configured as yms needs it on SQLite or PostgreSQL.

    The pool holds `pool_size` connections and opens up to `max_overflow` more
    (as many again by default); a checkout waits `pool_timeout` seconds at most,
    then raises `sqlalchemy.exc.TimeoutError`.
    """
    parsed = make_url(url)
    pool = {
        "pool_size": pool_size,
        "max_overflow": pool_size if max_overflow is None else max_overflow,
        "pool_timeout": pool_timeout,
    }
    if parsed.get_backend_name() == "sqlite":
        # An in-memory database lives in one connection, which its own pool keeps.
        sized = pool if parsed.database not in {None, "", ":memory:"} else {}
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **sized
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # No ping before each checkout: it doubled the round trips of the hot path. A
    # connection found dead (the database restarted) raises once, the request is
    # answered 503 to be retried, and SQLAlchemy discards every connection pooled
    # before then, so the pool heals at once.
    return create_engine(parsed, **pool)


class Database:
    """The process's engine and its sessions: ``with db.transaction() as session: ...``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(
            engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int | None = None,
        pool_timeout: float = DEFAULT_POOL_TIMEOUT,
    ) -> Database:
        """A database for `url`, its pool sized as `create_database_engine` says."""
        engine = create_database_engine(
            url, pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout
        )
        return cls(engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed if the block ends normally, rolled back if it raises."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads (on SQLite it takes no write lock)."""
        with self._reader.begin() as session:
            yield session

    @contextmanager
    def one_statement(self, *, read_only: bool = False) -> Iterator[Connection]:
        """A connection for one statement that commits as it runs: the hot path's unit of work.

        On PostgreSQL the statement runs in autocommit, one round trip with no
        ``BEGIN``/``COMMIT`` around it (a single statement is atomic, and it is
        durable when it returns, as a commit is). On SQLite it runs in its own
        transaction (``BEGIN IMMEDIATE`` unless `read_only`).
        """
        if self.dialect == "postgresql":
            with self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            ) as connection:
                yield connection
            return
        engine = self.engine.execution_options(**{_READ_ONLY: True}) if read_only else self.engine
        with engine.begin() as connection:
            yield connection

    def revision(self) -> str | None:
        """The migration revision the database is at, or `None` if never migrated."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def conninfo(self) -> str:
        """The database's address as libpq takes it (for connections outside SQLAlchemy)."""
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def postgresql_text(statement: ClauseElement) -> str:
    """`statement` as PostgreSQL text with ``%(name)s`` placeholders, for `AsyncConnections`.

    Compile once, at import: the hot path then sends text that SQLAlchemy wrote
    from the tables' own definitions, without SQLAlchemy in between.
    """
    return str(statement.compile(dialect=postgresql_psycopg.dialect()))  # type: ignore[no-untyped-call]


class AsyncConnections:
    """PostgreSQL only: a few autocommit connections for async code, outside SQLAlchemy.

    For the rush's grouped statements (`yms.platform.grouping`), which run on the
    event loop with no thread hop and no ORM between them and the wire. Opened in
    the running loop on first use; a connection broken (the database restarted)
    is dropped when given back and a new one made, so the pool heals by itself.
    A caller that waits `timeout` seconds for one gets `psycopg_pool.PoolTimeout`.
    """

    def __init__(self, database: Database, size: int, *, timeout: float = 1.0) -> None:
        self._pool = AsyncConnectionPool(
            database.conninfo(),
            min_size=size,
            max_size=size,
            timeout=timeout,
            kwargs={"autocommit": True},
            open=False,
        )
        self._opening: asyncio.Future[None] | None = None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection for the block: each statement commits as it runs."""
        if self._opening is None:  # the first caller opens; the others wait for it
            self._opening = asyncio.ensure_future(self._pool.open(wait=False))
        await self._opening
        async with self._pool.connection() as connection:
            yield connection

    async def close(self) -> None:
        """Close every connection (idempotent)."""
        if self._opening is not None:
            await self._opening
            await self._pool.close()


def insert_if_absent(session: Session, table: type[Any], **values: Any) -> None:
    """Insert a row unless one with the same key exists: ``INSERT … ON CONFLICT DO NOTHING``.

    Two units inserting the same counter row at once both go on, on SQLite and
    PostgreSQL alike, to update the one row that results.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())
