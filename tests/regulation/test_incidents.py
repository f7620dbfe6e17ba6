"""Incident clocks at their boundaries: time zones and daylight-saving changes, a
discovery just before a clock's rule changes, an update that raises the severity, a
report exactly at the deadline; and the regime data they are computed from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from redline.framework.located import FrameworkError
from redline.regulation.incidents import (
    Incident,
    IncidentBook,
    IncidentError,
    Opened,
    deadlines,
    due_at,
    new_incident,
    new_update,
    parse_instant,
    parse_reported,
    parse_severity,
    payload_problem,
    regime_deadlines,
)
from redline.regulation.load import REGIME_IDS, load_regime, load_regime_file

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
ID = "a" * 64


def t(text: str) -> dt.datetime:
    return parse_instant(text, "test")


def book_with(discovered: str, severity: dict[str, str]) -> tuple[IncidentBook, Incident]:
    book = IncidentBook()
    payload = new_incident("Benign test incident", discovered, severity)
    inc = book.opened(ID, 1, "2026-01-01T00:00:00.000000Z", "alice", payload.model_dump())
    return book, inc


def due(inc: Incident, regime: str, clock: str) -> dt.datetime:
    [d] = [d for d in inc.deadlines() if (d.regime, d.clock) == (regime, clock)]
    return d.due


# --------------------------------------------------------------------- the data


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_every_clock_is_sourced_and_names_declared_classes(regime_id: str) -> None:
    rules = load_regime(regime_id).incidents
    assert rules is not None, regime_id
    classes = {c.id for c in rules.classes}
    assert rules.clocks, f"{regime_id}: no incident clock encoded"
    for c in rules.clocks:
        assert set(c.classes) <= classes
        assert c.citation.section and c.citation.quote
        assert (c.days is None) != (c.hours is None)
    for cls in rules.classes:
        assert cls.citation.quote


def test_the_periods_the_texts_set() -> None:
    def periods(regime: str) -> dict[str, tuple[int | None, int | None]]:
        rules = load_regime(regime).incidents
        assert rules is not None
        return {c.id: (c.days, c.hours) for c in rules.clocks}

    assert periods("sb53") == {"oes-15-days": (15, None), "imminent-risk-24-hours": (None, 24)}
    assert periods("ny-raise") == {
        "office-72-hours": (None, 72),
        "imminent-risk-24-hours": (None, 24),
    }
    assert periods("eu-gpai-cop") == {
        "initial-report-2-days": (2, None),
        "initial-report-5-days": (5, None),
        "initial-report-10-days": (10, None),
        "initial-report-15-days": (15, None),
    }


REGIME_WITH_AMENDMENT = """\
schema_version: 1
id: test-regime
name: A test regime whose clock is amended
jurisdiction: Nowhere
document:
  {title: T, url: "https://example.invalid/t", version: "1", date: "2026-01-01", read_from: t}
requirements:
  - id: r
    title: R
    citation: {section: "1", quote: "q"}
    not_checked: a test
incidents:
  time_zone: America/New_York
  reading: a test
  classes:
    - {id: critical, definition: d, citation: {section: "2", quote: "q"}}
  clocks:
    - id: report
      what: the original clock
      classes: [critical]
      hours: 72
      clock_starts: discovery
      in_force_until: "2027-01-01"
      citation: {section: "3", quote: "within seventy-two hours"}
    - id: report
      what: the amended clock
      classes: [critical]
      hours: 24
      clock_starts: discovery
      in_force_from: "2027-01-01"
      citation: {section: "3 as amended", quote: "within twenty-four hours"}
