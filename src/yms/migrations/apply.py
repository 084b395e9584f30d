"""Schema migrations (Alembic), run from code: ``yms db upgrade`` and the test suite use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from yms.platform.db import Database

MIGRATIONS = Path(__file__).parent


def alembic_config(database: Database) -> Config:
    """Alembic's configuration for `database`, with no ``alembic.ini`` needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = database.engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every migration up to `revision` (the latest by default)."""
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def check(database: Database) -> None:
    """Raise if the models have changes no migration holds (``alembic check``)."""
    config = alembic_config(database)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)


def head() -> str | None:
    """The latest revision shipped."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
