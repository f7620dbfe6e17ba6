"""Incidents in the ledger: signed entries that replay to the current state, that
``redline verify`` checks (tampering, an update of an incident never opened, an update
after the closure), and the ``redline incident`` / ``redline incidents`` commands with
their exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger.chain import EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.incidents import (
    close_incident,
    incident_book,
    open_incident,
    update_incident,
)
from redline.ledger.keys import Keyring
from redline.ledger.store import Ledger, open_ledger
from redline.ledger.verify import verify_ledger
from redline.regulation.incidents import IncidentError, parse_instant

runner = CliRunner()
DISCOVERED = "2026-12-01T10:00:00+01:00"


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout


def fail(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, (args, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), result.stderr
    return result.stderr


def opened(ledger: Ledger) -> str:
    e = open_incident(
        ledger,
        what="Monitoring flagged a benign test anomaly",
        discovered=DISCOVERED,
        severity={"sb53": "critical", "eu-gpai-cop": "serious-harm"},
    )
    return e.hash


# ------------------------------------------------------------------ library


def test_round_trip_replays_the_current_state(ledger: Ledger) -> None:
    iid = opened(ledger)
    update_incident(ledger, iid[:8], severity={"eu-gpai-cop": "death"}, note="worse")
    update_incident(ledger, iid[:8], reported={"sb53:oes-15-days": "2026-12-10T00:00:00Z"})
    close_incident(ledger, iid[:8], "Root cause fixed; reports filed.")
    ledger.close()
    with open_ledger() as again:
        inc = incident_book(again).incidents[iid]
        report = verify_ledger(again)
    assert inc.status == "closed" and inc.close_reason == "Root cause fixed; reports filed."
    assert inc.severity == {"sb53": "critical", "eu-gpai-cop": "death"}
    assert inc.classes_given["eu-gpai-cop"] == ["serious-harm", "death"]
    assert [u.note for u in inc.updates] == ["worse", None]
    states = {
        d.clock: d.state(parse_instant("2027-01-01T00:00:00Z", "now")) for d in inc.deadlines()
    }
    assert states == {
        "oes-15-days": "reported",
        "initial-report-10-days": "overdue",
        "initial-report-15-days": "overdue",
    }
    assert report.status == "intact" and report.entries == 5  # key + 4 incident entries


def test_an_update_after_closing_is_refused_and_nothing_is_written(ledger: Ledger) -> None:
    iid = opened(ledger)
    close_incident(ledger, iid, "resolved")
    n = ledger.count()
    with pytest.raises(IncidentError, match="is closed"):
        update_incident(ledger, iid, note="too late")
    with pytest.raises(IncidentError, match="already closed"):
        close_incident(ledger, iid, "again")
    assert ledger.count() == n


def test_an_unknown_or_ambiguous_id_is_a_clear_error(ledger: Ledger) -> None:
    opened(ledger)
    with pytest.raises(LedgerError, match="no incident 0000"):
        update_incident(ledger, "0000", note="x")
    with pytest.raises(LedgerError, match="at least 4"):
        update_incident(ledger, "ab", note="x")


# ------------------------------------------------------------- verification


def test_a_changed_incident_payload_breaks_the_chain(ledger: Ledger, isolated: Path) -> None:
    iid = opened(ledger)
    seq = ledger.count()
    ledger.close()
    db = sqlite3.connect(isolated / "ws" / "ledger.db")
    db.execute("DROP TRIGGER ledger_entries_no_update")  # an attacker with the file can
    row = db.execute("SELECT payload FROM ledger_entries WHERE seq = ?", (seq,)).fetchone()
    later = row[0].replace("2026-12-01T10:00:00+01:00", "2026-12-03T10:00:00+01:00")
    assert later != row[0]
    db.execute("UPDATE ledger_entries SET payload = ? WHERE seq = ?", (later, seq))
    db.commit()
    db.close()
    with open_ledger() as lg:
        report = verify_ledger(lg)
    assert report.status == "broken" and report.problem is not None
    assert report.problem.seq == seq and "hash does not match" in report.problem.message
    assert iid


def test_verify_rejects_a_signed_update_of_an_incident_never_opened(ledger: Ledger) -> None:
    opened(ledger)
    key = Keyring().load("redline-local")
    ledger.append(EntryKind.INCIDENT_UPDATED, {"incident": "c" * 64, "note": "forged"}, key)
    report = verify_ledger(ledger)
    assert report.problem is not None and report.problem.seq == ledger.count()
    assert "not opened before it" in report.problem.message


def test_verify_rejects_a_signed_update_after_the_closure(ledger: Ledger) -> None:
    iid = opened(ledger)
    close_incident(ledger, iid, "resolved")
    key = Keyring().load("redline-local")
    ledger.append(EntryKind.INCIDENT_UPDATED, {"incident": iid, "note": "after"}, key)
    report = verify_ledger(ledger)
    assert report.problem is not None and "closed before it" in report.problem.message


def test_verify_rejects_a_signed_incident_with_a_naive_time(ledger: Ledger) -> None:
    opened(ledger)
    key = Keyring().load("redline-local")
    ledger.append(
        EntryKind.INCIDENT_OPENED,
        {
            "what": "x",
            "discovered_at": "2026-12-01T10:00:00",
            "regimes": ["sb53"],
            "severity": {"sb53": "critical"},
        },
        key,
    )
    report = verify_ledger(ledger)
    assert report.problem is not None and "no time zone" in report.problem.message


# ------------------------------------------------------------------- the CLI


def cli_open(*extra: str) -> str:
    data = json.loads(
        run(
            "incident",
            "open",
            "--what",
            "A benign test anomaly",
            "--discovered",
            DISCOVERED,
            "--severity",
            "sb53=critical",
            "--regime",
            "sb53",
            "--now",
            "2026-12-01T12:00:00Z",
            "--json",
            *extra,
        )
    )
    return str(data["id"])


def test_cli_open_update_close_and_the_overdue_gate() -> None:
    iid = cli_open()
    listed = json.loads(run("incidents", "--json", "--now", "2026-12-16T08:59:59Z"))
    [inc] = listed["incidents"]
    [d] = inc["deadlines"]
    assert (d["clock"], d["due"], d["seconds_left"]) == ("oes-15-days", "2026-12-16T09:00:00Z", 1)
    assert d["due_local"] == "2026-12-16T01:00:00-08:00"
    run("incidents", "--now", "2026-12-16T09:00:00Z")  # exactly at the deadline: exit 0
    text = run("incidents", "--now", "2026-12-16T09:00:01Z", code=1)
    assert "OVERDUE by 0h 0m" in text and iid[:12] in text
    assert (
        json.loads(run("incidents", "--overdue", "--json", "--now", "2026-12-02T00:00:00Z"))[
            "incidents"
        ]
        == []
    )

    out = run(
        "incident",
        "update",
        iid[:10],
        "--severity",
        "sb53=imminent-risk",
        "--now",
        "2026-12-01T12:00:00Z",
    )
    assert "imminent-risk-24-hours" in out and "21h 0m left" in out
    run(
        "incident",
        "update",
        iid[:10],
        "--reported",
        "sb53:imminent-risk-24-hours=2026-12-01T20:00:00Z",
        "--reported",
        "sb53:oes-15-days=2026-12-05T09:00:00Z",
    )
    run("incidents", "--now", "2027-01-01T00:00:00Z")  # every clock reported: exit 0
    shown = run("incident", "show", iid[:10], "--now", "2027-01-01T00:00:00Z")
    assert "reported 2026-12-01T20:00:00+00:00" in shown

    result = runner.invoke(app, ["incident", "close", iid[:10], "--reason", "Fixed."])
    assert result.exit_code == 0 and "closed incident" in result.stdout
    assert "no incidents" not in run("incidents", "--all", "--now", "2027-01-01T00:00:00Z")
    assert "no open incidents" in run("incidents", "--now", "2027-01-01T00:00:00Z")
    assert run("verify").startswith("ledger intact")


def test_cli_close_names_clocks_never_reported() -> None:
    iid = cli_open()
    result = runner.invoke(app, ["incident", "close", iid[:10], "--reason", "Duplicate."])
    assert result.exit_code == 0
    assert "note: sb53 oes-15-days (22757.13(c)(1)) has no report recorded" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--discovered", "2026-12-01T10:00:00", "--severity", "sb53=critical"], "no time zone"),
        (["--discovered", "2026-13-01T10:00:00Z", "--severity", "sb53=critical"], "not an ISO"),
        (["--discovered", DISCOVERED, "--severity", "sb53=big"], "no severity class 'big'"),
        (["--discovered", DISCOVERED, "--severity", "sb53"], "REGIME=CLASS"),
        (["--discovered", DISCOVERED, "--regime", "mars"], "applies but has no class"),
    ],
)
def test_cli_bad_input_is_one_line_and_nothing_is_written(args: list[str], message: str) -> None:
    stderr = fail("incident", "open", "--what", "x", *args)
    assert message in stderr
    with open_ledger(create=True) as lg:
        assert not incident_book(lg).incidents


def test_cli_bad_now_and_unknown_ids() -> None:
    cli_open()
    assert "--now" in fail("incidents", "--now", "2026-12-01")
    assert "no incident ffff" in fail("incident", "update", "ffff", "--note", "x")
    assert "nothing to update" in fail("incident", "update", cli_open()[:10])


def test_the_installed_command_gates_on_overdue_incidents(isolated: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    def redline(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "redline", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    naive = redline(
        "incident",
        "open",
        "--what",
        "x",
        "--discovered",
        "2026-12-01T10:00",
        "--severity",
        "ny-raise=critical",
    )
    assert naive.returncode == 1 and "Traceback" not in naive.stderr
    assert naive.stderr.startswith("error: --discovered: '2026-12-01T10:00' has no time zone")
    ok = redline(
        "incident",
        "open",
        "--what",
        "x",
        "--discovered",
        "2026-12-01T10:00:00-05:00",
        "--severity",
        "ny-raise=critical",
    )
    assert ok.returncode == 0, ok.stderr
    assert redline("incidents", "--now", "2026-12-04T15:00:00Z").returncode == 0
    late = redline("incidents", "--now", "2026-12-04T15:00:01Z")
    assert late.returncode == 1 and "1 incident(s) overdue" in late.stderr
