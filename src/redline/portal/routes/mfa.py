"""The second factor at sign-in (verification, or enrolment where it is required)
and on the account's own page (optional enrolment, new recovery codes)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from redline.portal import mfa, signin
from redline.portal.accounts import PortalError, User, needs_second_factor
from redline.portal.web import Ctx, CtxDep, allow, check_csrf, page

router = APIRouter()


def _pending(ctx: Ctx, purpose: str) -> tuple[User, str] | None:
    token = ctx.request.cookies.get(signin.PENDING_COOKIE)
    found = mfa.pending(ctx.portal, token)
    if found is None or found[1] != purpose or token is None:
        return None
    return found[0], token


def _again(ctx: Ctx, error: str) -> Response:
    resp = page(ctx, "login.html.j2", status=401, error=error, username="", providers=[])
    resp.delete_cookie(signin.PENDING_COOKIE, path="/")
    return resp


@router.get("/login/second-factor")
def second_factor_form(ctx: CtxDep) -> Response:
    found = _pending(ctx, "verify")
    if found is None:
        return RedirectResponse("/login", status_code=303)
    return page(ctx, "login_second_factor.html.j2", account=found[0], error=None)


@router.post("/login/second-factor")
async def second_factor(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    found = _pending(ctx, "verify")
    if found is None:
        return _again(ctx, "The sign-in expired; sign in again.")
    user, token = found
    code = str(form.get("code", ""))[:40]
    factor = await run_in_threadpool(mfa.verify, ctx.portal, user, code)
    if factor is None:
        if await run_in_threadpool(mfa.pending_failed, ctx.portal, token):
            return _again(ctx, "Too many wrong codes; sign in again.")
        return page(
            ctx,
            "login_second_factor.html.j2",
            status=401,
            account=user,
            error="That code is not right.",
        )
    await run_in_threadpool(mfa.end_pending, ctx.portal, token)
    resp = RedirectResponse("/", status_code=303)
    await signin.start_session(ctx, user, factor, resp)
    return resp


def _enrol_page(
    ctx: Ctx, user: User, secret: str, action: str, status: int = 200, error: str | None = None
) -> Response:
    return page(
        ctx,
        "mfa_enrol.html.j2",
        status=status,
        account=user,
        error=error,
        uri=mfa.otpauth_uri(secret, user),
        secret_grouped=mfa.grouped(secret),
        action=action,
        required=needs_second_factor(user),
    )


@router.get("/login/enrol")
async def enrol_form(ctx: CtxDep) -> Response:
    found = _pending(ctx, "enrol")
    if found is None:
        return RedirectResponse("/login", status_code=303)
    secret = await run_in_threadpool(mfa.start_enrolment, ctx.portal, found[0])
    return _enrol_page(ctx, found[0], secret, "/login/enrol")


@router.post("/login/enrol")
async def enrol(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    found = _pending(ctx, "enrol")
    if found is None:
        return _again(ctx, "The sign-in expired; sign in again.")
    user, token = found
    try:
        codes = await run_in_threadpool(
            mfa.confirm_enrolment, ctx.portal, user, str(form.get("code", ""))[:10]
        )
    except PortalError as exc:
        if await run_in_threadpool(mfa.pending_failed, ctx.portal, token):
            return _again(ctx, "Too many wrong codes; sign in again.")
        secret = await run_in_threadpool(mfa.start_enrolment, ctx.portal, user)
        return _enrol_page(ctx, user, secret, "/login/enrol", 400, str(exc))
    await run_in_threadpool(mfa.end_pending, ctx.portal, token)
    resp = page(ctx, "mfa_recovery.html.j2", codes=codes)
    await signin.start_session(ctx, user, "totp", resp)
    return resp


@router.get("/account/second-factor")
async def account(ctx: CtxDep) -> Response:
    user = allow(ctx, "admin", "author", "signatory", "reviewer")
    is_enrolled = await run_in_threadpool(mfa.enrolled, ctx.portal, user)
    left = await run_in_threadpool(mfa.recovery_codes_left, ctx.portal, user)
    return page(
        ctx,
        "mfa_account.html.j2",
        is_enrolled=is_enrolled,
        codes_left=left,
        required=needs_second_factor(user),
        error=None,
    )


@router.get("/account/second-factor/enrol")
async def account_enrol_form(ctx: CtxDep) -> Response:
    user = allow(ctx, "admin", "author", "signatory", "reviewer")
    secret = await run_in_threadpool(mfa.start_enrolment, ctx.portal, user)
    return _enrol_page(ctx, user, secret, "/account/second-factor/enrol")


@router.post("/account/second-factor/enrol")
async def account_enrol(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "admin", "author", "signatory", "reviewer")
    try:
        codes = await run_in_threadpool(
            mfa.confirm_enrolment, ctx.portal, user, str(form.get("code", ""))[:10]
        )
    except PortalError as exc:
        secret = await run_in_threadpool(mfa.start_enrolment, ctx.portal, user)
        return _enrol_page(ctx, user, secret, "/account/second-factor/enrol", 400, str(exc))
    assert ctx.session_token is not None
    await run_in_threadpool(mfa.record_session_factor, ctx.portal, ctx.session_token, "totp")
    return page(ctx, "mfa_recovery.html.j2", codes=codes)


@router.post("/account/recovery-codes")
async def recovery_codes(request: Request, ctx: CtxDep) -> Response:
    form = await check_csrf(request, ctx)
    user = allow(ctx, "admin", "author", "signatory", "reviewer")
    code = str(form.get("code", ""))[:10]
    # Only a code from the app (not a recovery code) makes new recovery codes.
    if (
        not code.strip().isdigit()
        or await run_in_threadpool(mfa.verify, ctx.portal, user, code) != "totp"
    ):
        left = await run_in_threadpool(mfa.recovery_codes_left, ctx.portal, user)
        return page(
            ctx,
            "mfa_account.html.j2",
            status=401,
            is_enrolled=True,
            codes_left=left,
            required=needs_second_factor(user),
            error="That code is not right.",
        )
    codes = await run_in_threadpool(mfa.new_recovery_codes, ctx.portal, user)
    return page(ctx, "mfa_recovery.html.j2", codes=codes)
