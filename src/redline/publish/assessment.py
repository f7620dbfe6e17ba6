"""Read an assessment output directory (``results.json``, ``decision.json``, logs).

Every problem a user can cause is a :class:`PublishError` with one message that
names the file; a framework file that changed since the assessment is a warning,
shown in the report, not an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from redline.decide.model import Decision
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.measure.results import Results
from redline.publish.views import Assessment, Example, LedgerRecord, LogCheck, Signature

EXAMPLE_TEXT_LIMIT = 1200
M = TypeVar("M", bound=BaseModel)


class PublishError(Exception):
    """A problem the user can fix; the command prints it as one line and exits 1."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_model(path: Path, cls: type[M], what: str) -> M:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PublishError(f"{path}: no such file") from None
    except OSError as exc:
        raise PublishError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return cls.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "document"
        raise PublishError(f"{path}: not a redline {what} ({where}: {first['msg']})") from None


def load_framework(path: Path) -> S.Framework:
    loaded = load_file(path)
    if loaded.framework is None:
        problems = loaded.errors or loaded.problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        first = problems[0].format() if problems else f"{path}: invalid framework"
        raise PublishError(first + more)
    return loaded.framework


def _framework_candidates(recorded: str, directory: Path) -> list[Path]:
    p = Path(recorded)
    if p.is_absolute():
        return [p]
    out = [Path.cwd() / p, directory / p]
    out += [parent / p for parent in directory.resolve().parents]
    return out


def index_frameworks(paths: list[Path]) -> dict[tuple[str, str], tuple[Path, S.Framework]]:
    """Framework files by (id, version); two files with the same pair are an error."""
    out: dict[tuple[str, str], tuple[Path, S.Framework]] = {}
    for p in paths:
        fw = load_framework(p)
        key = (fw.framework.id, fw.framework.version)
        if key in out:
            raise PublishError(f"{p}: {key[0]} version {key[1]} is also in {out[key][0]}")
        out[key] = (p, fw)
    return out


def load_record(path: Path) -> LedgerRecord:
    return _read_model(path, LedgerRecord, "ledger record")


LEDGER_POINTER = "ledger.json"
"""Written by ``redline assess`` into the assessment directory: which decision in
which ledger this assessment produced, so reports can ask the ledger for its state."""


def record_from_ledger(directory: Path) -> LedgerRecord | None:
    """The ledger's current record of the decision an assessment directory produced:
    signatures, dissent, missing roles, final or not. None when never recorded."""
    pointer = directory / LEDGER_POINTER
    if not pointer.is_file():
        return None
    try:
        info = json.loads(pointer.read_text(encoding="utf-8"))
        decision_id = str(info["decision_id"])
    except (OSError, ValueError, KeyError) as exc:
        raise PublishError(f"{pointer}: unreadable ledger pointer ({exc})") from None
    from redline.ledger import LedgerError, decision_status, open_ledger

    try:
        with open_ledger(create=False) as ledger:
            status = decision_status(ledger, decision_id)
            location = ledger.location
    except LedgerError as exc:
        raise PublishError(f"{pointer}: {exc}") from None
    return ledger_record(status, location)


def ledger_record(status: Any, location: str, **extra: Any) -> LedgerRecord:
    """The report's view of a decision's ledger status (``decision_status``'s answer)."""
    return LedgerRecord(
        entry_id=status.seq,
        decision_id=status.decision_id,
        ledger=location,
        final=status.final,
        signatures=[
            Signature(
                role=s.role,
                signer=s.signer,
                date=dt.datetime.fromisoformat(s.time),
                dissent=s.dissent is not None,
                statement=s.dissent,
            )
            for s in status.sign_offs
        ],
        missing=list(status.missing_roles),
        **extra,
    )


