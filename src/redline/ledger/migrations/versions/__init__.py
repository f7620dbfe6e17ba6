"""Alembic revision files (alembic ignores this module)."""
