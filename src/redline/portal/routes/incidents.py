"""Safety incidents recorded with ``redline incident open``: the open ones with the time
left on every regime's clock, read from the ledger.

Who sees them: the organisation that owns them (administrators and decision
signatories see every incident; a framework author sees those of the frameworks they
own and those tied to no framework) and trusted reviewers (every incident). Anonymous
visitors are sent to sign in. Incidents are only read here; they are recorded with
the CLI, signed by the recorder's own key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from redline.ledger.incidents import incident_book
from redline.portal.accounts import User
from redline.portal.web import CtxDep, allow, page
from redline.regulation.incidents import Incident, incident_dict, left_text

router = APIRouter()
SEES_INCIDENTS = ("admin", "author", "signatory", "reviewer")


def visible(user: User, incident: Incident, owner_of: Callable[[str], int | None]) -> bool:
    """Whether ``user`` (already one of SEES_INCIDENTS) may see ``incident``."""
    if user.role != "author" or incident.framework is None:
        return True
    return owner_of(incident.framework) == user.id


def _rows(ctx: Any, user: User, include_closed: bool) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    book = incident_book(ctx.portal.ledger)
    rows = []
    for inc in book.incidents.values():
        if inc.status == "closed" and not include_closed:
            continue
        if not visible(user, inc, ctx.portal.owner_of):
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