def load_assessment(
    directory: Path | str,
    *,
    frameworks: dict[tuple[str, str], Path] | None = None,
    effective_compute: float | None = None,
) -> Assessment:
    """Read one assessment directory; raise :class:`PublishError` on what a user can fix.

    ``frameworks`` maps (framework id, version) to a file to use instead of the one
    the results name (which may have moved since the assessment)."""
    d = Path(directory)
    if not d.exists():
        raise PublishError(f"{d}: no such directory")
    if not d.is_dir():
        raise PublishError(f"{d}: not a directory (give the assessment output directory)")
    try:
        names = {p.name for p in d.iterdir()}
    except OSError as exc:
        raise PublishError(f"{d}: cannot read the directory ({exc.strerror})") from None
    if "results.json" not in names:
        raise PublishError(
            f"{d}: no results.json here; give the output directory of `redline assess`"
        )
    if "decision.json" not in names:
        raise PublishError(f"{d}: no decision.json here; run `redline assess` or `redline decide`")
    results = _read_model(d / "results.json", Results, "results document")
    decision = _read_model(d / "decision.json", Decision, "decision document")

    warnings: list[str] = []
    given = (frameworks or {}).get((results.framework.id, results.framework.version))
    if given is not None:
        fw_path = given
    else:
        found = [c for c in _framework_candidates(results.framework.file, d) if c.is_file()]
        if not found:
            raise PublishError(
                f"{d / 'results.json'}: the framework file it names ({results.framework.file}) "
                f"was not found; pass --framework FILE ({results.framework.id} version "
                f"{results.framework.version})"
            )
        fw_path = found[0]
    fw = load_framework(fw_path)
    ident = fw.framework
    if (ident.id, ident.version) != (results.framework.id, results.framework.version):
        raise PublishError(
            f"{fw_path}: is {ident.id} version {ident.version}, but the assessment in {d} used "
            f"{results.framework.id} version {results.framework.version}"
        )
    if (decision.framework_id, decision.framework_version) != (ident.id, ident.version):
        raise PublishError(
            f"{d / 'decision.json'}: decided under {decision.framework_id} "
            f"{decision.framework_version}, not {ident.id} {ident.version}"
        )
    digest = sha256_file(fw_path)
    digest_ok = digest == results.framework.sha256
    if not digest_ok:
        warnings.append(
            f"The framework file {fw_path} has changed since the assessment (sha256 "
            f"{results.framework.sha256[:12]}… recorded, {digest[:12]}… now); this report "
            "describes the framework as the file is now."
        )
    logs: dict[str, LogCheck] = {}
    for e in results.evaluations:
        for s in e.strategies:
            p = d / s.log
            if not p.is_file():
                logs[s.log] = LogCheck("missing")
                warnings.append(f"Inspect log {s.log} is missing from {d}.")
            elif sha256_file(p) != s.log_sha256:
                logs[s.log] = LogCheck("mismatch")
                warnings.append(
                    f"Inspect log {s.log} does not match the digest in results.json: it was "
                    "changed after the assessment."
                )
            else:
                logs[s.log] = LogCheck("verified")
    return Assessment(
        directory=str(d),
        results=results,
        decision=decision,
        framework=fw,
        framework_file=str(fw_path),
        framework_digest_ok=digest_ok,
        logs=logs,
        effective_compute=effective_compute,
        warnings=warnings,
    )


def _text(value: Any) -> str:
    """Inspect inputs, targets and outputs as plain text."""
    if value is None:
        return ""
    if isinstance(value, str):
        s = value
    elif isinstance(value, list):
        parts = []
        for m in value:
            text = getattr(m, "text", None)
            role = getattr(m, "role", None)
            if text is None:
                text = str(m)
            parts.append(f"{role}: {text}" if role and len(value) > 1 else str(text))
        s = "\n".join(parts)
    else:
        s = str(value)
    return s if len(s) <= EXAMPLE_TEXT_LIMIT else s[: EXAMPLE_TEXT_LIMIT - 1] + "…"


def _score(scores: dict[str, Any] | None) -> str:
    if not scores:
        return ""
    sc = next(iter(scores.values()))
    value = getattr(sc, "value", sc)
    answer = getattr(sc, "answer", None)
    shown = json.dumps(value) if not isinstance(value, str) else value
    return f"{shown} ({answer})" if answer else shown


def attach_examples(assessment: Assessment, per_evaluation: int = 3) -> None:
    """Read a few scored samples of each evaluation's best strategy from its log.

    Only verified logs are read: a changed log is not evidence of this assessment."""
    from inspect_ai.log import read_eval_log_samples

    d = Path(assessment.directory)
    for e in assessment.results.evaluations:
        best = next((s for s in e.strategies if s.strategy == e.best_strategy), None)
        if best is None:
            continue
        check = assessment.logs.get(best.log)
        if check is None or check.status != "verified":
            continue
        out: list[Example] = []
        try:
            for sample in read_eval_log_samples(str(d / best.log), all_samples_required=False):
                out.append(
                    Example(
                        id=str(sample.id),
                        input=_text(sample.input),
                        target=_text(sample.target),
                        output=_text(sample.output.completion if sample.output else ""),
                        score=_score(sample.scores),
                    )
                )
                if len(out) >= per_evaluation:
                    break
        except Exception as exc:  # a damaged log must not stop the report
            assessment.warnings.append(f"Could not read samples from {best.log}: {exc}")
            continue
        check.examples = out


def parse_compute(items: list[str] | None) -> dict[str, float]:
    """``DIR=FLOP`` options into a mapping keyed by the resolved directory."""
    out: dict[str, float] = {}
    for item in items or []:
        key, sep, value = item.rpartition("=")
        if not sep or not key:
            raise PublishError(f"--compute expects DIR=FLOP, got {item!r}")
        try:
            flop = float(value)
        except ValueError:
            raise PublishError(f"--compute {item!r}: {value!r} is not a number") from None
        if not flop > 0:
            raise PublishError(f"--compute {item!r}: effective compute must be positive")
        out[str(Path(key).resolve())] = flop
    return out
