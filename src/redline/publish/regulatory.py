"""The reports the regimes ask for, from the record: ``redline report --as KIND DECISION``.

Everything is read back from the ledger, not from files the user holds: the decision
entry names its assessment entry; the decision, the results, the framework file and
the Inspect logs come from the evidence store by digest (each checked against it on
read). The assessment report view (:func:`report_view`) is built from them for the
audience, and :func:`regulatory_view` turns it into the regime's fields, so the
redaction is the assessment report's.

``DECISION`` is a decision id (its hash, or a unique prefix of at least 6 hex digits)
or an assessment directory written by ``redline assess`` (its ``ledger.json`` names
the decision).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from redline.decide.model import Decision
from redline.measure.results import Results
from redline.publish.assessment import (
    LEDGER_POINTER,
    PublishError,
    _text,
    ledger_record,
    load_framework,
)
from redline.publish.render import html_env
from redline.publish.views import (
    Assessment,
    Audience,
    Example,
    LedgerRecord,
    LogCheck,
    report_view,
)
from redline.publish.views.inputs import ReviewComment
from redline.publish.views.regulatory import REGIME_OF, regulatory_view
from redline.publish.views.regulatory_models import (
    DecisionRef,
    RegulatoryReportView,
    ReportKind,
)
from redline.regulation.load import load_regime

KINDS: tuple[str, ...] = tuple(REGIME_OF)
SAMPLES = 5


def decision_ref(ref: str) -> str:
    """A decision id from ``ref``: itself, or what an assessment directory's pointer names."""
    p = Path(ref)
    if p.is_dir():
        pointer = p / LEDGER_POINTER
        if not pointer.is_file():
            raise PublishError(
                f"{p}: no {LEDGER_POINTER} here; this assessment was not recorded in a ledger "
                "(give a decision id, or record it with `redline assess`)"
            )
        try:
            return str(json.loads(pointer.read_text(encoding="utf-8"))["decision_id"])
        except (OSError, ValueError, KeyError) as exc:
            raise PublishError(f"{pointer}: unreadable ledger pointer ({exc})") from None
    return ref


def _model(raw: bytes, cls: Any, what: str, digest: str) -> Any:
    try:
        return cls.model_validate_json(raw)
    except ValidationError as exc:
        raise PublishError(
            f"evidence {digest[:12]}: not a redline {what} ({exc.errors()[0]['msg']})"
        ) from None


def _samples(path: Path, name: str, n: int, seed: str) -> list[Example]:
    """``n`` samples drawn at random (seeded, so the report is reproducible) from the
    stored log at ``path``; ``name`` is the log's recorded name (Inspect reads a log by
    its suffix, which the content-addressed copy lacks)."""
    from inspect_ai.log import read_eval_log_samples

    with tempfile.TemporaryDirectory(prefix="redline-log-") as tmp:
        link = Path(tmp) / ("log" + (Path(name).suffix or ".eval"))
        link.symlink_to(path)
        every = list(read_eval_log_samples(str(link), all_samples_required=False))
    chosen = random.Random(seed).sample(every, min(n, len(every)))
    return [
        Example(
            id=str(s.id),
            input=_text(s.input),
            target=_text(s.target),
            output=_text(s.output.completion if s.output else ""),
            score=", ".join(f"{getattr(v, 'value', v)}" for v in (s.scores or {}).values()),
        )
        for s in chosen
    ]


