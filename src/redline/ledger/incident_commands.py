"""``redline incident open|update|close|show`` and ``redline incidents``: argument
handling only; the rules are in :mod:`redline.regulation.incidents`, the entries in
:mod:`redline.ledger.incidents`.

The ledger is the one every ledger command uses (``$REDLINE_HOME``, or
``$REDLINE_DATABASE_URL``); the signing key is ``--key``, else ``$REDLINE_KEY``.
``redline incidents`` exits 1 when any listed incident has a clock past its deadline
with no report recorded, so a pipeline can gate on it. Errors: one line, exit 1.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from redline.ledger.cli_support import JsonOpt, _guard, _ledger, _print_json, err, out

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OVERDUE = 1

incident_app = typer.Typer(
    name="incident",
    help="Record safety incidents as signed ledger entries: open, update, close, show.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

KeyOpt = Annotated[
    str | None, typer.Option("--key", help="Your registered key (default $REDLINE_KEY).")
]
NowOpt = Annotated[
    str | None,
    typer.Option("--now", help="Compute time left at this instant (ISO 8601 with offset)."),
]
SeverityOpt = Annotated[
    list[str] | None,
    typer.Option("--severity", help="REGIME=CLASS, the class the regime's text gives it."),
]
RegimeOpt = Annotated[
    list[str] | None, typer.Option("--regime", help="A regime that applies (repeatable).")
]


def _incident_guard(fn: Callable[P, R]) -> Callable[P, R]:
    """IncidentError (bad input) as one line and exit 1, like the ledger's errors."""
    guarded = _guard(fn)

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from redline.regulation.incidents import IncidentError

        try:
            return guarded(*args, **kwargs)
        except IncidentError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None

    return wrapper


def _now(text: str | None) -> dt.datetime:
    from redline.regulation.incidents import parse_instant

    return parse_instant(text, "--now") if text else dt.datetime.now(dt.UTC)


def _print_incident(inc: Any, now: dt.datetime) -> None:
    from zoneinfo import ZoneInfo

    from redline.regulation.incidents import left_text

    sev = ", ".join(f"{r}={c}" for r, c in inc.severity.items())
    mark = "" if inc.status == "open" else " [closed]"
    out.print(f"incident {inc.short}{mark}: {inc.what}", markup=False)
    out.print(f"  discovered {inc.discovered_text}; severity {sev}", markup=False)
    for d in inc.deadlines():
        local = d.due.astimezone(ZoneInfo(d.time_zone)).strftime("%Y-%m-%d %H:%M %Z")
        state = d.state(now)
        if state == "running":
            tail = left_text(d.left(now))
        elif state == "overdue":
            tail = "OVERDUE by " + left_text(d.left(now)).removeprefix("overdue by ")
        else:
            tail = f"{state.replace('_', ' ')} {d.reported_at.isoformat() if d.reported_at else ''}"
        due = d.due.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        out.print(
            f"  {d.regime:<12} {d.clock:<24} {d.period:>8} due {due} ({local})  {tail}",
            markup=False,
        )
    for r in inc.unclocked():
        out.print(f"  {r:<12} no clock in force for this class at discovery", markup=False)


