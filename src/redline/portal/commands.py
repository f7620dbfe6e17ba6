"""``redline serve`` and ``redline users add/list/disable/org-add/grant/reset-second-factor``."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from redline.ledger.errors import LedgerError


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _portal(insecure: bool = False) -> object:
    from redline.portal.service import Portal
    from redline.portal.settings import Settings

    try:
        return Portal(Settings(secure_cookies=not insecure))
    except LedgerError as exc:
        raise _fail(str(exc)) from None


def uvicorn_options(host: str, port: int, forwarded_allow_ips: str | None) -> dict[str, Any]:
    """How ``redline serve`` runs uvicorn. Proxy headers (X-Forwarded-For/-Proto) are
    believed only from the addresses in ``forwarded_allow_ips`` (comma-separated IPs
    or networks, or ``*``); without it, from no one."""
    opts: dict[str, Any] = {"host": host, "port": port, "log_level": "warning"}
    if forwarded_allow_ips:
        opts |= {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    else:
        opts |= {"proxy_headers": False}
    return opts


EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "frontier-framework.yaml"


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Portal accounts (administrators).", no_args_is_help=True)
    app.add_typer(users, name="users")

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        demo: Annotated[
            bool,
            typer.Option(
                help="Create an administrator (one-time password printed), an author, "
                "and load examples/frontier-framework.yaml."
            ),
        ] = False,
        insecure_dev_cookies: Annotated[
            bool,
            typer.Option(
                help="Send cookies without the Secure flag: only for plain http on "
                "127.0.0.1 during development (refused on other addresses)."
            ),
        ] = False,
        forwarded_allow_ips: Annotated[
            str | None,
            typer.Option(
                help="Addresses of the TLS proxy in front (comma-separated IPs or networks): "
                "X-Forwarded-For from them is the client address used for sign-in "
                "throttling. Unset: proxy headers are ignored."
            ),
        ] = None,
    ) -> None:
        """Run the review portal (SQLite in the workspace, or $REDLINE_DATABASE_URL).

        Behind a TLS-terminating proxy, leave cookies Secure (the default). Exit codes:
        0 stopped, 1 error."""
        import uvicorn

        from redline.portal.accounts import PortalError
        from redline.portal.app import create_app
        from redline.portal.service import Portal
        from redline.portal.settings import Settings

        if insecure_dev_cookies and host not in ("127.0.0.1", "localhost", "::1"):
            raise _fail("--insecure-dev-cookies is only for 127.0.0.1")
        settings = Settings(secure_cookies=not insecure_dev_cookies)
        if demo:
            try:
                p = Portal(settings)
                _demo(p)
                p.close()
            except (LedgerError, PortalError) as exc:
                raise _fail(str(exc)) from None
        try:
            application = create_app(settings)
        except LedgerError as exc:
            raise _fail(str(exc)) from None
        scheme = "http" if insecure_dev_cookies else "https (behind your TLS proxy)"
        typer.echo(f"redline portal on http://{host}:{port}/ ({scheme} cookies)", err=True)
        uvicorn.run(application, **uvicorn_options(host, port, forwarded_allow_ips))

    @users.command("add")
    def add(
        username: str,
        role: Annotated[str, typer.Option(help="admin, author, signatory or reviewer.")],
        name: Annotated[str | None, typer.Option(help="Display name.")] = None,
        organisation: Annotated[
            str | None,
            typer.Option(help="The organisation's id (`redline users org-add`): a lab for "
                         "authors and signatories, a reviewing body for reviewers."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Add an account; prints a one-time password (or reads one from stdin when piped)."""
        from redline.portal.accounts import PortalError
        from redline.portal.service import Portal

        password = sys.stdin.readline().strip() if not sys.stdin.isatty() else ""
        generated = not password
        password = password or secrets.token_urlsafe(18)
        p = _portal()
        assert isinstance(p, Portal)
        try:
            u = p.add_user(username, password, role, name, organisation=organisation)
        except (PortalError, LedgerError) as exc:
            raise _fail(str(exc)) from None
        finally:
            p.close()
        if as_json:
            typer.echo(json.dumps({"username": u.username, "role": u.role, "id": u.id,
                                   "password": password if generated else None}))  # fmt: skip
        else:
            typer.echo(f"added {u.username} ({u.role_words})")
            if generated:
                typer.echo(f"password: {password}")

    @users.command("list")
    def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """List accounts."""
        from redline.portal.service import Portal

        p = _portal()
        assert isinstance(p, Portal)
        try:
            rows = p.users()
            scopes: dict[int, list[dict[str, Any]]] = {}
            for sc in p.scopes():
                scopes.setdefault(int(str(sc["user_id"])), []).append(sc)
        finally:
            p.close()
        if as_json:
            typer.echo(json.dumps([{
                "username": u.username, "role": u.role, "name": u.display_name,
                "organisation": u.organisation, "org_kind": u.org_kind,
                "scopes": [{"framework": s["framework_id"], "kind": s["kind"], "role": s["role"]}
                           for s in scopes.get(u.id, [])],
                "disabled": u.disabled,
            } for u in rows], indent=2))  # fmt: skip
            return
        for u in rows:
            org = f"{u.organisation} ({u.org_words})" if u.organisation else ""
            held = ", ".join(f"{s['kind']}{' ' + s['role'] if s['role'] else ''}@"
                             f"{s['framework_id']}" for s in scopes.get(u.id, []))  # fmt: skip
            extra = f"{org} {held}".strip()
            state = "disabled" if u.disabled else "active"
            typer.echo(f"{u.username:20} {u.role:10} {state:9} {extra}")

    @users.command("disable")
    def disable(username: str) -> None:
        """Disable an account and end its sessions."""
        from redline.portal.accounts import PortalError
        from redline.portal.service import Portal

        p = _portal()
        assert isinstance(p, Portal)
        try:
            p.set_disabled(username, True)
        except PortalError as exc:
            raise _fail(str(exc)) from None
        finally:
            p.close()
        typer.echo(f"disabled {username}")


    @users.command("org-add")
    def org_add(
        slug: str,
        name: Annotated[str, typer.Option(help="The organisation's name.")],
        kind: Annotated[
            str, typer.Option(help="lab, government, aisi, regulator or third_party.")
        ],
    ) -> None:
        """Add an organisation: a lab (owns frameworks) or a reviewing body."""
        from redline.portal.accounts import PortalError
        from redline.portal.service import Portal

        p = _portal()
        assert isinstance(p, Portal)
        try:
            p.add_organisation(slug, name, kind)
        except (PortalError, LedgerError) as exc:
            raise _fail(str(exc)) from None
        finally:
            p.close()
        typer.echo(f"added organisation {slug}")

    @users.command("grant")
    def grant(
        username: str,
        framework: Annotated[str, typer.Argument(help="The framework id.")],
        scope: Annotated[str, typer.Option(help="author or signatory.")],
        role: Annotated[
            str | None, typer.Option(help="Signatory scopes: the framework's governance role.")
        ] = None,
    ) -> None:
        """Grant an account a scope on a framework (a signed ledger entry; a signatory
        scope also binds the account's key to ROLE@FRAMEWORK in the roster)."""
        from redline.portal.accounts import PortalError
        from redline.portal.service import Portal

        p = _portal()
        assert isinstance(p, Portal)
        try:
            u = p.user_by_name(username)
            if u is None:
                raise PortalError(f"no user {username!r}")
            p.grant_scope(None, u, framework, scope, role)
        except (PortalError, LedgerError) as exc:
            raise _fail(str(exc)) from None
        finally:
            p.close()
        typer.echo(f"granted {scope}{' ' + role if role else ''} on {framework} to {username}")


    @users.command("reset-second-factor")
    def reset_second_factor(username: str) -> None:
        """Remove an account's second factor and recovery codes and end its sessions (a
        signed ledger entry); if it needs one, it enrols again at its next sign-in."""
        from redline.portal import mfa
        from redline.portal.accounts import PortalError
        from redline.portal.service import Portal

        p = _portal()
        assert isinstance(p, Portal)
        try:
            u = p.user_by_name(username)
            if u is None:
                raise PortalError(f"no user {username!r}")
            mfa.reset(p, u)
        except (PortalError, LedgerError) as exc:
            raise _fail(str(exc)) from None
        finally:
            p.close()
        typer.echo(f"reset the second factor of {username}; it enrols again at its next sign-in")


def _demo(p: object) -> None:
    from redline.portal.service import Portal

    assert isinstance(p, Portal)
    if p.user_by_name("admin") is None:
        pw = secrets.token_urlsafe(18)
        p.add_user("admin", pw, "admin", "Demo administrator")
        typer.echo(f"demo administrator: admin / {pw}  (shown once)", err=True)
    if p.organisation("demo-lab") is None:
        p.add_organisation("demo-lab", "Demo lab", "lab")
    if p.user_by_name("author") is None:
        pw = secrets.token_urlsafe(18)
        author = p.add_user("author", pw, "author", "Demo framework author",
                            organisation="demo-lab")
        typer.echo(f"demo author: author / {pw}  (shown once)", err=True)
        if EXAMPLE.is_file():
            vid, _ = p.upload_version(author, EXAMPLE.read_text(encoding="utf-8"))
            typer.echo(f"loaded {EXAMPLE.name} as version {vid}", err=True)
