"""Safety incidents recorded with ``redline incident open``: the open ones with the time
left on every regime's clock, read from the ledger.

Who sees them follows the portal's tenancy (docs/security.md, "Tenancy"): an incident
on framework F is seen by the members of F's organisation and of the reviewing bodies
invited to review F (``Tenancy.visible_frameworks``, as for F's decisions); one tied
to no framework by the members of the organisation of the account whose key recorded
it; the portal's administrator sees every incident. Anonymous visitors are sent to
sign in. Incidents are only read here; they are recorded with the CLI, signed by the
recorder's own key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from redline.ledger.incidents import incident_book
from redline.portal.accounts import User
from redline.portal.service import Portal
from redline.portal.web import CtxDep, allow, page
from redline.regulation.incidents import Incident, incident_dict, left_text

router = APIRouter()
SEES_INCIDENTS = ("admin", "author", "signatory", "reviewer")


@dataclass(frozen=True)
class Viewer:
    """What decides which incidents an account sees."""

    user: User
    frameworks: frozenset[str]  # whose decisions (and so incidents) it sees
    org_of_key: dict[str, int]  # key name -> organisation, of the portal's accounts

    def sees(self, incident: Incident) -> bool:
        if self.user.role == "admin":
            return True
        if incident.framework is not None:
            return incident.framework in self.frameworks
        opener = self.org_of_key.get(incident.opened_by)
        return opener is not None and opener == self.user.org_id


def viewer(portal: Portal, user: User) -> Viewer:
    orgs = {u.key_name: u.org_id for u in portal.users() if u.org_id is not None}
    return Viewer(user, frozenset(portal.visible_frameworks(user)), orgs)


def _rows(ctx: Any, user: User, include_closed: bool) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    book = incident_book(ctx.portal.ledger)
    who = viewer(ctx.portal, user)
    rows = []
    for inc in book.incidents.values():
        if inc.status == "closed" and not include_closed:
            continue
        if not who.sees(inc):
            continue
        row = incident_dict(inc, now)
        for d, raw in zip(row["deadlines"], inc.deadlines(), strict=True):
            d["left_text"] = left_text(raw.left(now))
        rows.append(row)
    rows.sort(
        key=lambda r: min(
            (d["seconds_left"] for d in r["deadlines"] if d["state"] in ("running", "overdue")),
            default=1 << 62,
        )
    )
    return rows


@router.get("/incidents")
async def list_incidents(ctx: CtxDep, closed: bool = False) -> Response:
    user = allow(ctx, *SEES_INCIDENTS)
    rows = await run_in_threadpool(_rows, ctx, user, closed)
    return page(ctx, "incidents.html.j2", incidents=rows, closed=closed)
