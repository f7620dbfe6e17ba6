"""Where the ledger lives: the database (SQLite or PostgreSQL) and the evidence files.

* The workspace is ``.redline/`` under the current directory, or ``$REDLINE_HOME``.
  It holds ``ledger.db`` (SQLite, WAL mode: nothing to start) and ``evidence/``.
* ``REDLINE_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host/db``) puts the
  entries in PostgreSQL instead, for a team.
* The evidence store is found from the ledger, never from the working directory:
  beside a SQLite file (``<dir of ledger.db>/evidence``), or ``$REDLINE_EVIDENCE_DIR``
  (required for PostgreSQL, where it should be a store every machine of the team
  shares, e.g. a mounted S3-compatible bucket; without it the workspace's is used).
* The schema is created and upgraded by the Alembic migrations shipped in
  ``redline/ledger/migrations`` whenever a ledger is opened.

Appends are serialised so the chain never forks: SQLite ``BEGIN IMMEDIATE`` takes
the database's write lock before the head is read; PostgreSQL takes a
transaction-level advisory lock. The primary key on ``seq`` backs both up.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from redline.ledger.chain import (
    GENESIS_PREV_HASH,
    Entry,
    EntryKind,
    canonical_text,
    entry_hash,
    now,
)
from redline.ledger.errors import LedgerError
from redline.ledger.rules import KeyProblem, KeyRegistry, LocalKey, key_id_of, verify_signature
from redline.ledger.tables import entries as T
from redline.ledger.tree import TreeStore, entry_leaf, insert_nodes, new_nodes

SCHEMA_HEAD = "0005"
"""The newest migration; a test checks it against the migration files."""

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number, the same in every process: the key of the append lock.
_PG_LOCK_KEY = 0x7265646C696E65  # "redline"
_COLUMNS = (T.c.seq, T.c.time, T.c.kind, T.c.actor, T.c.key_id, T.c.payload,
            T.c.prev_hash, T.c.hash, T.c.signature)  # fmt: skip
# The append path runs these for every entry: plain SQL built once costs a fraction
# of composing the same statements with the expression language each time.
_FIELDS = "seq, time, kind, actor, key_id, payload, prev_hash, hash, signature"
_HEAD_SQL = text(f"SELECT {_FIELDS} FROM ledger_entries ORDER BY seq DESC LIMIT 1")
_KEY_ENTRIES_SQL = text(
    f"SELECT {_FIELDS} FROM ledger_entries WHERE seq > :after AND seq <= :upto "
    "AND kind IN ('key_registered', 'key_revoked', 'roster') ORDER BY seq"
)
_INSERT_SQL = text(
    f"INSERT INTO ledger_entries ({_FIELDS}) VALUES (:seq, :time, :kind, :actor, :key_id, "
    ":payload, :prev_hash, :hash, :signature)"
)


def workspace_dir() -> Path:
    """``$REDLINE_HOME`` or ``./.redline``: read at call time, so it can be redirected."""
    home = os.environ.get("REDLINE_HOME")
    return Path(home).expanduser() if home else Path.cwd() / ".redline"


def database_url(workspace: Path) -> str:
    url = os.environ.get("REDLINE_DATABASE_URL")
    return url if url else f"sqlite:///{workspace / 'ledger.db'}"


# ----------------------------------------------------------------- evidence


def evidence_root(url: str, workspace: Path) -> Path:
    """Where a ledger's evidence lives: configured, else beside its SQLite file."""
    configured = os.environ.get("REDLINE_EVIDENCE_DIR")
    if configured:
        return Path(configured).expanduser()
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        return Path(u.database).expanduser().resolve().parent / "evidence"
    return workspace / "evidence"


