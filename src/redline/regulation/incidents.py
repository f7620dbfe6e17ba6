"""Safety incidents and their reporting clocks: the pure part (no ledger, no files).

An incident is what was found, when it was discovered (a time with its zone: a naive
time is refused, since every deadline depends on it), a severity class per regime (the
classes each regime's text distinguishes, ``data/<regime>.yaml`` ``incidents.classes``),
the regimes that apply, its updates and whether it is closed. The ledger records it as
signed entries (``redline.ledger.incidents``) and replays them through
:class:`IncidentBook` to rebuild the current state.

Deadlines are computed from the *original* discovery time, per regime, by the clocks the
regime's text sets (``incidents.clocks``), choosing the version of each clock in force
on the day of discovery in that regime's time zone. Three points are our reading, not
the texts' (docs/regulation-incidents.md):

* an update that gives an incident a more severe class starts that class's clocks from
  the original discovery time, not from the update, so a deadline can only move
  earlier;
* a clock, once an incident's class has started it, keeps running after a later
  reclassification: a duty that arose is not withdrawn;
* a period in days ends at the earlier of the same wall-clock time N calendar days later
  in the regime's zone and N x 24 elapsed hours; a report exactly at the deadline is in
  time, and an incident is overdue only once the deadline has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.regulation.load import REGIME_IDS, load_regime
from redline.regulation.model import IncidentClock, Regime

UTC = dt.UTC
MAX_TEXT = 4000


class IncidentError(ValueError):
    """Input an incident command refuses, with a message naming the field."""


# ------------------------------------------------------------------ parsing input


def parse_instant(text: str, field_name: str) -> dt.datetime:
    """An ISO 8601 date and time WITH its offset (``2026-12-01T10:00:00+01:00`` or ``Z``)."""
    try:
        t = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise IncidentError(
            f"{field_name}: {text!r} is not an ISO 8601 date and time "
            "(for example 2026-12-01T10:00:00+01:00)"
        ) from None
    if t.tzinfo is None or t.utcoffset() is None:
        raise IncidentError(
            f"{field_name}: {text!r} has no time zone; add its offset (+01:00) or Z, "
            "since every deadline is counted from it"
        )
    return t


def parse_severity(values: Sequence[str], field_name: str = "--severity") -> dict[str, str]:
    """``REGIME=CLASS`` pairs into regime -> class (each regime once)."""
    out: dict[str, str] = {}
    for v in values:
        regime, sep, cls = v.partition("=")
        regime, cls = regime.strip(), cls.strip()
        if not sep or not regime or not cls:
            raise IncidentError(f"{field_name} expects REGIME=CLASS, got {v!r}")
        if regime in out and out[regime] != cls:
            raise IncidentError(f"{field_name}: {regime} given twice ({out[regime]}, {cls})")
        out[regime] = cls
    return out


def parse_reported(
    values: Sequence[str], now: dt.datetime, field_name: str = "--reported"
) -> dict[str, str]:
    """``REGIME:CLOCK[=WHEN]`` into ``"regime:clock"`` -> ISO instant (default: now)."""
    out: dict[str, str] = {}
    for v in values:
        target, sep, when = v.partition("=")
        regime, colon, clock = target.strip().partition(":")
        if not colon or not regime or not clock:
            raise IncidentError(f"{field_name} expects REGIME:CLOCK[=WHEN], got {v!r}")
        at = parse_instant(when, field_name) if sep else now
        out[f"{regime}:{clock}"] = at.isoformat()
    return out


def _regime(regime_id: str, field_name: str) -> Regime:
    if regime_id not in REGIME_IDS:
        raise IncidentError(
            f"{field_name}: unknown regime {regime_id!r}; regimes: {', '.join(REGIME_IDS)}"
        )
    regime = load_regime(regime_id)
    if regime.incidents is None:
        raise IncidentError(f"{field_name}: regime {regime_id} encodes no incident classes")
    return regime


def _check_class(regime_id: str, cls: str, field_name: str) -> None:
    rules = _regime(regime_id, field_name).incidents
    assert rules is not None
    known = [c.id for c in rules.classes]
    if cls not in known:
        raise IncidentError(
            f"{field_name}: {regime_id} has no severity class {cls!r}; its classes: "
            + ", ".join(known)
        )


# ------------------------------------------------------- what the ledger records


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Opened(_Payload):
    """Payload of an ``incident_opened`` entry."""

    what: str = Field(min_length=1, max_length=MAX_TEXT)
    discovered_at: str = Field(description="ISO 8601 with the offset the user gave.")
    regimes: list[str] = Field(min_length=1)
    severity: dict[str, str]
    framework: str | None = None
    model: str | None = None


class Updated(_Payload):
    """Payload of an ``incident_updated`` entry: only what changed."""

    incident: str = Field(pattern=r"^[0-9a-f]{64}$")
    note: str | None = Field(default=None, max_length=MAX_TEXT)
    severity: dict[str, str] = Field(default_factory=dict)
    add_regimes: list[str] = Field(default_factory=list)
    reported: dict[str, str] = Field(default_factory=dict, description="regime:clock -> when")


class Closed(_Payload):
    """Payload of an ``incident_closed`` entry."""

    incident: str = Field(pattern=r"^[0-9a-f]{64}$")
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


PAYLOADS: dict[str, type[_Payload]] = {
    "incident_opened": Opened,
    "incident_updated": Updated,
    "incident_closed": Closed,
}


def payload_problem(kind: str, data: Mapping[str, Any]) -> str | None:
    """Why a recorded payload is not a valid incident payload (None when it is).

    Structure only: regime files may change after an entry is written, so ``verify``
    does not hold old entries to today's classes."""
    try:
        model = PAYLOADS[kind].model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "payload"
        return f"{kind} payload: {where}: {first['msg']}"
    times = []
    if isinstance(model, Opened):
        times.append(("discovered_at", model.discovered_at))
    if isinstance(model, Updated):
        times.extend((f"reported.{k}", v) for k, v in model.reported.items())
    for name, value in times:
        try:
            parse_instant(value, name)
        except IncidentError as exc:
            return f"{kind} payload: {exc}"
    return None


