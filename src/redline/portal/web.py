"""What every route shares: the request context (portal, user, CSRF token), access
checks, CSRF checks, and page rendering with the portal's Jinja environment.

Authorisation is a dependency on every route (``allow(...)``), never only a hidden
link; the matrix test in tests/portal enumerates the router and fails on a route
that has no entry.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from redline.portal.accounts import ORG_KINDS, ROLE_WORDS, User
from redline.portal.service import Portal, when_text

SESSION_COOKIE = "redline_session"
PRE_COOKIE = "redline_presession"


@dataclass
class Ctx:
    request: Request
    portal: Portal
    user: User | None
    csrf: str
    session_token: str | None

    @property
    def role(self) -> str:
        return self.user.role if self.user else "anonymous"


class LoginRequired(Exception):
    """Anonymous request to a page that needs an account: redirect to the sign-in."""


def get_ctx(request: Request) -> Ctx:
    portal: Portal = request.app.state.portal
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        found = portal.session(token)
        if found is not None:
            user, csrf = found
            return Ctx(request, portal, user, csrf, token)
    # Anonymous: a pre-session token (cookie + form field) protects the sign-in form.
    pre = request.cookies.get(PRE_COOKIE) or ""
    if len(pre) < 32:
        pre = secrets.token_urlsafe(32)
        request.state.new_pre = pre
    return Ctx(request, portal, None, pre, None)


CtxDep = Annotated[Ctx, Depends(get_ctx)]

# Every numeric id in a path: a positive integer that fits the database's 64-bit
# columns. Anything else is answered 404 (see ``app.bad_request``), never a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def allow(ctx: Ctx, *roles: str) -> User:
    """The signed-in user when their role is one of ``roles``; refuse otherwise."""
    if ctx.user is None:
        raise LoginRequired()
    if ctx.user.role not in roles:
        raise HTTPException(403, "Your account may not do this.")
    return ctx.user


async def check_csrf(request: Request, ctx: Ctx) -> dict[str, Any]:
    """The submitted form, after checking its CSRF token against the session's."""
    form = await request.form()
    sent = form.get("csrf")
    if (
        not isinstance(sent, str)
        or not ctx.csrf
        or getattr(request.state, "new_pre", None) is not None
        or not hmac.compare_digest(sent.encode(), ctx.csrf.encode())
    ):
        raise HTTPException(403, "The form expired or did not come from this site; reload it.")
    return {k: v for k, v in form.multi_items()} | {"_multi": form}


@cache
def env() -> Environment:
    from redline.publish.render import _common

    e = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("redline.portal", "templates"),
                PackageLoader("redline.publish", "templates"),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    _common(e)
    e.globals["ROLE_WORDS"] = ROLE_WORDS
    e.globals["ORG_KINDS"] = ORG_KINDS
    e.filters["ledger_time"] = when_text
    e.filters["short"] = lambda h: (h or "")[:12]
    return e


def page(ctx: Ctx, template: str, status: int = 200, **kw: Any) -> HTMLResponse:
    html = (
        env()
        .get_template(template)
        .render(user=ctx.user, csrf=ctx.csrf, path=ctx.request.url.path, **kw)
    )
    return HTMLResponse(html, status_code=status)
