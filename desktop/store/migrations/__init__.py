"""Alembic migrations of the dengji schema, for the local SQLite and the central PostgreSQL."""