def new_incident(
    what: str,
    discovered: str,
    severity: Mapping[str, str],
    regimes: Sequence[str] = (),
    *,
    framework: str | None = None,
    model: str | None = None,
) -> Opened:
    """The payload of a new incident, every field checked against the regime data.

    ``regimes`` default to those given a severity; a regime given a severity is applied
    even when not listed, and a listed regime without a severity is refused."""
    what = what.strip()
    if not what:
        raise IncidentError("--what: say what happened (one line is enough)")
    if len(what) > MAX_TEXT:
        raise IncidentError(f"--what: at most {MAX_TEXT} characters")
    parse_instant(discovered, "--discovered")
    applied = list(dict.fromkeys([*regimes, *severity]))
    if not applied:
        raise IncidentError("--regime/--severity: name at least one regime that applies")
    for r in applied:
        if r not in severity:
            raise IncidentError(
                f"--severity: regime {r} applies but has no class; give --severity {r}=CLASS"
            )
        _check_class(r, severity[r], "--severity")
    return Opened(
        what=what,
        discovered_at=discovered.strip(),
        regimes=applied,
        severity={r: severity[r] for r in applied},
        framework=framework,
        model=model,
    )


def new_update(
    incident: Incident,
    *,
    note: str | None = None,
    severity: Mapping[str, str] | None = None,
    add_regimes: Sequence[str] = (),
    reported: Mapping[str, str] | None = None,
) -> Updated:
    """The payload of an update to ``incident``, checked against its state and the data."""
    if incident.status == "closed":
        raise IncidentError(f"incident {incident.short} is closed; open a new one")
    severity = dict(severity or {})
    reported = dict(reported or {})
    new_regimes = [r for r in dict.fromkeys(add_regimes) if r not in incident.regimes]
    for r in new_regimes:
        if r not in severity:
            raise IncidentError(f"--regime {r}: give its class too: --severity {r}=CLASS")
    for r, cls in severity.items():
        if r not in incident.regimes and r not in new_regimes:
            new_regimes.append(r)
        _check_class(r, cls, "--severity")
    regimes = [*incident.regimes, *new_regimes]
    for key in reported:
        regime, _, clock = key.partition(":")
        if regime not in regimes:
            raise IncidentError(f"--reported {key}: regime {regime} does not apply to it")
        known = [d.clock for d in incident.deadlines() if d.regime == regime]
        pending = _clocks_if(incident, regime, severity.get(regime))
        if clock not in known and clock not in pending:
            raise IncidentError(
                f"--reported {key}: {regime} runs no clock {clock!r} for this incident; "
                f"its clocks: {', '.join(sorted(set(known) | set(pending))) or 'none'}"
            )
    if note is not None:
        note = note.strip() or None
    if note is None and not severity and not new_regimes and not reported:
        raise IncidentError("nothing to update: give --note, --severity, --regime or --reported")
    return Updated(
        incident=incident.id,
        note=note,
        severity=severity,
        add_regimes=new_regimes,
        reported=reported,
    )


def _clocks_if(incident: Incident, regime: str, cls: str | None) -> list[str]:
    """Clock ids a regime would run if the incident were (also) given class ``cls``."""
    if cls is None:
        return []
    return [c.id for c in clocks_in_force(regime, incident.discovered_at) if cls in c.classes]


# ------------------------------------------------------------------------- state


@dataclass
class Update:
    seq: int
    time: str
    actor: str
    note: str | None
    severity: dict[str, str]
    add_regimes: list[str]
    reported: dict[str, str]


