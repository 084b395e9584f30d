"""Persistence: SQLAlchemy models, the database and its transactions, migrations."""
