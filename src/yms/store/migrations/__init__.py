"""Alembic migrations of the yms database.

`HEAD` names the latest revision so that commands can check the database is up
to date without loading Alembic; a test holds it equal to Alembic's own head.
"""

HEAD = "0005"