@dataclass
class Incident:
    """An incident as its entries leave it."""

    id: str
    seq: int
    opened_time: str
    opened_by: str
    what: str
    discovered_text: str
    discovered_at: dt.datetime
    regimes: list[str]
    severity: dict[str, str]
    classes_given: dict[str, list[str]]
    """Every class each regime has given it, in order (the clocks of all of them run)."""
    framework: str | None = None
    model: str | None = None
    reported: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    updates: list[Update] = field(default_factory=list)
    status: Literal["open", "closed"] = "open"
    closed_time: str | None = None
    closed_by: str | None = None
    close_reason: str | None = None

    @property
    def short(self) -> str:
        return self.id[:12]

    def deadlines(self) -> list[Deadline]:
        return deadlines(self)

    def unclocked(self) -> list[str]:
        """Regimes that apply but run no clock for its classes at its discovery."""
        have = {d.regime for d in self.deadlines()}
        return [r for r in self.regimes if r not in have]


def _parse(cls: type[_Payload], data: Mapping[str, Any], kind: str) -> Any:
    problem = payload_problem(kind, data)
    if problem is not None:
        raise IncidentError(problem)
    return cls.model_validate(dict(data))


class IncidentBook:
    """Incidents rebuilt from their entries, fed in chain order."""

    def __init__(self) -> None:
        self.incidents: dict[str, Incident] = {}

    def opened(
        self, entry_hash: str, seq: int, time: str, actor: str, data: Mapping[str, Any]
    ) -> Incident:
        p: Opened = _parse(Opened, data, "incident_opened")
        inc = Incident(
            id=entry_hash,
            seq=seq,
            opened_time=time,
            opened_by=actor,
            what=p.what,
            discovered_text=p.discovered_at,
            discovered_at=parse_instant(p.discovered_at, "discovered_at"),
            regimes=list(p.regimes),
            severity=dict(p.severity),
            classes_given={r: [c] for r, c in p.severity.items()},
            framework=p.framework,
            model=p.model,
        )
        self.incidents[entry_hash] = inc
        return inc

    def _target(self, ref: str, what: str) -> Incident:
        inc = self.incidents.get(ref)
        if inc is None:
            raise IncidentError(f"{what} cites incident {ref[:12]}, which is not opened before it")
        if inc.status == "closed":
            raise IncidentError(f"{what} cites incident {ref[:12]}, which is already closed")
        return inc

    def updated(self, seq: int, time: str, actor: str, data: Mapping[str, Any]) -> Incident:
        p: Updated = _parse(Updated, data, "incident_updated")
        inc = self._target(p.incident, "an update")
        for r in p.add_regimes:
            if r not in inc.regimes:
                inc.regimes.append(r)
        for r, cls in p.severity.items():
            if r not in inc.regimes:
                inc.regimes.append(r)
            inc.severity[r] = cls
            given = inc.classes_given.setdefault(r, [])
            if cls not in given:
                given.append(cls)
        for key, when in p.reported.items():
            regime, _, clock = key.partition(":")
            inc.reported[(regime, clock)] = parse_instant(when, f"reported.{key}")
        inc.updates.append(
            Update(
                seq, time, actor, p.note, dict(p.severity), list(p.add_regimes), dict(p.reported)
            )
        )
        return inc

    def closed(self, seq: int, time: str, actor: str, data: Mapping[str, Any]) -> Incident:
        p: Closed = _parse(Closed, data, "incident_closed")
        inc = self._target(p.incident, "a closure")
        inc.status, inc.closed_time, inc.closed_by = "closed", time, actor
        inc.close_reason = p.reason
        return inc

    def find(self, prefix: str) -> Incident:
        """The one incident whose id starts with ``prefix`` (at least 4 hex digits)."""
        prefix = prefix.strip().lower()
        if len(prefix) < 4:
            raise IncidentError(f"incident id {prefix!r}: give at least 4 of its hex digits")
        found = [i for k, i in self.incidents.items() if k.startswith(prefix)]
        if not found:
            raise IncidentError(f"no incident {prefix}")
        if len(found) > 1:
            raise IncidentError(f"incident id {prefix} is ambiguous: give more digits")
        return found[0]


# --------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    regime: str
    clock: str
    what: str
    classes: tuple[str, ...]
    period: str
    due: dt.datetime
    time_zone: str
    section: str
    reported_at: dt.datetime | None

    def left(self, now: dt.datetime) -> dt.timedelta:
        return self.due - now

    def state(self, now: dt.datetime) -> Literal["reported", "reported_late", "running", "overdue"]:
        if self.reported_at is not None:
            return "reported" if self.reported_at <= self.due else "reported_late"
        return "overdue" if now > self.due else "running"

    def as_dict(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "clock": self.clock,
            "what": self.what,
            "period": self.period,
            "section": self.section,
            "classes": list(self.classes),
            "due": self.due.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "due_local": self.due.astimezone(ZoneInfo(self.time_zone)).isoformat(),
            "time_zone": self.time_zone,
            "seconds_left": int(self.left(now).total_seconds()),
            "state": self.state(now),
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
        }