def load_recorded(
    ref: str, *, samples: int = SAMPLES
) -> tuple[Assessment, LedgerRecord, DecisionRef]:
    """The recorded assessment and decision ``ref`` names, read back from the ledger."""
    from redline.ledger import LedgerError, decision_status, open_ledger
    from redline.ledger.chain import EntryKind
    from redline.ledger.signoff import resolve_decision

    decision_id = decision_ref(ref)
    try:
        with open_ledger(create=False) as ledger:
            entry = resolve_decision(ledger, decision_id)
            status = decision_status(ledger, entry.hash)
            data = entry.data()
            try:
                a_seq = int(data["assessment"]["seq"])
            except (KeyError, TypeError, ValueError):
                raise PublishError(
                    f"decision {entry.hash[:12]}: its entry names no assessment entry"
                ) from None
            a_entry = ledger.entry(a_seq)
            if a_entry is None:
                raise PublishError(
                    f"decision {entry.hash[:12]}: its assessment entry {a_seq} is missing"
                )
            a_data = a_entry.data()
            ev = ledger.evidence
            decision = _model(
                ev.read(data["decision_sha256"]), Decision, "decision", data["decision_sha256"]
            )
            results = _model(
                ev.read(a_data["results_sha256"]),
                Results,
                "results document",
                a_data["results_sha256"],
            )
            fw_digest = results.framework.sha256
            if ev.check(fw_digest) != "ok":
                raise PublishError(
                    f"the framework file of assessment {results.assessment_id} (sha256 "
                    f"{fw_digest[:12]}) is not in the evidence store at {ev.root}"
                )
            fw_path = ev.path(fw_digest)
            framework = load_framework(fw_path)
            logs: dict[str, LogCheck] = {}
            warnings: list[str] = []
            for e in results.evaluations:
                for s in e.strategies:
                    state = ev.check(s.log_sha256)
                    logs[s.log] = LogCheck("verified" if state == "ok" else "missing")
                    if state != "ok":
                        warnings.append(
                            f"Inspect log {s.log} is not in the ledger's evidence store."
                        )
            if samples:
                for e in results.evaluations:
                    best = next((s for s in e.strategies if s.strategy == e.best_strategy), None)
                    if best is None or logs[best.log].status != "verified":
                        continue
                    try:
                        logs[best.log].examples = _samples(
                            ev.path(best.log_sha256), best.log, samples, entry.hash + best.log
                        )
                    except Exception as exc:  # a damaged log must not stop the report
                        warnings.append(f"Could not read samples from {best.log}: {exc}")
            subjects = {entry.hash, a_entry.hash}
            reviews = [
                ReviewComment(
                    actor=c.actor,
                    comment=str(c.data().get("text", "")),
                    date=dt.datetime.fromisoformat(c.time),
                )
                for c in ledger.entries(after=a_entry.seq, kinds=[EntryKind.REVIEW_COMMENT.value])
                if c.data().get("subject") in subjects
            ]
            location = ledger.location
    except LedgerError as exc:
        raise PublishError(str(exc)) from None
    assessment = Assessment(
        directory=f"ledger:{entry.hash[:12]}",
        results=results,
        decision=decision,
        framework=framework,
        framework_file=str(fw_path),
        framework_digest_ok=True,
        logs=logs,
        warnings=warnings,
    )
    record = ledger_record(status, location, review_comments=reviews)
    ref_view = DecisionRef(
        decision_id=entry.hash,
        entry_seq=str(entry.seq),
        recorded=entry.time,
        ledger=location,
        final=status.final,
        assessment_entry=a_entry.hash,
    )
    return assessment, record, ref_view


def build_regulatory(
    ref: str,
    kind: ReportKind | str,
    *,
    audience: Audience | str = Audience.PUBLIC,
    samples: int = SAMPLES,
    generated: dt.datetime | None = None,
) -> RegulatoryReportView:
    if kind not in REGIME_OF:
        raise PublishError(f"unknown report {kind!r}; one of: " + ", ".join(KINDS))
    assessment, record, decision = load_recorded(ref, samples=samples)
    report = report_view(assessment, audience, record=record, generated=generated)
    return regulatory_view(report, load_regime(REGIME_OF[kind]), kind, decision)  # type: ignore[arg-type]


def render_regulatory(view: RegulatoryReportView, fmt: str = "html") -> str:
    if fmt == "json":
        return view.model_dump_json(indent=2) + "\n"
    if fmt != "html":
        raise PublishError(f"--as {view.kind} is written as html or json, not {fmt}")
    return (
        html_env()
        .get_template("regulatory.html.j2")
        .render(report=view, nav=[], generated=view.generated)
    )
