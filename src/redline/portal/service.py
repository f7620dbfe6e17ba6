"""The portal's library layer: accounts, sessions, review rounds, comments, verdicts,
publication and sign-offs, over one ledger. Routes call these; so does the CLI.

Every comment and verdict is a signed ``review_comment`` ledger entry; every sign-off
a ``sign_off`` entry (:func:`redline.ledger.signoff.sign_decision`). Each account has
its own Ed25519 key, held by the server under ``<workspace>/portal/keys`` and admitted
to the ledger by the portal's service key (docs/security.md says what that proves).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from redline.decide.materiality import materiality
from redline.framework import schema as S
from redline.framework.diff import diff
from redline.framework.load import Loaded, Problem, load_text
from redline.ledger.chain import Entry, EntryKind, now
from redline.ledger.errors import LedgerError
from redline.ledger.keys import Keyring, LocalKey, register_key, signing_key
from redline.ledger.store import Ledger, _row, open_ledger
from redline.ledger.tables import entries as E
from redline.portal import tables as T
from redline.portal.accounts import (
    DUMMY_HASH,
    MAX_COMMENT,
    MAX_FRAMEWORK_BYTES,
    ORG_KINDS,
    REVIEWING_KINDS,
    ROLE_WORDS,
    ROLES,
    SERVICE_KEY,
    USERNAME_RE,
    VERDICTS,
    PortalError,
    User,
    hash_password,
    token_hash,
    user_from_row,
    verify_password,
)
from redline.portal.passwords import check_password
from redline.portal.settings import Settings
from redline.portal.tenancy import Tenancy
from redline.publish.changes import DiffView, diff_view


class Portal(Tenancy):
    """One ledger, the portal's tables in the same database, and the server-held keys.

    Organisations, scopes, decisions and sign-offs are in :class:`Tenancy`.

    ``Ledger`` is thread-compatible, not thread-safe: its cached key registry is only
    touched under ``self.lock`` (appends and key lookups); plain reads share the
    engine, which is thread-safe.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ledger: Ledger = open_ledger(settings.workspace, settings.url)
        self.engine = self.ledger.engine
        self.keyring = Keyring(settings.keys_dir)
        self.lock = threading.RLock()
        self._keys: dict[str, LocalKey] = {}
        self._frameworks: dict[str, S.Framework] = {}
        self.service_key = self._service_key()

    def close(self) -> None:
        self.ledger.close()

    # ------------------------------------------------------------ keys

    def _service_key(self) -> LocalKey:
        """The portal's own key, which admits the accounts' keys to the ledger.

        In a ledger without keys it registers itself; otherwise the operator's key
        (``$REDLINE_KEY`` or ``redline-local``) must be registered and admits it.
        """
        with self.lock:
            if self.keyring.exists(SERVICE_KEY):
                key = self.keyring.load(SERVICE_KEY)
            else:
                key = self.keyring.create(SERVICE_KEY)
            registry = self.ledger.key_registry()
            if key.key_id in registry.keys:
                return key
            if not registry.keys:
                register_key(self.ledger, SERVICE_KEY, key.public, key)
            else:
                try:
                    admitter = signing_key(self.ledger)
                except LedgerError as exc:
                    raise LedgerError(
                        f"the portal's key is not registered in this ledger and no key of "
                        f"yours can admit it: {exc}"
                    ) from None
                register_key(self.ledger, SERVICE_KEY, key.public, admitter)
            return key

    def user_key(self, user: User) -> LocalKey:
        with self.lock:
            key = self._keys.get(user.key_name)
            if key is None:
                key = self.keyring.load(user.key_name)
                self._keys[user.key_name] = key
            return key

    # ------------------------------------------------------------ db helpers

    def _write(self) -> Any:
        return self.ledger.write()

    def _read(self) -> Any:
        return self.engine.connect()

    # ------------------------------------------------------------ accounts

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str | None = None,
        *,
        organisation: str | None = None,
        actor: User | None = None,
    ) -> User:
        """An account of ``organisation`` (an organisation's id): a lab for authors and
        signatories, a reviewing body for reviewers, optional for administrators."""
        if not USERNAME_RE.fullmatch(username):
            raise PortalError(
                "a username is 1-40 lower-case letters, digits, '.', '_' or '-', starting "
                "with a letter or digit"
            )
        if role not in ROLES:
            raise PortalError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        org = self.organisation(organisation) if organisation else None
        if organisation and org is None:
            raise PortalError(f"no organisation {organisation!r}: add it first")
        if role == "reviewer" and (org is None or org["kind"] not in REVIEWING_KINDS):
            raise PortalError(
                "a trusted reviewer belongs to a reviewing body ("
                + ", ".join(ORG_KINDS[k] for k in REVIEWING_KINDS) + ")"
            )
        if role in ("author", "signatory") and (org is None or org["kind"] != "lab"):
            raise PortalError(f"a {ROLE_WORDS[role].lower()} belongs to a lab (an AI developer)")
        if self.user_by_name(username) is not None:
            raise PortalError(f"user {username!r} already exists")
        check_password(password, username, display_name)
        pw = hash_password(password)
        key_name = f"portal-{username}"
        with self.lock:
            if self.keyring.exists(key_name):
                key = self.keyring.load(key_name)
            else:
                key = self.keyring.create(key_name)
            if key.key_id not in self.ledger.key_registry().keys:
                register_key(self.ledger, key_name, key.public, self.service_key)
            self.access_entry(actor, "account_added", account=username, key=key_name,
                              role=role, organisation=org["slug"] if org else None)  # fmt: skip
        with self._write() as conn:
            conn.execute(
                insert(T.users).values(
                    username=username,
                    password_hash=pw,
                    role=role,
                    display_name=display_name or username,
                    organisation=org["name"] if org else None,
                    org_kind=org["kind"] if org else None,
                    org_id=org["id"] if org else None,
                    key_name=key_name,
                    disabled=False,
                    created=now(),
                )
            )
        user = self.user_by_name(username)
        assert user is not None
        return user

    def user_by_name(self, username: str) -> User | None:
        with self._read() as conn:
            r = conn.execute(select(T.users).where(T.users.c.username == username)).first()
        return user_from_row(r) if r else None

    def user_by_id(self, user_id: int) -> User | None:
        with self._read() as conn:
            r = conn.execute(select(T.users).where(T.users.c.id == user_id)).first()
        return user_from_row(r) if r else None

    def users(self, role: str | None = None) -> list[User]:
        q = select(T.users).order_by(T.users.c.username)
        if role:
            q = q.where(T.users.c.role == role)
        with self._read() as conn:
            return [user_from_row(r) for r in conn.execute(q)]

    def set_disabled(self, username: str, disabled: bool = True,
                     actor: User | None = None) -> User:  # fmt: skip
        user = self.user_by_name(username)
        if user is None:
            raise PortalError(f"no user {username!r}")
        self.access_entry(actor, "account_disabled" if disabled else "account_enabled",
                          account=username, key=user.key_name)  # fmt: skip
        with self._write() as conn:
            conn.execute(update(T.users).where(T.users.c.id == user.id).values(disabled=disabled))
            if disabled:
                conn.execute(delete(T.sessions).where(T.sessions.c.user_id == user.id))
        return self.user_by_name(username) or user

    # ------------------------------------------------------------ login

    def authenticate(self, username: str, password: str) -> User | None:
        """The user, or None for any wrong name or password (the same either way).

        Throttling of repeated failures is the caller's (:mod:`redline.portal.throttle`).
        """
        with self._read() as conn:
            r = conn.execute(select(T.users).where(T.users.c.username == username)).first()
        ok = verify_password(r.password_hash if r is not None else DUMMY_HASH, password)
        if r is None or not ok or r.disabled:
            return None
        return user_from_row(r)

    def create_session(self, user: User) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        t = time.time()
        with self._write() as conn:
            conn.execute(delete(T.sessions).where(T.sessions.c.expires < t))
            conn.execute(
                insert(T.sessions).values(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    csrf=csrf,
                    created=t,
                    expires=t + self.settings.session_hours * 3600,
                )
            )
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        with self._read() as conn:
            r = conn.execute(
                select(T.sessions.c.csrf, T.sessions.c.expires, T.users)
                .join(T.users, T.users.c.id == T.sessions.c.user_id)
                .where(T.sessions.c.token_hash == token_hash(token))
            ).first()  # fmt: skip
        if r is None or r.expires < time.time() or r.disabled:
            return None
        return user_from_row(r), str(r.csrf)

    def end_session(self, token: str) -> None:
        with self._write() as conn:
            conn.execute(delete(T.sessions).where(T.sessions.c.token_hash == token_hash(token)))

    # ------------------------------------------------------------ frameworks

    def check_framework(self, text: str, file_name: str) -> Loaded:
        """Validate exactly as ``redline validate`` does."""
        return load_text(text, file_name)

    def upload_version(self, user: User, text: str) -> tuple[int | None, Loaded]:
        """Record a framework version (a ``framework_adopted`` entry signed by the author)."""
        if len(text.encode("utf-8")) > MAX_FRAMEWORK_BYTES:
            return None, Loaded(
                "framework.yaml", None,
                [Problem("framework.yaml", 1, 1, "", "the file is larger than 1 MB")],
            )  # fmt: skip
        loaded = self.check_framework(text, "framework.yaml")
        if loaded.framework is None or loaded.errors:
            return None, loaded
        meta = loaded.framework.framework
        with self._read() as conn:
            claimed = conn.execute(
                select(T.frameworks.c.framework_id).where(T.frameworks.c.framework_id == meta.id)
            ).scalar()
            clash = conn.execute(
                select(T.versions.c.id).where(
                    T.versions.c.framework_id == meta.id, T.versions.c.version == meta.version
                )
            ).scalar()
        if claimed is None and (user.org_id is None or user.org_kind != "lab"):
            raise PortalError("only an author of a lab can record a framework")
        if claimed is not None and not self.has_scope(user, meta.id, "author"):
            # The same words whether another lab owns it or a colleague does.
            raise PortalError(
                f"you are not an author of framework {meta.id!r}; choose another "
                "framework.id or ask an administrator for the author scope"
            )
        if clash is not None:
            raise PortalError(
                f"version {meta.version!r} of {meta.id!r} is already recorded; a revision "
                "needs a new framework.version"
            )
        from redline.ledger.record import adopt_framework

        name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{meta.id}-{meta.version}")[:150] + ".yaml"
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / name
            path.write_text(text, encoding="utf-8")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            with self.lock:
                entry = adopt_framework(self.ledger, path, self.user_key(user))
        prev = self.latest_version(meta.id)
        with self._write() as conn:
            if claimed is None:
                conn.execute(insert(T.frameworks).values(framework_id=meta.id, owner_id=user.id,
                                                         org_id=user.org_id))  # fmt: skip
            res = conn.execute(
                insert(T.versions).values(
                    framework_id=meta.id,
                    version=meta.version,
                    entry_hash=entry.hash,
                    sha256=digest,
                    file_name=name,
                    uploaded_by=user.id,
                    created=now(),
                    previous_id=prev["id"] if prev else None,
                )
            )
            vid = int(res.inserted_primary_key[0])
        if claimed is None:
            self.grant_scope(user, user, meta.id, "author")
        return vid, loaded

    def latest_version(self, framework_id: str) -> dict[str, Any] | None:
        with self._read() as conn:
            r = conn.execute(
                select(T.versions).where(T.versions.c.framework_id == framework_id)
                .order_by(T.versions.c.id.desc()).limit(1)
            ).first()  # fmt: skip
        return dict(r._mapping) if r else None

    def version(self, version_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            r = conn.execute(select(T.versions).where(T.versions.c.id == version_id)).first()
        return dict(r._mapping) if r else None

    def versions(self, owner: User | None = None) -> list[dict[str, Any]]:
        """Every version, or those of the frameworks ``owner`` holds the author scope on."""
        q = select(T.versions).order_by(T.versions.c.framework_id, T.versions.c.id)
        if owner is not None:
            q = q.where(T.versions.c.framework_id.in_(sorted(self.authored_frameworks(owner))))
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def framework_text(self, version: dict[str, Any]) -> str:
        return self.ledger.evidence.read(version["sha256"]).decode("utf-8")

    def framework(self, version: dict[str, Any]) -> S.Framework:
        """The recorded version, loaded (cached by digest: a version never changes)."""
        digest = str(version["sha256"])
        with self.lock:
            fw = self._frameworks.get(digest)
        if fw is None:
            loaded = load_text(self.framework_text(version), version["file_name"])
            if loaded.framework is None:
                raise PortalError("the recorded framework no longer loads")
            fw = loaded.framework
            with self.lock:
                if len(self._frameworks) > 64:
                    self._frameworks.clear()
                self._frameworks[digest] = fw
        return fw

    def revision(self, version: dict[str, Any]) -> DiffView | None:
        """What a version changed in the commitments against the version it revises
        (redline diff, trusted view), weakenings first; None for a first version."""
        if not version.get("previous_id"):
            return None
        prev = self.version(int(version["previous_id"]))
        if prev is None:
            return None
        old, new = self.framework(prev), self.framework(version)
        changes = diff(old, new)
        return diff_view(old, new, changes, materiality(old, new, changes), "trusted")

    # ------------------------------------------------------------ review rounds

    def open_round(self, user: User, version_id: int, invitees: Sequence[int]) -> int:
        t = now()
        with self._write() as conn:
            open_ = conn.execute(
                select(T.rounds.c.id).where(
                    T.rounds.c.version_id == version_id, T.rounds.c.closed.is_(None)
                )
            ).scalar()
            if open_ is not None:
                raise PortalError("this version already has an open review round")
            res = conn.execute(
                insert(T.rounds).values(version_id=version_id, opened_by=user.id, opened=t)
            )
            rid = int(res.inserted_primary_key[0])
        self.invite(user, rid, invitees)
        return rid

    def invite(self, user: User, round_id: int, invitees: Sequence[int]) -> None:
        """Invite reviewers to a round: each invitation is the reviewer's scope on the
        round, recorded as an ``access_changed`` entry signed by the inviting author."""
        reviewers = {u.id: u for u in self.users("reviewer") if not u.disabled}
        rnd = self.round(round_id)
        version = self.version(int(rnd["version_id"])) if rnd else None
        assert version is not None
        with self._read() as conn:
            have = {
                int(x) for x in conn.execute(
                    select(T.invitations.c.user_id).where(T.invitations.c.round_id == round_id)
                ).scalars()
            }  # fmt: skip
        new = [uid for uid in dict.fromkeys(invitees) if uid not in have]
        if any(uid not in reviewers for uid in new):
            raise PortalError("only trusted reviewers can be invited")
        for uid in new:
            who = reviewers[uid]
            scope = {"framework": version["framework_id"], "kind": "reviewer",
                     "round": round_id, "version": version["version"]}  # fmt: skip
            entry = self.access_entry(user, "scope_granted", account=who.username,
                                      key=who.key_name, scope=scope)  # fmt: skip
            with self._write() as conn:
                conn.execute(
                    insert(T.invitations).values(
                        round_id=round_id, user_id=uid, invited=now(), entry_hash=entry.hash
                    )
                )

    def round(self, round_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            r = conn.execute(select(T.rounds).where(T.rounds.c.id == round_id)).first()
        return dict(r._mapping) if r else None

    def rounds_of(self, version_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [
                dict(r._mapping)
                for r in conn.execute(
                    select(T.rounds)
                    .where(T.rounds.c.version_id == version_id)
                    .order_by(T.rounds.c.id)
                )
            ]

    def invitations(self, round_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(T.invitations, T.users.c.username, T.users.c.display_name,
                       T.users.c.organisation, T.users.c.org_kind)
                .join(T.users, T.users.c.id == T.invitations.c.user_id)
                .where(T.invitations.c.round_id == round_id)
                .order_by(T.users.c.username)
            )  # fmt: skip
            return [dict(r._mapping) for r in rows]

    def invited(self, user: User, round_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            r = conn.execute(
                select(T.invitations).where(
                    T.invitations.c.round_id == round_id, T.invitations.c.user_id == user.id
                )
            ).first()
        return dict(r._mapping) if r else None

    def rounds_for_reviewer(self, user: User) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(T.rounds, T.invitations.c.verdict, T.versions.c.framework_id,
                       T.versions.c.version)
                .join(T.invitations, T.invitations.c.round_id == T.rounds.c.id)
                .join(T.versions, T.versions.c.id == T.rounds.c.version_id)
                .where(T.invitations.c.user_id == user.id)
                .order_by(T.rounds.c.id.desc())
            )  # fmt: skip
            return [dict(r._mapping) for r in rows]

    def comment(self, user: User, round_id: int, element: str, text: str) -> Entry:
        """A signed ``review_comment`` on the round's framework version, anchored to an
        element id (``level:<id>``, ``safeguard:<id>``, ``rule:<id>``, ...)."""
        rnd = self.round(round_id)
        if rnd is None or rnd["closed"] is not None:
            raise PortalError("this review round is closed")
        text = text.strip()
        if not text:
            raise PortalError("a comment needs text")
        if len(text) > MAX_COMMENT:
            raise PortalError(f"a comment is at most {MAX_COMMENT} characters")
        version = self.version(int(rnd["version_id"]))
        assert version is not None
        if element not in element_ids(self.framework(version)):
            raise PortalError("no such element in this framework version")
        payload = {
            "subject": version["entry_hash"],
            "text": text,
            "element": element,
            "review_round": round_id,
            "framework": {"id": version["framework_id"], "version": version["version"]},
            "reviewer": {"organisation": user.organisation, "kind": user.org_kind},
        }
        with self.lock:
            entry = self.ledger.append(EntryKind.REVIEW_COMMENT, payload, self.user_key(user))
        self._index(entry, round_id, int(version["id"]), element, user.id)
        return entry

    def _index(self, entry: Entry, round_id: int, version_id: int, element: str,
               user_id: int) -> None:  # fmt: skip
        with self._write() as conn:
            conn.execute(
                insert(T.comments).values(
                    entry_seq=entry.seq,
                    entry_hash=entry.hash,
                    round_id=round_id,
                    version_id=version_id,
                    element=element,
                    user_id=user_id,
                )
            )

    def reindex(self) -> int:
        """Index comments the ledger holds but the index lacks (after a crash between
        the append and the index write). Returns how many were added."""
        with self._read() as conn:
            last = conn.execute(select(func.max(T.comments.c.entry_seq))).scalar() or 0
            names = {r.key_name: int(r.id) for r in conn.execute(select(T.users))}
            versions = {r.entry_hash: int(r.id) for r in conn.execute(select(T.versions))}
        added = 0
        for e in self.ledger.entries(after=int(last), kinds=[EntryKind.REVIEW_COMMENT.value]):
            d = e.data()
            if d.get("element") and e.actor in names and d.get("subject") in versions:
                self._index(e, int(d.get("review_round", 0)), versions[d["subject"]],
                            str(d["element"]), names[e.actor])  # fmt: skip
                added += 1
        return added

    def comments(self, *, round_id: int | None = None,
                 version_id: int | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Comments (and verdicts) with their ledger entries, oldest first."""
        q = (
            select(T.comments, T.users.c.display_name, T.users.c.organisation,
                   T.users.c.org_kind, E.c.payload, E.c.time, E.c.actor)
            .join(T.users, T.users.c.id == T.comments.c.user_id)
            .join(E, E.c.seq == T.comments.c.entry_seq)
            .order_by(T.comments.c.entry_seq)
        )  # fmt: skip
        if round_id is not None:
            q = q.where(T.comments.c.round_id == round_id)
        if version_id is not None:
            q = q.where(T.comments.c.version_id == version_id)
        out = []
        with self._read() as conn:
            for r in conn.execute(q):
                row = dict(r._mapping)
                data = json.loads(row.pop("payload"))
                row["text"] = data.get("text", "")
                row["verdict"] = data.get("verdict")
                out.append(row)
        return out

    def end_review(self, user: User, round_id: int, verdict: str, statement: str) -> Entry:
        """The reviewer's verdict on the round: approve or object, with a statement."""
        if verdict not in VERDICTS:
            raise PortalError("the verdict is approve or object")
        statement = statement.strip()
        if not statement:
            raise PortalError("a verdict needs a statement")
        if len(statement) > MAX_COMMENT:
            raise PortalError(f"a statement is at most {MAX_COMMENT} characters")
        rnd = self.round(round_id)
        inv = self.invited(user, round_id)
        if rnd is None or inv is None:
            raise PortalError("you are not invited to this review round")
        if rnd["closed"] is not None:
            raise PortalError("this review round is closed")
        if inv["verdict"] is not None:
            raise PortalError("you have already given your verdict in this round")
        version = self.version(int(rnd["version_id"]))
        assert version is not None
        payload = {
            "subject": version["entry_hash"],
            "text": statement,
            "element": "framework",
            "verdict": verdict,
            "review_round": round_id,
            "framework": {"id": version["framework_id"], "version": version["version"]},
            "reviewer": {"organisation": user.organisation, "kind": user.org_kind},
        }
        with self.lock:
            entry = self.ledger.append(EntryKind.REVIEW_COMMENT, payload, self.user_key(user))
        self._index(entry, round_id, int(version["id"]), "framework", user.id)
        with self._write() as conn:
            conn.execute(
                update(T.invitations)
                .where(and_(T.invitations.c.round_id == round_id,
                            T.invitations.c.user_id == user.id))
                .values(verdict=verdict, verdict_entry=entry.hash)
            )  # fmt: skip
        return entry

    def close_round(self, round_id: int) -> None:
        with self._write() as conn:
            conn.execute(
                update(T.rounds).where(T.rounds.c.id == round_id, T.rounds.c.closed.is_(None))
                .values(closed=now())
            )  # fmt: skip

    # ------------------------------------------------------------ publication

    def review_record(self, version_id: int) -> dict[str, Any]:
        """Who outside the company reviewed this version, and how (commitment VIII)."""
        approved: list[dict[str, Any]] = []
        objected: list[dict[str, Any]] = []
        pending: list[dict[str, Any]] = []
        for rnd in self.rounds_of(version_id):
            for inv in self.invitations(int(rnd["id"])):
                who = {
                    "name": inv["display_name"],
                    "organisation": inv["organisation"],
                    "kind": ORG_KINDS.get(inv["org_kind"] or "", inv["org_kind"]),
                    "round": rnd["id"],
                    "entry": inv["verdict_entry"],
                }
                {"approve": approved, "object": objected}.get(inv["verdict"], pending).append(who)
        return {"approved": approved, "objected": objected, "no_verdict": pending}

    def publish(self, version_id: int) -> dict[str, Any]:
        record = self.review_record(version_id)
        for rnd in self.rounds_of(version_id):
            self.close_round(int(rnd["id"]))
        with self._write() as conn:
            conn.execute(
                update(T.versions).where(T.versions.c.id == version_id)
                .values(published=now(), publication=json.dumps(record))
            )  # fmt: skip
        self.rebuild_site()
        return record

    def published(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(T.versions).where(T.versions.c.published.is_not(None))
                .order_by(T.versions.c.framework_id, T.versions.c.id)
            )  # fmt: skip
            out = []
            for r in rows:
                d = dict(r._mapping)
                d["publication"] = json.loads(d["publication"] or "{}")
                out.append(d)
            return out

    def rebuild_site(self) -> list[str]:
        """Build the public static site from the published versions, as
        ``redline publish`` would, into ``<workspace>/portal/site``."""
        from redline.publish.site import build_site

        pub = self.published()
        out = self.settings.site_dir
        if not pub:
            return []
        with tempfile.TemporaryDirectory() as d:
            files = []
            for v in pub:
                p = Path(d) / f"{v['id']}-{v['file_name']}"
                p.write_bytes(self.ledger.evidence.read(v["sha256"]))
                files.append(p)
            out.parent.mkdir(parents=True, exist_ok=True)
            result = build_site(files, out, audience="public")
        return result.warnings

    def entry_by_hash(self, h: str) -> Entry | None:
        with self._read() as conn:
            r = conn.execute(select(E).where(E.c.hash == h)).first()
        return _row(tuple(r)) if r else None


def element_ids(fw: S.Framework) -> dict[str, str]:
    """The elements a comment can be anchored to: id -> words."""
    out: dict[str, str] = {"framework": "The framework as a whole"}
    for d in fw.domains:
        out[f"domain:{d.id}"] = f"Risk domain {d.name}"
        for lv in d.levels:
            out[f"level:{lv.id}"] = f"Threshold {lv.name} ({d.name})"
    for sg in fw.safeguards:
        out[f"safeguard:{sg.id}"] = f"Safeguard {sg.name}"
    for rule in fw.rules:
        out[f"rule:{rule.id}"] = f"Rule {rule.id}"
    for ev in fw.evaluations:
        out[f"evaluation:{ev.id}"] = f"Evaluation {ev.name or ev.id}"
    out["governance"] = "Governance"
    return out


def when_text(t: str) -> str:
    try:
        return dt.datetime.fromisoformat(t.rstrip("Z")).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return t


def chunks(xs: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]
