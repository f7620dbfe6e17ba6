"""The tables of sign-in: throttling state, second factors, recovery codes, the
second factor a session passed, and single sign-on identities.

They live on the portal's MetaData but apart from ``tables.py``; ledger migration
0005 creates them, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, String, Table, Text

from redline.portal.tables import metadata

throttle = Table(
    "portal_login_throttle",
    metadata,
    # "pair:<name>\n<address>", "account:<name>" or "address:<address>"
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", Float, nullable=False),
    # The earliest time the next attempt of this pair is checked.
    Column("not_before", Float, nullable=False),
)

totp_secrets = Table(
    "portal_totp_secrets",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    # Fernet token (AES-128-CBC + HMAC-SHA256) under the server's TOTP key.
    Column("secret", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("created", Float, nullable=False),
    # The last time step accepted: a code is never accepted twice.
    Column("last_step", Integer, nullable=False),
)

recovery_codes = Table(
    "portal_recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("code_hash", String(64), nullable=False),
    Column("used", Float),
)

# A sign-in that passed the password (or the identity provider) and waits for the
# second factor, or for enrolment in one.
pending = Table(
    "portal_login_pending",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("purpose", String(16), nullable=False),  # "verify" or "enrol"
    Column("csrf", String(64), nullable=False),
    Column("expires", Float, nullable=False),
    Column("failures", Integer, nullable=False),
)

# Which second factor a session passed, keyed like portal_sessions.
session_factors = Table(
    "portal_session_factors",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("factor", String(16), nullable=False),  # "totp" or "recovery"
    Column("at", Float, nullable=False),
)

oidc_identities = Table(
    "portal_oidc_identities",
    metadata,
    Column("issuer", String(300), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column("user_id", Integer, nullable=False, unique=True),
    # What the claims mapped to at the last sign-in (JSON): organisation, scopes.
    Column("mapped", Text, nullable=False),
    Column("last_login", Float, nullable=False),
)

oidc_pending = Table(
    "portal_oidc_pending",
    metadata,
    Column("state", String(64), primary_key=True),
    Column("provider", String(64), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("verifier", String(128), nullable=False),
    # SHA-256 of the browser's pre-session cookie: the callback must come back
    # to the browser that started the sign-in.
    Column("browser", String(64), nullable=False),
    Column("expires", Float, nullable=False),
)