def in_force(clock: IncidentClock, zone: ZoneInfo, discovered: dt.datetime) -> bool:
    """Whether ``clock`` applies to a discovery at ``discovered`` (dates in ``zone``)."""
    day = discovered.astimezone(zone).date()
    if clock.in_force_from is not None and day < clock.in_force_from:
        return False
    return not (clock.in_force_until is not None and day >= clock.in_force_until)


def clocks_in_force(regime_id: str, discovered: dt.datetime) -> list[IncidentClock]:
    rules = load_regime(regime_id).incidents
    if rules is None:
        return []
    zone = ZoneInfo(rules.time_zone)
    return [c for c in rules.clocks if in_force(c, zone, discovered)]


def due_at(clock: IncidentClock, zone: ZoneInfo, start: dt.datetime) -> dt.datetime:
    """When ``clock`` runs out for an incident discovered at ``start`` (UTC)."""
    start = start.astimezone(UTC)
    if clock.hours is not None:
        return start + dt.timedelta(hours=clock.hours)
    assert clock.days is not None
    # Same tzinfo: Python adds wall-clock time; the offset is recomputed on conversion.
    wall = (start.astimezone(zone) + dt.timedelta(days=clock.days)).astimezone(UTC)
    elapsed = start + dt.timedelta(days=clock.days)
    return min(wall, elapsed)


def regime_deadlines(
    regime: Regime,
    classes_given: Sequence[str],
    discovered: dt.datetime,
    reported: Mapping[tuple[str, str], dt.datetime] | None = None,
) -> list[Deadline]:
    """The clocks ``regime`` runs for an incident of these classes discovered then."""
    rules = regime.incidents
    if rules is None:
        return []
    zone = ZoneInfo(rules.time_zone)
    given = set(classes_given)
    out: list[Deadline] = []
    for clock in rules.clocks:
        if not given & set(clock.classes) or not in_force(clock, zone, discovered):
            continue
        period = f"{clock.days} days" if clock.days else f"{clock.hours} hours"
        out.append(
            Deadline(
                regime=regime.id,
                clock=clock.id,
                what=clock.what,
                classes=tuple(sorted(given & set(clock.classes))),
                period=period,
                due=due_at(clock, zone, discovered),
                time_zone=rules.time_zone,
                section=clock.citation.section,
                reported_at=(reported or {}).get((regime.id, clock.id)),
            )
        )
    return out


def deadlines(incident: Incident) -> list[Deadline]:
    """Every clock that runs for ``incident`` under the bundled regimes, soonest first."""
    out: list[Deadline] = []
    for regime_id in incident.regimes:
        if regime_id in REGIME_IDS:
            out += regime_deadlines(
                load_regime(regime_id),
                incident.classes_given.get(regime_id, []),
                incident.discovered_at,
                incident.reported,
            )
    return sorted(out, key=lambda d: (d.due, d.regime, d.clock))


def overdue(incident: Incident, now: dt.datetime) -> list[Deadline]:
    return [d for d in deadlines(incident) if d.state(now) == "overdue"]


def incident_dict(incident: Incident, now: dt.datetime) -> dict[str, Any]:
    """For ``--json`` and the portal: the state and every deadline at ``now``."""
    ds = deadlines(incident)
    return {
        "id": incident.id,
        "seq": incident.seq,
        "what": incident.what,
        "discovered_at": incident.discovered_text,
        "discovered_utc": incident.discovered_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "regimes": list(incident.regimes),
        "severity": dict(incident.severity),
        "classes_given": {k: list(v) for k, v in incident.classes_given.items()},
        "status": incident.status,
        "opened": incident.opened_time,
        "opened_by": incident.opened_by,
        "closed": incident.closed_time,
        "close_reason": incident.close_reason,
        "framework": incident.framework,
        "model": incident.model,
        "updates": [u.__dict__ for u in incident.updates],
        "deadlines": [d.as_dict(now) for d in ds],
        "no_clock": incident.unclocked(),
        "overdue": any(d.state(now) == "overdue" for d in ds),
    }


def left_text(delta: dt.timedelta) -> str:
    """``3d 4h 5m left`` or ``overdue by 2h 0m`` (to the minute, rounded toward zero)."""
    secs = int(delta.total_seconds())
    late = secs < 0
    secs = abs(secs)
    d, rem = divmod(secs, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    text = (f"{d}d " if d else "") + f"{h}h {m}m"
    return f"overdue by {text}" if late else f"{text} left"
