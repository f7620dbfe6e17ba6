"""Human labels for grader validation, collected in the portal from trusted reviewers.

An administrator uploads the CSV that ``redline sample-for-labelling RUN_DIR`` writes and
assigns it to one trusted reviewer (a *batch*). The reviewer sees each sampled prompt and
completion and picks refusal, partial or compliance; the labels are stored here and
downloaded as the same CSV with ``human_label`` filled in, or as JSONL. Both are the label
files ``redline grader validate --labels`` and ``redline assess --human-labels`` read
(:func:`redline.measure.graders.load_labels`).

The reviewer does not see the grader's label: a label formed after reading the grader's
would not be an independent check of it. The downloads keep the grader's column, as the
sampled CSV had it.

The two tables live on the portal's :data:`~redline.portal.tables.metadata` and are
created on first use (:func:`ensure_tables`), in the ledger's database like the portal's
other tables.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from typing import Any

from sqlalchemy import Column, Engine, Integer, String, Table, Text, func, insert, select, update

from redline.ledger.chain import now
from redline.measure.labelling import CSV_FIELDS
from redline.portal import tables as T
from redline.portal.accounts import PortalError, User
from redline.portal.service import Portal

__all__ = [
    "LABELS",
    "batch_items",
    "batches",
    "create_batch",
    "ensure_tables",
    "export_csv",
    "export_jsonl",
    "find_batch",
    "items",
    "list_batches",
    "parse_sample_csv",
    "save_labels",
]

LABELS = ("refusal", "partial", "compliance")
MAX_UPLOAD_BYTES = 5_000_000
MAX_ROWS = 5_000
REQUIRED = ("evaluation", "sample_id", "epoch", "prompt", "completion", "grader_label")

batches = Table(
    "portal_label_batches", T.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("reviewer_id", Integer, nullable=False),
    Column("created_by", Integer, nullable=False),
    Column("created", String(27), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("n_items", Integer, nullable=False),
)  # fmt: skip

items = Table(
    "portal_label_items", T.metadata,
    Column("batch_id", Integer, primary_key=True),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("evaluation", String(300), nullable=False),
    Column("sample_id", String(300), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("category", String(300)),
    Column("prompt", Text, nullable=False),
    Column("completion", Text, nullable=False),
    Column("grader_label", String(16), nullable=False),
    Column("human_label", String(16)),
    Column("labelled", String(27)),
)  # fmt: skip

_ready: set[int] = set()
_ready_lock = threading.Lock()


def ensure_tables(engine: Engine) -> None:
    """Create the labelling tables in ``engine``'s database if they are not there."""
    with _ready_lock:
        if id(engine) in _ready:
            return
        T.metadata.create_all(engine, tables=[batches, items], checkfirst=True)
        _ready.add(id(engine))


# ------------------------------------------------------------------ upload


def parse_sample_csv(text: str, name: str = "upload") -> list[dict[str, Any]]:
    """The rows of a ``sample-for-labelling`` CSV; errors name the line and the field."""
    if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise PortalError(f"{name}: larger than {MAX_UPLOAD_BYTES // 1_000_000} MB")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise PortalError(
            f"{name}: line 1: missing column(s) {', '.join(missing)}; expected the CSV that "
            f"'redline sample-for-labelling' writes ({', '.join(CSV_FIELDS)})"
        )
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int]] = set()
    try:
        for n, row in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise PortalError(f"{name}: more than {MAX_ROWS} rows")
            where = f"{name}: line {n}"
            for field in REQUIRED:
                if row.get(field) is None:
                    raise PortalError(f"{where}: field {field!r}: missing")
            try:
                epoch = int(str(row["epoch"]).strip())
            except ValueError:
                raise PortalError(f"{where}: field 'epoch': not a whole number") from None
            grader = str(row["grader_label"]).strip()
            if grader not in LABELS:
                raise PortalError(
                    f"{where}: field 'grader_label': {grader!r} is not one of {', '.join(LABELS)}"
                )
            human = str(row.get("human_label") or "").strip().lower()
            if human and human not in LABELS:
                raise PortalError(
                    f"{where}: field 'human_label': {human!r} is not one of {', '.join(LABELS)}"
                )
            evaluation, sample_id = str(row["evaluation"]), str(row["sample_id"])
            if not evaluation or not sample_id:
                raise PortalError(f"{where}: field 'evaluation' or 'sample_id': empty")
            key = (evaluation, sample_id, epoch)
            if key in seen:
                raise PortalError(f"{where}: sample {sample_id!r} epoch {epoch} is listed twice")
            seen.add(key)
            rows.append(
                {
                    "idx": len(rows),
                    "evaluation": evaluation,
                    "sample_id": sample_id,
                    "epoch": epoch,
                    "category": str(row.get("category") or "") or None,
                    "prompt": str(row["prompt"]),
                    "completion": str(row["completion"]),
                    "grader_label": grader,
                    "human_label": human or None,
                }
            )
    except csv.Error as exc:
        raise PortalError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise PortalError(f"{name}: no rows to label")
    return rows


