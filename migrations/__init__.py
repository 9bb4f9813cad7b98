"""Alembic migrations for mltrack, shipped as ``mltrack.migrations``."""