"""


def test_discovered_just_before_the_amendment_keeps_the_old_clock(tmp_path: Path) -> None:
    f = tmp_path / "test-regime.yaml"
    f.write_text(REGIME_WITH_AMENDMENT, encoding="utf-8")
    regime = load_regime_file(f)

    def only(discovered: str) -> tuple[str, dt.timedelta]:
        [d] = regime_deadlines(regime, ["critical"], t(discovered))
        return d.section, d.due - t(discovered)

    assert only("2026-12-31T23:59:59-05:00") == ("3", 72 * H)
    assert only("2027-01-01T00:00:00-05:00") == ("3 as amended", 24 * H)
    # 04:30 UTC on 1 January is still 31 December in the regime's zone: the old rule.
    assert only("2027-01-01T04:30:00Z") == ("3", 72 * H)
    assert only("2027-01-01T05:00:00Z") == ("3 as amended", 24 * H)


def test_overlapping_clock_versions_and_unknown_classes_are_located(tmp_path: Path) -> None:
    bad = REGIME_WITH_AMENDMENT.replace(
        'in_force_from: "2027-01-01"', 'in_force_from: "2026-06-01"'
    )
    bad = bad.replace("classes: [critical]\n      hours: 24", "classes: [critcal]\n      hours: 24")
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_regime_file(f)
    text = "\n".join(p.format() for p in info.value.problems)
    assert "unknown class 'critcal'" in text
    assert "in force at the same time" in text
    assert f"{f}:" in text and "incidents.clocks[1]" in text


def test_a_period_in_both_days_and_hours_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "both.yaml"
    f.write_text(REGIME_WITH_AMENDMENT.replace("hours: 72", "hours: 72\n      days: 3"))
    with pytest.raises(FrameworkError, match="either days or hours"):
        load_regime_file(f)


# ------------------------------------------------------------------ time zones


@pytest.mark.parametrize("text", ["2026-12-01T10:00:00", "2026-12-01", "2026-12-01 10:00"])
def test_a_time_without_zone_is_refused(text: str) -> None:
    with pytest.raises(IncidentError, match="no time zone"):
        new_incident("x", text, {"sb53": "critical"})


def test_a_time_that_is_not_iso_is_refused() -> None:
    with pytest.raises(IncidentError, match="--discovered: 'yesterday' is not an ISO 8601"):
        new_incident("x", "yesterday", {"sb53": "critical"})


def test_the_same_instant_in_any_offset_gives_the_same_deadline() -> None:
    _, a = book_with("2026-12-01T10:00:00+01:00", {"sb53": "critical", "eu-gpai-cop": "death"})
    _, b = book_with("2026-12-01T01:00:00-08:00", {"sb53": "critical", "eu-gpai-cop": "death"})
    assert [d.due for d in a.deadlines()] == [d.due for d in b.deadlines()]
    assert due(a, "sb53", "oes-15-days") == t("2026-12-16T09:00:00Z")


def test_fifteen_days_across_the_autumn_change_take_the_earlier_reading() -> None:
    # Los Angeles leaves daylight time on 2026-11-01: 15 calendar days at the same wall
    # time are 361 hours; 15 x 24 hours is the earlier reading.
    start = t("2026-10-25T12:00:00-07:00")
    _, inc = book_with(start.isoformat(), {"sb53": "critical"})
    assert due(inc, "sb53", "oes-15-days") - start == 360 * H
    assert due(inc, "sb53", "oes-15-days") == t("2026-11-09T11:00:00-08:00")


def test_fifteen_days_across_the_spring_change_take_the_earlier_reading() -> None:
    # Los Angeles enters daylight time on 2027-03-14: the same wall time 15 days later
    # is 359 hours after discovery, earlier than 15 x 24 hours.
    start = t("2027-03-01T12:00:00-08:00")
    _, inc = book_with(start.isoformat(), {"sb53": "critical"})
    assert due(inc, "sb53", "oes-15-days") - start == 359 * H
    assert due(inc, "sb53", "oes-15-days") == t("2027-03-16T12:00:00-07:00")


def test_eu_days_are_counted_in_brussels_time() -> None:
    # Brussels leaves summer time on 2026-10-25; a discovery in Los Angeles is counted
    # in the regime's zone, not the discoverer's.
    start = t("2026-10-24T03:00:00-07:00")  # 12:00 in Brussels
    _, inc = book_with(start.isoformat(), {"eu-gpai-cop": "death"})
    assert due(inc, "eu-gpai-cop", "initial-report-10-days") - start == 240 * H
    spring = t("2027-03-20T12:00:00+01:00")  # summer time from 2027-03-28
    _, inc2 = book_with(spring.isoformat(), {"eu-gpai-cop": "death"})
    assert due(inc2, "eu-gpai-cop", "initial-report-10-days") - spring == 239 * H


def test_hour_clocks_are_elapsed_hours_across_a_change() -> None:
    start = t("2026-10-31T12:00:00-07:00")
    _, inc = book_with(start.isoformat(), {"sb53": "imminent-risk", "ny-raise": "imminent-risk"})
    assert due(inc, "sb53", "imminent-risk-24-hours") - start == 24 * H
    assert due(inc, "ny-raise", "office-72-hours") - start == 72 * H


def test_a_wall_time_that_does_not_exist_on_the_due_day_still_falls_within_the_period() -> None:
    rules = load_regime("sb53").incidents
    assert rules is not None
    from zoneinfo import ZoneInfo

    [clock] = [c for c in rules.clocks if c.id == "oes-15-days"]
    start = t("2027-02-27T02:30:00-08:00")  # 02:30 on 2027-03-14 does not exist there
    d = due_at(clock, ZoneInfo(rules.time_zone), start)
    assert d - start <= 360 * H


# ---------------------------------------------------------------- severity


def test_raising_the_severity_counts_from_the_original_discovery() -> None:
    book, inc = book_with("2026-12-01T10:00:00+01:00", {"eu-gpai-cop": "serious-harm"})
    start = inc.discovered_at
    assert [d.clock for d in inc.deadlines()] == ["initial-report-15-days"]
    upd = new_update(inc, severity={"eu-gpai-cop": "death"}, note="A death is now linked.")
    book.updated(2, "2026-12-04T10:00:00.000000Z", "alice", upd.model_dump())
    assert due(inc, "eu-gpai-cop", "initial-report-10-days") - start == 10 * D
    assert due(inc, "eu-gpai-cop", "initial-report-15-days") - start == 15 * D
    assert inc.deadlines()[0].clock == "initial-report-10-days"


def test_an_imminent_risk_found_late_is_already_overdue() -> None:
    book, inc = book_with("2026-12-01T10:00:00Z", {"sb53": "critical"})
    upd = new_update(inc, severity={"sb53": "imminent-risk"})
    book.updated(2, "2026-12-02T16:00:00.000000Z", "alice", upd.model_dump())
    now = t("2026-12-02T16:00:00Z")
    states = {d.clock: d.state(now) for d in inc.deadlines()}
    assert states == {"imminent-risk-24-hours": "overdue", "oes-15-days": "running"}


def test_a_lower_class_later_does_not_withdraw_a_clock_that_started() -> None:
    book, inc = book_with("2026-12-01T10:00:00Z", {"sb53": "imminent-risk"})
    upd = new_update(inc, severity={"sb53": "critical"})
    book.updated(2, "2026-12-01T11:00:00.000000Z", "alice", upd.model_dump())
    assert inc.severity == {"sb53": "critical"}
    assert {d.clock for d in inc.deadlines()} == {"imminent-risk-24-hours", "oes-15-days"}


def test_an_update_can_add_a_regime_with_its_class() -> None:
    book, inc = book_with("2026-12-01T10:00:00Z", {"sb53": "critical"})
    with pytest.raises(IncidentError, match="give its class too"):
        new_update(inc, add_regimes=["ny-raise"])
    upd = new_update(inc, add_regimes=["ny-raise"], severity={"ny-raise": "critical"})
    book.updated(2, "2026-12-01T11:00:00.000000Z", "alice", upd.model_dump())
    assert due(inc, "ny-raise", "office-72-hours") == t("2026-12-04T10:00:00Z")


# ------------------------------------------------------- exactly at the deadline


def test_exactly_at_the_deadline_is_not_yet_overdue() -> None:
    _, inc = book_with("2026-12-01T10:00:00Z", {"ny-raise": "critical"})
    [d] = inc.deadlines()
    assert d.due == t("2026-12-04T10:00:00Z")
    assert d.state(d.due) == "running" and d.left(d.due) == dt.timedelta(0)
    assert d.state(d.due + dt.timedelta(microseconds=1)) == "overdue"


def test_a_report_exactly_at_the_deadline_is_in_time() -> None:
    book, inc = book_with("2026-12-01T10:00:00Z", {"ny-raise": "critical"})
    rep = parse_reported(
        ["ny-raise:office-72-hours=2026-12-04T05:00:00-05:00"], t("2027-01-01T00:00:00Z")
    )
    book.updated(2, "x", "alice", new_update(inc, reported=rep).model_dump())
    [d] = inc.deadlines()
    assert d.state(t("2027-01-01T00:00:00Z")) == "reported"
    book2, inc2 = book_with("2026-12-01T10:00:00Z", {"ny-raise": "critical"})
    rep2 = parse_reported(
        ["ny-raise:office-72-hours=2026-12-04T10:00:01Z"], t("2027-01-01T00:00:00Z")
    )
    book2.updated(2, "x", "alice", new_update(inc2, reported=rep2).model_dump())
    assert inc2.deadlines()[0].state(t("2027-01-01T00:00:00Z")) == "reported_late"


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("severity", "message"),
    [
        ({"sb53": "catastrophic"}, "sb53 has no severity class 'catastrophic'"),
        ({"ca-sb1047": "critical"}, "unknown regime 'ca-sb1047'"),
        ({}, "name at least one regime"),
    ],
)
def test_unknown_classes_and_regimes_are_refused(severity: dict[str, str], message: str) -> None:
    with pytest.raises(IncidentError, match=message):
        new_incident("x", "2026-12-01T10:00:00Z", severity)


def test_a_listed_regime_needs_a_class() -> None:
    with pytest.raises(IncidentError, match="regime ny-raise applies but has no class"):
        new_incident("x", "2026-12-01T10:00:00Z", {"sb53": "critical"}, ["ny-raise"])


@pytest.mark.parametrize("value", ["sb53", "=critical", "sb53="])
def test_severity_pairs_are_parsed_strictly(value: str) -> None:
    with pytest.raises(IncidentError, match="REGIME=CLASS"):
        parse_severity([value])


def test_a_report_for_a_clock_that_does_not_run_is_refused() -> None:
    _, inc = book_with("2026-12-01T10:00:00Z", {"sb53": "critical"})
    rep = parse_reported(["sb53:imminent-risk-24-hours"], t("2026-12-01T12:00:00Z"))
    with pytest.raises(IncidentError, match="runs no clock 'imminent-risk-24-hours'"):
        new_update(inc, reported=rep)


def test_payload_checks_catch_what_a_signer_could_write() -> None:
    good = Opened(
        what="x",
        discovered_at="2026-12-01T10:00:00Z",
        regimes=["sb53"],
        severity={"sb53": "critical"},
    ).model_dump()
    assert payload_problem("incident_opened", good) is None
    naive = {**good, "discovered_at": "2026-12-01T10:00:00"}
    assert "no time zone" in (payload_problem("incident_opened", naive) or "")
    assert "incident" in (payload_problem("incident_updated", {"incident": "nothex"}) or "")


def test_replaying_an_update_of_an_unknown_or_closed_incident_fails() -> None:
    book, inc = book_with("2026-12-01T10:00:00Z", {"sb53": "critical"})
    with pytest.raises(IncidentError, match="not opened before it"):
        book.updated(2, "x", "a", {"incident": "b" * 64, "note": "n"})
    book.closed(2, "x", "a", {"incident": ID, "reason": "resolved"})
    with pytest.raises(IncidentError, match="already closed"):
        book.updated(3, "x", "a", {"incident": ID, "note": "n"})
    with pytest.raises(IncidentError, match="is closed"):
        new_update(inc, note="late")
    assert deadlines(inc)  # the record of a closed incident keeps its clocks
