"""The surge benchmark's floor: the least a web process can do to acknowledge a durable entry.

One route, ``POST /entries``: read the body, one ``INSERT`` and one ``COMMIT`` on
a pooled async psycopg connection, answer 201 with the new row's id. No
framework beyond Starlette, no validation, no authentication: what is left is
uvicorn, the HTTP parsing and PostgreSQL's commit (fsync and synchronous commit
as the cluster has them). ``benchmarks/surge.py`` serves it with the same
uvicorn settings and number of workers as yms, on the same database, and prints
yms's rate as a share of this one's. ``GET /healthz`` answers without the database.

    SURGE_MINIMAL_DATABASE_URL=postgresql://... SURGE_MINIMAL_POOL=16 \
        python -m uvicorn minimal:app --app-dir benchmarks/surge --workers 2
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TABLE = "surge_minimal_entries"
CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigserial PRIMARY KEY,
    body bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = f"INSERT INTO {TABLE} (body) VALUES (%s) RETURNING id"  # noqa: S608 - a constant


class Pool:
    """A fixed set of open connections, lent one at a time (psycopg_pool is not a dependency)."""

    def __init__(self, url: str, size: int) -> None:
        self.url, self.size = url, size
        self._idle: asyncio.Queue[psycopg.AsyncConnection] = asyncio.Queue()

    async def open(self) -> None:
        """Connect `size` connections, and make the table if no worker has yet."""
        async with await psycopg.AsyncConnection.connect(self.url) as first, first.transaction():
            # Workers start together: the lock makes one of them create the table.
            await first.execute("SELECT pg_advisory_xact_lock(4242)")
            await first.execute(CREATE)
        for _ in range(self.size):
            # Autocommit: the INSERT is its own transaction, committed (and, with
            # synchronous_commit on, flushed) before the answer, in one round trip.
            connection = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            self._idle.put_nowait(connection)

    async def close(self) -> None:
        """Close every idle connection."""
        while not self._idle.empty():
            await self._idle.get_nowait().close()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        """A connection of the pool for the block; given back when it ends."""
        connection = await self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put_nowait(connection)


POOL = Pool(
    os.environ.get("SURGE_MINIMAL_DATABASE_URL", "postgresql://yms@127.0.0.1/postgres"),
    int(os.environ.get("SURGE_MINIMAL_POOL", "16")),
)


async def entries(request: Request) -> Response:
    """Store the body as one row, committed before the answer goes out."""
    body = await request.body()
    async with POOL.connection() as connection:
        cursor = await connection.execute(INSERT, (body,))
        row = await cursor.fetchone()
    assert row is not None  # noqa: S101 - RETURNING gives one row
    return JSONResponse({"id": row[0]}, status_code=201)


async def healthz(_request: Request) -> Response:
    """200, touching nothing."""
    return JSONResponse({"status": "ok"})


@contextlib.asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    """Open the pool when the worker starts, close it when it stops."""
    await POOL.open()
    try:
        yield
    finally:
        await POOL.close()


app = Starlette(
    routes=[Route("/entries", entries, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)
