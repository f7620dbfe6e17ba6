"""The portal's incident page: the organisation's roles and trusted reviewers see the
open incidents with their clocks; anonymous visitors are sent to sign in; an author
does not see the incidents of another author's framework."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_support import Seed, login, seed

from redline.ledger.incidents import close_incident, open_incident
from redline.ledger.store import open_ledger

warnings.filterwarnings("ignore", category=DeprecationWarning)

OURS = "Benign test anomaly in the larkspur evaluation harness"
THEIRS = "Benign test anomaly in the other framework"
UNTIED = "Benign test anomaly tied to no framework"
CLOSED = "Benign test anomaly already resolved"


@pytest.fixture(scope="module")
def env(workspace: Path) -> Iterator[tuple[Any, Seed]]:

    from redline.portal.app import create_app

    s = seed(workspace)
    with open_ledger(workspace) as lg:
        open_incident(
            lg,
            what=OURS,
            discovered="2026-12-01T10:00:00+01:00",
            severity={"sb53": "critical", "eu-gpai-cop": "death"},
            framework="larkspur-fsf",
        )
        open_incident(
            lg,
            what=THEIRS,
            discovered="2026-12-02T10:00:00Z",
            severity={"ny-raise": "critical"},
            framework="other-fsf",
        )
        open_incident(
            lg, what=UNTIED, discovered="2026-12-03T10:00:00Z", severity={"sb53": "imminent-risk"}
        )
        done = open_incident(
            lg, what=CLOSED, discovered="2026-12-03T10:00:00Z", severity={"sb53": "critical"}
        )
        close_incident(lg, done.hash, "Resolved in testing.")
    app = create_app(s.settings)
    yield app, s


def page_for(app: Any, who: str | None, path: str = "/incidents") -> Any:
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="http://127.0.0.1")
    if who is not None:
        login(c, who)
    return c.get(path, follow_redirects=False)


@pytest.mark.parametrize("who", ["reviewer", "reviewer2", "admin", "rso"])
def test_reviewers_and_the_organisation_see_every_open_incident(env: Any, who: str) -> None:
    app, _ = env
    r = page_for(app, who)
    assert r.status_code == 200, r.text[:300]
    for what in (OURS, THEIRS, UNTIED):
        assert what in r.text
    assert CLOSED not in r.text
    assert "initial-report-10-days" in r.text and "Measure 9.3, point (3)" in r.text
    assert "22757.13(c)(1)" in r.text and "office-72-hours" in r.text


def test_closed_incidents_on_request(env: Any) -> None:
    app, _ = env
    r = page_for(app, "reviewer", "/incidents?closed=true")
    assert r.status_code == 200 and CLOSED in r.text and "Resolved in testing." in r.text


def test_anonymous_visitors_are_sent_to_sign_in(env: Any) -> None:
    app, _ = env
    r = page_for(app, None)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert OURS not in r.text


def test_an_author_sees_their_frameworks_incidents_not_another_authors(env: Any) -> None:
    app, _ = env
    mine = page_for(app, "author").text
    assert OURS in mine and UNTIED in mine and THEIRS not in mine
    theirs = page_for(app, "author2").text
    assert THEIRS in theirs and UNTIED in theirs and OURS not in theirs