@incident_app.command("open")
@_incident_guard
def open_cmd(
    what: Annotated[str, typer.Option("--what", help="What happened, in a line or two.")],
    discovered: Annotated[
        str,
        typer.Option(
            "--discovered",
            help="When it was discovered: ISO 8601 WITH offset, e.g. "
            "2026-12-01T10:00:00+01:00 (a time without a zone is refused).",
        ),
    ],
    severity: SeverityOpt = None,
    regime: RegimeOpt = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="The framework id it concerns.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="The model involved.")] = None,
    key: KeyOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open an incident: a signed incident_opened entry; prints its id and deadlines."""
    from redline.ledger.incidents import find_incident, open_incident
    from redline.regulation.incidents import incident_dict, parse_severity

    at = _now(now)
    sev = parse_severity(severity or [])
    with _ledger(create=True) as ledger:
        entry = open_incident(
            ledger,
            what=what,
            discovered=discovered,
            severity=sev,
            regimes=regime or [],
            framework=framework,
            model=model,
            key_name=key,
        )
        inc = find_incident(ledger, entry.hash)
    if as_json:
        _print_json(incident_dict(inc, at))
        return
    out.print(f"opened incident {inc.short} (entry {entry.seq})", markup=False)
    _print_incident(inc, at)


@incident_app.command("update")
@_incident_guard
def update_cmd(
    incident_id: Annotated[str, typer.Argument(help="Incident id (or its first digits).")],
    note: Annotated[str | None, typer.Option("--note", help="What is new.")] = None,
    severity: SeverityOpt = None,
    regime: RegimeOpt = None,
    reported: Annotated[
        list[str] | None,
        typer.Option(
            "--reported",
            help="REGIME:CLOCK[=WHEN]: the report that clock asks for was made (default: now).",
        ),
    ] = None,
    key: KeyOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an update: a new class (deadlines then count from the original discovery),
    another regime, a report made, or a note."""
    from redline.ledger.incidents import find_incident, update_incident
    from redline.regulation.incidents import incident_dict, parse_reported, parse_severity

    at = _now(now)
    sev = parse_severity(severity or [])
    rep = parse_reported(reported or [], dt.datetime.now(dt.UTC))
    with _ledger() as ledger:
        entry = update_incident(
            ledger,
            incident_id,
            note=note,
            severity=sev,
            add_regimes=regime or [],
            reported=rep,
            key_name=key,
        )
        inc = find_incident(ledger, entry.data()["incident"])
    if as_json:
        _print_json(incident_dict(inc, at))
        return
    out.print(f"updated incident {inc.short} (entry {entry.seq})", markup=False)
    _print_incident(inc, at)


@incident_app.command("close")
@_incident_guard
def close_cmd(
    incident_id: Annotated[str, typer.Argument(help="Incident id (or its first digits).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is closed.")],
    key: KeyOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close an incident. Its record stays; a clock never reported is named on stderr."""
    from redline.ledger.incidents import close_incident, find_incident
    from redline.regulation.incidents import incident_dict

    at = _now(now)
    with _ledger() as ledger:
        entry = close_incident(ledger, incident_id, reason, key_name=key)
        inc = find_incident(ledger, entry.data()["incident"])
    unreported = [d for d in inc.deadlines() if d.reported_at is None]
    if as_json:
        _print_json(incident_dict(inc, at))
    else:
        out.print(f"closed incident {inc.short} (entry {entry.seq})", markup=False)
    for d in unreported:
        err.print(f"note: {d.regime} {d.clock} ({d.section}) has no report recorded", markup=False)


@incident_app.command("show")
@_incident_guard
def show_cmd(
    incident_id: Annotated[str, typer.Argument(help="Incident id (or its first digits).")],
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One incident: its state, updates and every deadline."""
    from redline.ledger.incidents import find_incident
    from redline.regulation.incidents import incident_dict

    at = _now(now)
    with _ledger() as ledger:
        inc = find_incident(ledger, incident_id)
    if as_json:
        _print_json(incident_dict(inc, at))
        return
    _print_incident(inc, at)
    for u in inc.updates:
        bits = [f"{r}={c}" for r, c in u.severity.items()] + [f"reported {k}" for k in u.reported]
        out.print(
            f"  update {u.time[:19]} by {u.actor}: {'; '.join(bits)} {u.note or ''}".rstrip(),
            markup=False,
        )
    if inc.status == "closed":
        out.print(
            f"  closed {inc.closed_time} by {inc.closed_by}: {inc.close_reason}", markup=False
        )


@_incident_guard
def incidents_cmd(
    overdue_only: Annotated[
        bool, typer.Option("--overdue", help="Only incidents with a clock past its deadline.")
    ] = False,
    include_closed: Annotated[bool, typer.Option("--all", help="Closed incidents too.")] = False,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open incidents with the time left on every clock, soonest first.

    Exit 0 when no listed incident is overdue, 1 when any is (or on an error)."""
    from redline.ledger.incidents import incident_book
    from redline.regulation.incidents import incident_dict, overdue

    at = _now(now)
    with _ledger() as ledger:
        book = incident_book(ledger)
    rows = [i for i in book.incidents.values() if include_closed or i.status == "open"]
    if overdue_only:
        rows = [i for i in rows if overdue(i, at)]

    def soonest(i: Any) -> dt.datetime:
        pending = [d.due for d in i.deadlines() if d.reported_at is None]
        return min(pending) if pending else dt.datetime.max.replace(tzinfo=dt.UTC)

    rows.sort(key=soonest)
    late = [i for i in rows if overdue(i, at)]
    if as_json:
        _print_json(
            {
                "now": at.isoformat(),
                "incidents": [incident_dict(i, at) for i in rows],
                "overdue": len(late),
            }
        )
    else:
        if not rows:
            out.print("no open incidents" if not overdue_only else "no overdue incidents")
        for i in rows:
            _print_incident(i, at)
        if late:
            err.print(f"{len(late)} incident(s) overdue", markup=False)
    if late:
        raise typer.Exit(EXIT_OVERDUE)


def register(app: typer.Typer) -> None:
    """Add ``incident`` and ``incidents`` to the ``redline`` app."""
    app.add_typer(incident_app, name="incident")
    app.command("incidents")(incidents_cmd)