class EvidenceStore:
    """Content-addressed files: ``evidence/sha256/ab/<hex>``; the ledger keeps digests.

    A file is written under a temporary name and renamed into place, so a reader
    (or a crash) never sees half of one; an existing digest is never rewritten.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / "sha256" / digest[:2] / digest

    def _install(self, tmp: Path, digest: str) -> None:
        final = self.path(digest)
        if final.exists():
            tmp.unlink()
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)

    def _tmp(self) -> tuple[int, Path]:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="in-")
        return fd, Path(name)

    def put_file(self, source: Path) -> str:
        """Copy ``source`` into the store; return its hex SHA-256."""
        fd, tmp = self._tmp()
        h = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(1 << 20):
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = h.hexdigest()
            self._install(tmp, digest)
        except FileNotFoundError:
            tmp.unlink(missing_ok=True)
            raise LedgerError(f"{source}: no such file") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return digest

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if self.path(digest).exists():
            return digest
        fd, tmp = self._tmp()
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            self._install(tmp, digest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return digest

    def check(self, digest: str) -> Literal["ok", "missing", "mismatch"]:
        path = self.path(digest)
        if not path.is_file():
            return "missing"
        h = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        return "ok" if h.hexdigest() == digest else "mismatch"

    def read(self, digest: str) -> bytes:
        """The stored bytes, checked against their digest."""
        try:
            data = self.path(digest).read_bytes()
        except FileNotFoundError:
            raise LedgerError(
                f"evidence {digest[:12]} is not in {self.root} (recorded on another machine?)"
            ) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise LedgerError(f"evidence {digest[:12]} does not match its digest")
        return data


# ------------------------------------------------------------------- engine


def _normalise_url(url: str) -> Any:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        # SQLAlchemy's default PostgreSQL driver is psycopg2; redline ships psycopg 3.
        u = u.set(drivername="postgresql+psycopg")
    return u


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy (our "begin" hook) issue BEGIN, so appends can ask for IMMEDIATE.
    dbapi_conn.isolation_level = None
    deadline = time.monotonic() + 60
    while True:
        try:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError:
            # Switching a new file to WAL needs a moment of exclusive access.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    # NORMAL in WAL mode: a killed process loses nothing it committed; a power cut
    # may lose the last commits but never corrupts the file or the chain.
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("redline_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    u = _normalise_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(u, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        return create_engine(u, pool_pre_ping=True)
    raise LedgerError(f"unsupported database {u.drivername!r}: use SQLite or PostgreSQL")


# ------------------------------------------------------------------- ledger


PayloadSource = Mapping[str, Any] | Callable[[Sequence[Entry]], Mapping[str, Any]]


@dataclass(frozen=True)
class Pending:
    """An entry to append. A callable payload is built under the append lock from the
    entries appended before it in the same call (to cite their hashes). ``skip_if``, when
    given, is asked under the same lock (with the locked connection) whether the entry is
    already there, so that two writers cannot both append it."""

    kind: EntryKind
    payload: PayloadSource
    skip_if: Callable[[Connection], bool] | None = None


def _row(r: Any) -> Entry:
    # Positional, in _FIELDS order: verification builds one Entry per row.
    return Entry(int(r[0]), *r[1:])


class Ledger:
    """An open ledger: append entries, read them back, store evidence.

    Thread-compatible, not thread-safe: use one per thread (or process).
    """

    def __init__(self, url: str, workspace: Path) -> None:
        self.url = url
        self.workspace = workspace
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self.evidence = EvidenceStore(evidence_root(url, workspace))
        self._registry = KeyRegistry()
        try:
            self._migrate()
        except BaseException:
            self.engine.dispose()
            raise

    # -- lifecycle

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the entries are, for messages (no password)."""
        return make_url(self.url).render_as_string(hide_password=True)

    def _migrate(self) -> None:
        try:
            with self.engine.connect() as conn:
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            current = None
        if current == SCHEMA_HEAD:
            return
        from alembic import command
        from alembic.config import Config
        from alembic.util import CommandError

        with self.write() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, "head")
            except CommandError as exc:
                raise LedgerError(
                    f"{self.location}: ledger schema {current!r} is not one this version "
                    f"of redline knows ({exc}); upgrade redline"
                ) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that holds the append lock: one writer at a time."""
        try:
            with self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    conn.execution_options(redline_begin="IMMEDIATE")
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                    yield conn
        except IntegrityError as exc:
            raise LedgerError(
                f"{self.location}: another writer appended at the same sequence number "
                f"without taking the append lock; nothing was written ({exc.orig})"
            ) from None

    # -- appending

    def _refresh_registry(self, conn: Connection, head_seq: int) -> KeyRegistry:
        """Bring the cached key registry up to ``head_seq`` (key entries only).

        Key entries whose hash or signature does not hold are skipped: a tampered
        registration must not let anyone append. ``redline verify`` names them.
        """
        reg = self._registry
        if reg.seq == head_seq:  # nothing appended since we last looked
            return reg
        if reg.seq > head_seq:  # the database was replaced under us
            reg = KeyRegistry()
        rows = conn.execute(_KEY_ENTRIES_SQL, {"after": reg.seq, "upto": head_seq})
        for entry in map(_row, rows):
            try:
                data = entry.data()
                raw = reg.admit(entry.kind, entry.actor, entry.key_id, data)
            except (KeyProblem, ValueError):
                continue
            if (
                entry.computed_hash() != entry.hash
                or key_id_of(raw) != entry.key_id
                or not verify_signature(raw, entry.signature, entry.hash)
            ):
                continue
            reg.apply(entry.seq, entry.time, entry.kind, entry.key_id, data)
        reg.seq = head_seq
        self._registry = reg
        return reg

    def append(self, kind: EntryKind, payload: Mapping[str, Any], key: LocalKey) -> Entry:
        return self.append_many([Pending(kind, payload)], key)[0]

    def append_many(self, items: Sequence[Pending], key: LocalKey) -> list[Entry]:
        """Append entries signed by ``key`` in one transaction: all of them or none."""
        try:
            return self._append_many(items, key)
        except BaseException:
            # The cached key registry may have seen entries that were rolled back.
            self._registry = KeyRegistry()
            raise

    def _append_many(self, items: Sequence[Pending], key: LocalKey) -> list[Entry]:
        with self.write() as conn:
            head = self._head(conn)
            seq = head.seq if head else 0
            prev = head.hash if head else GENESIS_PREV_HASH
            last_time = head.time if head else ""
            registry = self._refresh_registry(conn, seq)
            made: list[Entry] = []
            for item in items:
                if item.skip_if is not None and item.skip_if(conn):
                    continue
                data = dict(item.payload(made) if callable(item.payload) else item.payload)
                payload = canonical_text(data)
                seq += 1
                # Entry times never go backwards, even across machines with skewed clocks.
                t = max(now(), last_time)
                try:
                    raw = registry.admit(item.kind.value, key.name, key.key_id, data)
                except KeyProblem as exc:
                    if registry.keys and key.key_id not in registry.keys:
                        raise LedgerError(
                            f"key {key.name!r} ({key.key_id[:12]}) is not registered in the "
                            f"ledger at {self.location}; a holder of a registered key must "
                            f"admit it: redline keys register {key.name} --public-key FILE "
                            "--by THEIR_KEY"
                        ) from None
                    raise LedgerError(f"key {key.name!r}: {exc}") from None
                if raw != key.public_raw:
                    raise LedgerError(f"key {key.name!r} does not match its registration")
                h = entry_hash(
                    seq=seq, time=t, kind=item.kind.value, actor=key.name,
                    key_id=key.key_id, payload=payload, prev_hash=prev,
                )  # fmt: skip
                entry = Entry(
                    seq=seq, time=t, kind=item.kind.value, actor=key.name, key_id=key.key_id,
                    payload=payload, prev_hash=prev, hash=h,
                    signature=key.sign(bytes.fromhex(h)).hex(),
                )  # fmt: skip
                registry.apply(seq, t, entry.kind, key.key_id, data)
                made.append(entry)
                prev, last_time = h, t
            if made:
                conn.execute(_INSERT_SQL, [_as_row(e) for e in made])
                first = made[0].seq - 1
                leaves = [entry_leaf(e) for e in made]
                insert_nodes(conn, new_nodes(first, leaves, TreeStore(conn)))
        return made

    # -- reading

    def _head(self, conn: Connection) -> Entry | None:
        row = conn.execute(_HEAD_SQL).first()
        return _row(row) if row else None

    def head(self) -> Entry | None:
        with self.engine.connect() as conn:
            return self._head(conn)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(T)).scalar_one())

    def entry(self, seq: int) -> Entry | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS).where(T.c.seq == seq)).first()
        return _row(row) if row else None

    @staticmethod
    def entries_in(conn: Connection, kinds: Sequence[str]) -> Iterator[Entry]:
        """Entries of the given kinds, read on ``conn`` (e.g. under the append lock)."""
        q = select(*_COLUMNS).where(T.c.kind.in_(list(kinds))).order_by(T.c.seq)
        for r in conn.execute(q):
            yield _row(r)

    def entries(
        self, *, after: int = 0, kinds: Sequence[str] | None = None, batch: int = 5000
    ) -> Iterator[Entry]:
        """Entries in sequence order, read in batches within one snapshot."""
        with self.engine.connect() as conn, conn.begin():
            last = after
            while True:
                q = select(*_COLUMNS).where(T.c.seq > last)
                if kinds is not None:
                    q = q.where(T.c.kind.in_(list(kinds)))
                rows = conn.execute(q.order_by(T.c.seq).limit(batch)).all()
                for r in rows:
                    yield _row(r)
                if len(rows) < batch:
                    return
                last = int(rows[-1][0])

    def by_hash_prefix(self, prefix: str, kind: str | None = None) -> list[Entry]:
        """Entries whose hash starts with ``prefix`` (hex), as git resolves short ids."""
        prefix = prefix.lower()
        q = select(*_COLUMNS).where(T.c.hash >= prefix, T.c.hash < prefix + "g")
        if kind is not None:
            q = q.where(T.c.kind == kind)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q.limit(10))]

    @contextmanager
    def tree(self) -> Iterator[tuple[int, TreeStore]]:
        """(tree size, the Merkle tree) in one snapshot: size = number of entries."""
        with self.engine.connect() as conn, conn.begin():
            head = self._head(conn)
            yield (head.seq if head else 0), TreeStore(conn)

    def key_registry(self) -> KeyRegistry:
        """The keys in force now (from key entries whose signatures hold)."""
        with self.engine.connect() as conn, conn.begin():
            head = self._head(conn)
            return self._refresh_registry(conn, head.seq if head else 0).copy()


def _as_row(e: Entry) -> dict[str, Any]:
    return {
        "seq": e.seq, "time": e.time, "kind": e.kind, "actor": e.actor, "key_id": e.key_id,
        "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash, "signature": e.signature,
    }  # fmt: skip


def open_ledger(
    workspace: Path | None = None, url: str | None = None, *, create: bool = True
) -> Ledger:
    """Open (creating and migrating as needed) the ledger of a workspace.

    With ``create=False`` a missing SQLite file is an error instead of a new empty
    ledger, so that read-only commands run in the wrong directory say so.
    """
    ws = workspace if workspace is not None else workspace_dir()
    url = url or database_url(ws)
    if make_url(url).get_backend_name() == "sqlite":
        db = make_url(url).database
        if db and db != ":memory:":
            path = Path(db)
            if not create and not path.exists():
                raise LedgerError(
                    f"no ledger at {path} (set REDLINE_HOME, or run redline keys create "
                    "or redline assess here first)"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
    if create:
        ws.mkdir(parents=True, exist_ok=True)
    try:
        return Ledger(url, ws)
    except DBAPIError as exc:
        where = make_url(url).render_as_string(hide_password=True)
        raise LedgerError(f"cannot open the ledger at {where}: {exc.orig}") from None
