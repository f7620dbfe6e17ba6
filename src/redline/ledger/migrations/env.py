"""Alembic environment: runs on the connection the ledger hands over.

The ledger opens a write transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an
advisory lock) before calling Alembic, so processes that open a new ledger at the
same moment migrate it once, one after the other.
"""

from __future__ import annotations

from alembic import context

from redline.ledger.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
