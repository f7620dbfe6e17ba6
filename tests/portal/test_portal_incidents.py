"""The portal's incident page, seen through the tenancy: an incident on framework F
is seen by F's organisation and by the reviewing bodies invited to review F; one tied
to no framework by the organisation whose account recorded it; the administrator
sees every incident; anonymous visitors are sent to sign in."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_support import Seed, login, seed

from redline.ledger.chain import EntryKind
from redline.ledger.incidents import close_incident, open_incident
from redline.ledger.keys import Keyring
from redline.ledger.store import open_ledger
from redline.regulation.incidents import new_incident

warnings.filterwarnings("ignore", category=DeprecationWarning)

OURS = "Benign test anomaly in the larkspur evaluation harness"
THEIRS = "Benign test anomaly in the other framework"
UNTIED = "Benign test anomaly tied to no framework"
LAB_UNTIED = "Benign test anomaly Larkspur recorded on no framework"
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
        # Recorded with the key of a Larkspur account (rso's, held by the portal).
        rso_key = Keyring(s.settings.keys_dir).load("portal-rso")
        untied = new_incident(LAB_UNTIED, "2026-12-04T10:00:00Z", {"sb53": "critical"}, ())
        lg.append(EntryKind.INCIDENT_OPENED, untied.model_dump(mode="json"), rso_key)
    app = create_app(s.settings)
    yield app, s


def page_for(app: Any, who: str | None, path: str = "/incidents") -> Any:
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="http://127.0.0.1")
    if who is not None:
        login(c, who)
    return c.get(path, follow_redirects=False)


# who -> the incidents they see (of OURS on larkspur-fsf, THEIRS on other-fsf, UNTIED
# recorded by the CLI's key, LAB_UNTIED recorded by a Larkspur account's key).
SEES = {
    "admin": {OURS, THEIRS, UNTIED, LAB_UNTIED},
    "author": {OURS, LAB_UNTIED},  # Larkspur
    "victim": {OURS, LAB_UNTIED},  # Larkspur, without larkspur-fsf's author scope
    "rso": {OURS, LAB_UNTIED},
    "author2": {THEIRS},  # Other Lab
    "rso-other": {THEIRS},
    "reviewer": {OURS},  # the institute, invited to review larkspur-fsf
    "reviewer2": {OURS},  # the same institute, not invited itself
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_incidents_follow_the_tenancy(env: Any, who: str) -> None:
    app, _ = env
    r = page_for(app, who)
    assert r.status_code == 200, r.text[:300]
    shown = {w for w in (OURS, THEIRS, UNTIED, LAB_UNTIED) if w in r.text}
    assert shown == SEES[who]
    assert CLOSED not in r.text


def test_the_clocks_of_every_regime(env: Any) -> None:
    app, _ = env
    r = page_for(app, "rso")
    assert "initial-report-10-days" in r.text and "Measure 9.3, point (3)" in r.text
    assert "22757.13(c)(1)" in r.text


def test_a_body_sees_a_framework_once_invited(env: Any) -> None:
    """Nothing of other-fsf for the institute until Other Lab invites one of its
    reviewers to a round on it."""
    app, s = env
    assert THEIRS not in page_for(app, "reviewer2").text
    p = app.state.portal
    author2 = p.user_by_name("author2")
    p.invite(author2, s.ids["round2"], [s.ids["reviewer2"]])
    assert THEIRS in page_for(app, "reviewer").text
    assert UNTIED not in page_for(app, "reviewer").text


def test_closed_incidents_on_request(env: Any) -> None:
    app, _ = env
    r = page_for(app, "admin", "/incidents?closed=true")
    assert r.status_code == 200 and CLOSED in r.text and "Resolved in testing." in r.text


def test_anonymous_visitors_are_sent_to_sign_in(env: Any) -> None:
    app, _ = env
    r = page_for(app, None)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert OURS not in r.text
