"""Alembic migrations of the ledger schema, run programmatically when a ledger opens."""
