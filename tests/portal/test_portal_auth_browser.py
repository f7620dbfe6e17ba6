"""Sign-in flows in Debian's Chromium against uvicorn on 127.0.0.1: single sign-on
through a real OpenID Connect provider (also on 127.0.0.1), and a signatory who
enrols a second factor at first sign-in, signs a decision, signs out and comes
back with a code. Screenshots go to tests/artifacts/portal/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from auth_support import provider, write_config
from portal_support import ARTIFACTS, NEEDS_CHROMIUM, PASSWORD, Seed, chromium, seed, serve

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def live(workspace: Path) -> Iterator[tuple[str, str, Seed]]:
    s = seed(workspace)
    with provider() as issuer, serve(s.settings) as base:
        write_config(workspace, issuer, base)
        yield base, issuer, s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


class Person:
    """One browser context; records script dialogs and requests to anywhere but
    the portal and the identity provider."""

    def __init__(self, browser: Any, allowed: tuple[str, ...]) -> None:
        self.allowed = allowed
        self.ctx = browser.new_context(viewport={"width": 1100, "height": 850})
        self.page = self.ctx.new_page()
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.ctx.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.allowed):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert not self.dialogs, f"a script ran: {self.dialogs}"
        assert not self.outside, f"requests left the site: {self.outside}"
        self.ctx.close()


def test_single_sign_on_through_the_local_provider(
    live: tuple[str, str, Seed], browser: Any
) -> None:
    base, issuer, _s = live
    # The provider's pages load their stylesheet from a CDN: aborted, as all else is.
    person = Person(browser, (base, issuer))
    person.page.goto(base + "/login")
    person.shot("sso-01-login-page")
    person.page.click("text=Sign in with Test ID")
    person.page.wait_for_url(re.compile(re.escape(issuer) + "/oauth2/authorize"))
    person.shot("sso-02-provider")
    person.page.click("button[value=alice-sub]")
    person.page.wait_for_url(base + "/")
    assert "Welcome, Alice Author" in person.page.inner_text("body")
    assert "Larkspur AI" in person.page.inner_text("header")
    assert "Larkspur AI (AI developer)" in person.page.inner_text("main")
    person.shot("sso-03-signed-in")
    # A page that needs the session works: the Strict session cookie is sent now.
    person.page.goto(base + "/frameworks")
    assert person.page.url == base + "/frameworks"
    person.outside = [u for u in person.outside if not u.startswith("https://")]
    person.close()
    # A signatory through the provider lands on the enrolment of a second factor.
    person = Person(browser, (base, issuer))
    person.page.goto(base + "/login")
    person.page.click("text=Sign in with Test ID")
    person.page.click("button[value=sam-sub]")
    person.page.wait_for_url(base + "/login/enrol")
    assert person.page.inner_text("#totp-secret")
    person.shot("sso-04-signatory-enrols")
    person.outside = [u for u in person.outside if not u.startswith("https://")]
    person.close()


def test_signatory_enrols_signs_off_and_returns_with_a_code(
    live: tuple[str, str, Seed], browser: Any
) -> None:
    base, _issuer, s = live
    did = s.ids["decision"]
    person = Person(browser, (base,))
    page = person.page
    page.goto(base + "/login")
    page.fill("input[name=username]", "rso")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/login/enrol")
    person.shot("totp-01-enrol")
    secret = page.inner_text("#totp-secret").replace(" ", "")
    assert page.get_attribute("a[href^='otpauth://']", "href").startswith("otpauth://totp/")
    # Before the second factor there is no session: decisions send to the sign-in.
    other = person.ctx.new_page()
    other.goto(base + f"/decisions/{did}")
    assert other.url == base + "/login"
    other.close()
    when = time.time()
    page.fill("input[name=code]", pyotp.TOTP(secret).at(when))
    page.click("button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    person.shot("totp-02-recovery-codes")
    page.click("text=Continue")
    page.goto(base + f"/decisions/{did}")
    page.check("input[value=sign]")
    page.click("text=Sign as")
    page.wait_for_load_state()
    person.shot("totp-03-signed")
    page.click("text=Sign out")
    page.wait_for_url(base + "/login")
    page.fill("input[name=username]", "rso")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/login/second-factor")
    page.fill("input[name=code]", pyotp.TOTP(secret).at(when + 30))
    person.shot("totp-04-second-factor")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    assert "Riley RSO" in page.inner_text("header")
    person.close()
    from redline.ledger.signoff import decision_status
    from redline.ledger.store import open_ledger

    with open_ledger(s.settings.workspace) as lg:
        st = decision_status(lg, did)
    assert "rso" in {x.role for x in st.sign_offs} and "rso" not in st.missing_roles
