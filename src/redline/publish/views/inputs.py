"""What a report is built from: the assessment, its ledger record, signatures,
review comments, examples."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.decide.model import Decision
from redline.framework import schema as S
from redline.measure.results import Results

# ------------------------------------------------------------ report: inputs


class Signature(BaseModel):
    """One sign-off as the ledger recorded it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: str
    signer: str | None = None
    date: dt.datetime | dt.date | None = None
    dissent: bool = False
    statement: str | None = None


class ReviewComment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    actor: str
    comment: str
    date: dt.datetime | dt.date | None = None


class LedgerRecord(BaseModel):
    """What the ledger says about a decision; passed in by whoever holds the ledger.

    Extra keys are ignored so the ledger can grow without breaking reports."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    entry_id: str | int
    decision_id: str | None = None
    ledger: str | None = Field(default=None, description="Where the ledger lives (path or URL).")
    final: bool = False
    signatures: list[Signature] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Roles yet to sign.")
    review_comments: list[ReviewComment] = Field(default_factory=list)


class Example(BaseModel):
    """One scored sample read from an Inspect log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    input: str
    target: str
    output: str
    score: str


@dataclass
class LogCheck:
    """The state of one Inspect log named in the results."""

    status: Literal["verified", "missing", "mismatch", "unchecked"]
    examples: list[Example] = field(default_factory=list)


@dataclass
class Assessment:
    """An assessment as read from its output directory (see :mod:`.assessment`)."""

    directory: str
    results: Results
    decision: Decision
    framework: S.Framework
    framework_file: str
    framework_digest_ok: bool
    logs: dict[str, LogCheck] = field(default_factory=dict)
    effective_compute: float | None = None
    warnings: list[str] = field(default_factory=list)
