"""The portal's tables (SQLAlchemy Core), created by ledger migrations 0002 and 0004
(the sign-in tables of ``auth_tables.py``: 0005)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

users = Table(
    "portal_users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("organisation", String(200)),
    Column("org_kind", String(32)),
    Column("key_name", String(64), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created", String(27), nullable=False),
    Column("org_id", Integer),
)  # fmt: skip

# A lab (owns frameworks) or a reviewing body (institute, government, regulator,
# third-party evaluator). ``organisation``/``org_kind`` on users copy its name and kind.
organisations = Table(
    "portal_organisations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("created", String(27), nullable=False),
    Column("entry_hash", String(64)),
)  # fmt: skip

# Author of a framework, or signatory for one of its governance roles. A reviewer's
# scope is their invitation to a round (``invitations``).
scopes = Table(
    "portal_scopes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False),
    Column("framework_id", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("role", String(64)),
    Column("granted", String(27), nullable=False),
    Column("granted_by", Integer),
    Column("entry_hash", String(64)),
    Column("roster_entry", String(64)),
    Column("revoked", String(27)),
    Column("revoked_entry", String(64)),
)  # fmt: skip

sessions = Table(
    "portal_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
)  # fmt: skip

frameworks = Table(
    "portal_frameworks", metadata,
    Column("framework_id", String(200), primary_key=True),
    Column("owner_id", Integer, nullable=False),
    Column("org_id", Integer),
)  # fmt: skip

versions = Table(
    "portal_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(200), nullable=False),
    Column("version", String(100), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("uploaded_by", Integer, nullable=False),
    Column("created", String(27), nullable=False),
    Column("previous_id", Integer),
    Column("published", String(27)),
    Column("publication", Text),
)  # fmt: skip

rounds = Table(
    "portal_rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, nullable=False),
    Column("opened_by", Integer, nullable=False),
    Column("opened", String(27), nullable=False),
    Column("closed", String(27)),
)  # fmt: skip

invitations = Table(
    "portal_invitations", metadata,
    Column("round_id", Integer, primary_key=True),
    Column("user_id", Integer, primary_key=True),
    Column("invited", String(27), nullable=False),
    Column("verdict", String(16)),
    Column("verdict_entry", String(64)),
    Column("entry_hash", String(64)),
)  # fmt: skip

comments = Table(
    "portal_comments", metadata,
    Column("entry_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Column("round_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("element", String(300), nullable=False),
    Column("user_id", Integer, nullable=False),
)  # fmt: skip