def create_batch(portal: Portal, by: User, reviewer: str, name: str, text: str) -> int:
    """Store an uploaded sample as a batch for ``reviewer``; return its id."""
    if by.role != "admin":
        raise PortalError("only an administrator assigns labelling")
    target = portal.user_by_name(reviewer)
    if target is None or target.role != "reviewer" or target.disabled:
        raise PortalError(f"{reviewer!r} is not an active trusted reviewer")
    name = name.strip() or "labelling batch"
    if len(name) > 200:
        raise PortalError("a batch name has at most 200 characters")
    rows = parse_sample_csv(text, name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ensure_tables(portal.engine)
    with portal.ledger.write() as conn:
        key = conn.execute(
            insert(batches).values(
                name=name, reviewer_id=target.id, created_by=by.id, created=now(),
                source_sha256=digest, n_items=len(rows),
            )
        ).inserted_primary_key  # fmt: skip
        assert key is not None
        batch_id = int(key[0])
        labelled = now()
        conn.execute(
            insert(items),
            [
                {**r, "batch_id": batch_id, "labelled": labelled if r["human_label"] else None}
                for r in rows
            ],
        )
    return int(batch_id)


# ------------------------------------------------------------------ reading


def list_batches(portal: Portal, user: User) -> list[dict[str, Any]]:
    """Every batch for an administrator; a reviewer's own batches for a reviewer."""
    ensure_tables(portal.engine)
    done = (
        select(items.c.batch_id, func.count().label("done"))
        .where(items.c.human_label.is_not(None))
        .group_by(items.c.batch_id)
        .subquery()
    )
    q = (
        select(batches, T.users.c.username, T.users.c.display_name, done.c.done)
        .join(T.users, T.users.c.id == batches.c.reviewer_id)
        .outerjoin(done, done.c.batch_id == batches.c.id)
        .order_by(batches.c.id.desc())
    )
    if user.role != "admin":
        q = q.where(batches.c.reviewer_id == user.id)
    with portal.engine.connect() as conn:
        return [dict(r._mapping) | {"done": int(r.done or 0)} for r in conn.execute(q)]


def find_batch(portal: Portal, user: User, batch_id: int) -> dict[str, Any] | None:
    """The batch if ``user`` may see it (its reviewer, or an administrator), else None:
    someone else's batch is not disclosed."""
    ensure_tables(portal.engine)
    with portal.engine.connect() as conn:
        r = conn.execute(select(batches).where(batches.c.id == batch_id)).first()
    if r is None:
        return None
    if user.role == "admin" or (user.role == "reviewer" and r.reviewer_id == user.id):
        return dict(r._mapping)
    return None


def batch_items(portal: Portal, batch_id: int) -> list[dict[str, Any]]:
    with portal.engine.connect() as conn:
        q = select(items).where(items.c.batch_id == batch_id).order_by(items.c.idx)
        return [dict(r._mapping) for r in conn.execute(q)]


# ------------------------------------------------------------------ labelling


def save_labels(portal: Portal, user: User, batch_id: int, labels: dict[int, str]) -> int:
    """Store the reviewer's labels (``""`` clears one); return how many changed."""
    batch = find_batch(portal, user, batch_id)
    if batch is None or user.role != "reviewer":
        raise PortalError("that batch is not assigned to you")
    n = int(batch["n_items"])
    for idx, label in labels.items():
        if not 0 <= idx < n:
            raise PortalError(f"item {idx + 1} is not in this batch")
        if label not in (*LABELS, ""):
            raise PortalError(f"item {idx + 1}: {label!r} is not one of {', '.join(LABELS)}")
    current = {i["idx"]: i["human_label"] or "" for i in batch_items(portal, batch_id)}
    changed = {i: v for i, v in labels.items() if current.get(i, "") != v}
    if changed:
        t = now()
        with portal.ledger.write() as conn:
            for idx, label in changed.items():
                conn.execute(
                    update(items)
                    .where(items.c.batch_id == batch_id, items.c.idx == idx)
                    .values(human_label=label or None, labelled=t if label else None)
                )
    return len(changed)


# ------------------------------------------------------------------ downloads


def export_csv(portal: Portal, batch_id: int) -> str:
    """The sampled CSV with ``human_label`` filled in (empty where not labelled yet)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for i in batch_items(portal, batch_id):
        writer.writerow(
            {
                "evaluation": i["evaluation"],
                "sample_id": i["sample_id"],
                "epoch": i["epoch"],
                "category": i["category"] or "",
                "prompt": i["prompt"],
                "completion": i["completion"],
                "grader_label": i["grader_label"],
                "human_label": i["human_label"] or "",
            }
        )
    return buf.getvalue()


def export_jsonl(portal: Portal, batch_id: int) -> str:
    """The labelled items as JSONL (``id`` is the sample id, ``label`` the reviewer's)."""
    lines = []
    for i in batch_items(portal, batch_id):
        if not i["human_label"]:
            continue
        row = {
            "id": i["sample_id"],
            "evaluation": i["evaluation"],
            "epoch": i["epoch"],
            "prompt": i["prompt"],
            "completion": i["completion"],
            "label": i["human_label"],
            "grader_label": i["grader_label"],
        }
        if i["category"]:
            row["category"] = i["category"]
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    return "".join(lines)
