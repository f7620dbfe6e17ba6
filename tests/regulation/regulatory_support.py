"""A ledger holding one recorded assessment and decision, for the regulatory reports.

Built with the publish tests' builders (a framework with distinctive withheld values,
an assessment directory with a real Inspect log) and the real ledger: record, sign,
review. Nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "publish"))

from publish_support import (
    ITEM_MARK,
    OUTPUT_MARK,
    RATIONALE_SECRET,
    SAFEGUARD_SECRET,
    SECRET_VALUES,
    make_assessment,
    make_log,
    secret_forms,
    write_framework,
)

from redline.decide.model import Decision
from redline.ledger import decision_status, open_ledger, record_assessment
from redline.ledger.keys import Keyring, create_key
from redline.ledger.signoff import add_review_comment, sign_decision

__all__ = [
    "ITEM_MARK",
    "OUTPUT_MARK",
    "RATIONALE_SECRET",
    "SAFEGUARD_SECRET",
    "SECRET_VALUES",
    "secret_forms",
]

REVIEW = "REVIEW-3307 the institute re-ran the bio proxy"


@dataclass
class Recorded:
    root: Path
    framework: Path
    assessment: Path
    decision_id: str
    unrecorded: Path


@contextmanager
def ledger_env(root: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REDLINE_HOME", str(root / "ws"))
        mp.setenv("XDG_CONFIG_HOME", str(root / "config"))
        mp.delenv("REDLINE_DATABASE_URL", raising=False)
        mp.delenv("REDLINE_KEY", raising=False)
        yield


def recorded(root: Path, *, sign: bool = True, review: bool = True, text: str = "") -> Recorded:
    """Record one assessment in the ledger under ``root/ws``; call inside :func:`ledger_env`."""
    log = make_log(root / "log", text)
    fw = write_framework(root / "fw.yaml", text=text)
    adir = make_assessment(
        root / "a1", fw, log=log, created=dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC),
        model="lab/ckpt-100",
    )  # fmt: skip
    other = make_assessment(root / "a2", fw, log=log, model="lab/unrecorded")
    decision = Decision.model_validate_json((adir / "decision.json").read_text())
    kr = Keyring()
    with open_ledger() as lg:
        key, _ = create_key(lg, "lab", keyring=kr)
        _, did = record_assessment(lg, fw, adir / "results.json", decision, None, "lab")
        if sign:
            for role in decision_status(lg, did).missing_roles:
                sign_decision(lg, did, role, key)
        if review:
            add_review_comment(lg, did, REVIEW, key)
    (adir / "ledger.json").write_text(json.dumps({"decision_id": did}))
    return Recorded(root, fw, adir, did, other)
