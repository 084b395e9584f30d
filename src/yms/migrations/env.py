"""Alembic's entry point: migrates the connection (or URL) that `yms.migrations.apply` gives it."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from yms.migrations.metadata import Base
from yms.platform.db import create_database_engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by rebuilding them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_given = context.config.attributes.get("connection")
if _given is not None:
    _run(_given)
else:
    _engine = create_database_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with _engine.connect() as _connection:
        _run(_connection)
    _engine.dispose()
